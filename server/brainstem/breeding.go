package brainstem

import (
	"context"
	"net/http"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

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

func (h *Handlers) breedingSaved(ctx context.Context, status int, rec *store.BSBreedingRecord, err error) (response, error) {
	if err != nil {
		return response{}, err
	}
	return response{status: status, body: detail("breeding", rec, requestFrom(ctx))}, nil
}

func (h *Handlers) listBreedings(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "breeding", "breedings", h.st.ListBSBreedings)
}

func (h *Handlers) getBreeding(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "breeding", id, h.st.GetBSBreeding)
}

// ListBreedings lists the breedings of the caller's projects.
func (h *Handlers) ListBreedings(ctx context.Context, req brainstemapi.ListBreedingsRequestObject) (brainstemapi.ListBreedingsResponseObject, error) {
	return h.listBreedings(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListBreedings lists the breedings of public projects.
func (h *Handlers) PublicListBreedings(ctx context.Context, req brainstemapi.PublicListBreedingsRequestObject) (brainstemapi.PublicListBreedingsResponseObject, error) {
	return h.listBreedings(ctx, pageOf(req.Params.Limit, req.Params.Offset))
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
	return h.breedingSaved(ctx, http.StatusCreated, rec, err)
}

// ReplaceBreeding replaces a breeding's writable fields (PUT).
func (h *Handlers) ReplaceBreeding(ctx context.Context, req brainstemapi.ReplaceBreedingRequestObject) (brainstemapi.ReplaceBreedingResponseObject, error) {
	rec, err := h.st.SaveBSBreeding(ctx, requestFrom(ctx).userID(), req.Id.String(), breedingInput(breedingCreateFields(req.Body), true))
	return h.breedingSaved(ctx, http.StatusOK, rec, err)
}

// UpdateBreeding changes the fields sent (PATCH).
func (h *Handlers) UpdateBreeding(ctx context.Context, req brainstemapi.UpdateBreedingRequestObject) (brainstemapi.UpdateBreedingResponseObject, error) {
	b := req.Body
	in := breedingInput(breedingFields{Name: b.Name, Description: b.Description, ExpectedGenotype: b.ExpectedGenotype,
		Project: b.Project, Mother: b.Mother, Father: b.Father, Tags: b.Tags, BirthDate: b.BirthDate,
		StartDate: b.StartDate, EndDate: b.EndDate, WeaningDate: b.WeaningDate, LitterSize: b.LitterSize}, false)
	rec, err := h.st.SaveBSBreeding(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return h.breedingSaved(ctx, http.StatusOK, rec, err)
}

// DeleteBreeding deletes a breeding (204); its offspring lose their breeding.
func (h *Handlers) DeleteBreeding(ctx context.Context, req brainstemapi.DeleteBreedingRequestObject) (brainstemapi.DeleteBreedingResponseObject, error) {
	if err := h.st.DeleteBSBreeding(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBreeding204Response{}, nil
}
