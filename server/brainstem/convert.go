package brainstem

import (
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// Conversions of request bodies to store inputs, and the value formats the
// renderer (records.go) shares.

// embeds holds, per relation name, the embedded objects by id
// (include[]=rel.*). A relation without an entry is rendered as ids.
type embeds map[string]map[string]object

// relation renders a relation: its ids, or the visible embedded objects.
func (e embeds) relation(name string, ids []string) any {
	objs, ok := e[name]
	if !ok {
		if ids == nil {
			return []string{}
		}
		return ids
	}
	out := make([]object, 0, len(ids))
	for _, id := range ids {
		if o, ok := objs[id]; ok {
			out = append(out, o)
		}
	}
	return out
}

// one renders a to-one relation: the id, or the embedded object.
func (e embeds) one(name, id string) any {
	if objs, ok := e[name]; ok {
		if o, ok := objs[id]; ok {
			return o
		}
	}
	return id
}

var emptyList = []string{}

// formatDateTime writes a time as DRF does: UTC with a Z, microseconds when non-zero.
func formatDateTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
}

// wantLinks is false when the request asked for ?exclude_links.
func wantLinks(r *request) bool {
	_, no := r.query["exclude_links"]
	return !no
}

// ---- request bodies → store inputs ----

var extraFieldKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// extraFieldsText checks the keys of extra_fields (the spec checks the
// values) and returns it as JSON text.
func extraFieldsText(m map[string]any) (*string, error) {
	if m == nil {
		m = map[string]any{}
	}
	var bad []string
	for k := range m {
		if !extraFieldKey.MatchString(k) {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		errs := make([]string, len(bad))
		for i, k := range bad {
			errs[i] = fmt.Sprintf("Invalid key %q: keys must start with a letter and contain only letters, digits and underscores.", k)
		}
		return nil, &store.ValidationError{Fields: map[string][]string{"extra_fields": errs}}
	}
	return jsonText(m), nil
}

func jsonText(v any) *string {
	b, err := marshal(v)
	if err != nil {
		s := "null"
		return &s
	}
	s := string(b)
	return &s
}

func uuidStrings(ids []openapi_types.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// downloadLink is a download link as stored and returned.
type downloadLink struct {
	Repository string `json:"repository"`
	URL        string `json:"url"`
}

func downloadLinksText(links []brainstemapi.DownloadLink) *string {
	out := make([]downloadLink, len(links))
	for i, l := range links {
		out[i] = downloadLink{Repository: string(l.Repository), URL: l.Url}
	}
	return jsonText(out)
}

// dataProtocol is a data protocol as stored and returned.
type dataProtocol struct {
	Protocol string `json:"protocol"`
	Path     string `json:"path"`
	IsPublic bool   `json:"is_public"`
}

func dataProtocolsText(ps []brainstemapi.DataProtocol) *string {
	out := make([]dataProtocol, len(ps))
	for i, p := range ps {
		out[i] = dataProtocol{Protocol: p.Protocol, Path: p.Path, IsPublic: p.IsPublic != nil && *p.IsPublic}
	}
	return jsonText(out)
}

func dateTimeInput(in *store.BSSessionInput, v nullable.Nullable[time.Time]) {
	if !v.IsSpecified() {
		return
	}
	in.SetDateTime = true
	if v.IsNull() {
		return
	}
	t, _ := v.Get()
	t = t.UTC()
	in.DateTime = &t
}

// sessionCreateInput converts a POST/PUT body; absent optional fields get
// their defaults (a PUT is a full replace).
func sessionCreateInput(b *brainstemapi.SessionCreate) (store.BSSessionInput, error) {
	empty := ""
	in := store.BSSessionInput{Name: &b.Name, Description: &empty, SetDateTime: true,
		Projects: uuidStrings(b.Projects), DataStorage: []string{}}
	if b.Description != nil {
		in.Description = b.Description
	}
	dateTimeInput(&in, b.DateTime)
	if b.Datastorage != nil {
		in.DataStorage = uuidStrings(*b.Datastorage)
	}
	var extra map[string]any
	if b.ExtraFields != nil {
		extra = *b.ExtraFields
	}
	var err error
	if in.ExtraFields, err = extraFieldsText(extra); err != nil {
		return in, err
	}
	links := []brainstemapi.DownloadLink{}
	if b.DownloadLinks != nil {
		links = *b.DownloadLinks
	}
	in.DownloadLinks = downloadLinksText(links)
	tags := []string{}
	if b.Tags != nil {
		tags = *b.Tags
	}
	in.Tags = jsonText(tags)
	return in, nil
}

// sessionPatchInput converts a PATCH body: only the fields sent change.
func sessionPatchInput(b *brainstemapi.SessionPatch) (store.BSSessionInput, error) {
	in := store.BSSessionInput{Name: b.Name, Description: b.Description}
	dateTimeInput(&in, b.DateTime)
	if b.Projects != nil {
		in.Projects = uuidStrings(*b.Projects)
	}
	if b.Datastorage != nil {
		in.DataStorage = uuidStrings(*b.Datastorage)
	}
	if b.ExtraFields != nil {
		var err error
		if in.ExtraFields, err = extraFieldsText(*b.ExtraFields); err != nil {
			return in, err
		}
	}
	if b.DownloadLinks != nil {
		in.DownloadLinks = downloadLinksText(*b.DownloadLinks)
	}
	if b.Tags != nil {
		in.Tags = jsonText(*b.Tags)
	}
	return in, nil
}

// projectFields are the writable project fields shared by both body types.
type projectFields struct {
	Name         *string
	Description  *string
	Publications *[]openapi_types.UUID
	ExtraFields  *map[string]any
	IsPublic     *bool
	Tags         *[]string
	Users        *map[string]brainstemapi.ProjectRoleChange
}

// projectInput converts a project body; full gives absent fields their
// defaults (POST, PUT).
func projectInput(f projectFields, full bool) (store.BSProjectInput, error) {
	in := store.BSProjectInput{Name: f.Name, Description: f.Description, IsPublic: f.IsPublic}
	if full {
		// is_public is owner-only: a PUT without it leaves it as it is.
		empty := ""
		if in.Description == nil {
			in.Description = &empty
		}
		if f.Publications == nil {
			f.Publications = &[]openapi_types.UUID{}
		}
		if f.ExtraFields == nil {
			f.ExtraFields = &map[string]any{}
		}
		if f.Tags == nil {
			f.Tags = &[]string{}
		}
	}
	if f.Publications != nil {
		in.Publications = jsonText(uuidStrings(*f.Publications))
	}
	if f.ExtraFields != nil {
		var err error
		if in.ExtraFields, err = extraFieldsText(*f.ExtraFields); err != nil {
			return in, err
		}
	}
	if f.Tags != nil {
		in.Tags = jsonText(*f.Tags)
	}
	if f.Users != nil {
		emails := make([]string, 0, len(*f.Users))
		for email := range *f.Users {
			emails = append(emails, email)
		}
		sort.Strings(emails)
		for _, email := range emails {
			c := (*f.Users)[email]
			in.Members = append(in.Members, store.BSMemberChange{
				Email: email, CanChange: isTrue(c.CanChange), IsManager: isTrue(c.IsManager),
				IsOwner: isTrue(c.IsOwner), Remove: isTrue(c.Remove),
			})
		}
	}
	return in, nil
}

func isTrue(b *bool) bool { return b != nil && *b }

// dataStorageFields are the writable data storage fields of both body types.
type dataStorageFields struct {
	Name             *string
	Location         *string
	Description      *string
	IsPublic         *bool
	DataOrganization *[]map[string]any
	DataProtocols    *[]brainstemapi.DataProtocol
}

func dataStorageInput(f dataStorageFields, full bool) store.BSDataStorageInput {
	in := store.BSDataStorageInput{Name: f.Name, Location: f.Location, Description: f.Description, IsPublic: f.IsPublic}
	if full {
		empty, no := "", false
		if in.Location == nil {
			in.Location = &empty
		}
		if in.Description == nil {
			in.Description = &empty
		}
		if in.IsPublic == nil {
			in.IsPublic = &no
		}
		if f.DataOrganization == nil {
			f.DataOrganization = &[]map[string]any{}
		}
		if f.DataProtocols == nil {
			f.DataProtocols = &[]brainstemapi.DataProtocol{}
		}
	}
	if f.DataOrganization != nil {
		in.DataOrganization = jsonText(*f.DataOrganization)
	}
	if f.DataProtocols != nil {
		in.DataProtocols = dataProtocolsText(*f.DataProtocols)
	}
	return in
}
