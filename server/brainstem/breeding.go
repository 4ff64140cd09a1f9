package brainstem

import (
	"context"
	"net/http"
	"slices"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// breedingObject renders a breeding; a parent the caller may not see is null.
func breedingObject(b store.BSBreedingRecord, e embeds) object {
	parent := func(name, id string) any {
		if id == "" {
			return nil
		}
		return e.one(name, id)
	}
	var litter any
	if b.LitterSize != nil {
		litter = *b.LitterSize
	}
	return object{
		{"id", b.ID},
		{"name", b.Name},
		{"project", e.one("project", b.ProjectID)},
		{"mother", parent("mother", b.MotherID)},
		{"father", parent("father", b.FatherID)},
		{"description", b.Description},
		{"tags", rawJSON(b.Tags, "[]")},
		{"birth_date", nullableText(b.BirthDate)},
		{"start_date", nullableText(b.StartDate)},
		{"end_date", nullableText(b.EndDate)},
		{"weaning_date", nullableText(b.WeaningDate)},
		{"litter_size", litter},
		{"expected_genotype", b.ExpectedGenotype},
	}
}

func (h *Handlers) breedingObjects(ctx context.Context, r *request, recs []store.BSBreedingRecord, q *store.BSQuery) ([]object, error) {
	e := embeds{}
	if slices.Contains(q.Include, "project") {
		ids := make([]string, len(recs))
		for i, b := range recs {
			ids[i] = b.ProjectID
		}
		m, err := h.embedProjects(ctx, r, ids)
		if err != nil {
			return nil, err
		}
		e["project"] = m
	}
	for _, rel := range []string{"mother", "father"} {
		if !slices.Contains(q.Include, rel) {
			continue
		}
		var ids []string
		for _, b := range recs {
			id := b.MotherID
			if rel == "father" {
				id = b.FatherID
			}
			if id != "" {
				ids = append(ids, id)
			}
		}
		m, err := h.embedSubjects(ctx, r, ids)
		if err != nil {
			return nil, err
		}
		e[rel] = m
	}
	out := make([]object, len(recs))
	for i, b := range recs {
		out[i] = breedingObject(b, e).without(q.Exclude, q.Include)
	}
	return out, nil
}

func (h *Handlers) embedBreedings(ctx context.Context, r *request, ids []string) (map[string]object, error) {
	bs, err := h.st.BSBreedingsByID(ctx, r.viewer(), dedupe(ids))
	return indexObjects(bs, err, func(b store.BSBreedingRecord) (string, object) { return b.ID, breedingObject(b, nil) })
}

// breedingFields are the writable breeding fields of both body types.
type breedingFields struct {
	Name, Description, ExpectedGenotype        *string
	Project, Mother, Father                    *openapi_types.UUID
	Tags                                       *[]string
	BirthDate, StartDate, EndDate, WeaningDate nullable.Nullable[openapi_types.Date]
	LitterSize                                 nullable.Nullable[int32]
}

func breedingInput(f breedingFields, full bool) store.BSBreedingInput {
	in := store.BSBreedingInput{Name: f.Name, Description: f.Description, ExpectedGenotype: f.ExpectedGenotype}
	str := func(u *openapi_types.UUID) *string {
		if u == nil {
			return nil
		}
		s := u.String()
		return &s
	}
	in.Project, in.Mother, in.Father = str(f.Project), str(f.Mother), str(f.Father)
	if f.Tags != nil {
		in.Tags = jsonText(*f.Tags)
	}
	in.SetBirthDate, in.BirthDate = nullableDate(f.BirthDate)
	in.SetStartDate, in.StartDate = nullableDate(f.StartDate)
	in.SetEndDate, in.EndDate = nullableDate(f.EndDate)
	in.SetWeaningDate, in.WeaningDate = nullableDate(f.WeaningDate)
	if f.LitterSize.IsSpecified() {
		in.SetLitterSize = true
		if n, err := f.LitterSize.Get(); err == nil {
			v := int64(n)
			in.LitterSize = &v
		}
	}
	if full {
		empty := ""
		for _, p := range []**string{&in.Description, &in.ExpectedGenotype} {
			if *p == nil {
				*p = &empty
			}
		}
		if in.Tags == nil {
			in.Tags = jsonText([]string{})
		}
		in.SetBirthDate, in.SetStartDate, in.SetEndDate, in.SetWeaningDate, in.SetLitterSize = true, true, true, true, true
	}
	return in
}

func breedingCreateFields(b *brainstemapi.BreedingCreate) breedingFields {
	return breedingFields{Name: &b.Name, Description: b.Description, ExpectedGenotype: b.ExpectedGenotype,
		Project: &b.Project, Mother: &b.Mother, Father: &b.Father, Tags: b.Tags, BirthDate: b.BirthDate,
		StartDate: b.StartDate, EndDate: b.EndDate, WeaningDate: b.WeaningDate, LitterSize: b.LitterSize}
}

func (h *Handlers) breedingSaved(status int, rec *store.BSBreedingRecord, err error) (response, error) {
	if err != nil {
		return response{}, err
	}
	return response{status: status, body: object{{"breeding", breedingObject(*rec, nil)}}}, nil
}

func (h *Handlers) listBreedings(ctx context.Context) (response, error) {
	return listRecords(ctx, "breeding", "breedings", h.st.ListBSBreedings, h.breedingObjects)
}

func (h *Handlers) getBreeding(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, "breeding", id, h.st.GetBSBreeding, h.breedingObjects)
}

// ListBreedings lists the breedings of the caller's projects.
func (h *Handlers) ListBreedings(ctx context.Context, _ brainstemapi.ListBreedingsRequestObject) (brainstemapi.ListBreedingsResponseObject, error) {
	return h.listBreedings(ctx)
}

// PublicListBreedings lists the breedings of public projects.
func (h *Handlers) PublicListBreedings(ctx context.Context, _ brainstemapi.PublicListBreedingsRequestObject) (brainstemapi.PublicListBreedingsResponseObject, error) {
	return h.listBreedings(ctx)
}

// GetBreeding returns one breeding of the caller's projects.
func (h *Handlers) GetBreeding(ctx context.Context, req brainstemapi.GetBreedingRequestObject) (brainstemapi.GetBreedingResponseObject, error) {
	return h.getBreeding(ctx, req.Id.String())
}

// PublicGetBreeding returns one breeding of a public project.
func (h *Handlers) PublicGetBreeding(ctx context.Context, req brainstemapi.PublicGetBreedingRequestObject) (brainstemapi.PublicGetBreedingResponseObject, error) {
	return h.getBreeding(ctx, req.Id.String())
}

// CreateBreeding creates a breeding (201).
func (h *Handlers) CreateBreeding(ctx context.Context, req brainstemapi.CreateBreedingRequestObject) (brainstemapi.CreateBreedingResponseObject, error) {
	rec, err := h.st.SaveBSBreeding(ctx, requestFrom(ctx).userID(), "", breedingInput(breedingCreateFields(req.Body), true))
	return h.breedingSaved(http.StatusCreated, rec, err)
}

// ReplaceBreeding replaces a breeding's writable fields (PUT).
func (h *Handlers) ReplaceBreeding(ctx context.Context, req brainstemapi.ReplaceBreedingRequestObject) (brainstemapi.ReplaceBreedingResponseObject, error) {
	rec, err := h.st.SaveBSBreeding(ctx, requestFrom(ctx).userID(), req.Id.String(), breedingInput(breedingCreateFields(req.Body), true))
	return h.breedingSaved(http.StatusOK, rec, err)
}

// UpdateBreeding changes the fields sent (PATCH).
func (h *Handlers) UpdateBreeding(ctx context.Context, req brainstemapi.UpdateBreedingRequestObject) (brainstemapi.UpdateBreedingResponseObject, error) {
	b := req.Body
	in := breedingInput(breedingFields{Name: b.Name, Description: b.Description, ExpectedGenotype: b.ExpectedGenotype,
		Project: b.Project, Mother: b.Mother, Father: b.Father, Tags: b.Tags, BirthDate: b.BirthDate,
		StartDate: b.StartDate, EndDate: b.EndDate, WeaningDate: b.WeaningDate, LitterSize: b.LitterSize}, false)
	rec, err := h.st.SaveBSBreeding(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return h.breedingSaved(http.StatusOK, rec, err)
}

// DeleteBreeding deletes a breeding (204); its offspring lose their breeding.
func (h *Handlers) DeleteBreeding(ctx context.Context, req brainstemapi.DeleteBreedingRequestObject) (brainstemapi.DeleteBreedingResponseObject, error) {
	if err := h.st.DeleteBSBreeding(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBreeding204Response{}, nil
}
