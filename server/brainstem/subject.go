package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

func (h *Handlers) listSubjects(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "subject", "subjects", h.db.ListSubjects)
}

func (h *Handlers) getSubject(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "subject", id, h.db.GetSubject)
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
	return createRecord(ctx, h, "subject", req.Body, h.db.GetSubject)
}

// ReplaceSubject replaces a subject's writable fields (PUT).
func (h *Handlers) ReplaceSubject(ctx context.Context, req brainstemapi.ReplaceSubjectRequestObject) (brainstemapi.ReplaceSubjectResponseObject, error) {
	return replaceRecord(ctx, h, "subject", req.Id.String(), req.Body, h.db.GetSubject)
}

// UpdateSubject changes the fields sent (PATCH).
func (h *Handlers) UpdateSubject(ctx context.Context, req brainstemapi.UpdateSubjectRequestObject) (brainstemapi.UpdateSubjectResponseObject, error) {
	return updateRecord(ctx, h, "subject", req.Id.String(), req.Body, h.db.GetSubject)
}

// DeleteSubject deletes a subject (204); the caller needs can_change on all its projects.
func (h *Handlers) DeleteSubject(ctx context.Context, req brainstemapi.DeleteSubjectRequestObject) (brainstemapi.DeleteSubjectResponseObject, error) {
	if err := deleteRecord(ctx, h, "subject", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSubject204Response{}, nil
}
