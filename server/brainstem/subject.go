package brainstem

import (
	"context"
	"net/http"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// subjectFields are the writable subject fields of both body types.
type subjectFields struct {
	Name, Description, Sex                   *string
	GeneticLine, Genotype, SubjectIdentifier *string
	Status                                   *string
	Projects                                 *[]openapi_types.UUID
	Licenses                                 *[]openapi_types.UUID
	Strain                                   *openapi_types.UUID
	Supplier, Breeding                       nullable.Nullable[openapi_types.UUID]
	BirthDate, DeathDate                     nullable.Nullable[openapi_types.Date]
	ExtraFields                              *map[string]any
	Tags                                     *[]string
	NameUsedInStorage                        nullable.Nullable[string]
}

// subjectInput converts a subject body; full (POST, PUT) gives absent
// optional fields their defaults.
func subjectInput(f subjectFields, full bool) (store.BSSubjectInput, error) {
	in := store.BSSubjectInput{Name: f.Name, Description: f.Description, Sex: f.Sex, GeneticLine: f.GeneticLine,
		Genotype: f.Genotype, SubjectIdentifier: f.SubjectIdentifier, Status: f.Status}
	if f.Projects != nil {
		in.Projects = uuidStrings(*f.Projects)
	}
	if f.Licenses != nil {
		in.Licenses = uuidStrings(*f.Licenses)
	}
	if f.Strain != nil {
		id := f.Strain.String()
		in.Strain = &id
	}
	in.SetSupplier, in.Supplier = nullableUUID(f.Supplier)
	in.SetBreeding, in.Breeding = nullableUUID(f.Breeding)
	in.SetBirthDate, in.BirthDate = nullableDate(f.BirthDate)
	in.SetDeathDate, in.DeathDate = nullableDate(f.DeathDate)
	if f.NameUsedInStorage.IsSpecified() {
		in.SetNameUsedInStorage = true
		if v, err := f.NameUsedInStorage.Get(); err == nil {
			in.NameUsedInStorage = &v
		}
	}
	if f.ExtraFields != nil || full {
		var extra map[string]any
		if f.ExtraFields != nil {
			extra = *f.ExtraFields
		}
		var err error
		if in.ExtraFields, err = extraFieldsText(extra); err != nil {
			return in, err
		}
	}
	if f.Tags != nil {
		in.Tags = jsonText(*f.Tags)
	}
	if full {
		empty, active := "", "active"
		for _, p := range []**string{&in.Description, &in.GeneticLine, &in.Genotype, &in.SubjectIdentifier} {
			if *p == nil {
				*p = &empty
			}
		}
		if in.Status == nil {
			in.Status = &active
		}
		if in.Tags == nil {
			in.Tags = jsonText([]string{})
		}
		if in.Licenses == nil {
			in.Licenses = []string{}
		}
		in.SetSupplier, in.SetBreeding, in.SetBirthDate, in.SetDeathDate, in.SetNameUsedInStorage = true, true, true, true, true
	}
	return in, nil
}

func nullableUUID(v nullable.Nullable[openapi_types.UUID]) (bool, *string) {
	if !v.IsSpecified() {
		return false, nil
	}
	id, err := v.Get()
	if err != nil {
		return true, nil
	}
	s := id.String()
	return true, &s
}

func nullableDate(v nullable.Nullable[openapi_types.Date]) (bool, *string) {
	if !v.IsSpecified() {
		return false, nil
	}
	d, err := v.Get()
	if err != nil {
		return true, nil
	}
	s := d.Format(openapi_types.DateFormat)
	return true, &s
}

func subjectCreateFields(b *brainstemapi.SubjectCreate) subjectFields {
	sex := string(b.Sex)
	return subjectFields{Name: &b.Name, Description: b.Description, Sex: &sex, GeneticLine: b.GeneticLine,
		Genotype: b.Genotype, SubjectIdentifier: b.SubjectIdentifier, Status: b.Status, Projects: &b.Projects, Licenses: b.Licenses,
		Strain: &b.Strain, Supplier: b.Supplier, Breeding: b.Breeding, BirthDate: b.BirthDate, DeathDate: b.DeathDate,
		ExtraFields: b.ExtraFields, Tags: b.Tags, NameUsedInStorage: b.NameUsedInStorage}
}

func (h *Handlers) subjectSaved(ctx context.Context, status int, rec *store.BSSubjectRecord, err error) (response, error) {
	if err != nil {
		return response{}, err
	}
	r := requestFrom(ctx)
	return response{status: status, body: detail("subject", rec, r)}, nil
}

func (h *Handlers) listSubjects(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "subject", "subjects", h.st.ListBSSubjects)
}

func (h *Handlers) getSubject(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "subject", id, h.st.GetBSSubject)
}

// ListSubjects lists the subjects of the caller's projects.
func (h *Handlers) ListSubjects(ctx context.Context, req brainstemapi.ListSubjectsRequestObject) (brainstemapi.ListSubjectsResponseObject, error) {
	return h.listSubjects(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListSubjects lists the subjects of public projects.
func (h *Handlers) PublicListSubjects(ctx context.Context, req brainstemapi.PublicListSubjectsRequestObject) (brainstemapi.PublicListSubjectsResponseObject, error) {
	return h.listSubjects(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// GetSubject returns one subject of the caller's projects.
func (h *Handlers) GetSubject(ctx context.Context, req brainstemapi.GetSubjectRequestObject) (brainstemapi.GetSubjectResponseObject, error) {
	return h.getSubject(ctx, req.Id.String())
}

// PublicGetSubject returns one subject of a public project.
func (h *Handlers) PublicGetSubject(ctx context.Context, req brainstemapi.PublicGetSubjectRequestObject) (brainstemapi.PublicGetSubjectResponseObject, error) {
	return h.getSubject(ctx, req.Id.String())
}

// CreateSubject creates a subject (201); the caller needs can_change on its projects.
func (h *Handlers) CreateSubject(ctx context.Context, req brainstemapi.CreateSubjectRequestObject) (brainstemapi.CreateSubjectResponseObject, error) {
	in, err := subjectInput(subjectCreateFields(req.Body), true)
	if err != nil {
		return nil, err
	}
	rec, err := h.st.CreateBSSubject(ctx, requestFrom(ctx).userID(), in)
	return h.subjectSaved(ctx, http.StatusCreated, rec, err)
}

// ReplaceSubject replaces a subject's writable fields (PUT).
func (h *Handlers) ReplaceSubject(ctx context.Context, req brainstemapi.ReplaceSubjectRequestObject) (brainstemapi.ReplaceSubjectResponseObject, error) {
	in, err := subjectInput(subjectCreateFields(req.Body), true)
	if err != nil {
		return nil, err
	}
	rec, err := h.st.UpdateBSSubject(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return h.subjectSaved(ctx, http.StatusOK, rec, err)
}

// UpdateSubject changes the fields sent (PATCH).
func (h *Handlers) UpdateSubject(ctx context.Context, req brainstemapi.UpdateSubjectRequestObject) (brainstemapi.UpdateSubjectResponseObject, error) {
	b := req.Body
	var sex *string
	if b.Sex != nil {
		s := string(*b.Sex)
		sex = &s
	}
	in, err := subjectInput(subjectFields{Name: b.Name, Description: b.Description, Sex: sex, GeneticLine: b.GeneticLine,
		Genotype: b.Genotype, SubjectIdentifier: b.SubjectIdentifier, Status: b.Status, Projects: b.Projects, Licenses: b.Licenses,
		Strain: b.Strain, Supplier: b.Supplier, Breeding: b.Breeding, BirthDate: b.BirthDate, DeathDate: b.DeathDate,
		ExtraFields: b.ExtraFields, Tags: b.Tags, NameUsedInStorage: b.NameUsedInStorage}, false)
	if err != nil {
		return nil, err
	}
	rec, err := h.st.UpdateBSSubject(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	return h.subjectSaved(ctx, http.StatusOK, rec, err)
}

// DeleteSubject deletes a subject (204); the caller needs can_change on all its projects.
func (h *Handlers) DeleteSubject(ctx context.Context, req brainstemapi.DeleteSubjectRequestObject) (brainstemapi.DeleteSubjectResponseObject, error) {
	if err := h.st.DeleteBSSubject(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSubject204Response{}, nil
}
