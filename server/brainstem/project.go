package brainstem

import (
	"context"
	"slices"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

func (h *Handlers) listProjects(ctx context.Context) (response, error) {
	return listRecords(ctx, "project", "projects", h.st.ListBSProjects, h.projectObjects)
}

func (h *Handlers) getProject(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, "project", id, h.st.GetBSProject, h.projectObjects)
}

// projectObjects renders projects, embedding their sessions, subjects,
// collections and cohorts when include[]=rel.* asks for them.
func (h *Handlers) projectObjects(ctx context.Context, r *request, recs []store.BSProjectRecord, q *store.BSQuery) ([]object, error) {
	e := embeds{}
	if slices.Contains(q.Include, "sessions") {
		var ids []string
		for _, p := range recs {
			ids = append(ids, p.SessionIDs...)
		}
		m, err := h.embedSessions(ctx, r, ids)
		if err != nil {
			return nil, err
		}
		e["sessions"] = m
	}
	if slices.Contains(q.Include, "subjects") {
		var ids []string
		for _, p := range recs {
			ids = append(ids, p.SubjectIDs...)
		}
		m, err := h.embedSubjects(ctx, r, ids)
		if err != nil {
			return nil, err
		}
		e["subjects"] = m
	}
	for _, g := range []group{collections, cohorts} {
		if !slices.Contains(q.Include, g.key) {
			continue
		}
		var ids []string
		for _, p := range recs {
			if g.key == "collections" {
				ids = append(ids, p.CollectionIDs...)
			} else {
				ids = append(ids, p.CohortIDs...)
			}
		}
		m, err := h.embedGroups(ctx, r, g, ids)
		if err != nil {
			return nil, err
		}
		e[g.key] = m
	}
	out := make([]object, len(recs))
	for i, p := range recs {
		out[i] = projectObject(p, r, e).without(q.Exclude, q.Include)
	}
	return out, nil
}

func projectDetail(rec *store.BSProjectRecord, r *request) object {
	return object{{"project", projectObject(*rec, r, nil)}}
}

func projectCreateFields(b *brainstemapi.ProjectCreate) projectFields {
	return projectFields{Name: &b.Name, Description: b.Description, Publications: b.Publications,
		ExtraFields: b.ExtraFields, IsPublic: b.IsPublic, Tags: b.Tags, Users: b.Users}
}

// ListProjects lists the caller's projects.
func (h *Handlers) ListProjects(ctx context.Context, _ brainstemapi.ListProjectsRequestObject) (brainstemapi.ListProjectsResponseObject, error) {
	return h.listProjects(ctx)
}

// PublicListProjects lists the public projects.
func (h *Handlers) PublicListProjects(ctx context.Context, _ brainstemapi.PublicListProjectsRequestObject) (brainstemapi.PublicListProjectsResponseObject, error) {
	return h.listProjects(ctx)
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
	return created(projectDetail(rec, r)), nil
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
	return ok(projectDetail(rec, r)), nil
}

// DeleteProject deletes a project (owners only, 204).
func (h *Handlers) DeleteProject(ctx context.Context, req brainstemapi.DeleteProjectRequestObject) (brainstemapi.DeleteProjectResponseObject, error) {
	if err := h.st.DeleteBSProject(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteProject204Response{}, nil
}
