package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

func (h *Handlers) listProjects(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "project", "projects", h.st.ListBSProjects)
}

func (h *Handlers) getProject(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "project", id, h.st.GetBSProject)
}

func projectCreateFields(b *brainstemapi.ProjectCreate) projectFields {
	return projectFields{Name: &b.Name, Description: b.Description, Publications: b.Publications,
		ExtraFields: b.ExtraFields, IsPublic: b.IsPublic, Tags: b.Tags, Users: b.Users}
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
	f := projectCreateFields(req.Body)
	f.Users = nil
	in, err := projectInput(f, true)
	if err != nil {
		return nil, err
	}
	r := requestFrom(ctx)
	rec, err := h.st.CreateBSProject(ctx, r.userID(), in)
	if err != nil {
		return nil, err
	}
	return created(detail("project", rec, r)), nil
}

// ReplaceProject replaces a project's writable fields (PUT).
func (h *Handlers) ReplaceProject(ctx context.Context, req brainstemapi.ReplaceProjectRequestObject) (brainstemapi.ReplaceProjectResponseObject, error) {
	in, err := projectInput(projectCreateFields(req.Body), true)
	if err != nil {
		return nil, err
	}
	return h.updateProject(ctx, req.Id.String(), in)
}

// UpdateProject changes the fields sent and applies member changes (PATCH).
func (h *Handlers) UpdateProject(ctx context.Context, req brainstemapi.UpdateProjectRequestObject) (brainstemapi.UpdateProjectResponseObject, error) {
	b := req.Body
	in, err := projectInput(projectFields{Name: b.Name, Description: b.Description, Publications: b.Publications,
		ExtraFields: b.ExtraFields, IsPublic: b.IsPublic, Tags: b.Tags, Users: b.Users}, false)
	if err != nil {
		return nil, err
	}
	return h.updateProject(ctx, req.Id.String(), in)
}

// updateProject writes in (from a PUT or a PATCH body) to project id.
func (h *Handlers) updateProject(ctx context.Context, id string, in store.BSProjectInput) (response, error) {
	r := requestFrom(ctx)
	rec, err := h.st.UpdateBSProject(ctx, r.userID(), id, in)
	if err != nil {
		return response{}, err
	}
	return ok(detail("project", rec, r)), nil
}

// DeleteProject deletes a project (owners only, 204).
func (h *Handlers) DeleteProject(ctx context.Context, req brainstemapi.DeleteProjectRequestObject) (brainstemapi.DeleteProjectResponseObject, error) {
	if err := h.st.DeleteBSProject(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteProject204Response{}, nil
}
