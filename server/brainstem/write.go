package brainstem

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"time"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// The generic write path of every BrainSTEM model: a generated request body
// is decoded against the model's descriptor (bsdb.ModelNamed) into a
// bsdb.Change, written by bsdb.CreateRecord / UpdateBSRecord /
// DeleteBSRecord (which check references, uniqueness, the write scope and
// the model's hooks), and the record is read back as the caller sees it.
// A model's strict handlers are one call each:
//
//	func (h *Handlers) CreateThing(ctx context.Context, req brainstemapi.CreateThingRequestObject) (brainstemapi.CreateThingResponseObject, error) {
//		return createRecord(ctx, h, "thing", req.Body, h.db.GetThing)
//	}
//
// and likewise replaceRecord (PUT), updateRecord (PATCH) and deleteRecord.

// getFunc reads one record of a model as a viewer sees it (the store's
// GetBS… functions).
type getFunc[T any] func(context.Context, bsdb.Viewer, string) (*T, error)

// createRecord creates a record of model from body (the generated POST
// body; absent optional fields get their defaults) and answers 201 with it.
func createRecord[T any](ctx context.Context, h *Handlers, model string, body any, get getFunc[T]) (response, error) {
	ch, err := decodeBody(model, body, true)
	if err != nil {
		return response{}, err
	}
	r := requestFrom(ctx)
	id, err := h.db.CreateRecord(ctx, r.userID(), model, ch)
	if err != nil {
		return response{}, err
	}
	return savedRecord(ctx, http.StatusCreated, model, id, get)
}

// replaceRecord replaces record id of model with body (PUT: a full write;
// absent optional fields get their defaults) and answers 200 with it.
func replaceRecord[T any](ctx context.Context, h *Handlers, model, id string, body any, get getFunc[T]) (response, error) {
	return changeRecord(ctx, h, model, id, body, true, get)
}

// updateRecord changes the fields body sends (PATCH) and answers 200.
func updateRecord[T any](ctx context.Context, h *Handlers, model, id string, body any, get getFunc[T]) (response, error) {
	return changeRecord(ctx, h, model, id, body, false, get)
}

func changeRecord[T any](ctx context.Context, h *Handlers, model, id string, body any, full bool, get getFunc[T]) (response, error) {
	ch, err := decodeBody(model, body, full)
	if err != nil {
		return response{}, err
	}
	if err := h.db.UpdateRecord(ctx, requestFrom(ctx).userID(), model, id, ch); err != nil {
		return response{}, err
	}
	return savedRecord(ctx, http.StatusOK, model, id, get)
}

// changeSession is changeRecord for a session. A change of its own fields
// reads the session back in its own transaction (bsdb.Store.UpdateSession).
// Without a query, the answer is the caller's GET of the session, and it
// is kept in the read cache for that GET (cacheReads, readTag): an
// edit's next read hits.
func changeSession(ctx context.Context, h *Handlers, id string, body any, full bool) (response, error) {
	ch, err := decodeBody("session", body, full)
	if err != nil {
		return response{}, err
	}
	r := requestFrom(ctx)
	var answer *store.WriteAnswer
	if r.refresh != nil {
		ctx, answer = store.WithWriteAnswer(ctx)
	}
	rec, err := h.db.UpdateSession(ctx, r.userID(), id, ch, r.viewer())
	if err != nil {
		return response{}, err
	}
	if rec != nil {
		res := response{status: http.StatusOK, body: detail("session", rec, r)}
		if r.refresh == nil {
			return res, nil
		}
		kept, err := appendValue(make([]byte, 0, 1024), res.body)
		if err != nil {
			return response{}, err
		}
		h.st.KeepWritten(answer, r.refresh.key, r.refresh.tag, keptForm(kept, true))
		return ok(encoded(kept)), nil
	}
	if r.refresh == nil {
		return savedRecord(ctx, http.StatusOK, "session", id, h.db.GetSession)
	}
	// Read once the write has committed (a change of its relations).
	kept, err := h.st.RefreshTagged(r.refresh.key, r.refresh.tag, func() ([]byte, error) {
		res, err := savedRecord(ctx, http.StatusOK, "session", id, h.db.GetSession)
		if err != nil {
			return nil, err
		}
		body, err := appendValue(make([]byte, 0, 1024), res.body)
		if err != nil {
			return nil, err
		}
		return keptForm(body, true), nil
	})
	if err != nil {
		return response{}, err
	}
	_, got := keptBody(kept)
	return ok(encoded(got)), nil
}

// deleteRecord deletes record id of model for the caller.
func deleteRecord(ctx context.Context, h *Handlers, model, id string) error {
	return h.db.DeleteRecord(ctx, requestFrom(ctx).userID(), model, id)
}

// savedRecord answers a written record as the caller now sees it.
func savedRecord[T any](ctx context.Context, status int, model, id string, get getFunc[T]) (response, error) {
	r := requestFrom(ctx)
	rec, err := get(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	return response{status: status, body: detail(model, rec, r)}, nil
}

// fieldDecoders decode the fields whose wire value needs more than its
// kind, by "model.field": they return the value for BSChange.Set, or store
// it in ch themselves and return skip.
var fieldDecoders = map[string]func(raw json.RawMessage, ch *bsdb.Change) (any, error){
	"project.users":              decodeMemberChanges,
	"datastorage.data_protocols": decodeDataProtocols,
}

// skip is a fieldDecoders answer: nothing for BSChange.Set.
var skip = new(struct{})

// decodeBody decodes a generated request body of model against its
// descriptor: the writable fields present in the body, by kind. full
// (POST, PUT) asks the store for a full write. The body was validated
// against the spec; what the spec cannot say (extra_fields keys, a null
// for a field that may not be null) is a 400 here.
func decodeBody(model string, body any, full bool) (bsdb.Change, error) {
	ch := bsdb.Change{Set: map[string]any{}, Extra: map[string]any{}, Full: full}
	raw, err := json.Marshal(body)
	if err != nil {
		return ch, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return ch, err
	}
	m := bsdb.ModelNamed(model)
	for i := range m.Fields {
		f := &m.Fields[i]
		val, ok := fields[f.Name]
		if !ok || f.ReadOnly {
			continue
		}
		if dec := fieldDecoders[model+"."+f.Name]; dec != nil {
			v, err := dec(val, &ch)
			if err != nil {
				return ch, err
			}
			if v != skip {
				ch.Set[f.Name] = v
			}
			continue
		}
		switch f.Kind {
		case bsdb.Empty, bsdb.Links, bsdb.Computed:
			continue
		}
		if bytes.Equal(bytes.TrimSpace(val), []byte("null")) {
			if !f.Nullable {
				return ch, store.Invalid(f.Name, "This field may not be null.")
			}
			ch.Set[f.Name] = nil
			continue
		}
		v, err := decodeValue(f, val)
		if err != nil {
			return ch, err
		}
		ch.Set[f.Name] = v
	}
	return ch, nil
}

// decodeValue decodes one non-null value of f into its store type.
func decodeValue(f *bsdb.Field, val json.RawMessage) (any, error) {
	bad := func(err error) error { return fmt.Errorf("brainstem: decoding %s: %w", f.Name, err) }
	switch f.Kind {
	case bsdb.Int:
		var n int64
		if err := json.Unmarshal(val, &n); err != nil {
			return nil, bad(err)
		}
		return n, nil
	case bsdb.Bool:
		var b bool
		if err := json.Unmarshal(val, &b); err != nil {
			return nil, bad(err)
		}
		return b, nil
	case bsdb.DateTime:
		var t time.Time
		if err := json.Unmarshal(val, &t); err != nil {
			return nil, bad(err)
		}
		return t.UTC(), nil
	case bsdb.JSON:
		var m map[string]any
		if err := json.Unmarshal(val, &m); err != nil {
			return nil, bad(err)
		}
		if f.Name == "extra_fields" {
			return extraFieldsText(m)
		}
		return jsonText(m), nil
	case bsdb.JSONList, bsdb.TextList, bsdb.UUIDList:
		var l []any
		if err := json.Unmarshal(val, &l); err != nil {
			return nil, bad(err)
		}
		return jsonText(l), nil
	case bsdb.ToMany:
		var ids []string
		if err := json.Unmarshal(val, &ids); err != nil {
			return nil, bad(err)
		}
		return ids, nil
	}
	var s string // text, UUID, date, to-one id
	if err := json.Unmarshal(val, &s); err != nil {
		return nil, bad(err)
	}
	return s, nil
}

var extraFieldKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// extraFieldsText checks the keys of extra_fields (the spec checks the
// values) and returns it as JSON text.
func extraFieldsText(m map[string]any) (string, error) {
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
		return "", &store.ValidationError{Fields: map[string][]string{"extra_fields": errs}}
	}
	return jsonText(m), nil
}

// jsonText is v as JSON text for a JSON column (HTML characters unescaped,
// map keys sorted).
func jsonText(v any) string {
	b, err := marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// dataProtocol is a data protocol as stored and returned (is_public false
// when absent).
type dataProtocol struct {
	Protocol string `json:"protocol"`
	Path     string `json:"path"`
	IsPublic bool   `json:"is_public"`
}

func decodeDataProtocols(raw json.RawMessage, _ *bsdb.Change) (any, error) {
	var ps []brainstemapi.DataProtocol
	if err := json.Unmarshal(raw, &ps); err != nil {
		return nil, err
	}
	out := make([]dataProtocol, len(ps))
	for i, p := range ps {
		out[i] = dataProtocol{Protocol: p.Protocol, Path: p.Path, IsPublic: p.IsPublic != nil && *p.IsPublic}
	}
	return jsonText(out), nil
}

// decodeMemberChanges reads a project's users (e-mail → role change) into
// ch.Extra["users"], sorted by e-mail.
func decodeMemberChanges(raw json.RawMessage, ch *bsdb.Change) (any, error) {
	var users map[string]brainstemapi.ProjectRoleChange
	if err := json.Unmarshal(raw, &users); err != nil {
		return nil, err
	}
	emails := make([]string, 0, len(users))
	for email := range users {
		emails = append(emails, email)
	}
	sort.Strings(emails)
	changes := make([]bsdb.MemberChange, 0, len(emails))
	for _, email := range emails {
		c := users[email]
		changes = append(changes, bsdb.MemberChange{
			Email: email, CanChange: isTrue(c.CanChange), IsManager: isTrue(c.IsManager),
			IsOwner: isTrue(c.IsOwner), Remove: isTrue(c.Remove),
		})
	}
	ch.Extra["users"] = changes
	return skip, nil
}

func isTrue(b *bool) bool { return b != nil && *b }
