package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

func (h *Handlers) listProjects(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "project", "projects", h.db.ListProjects)
}

func (h *Handlers) getProject(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "project", id, h.db.GetProject)
}

// ListProjects lists the caller's projects.
func (h *Handlers) ListProjects(ctx context.Context, req brainstemapi.ListProjectsRequestObject) (brainstemapi.ListProjectsResponseObject, error) {
	return h.listProjects(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListProjects lists the public projects.
func (h *Handlers) PublicListProjects(ctx context.Context, req brainstemapi.PublicListProjectsRequestObject) (brainstemapi.PublicListProjectsResponseObject, error) {
	return h.listProjects(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// GetProject returns one of the caller's projects.
func (h *Handlers) GetProject(ctx context.Context, req brainstemapi.GetProjectRequestObject) (brainstemapi.GetProjectResponseObject, error) {
	return h.getProject(ctx, req.Id.String())
}

// PublicGetProject returns one public project.
func (h *Handlers) PublicGetProject(ctx context.Context, req brainstemapi.PublicGetProjectRequestObject) (brainstemapi.PublicGetProjectResponseObject, error) {
	return h.getProject(ctx, req.Id.String())
}

// CreateProject creates a project owned by the caller (201); users and groups are ignored.
func (h *Handlers) CreateProject(ctx context.Context, req brainstemapi.CreateProjectRequestObject) (brainstemapi.CreateProjectResponseObject, error) {
	return createRecord(ctx, h, "project", req.Body, h.db.GetProject)
}

// ReplaceProject replaces a project's writable fields (PUT).
func (h *Handlers) ReplaceProject(ctx context.Context, req brainstemapi.ReplaceProjectRequestObject) (brainstemapi.ReplaceProjectResponseObject, error) {
	return replaceRecord(ctx, h, "project", req.Id.String(), req.Body, h.db.GetProject)
}

// UpdateProject changes the fields sent and applies member changes (PATCH).
func (h *Handlers) UpdateProject(ctx context.Context, req brainstemapi.UpdateProjectRequestObject) (brainstemapi.UpdateProjectResponseObject, error) {
	return updateRecord(ctx, h, "project", req.Id.String(), req.Body, h.db.GetProject)
}

// DeleteProject deletes a project (owners only, 204).
func (h *Handlers) DeleteProject(ctx context.Context, req brainstemapi.DeleteProjectRequestObject) (brainstemapi.DeleteProjectResponseObject, error) {
	if err := deleteRecord(ctx, h, "project", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteProject204Response{}, nil
}
