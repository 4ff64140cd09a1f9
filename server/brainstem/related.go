package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

// The relation lists that records' `links` point at (dynamic-rest's
// list_related): the related records the caller may see, unpaginated, under
// the related model's plural key.

func (h *Handlers) sessionProjects(ctx context.Context, id string) (response, error) {
	r := requestFrom(ctx)
	s, err := h.st.GetBSSession(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	ps, err := h.st.BSProjectsByID(ctx, r.viewer(), s.ProjectIDs)
	if err != nil {
		return response{}, err
	}
	objs := make([]object, len(ps))
	for i, p := range ps {
		objs[i] = projectObject(p, r, nil)
	}
	return ok(object{{"projects", objs}}), nil
}

func (h *Handlers) sessionDataStorages(ctx context.Context, id string) (response, error) {
	r := requestFrom(ctx)
	s, err := h.st.GetBSSession(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	ds, err := h.st.BSDataStoragesByID(ctx, r.viewer(), s.DataStorageIDs)
	if err != nil {
		return response{}, err
	}
	objs := make([]object, len(ds))
	for i, d := range ds {
		objs[i] = dataStorageObject(d)
	}
	return ok(object{{"datastorages", objs}}), nil
}

func (h *Handlers) projectSessions(ctx context.Context, id string) (response, error) {
	r := requestFrom(ctx)
	p, err := h.st.GetBSProject(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	ss, err := h.st.BSSessionsByID(ctx, r.viewer(), p.SessionIDs)
	if err != nil {
		return response{}, err
	}
	objs := make([]object, len(ss))
	for i, s := range ss {
		objs[i] = sessionObject(s, r, nil)
	}
	return ok(object{{"sessions", objs}}), nil
}

// ListSessionProjects lists a session's projects.
func (h *Handlers) ListSessionProjects(ctx context.Context, req brainstemapi.ListSessionProjectsRequestObject) (brainstemapi.ListSessionProjectsResponseObject, error) {
	return h.sessionProjects(ctx, req.Id.String())
}

// PublicListSessionProjects lists a public session's public projects.
func (h *Handlers) PublicListSessionProjects(ctx context.Context, req brainstemapi.PublicListSessionProjectsRequestObject) (brainstemapi.PublicListSessionProjectsResponseObject, error) {
	return h.sessionProjects(ctx, req.Id.String())
}

// ListSessionDataStorageList lists a session's data storages in their order.
func (h *Handlers) ListSessionDataStorageList(ctx context.Context, req brainstemapi.ListSessionDataStorageListRequestObject) (brainstemapi.ListSessionDataStorageListResponseObject, error) {
	return h.sessionDataStorages(ctx, req.Id.String())
}

// PublicListSessionDataStorageList lists a public session's public data storages.
func (h *Handlers) PublicListSessionDataStorageList(ctx context.Context, req brainstemapi.PublicListSessionDataStorageListRequestObject) (brainstemapi.PublicListSessionDataStorageListResponseObject, error) {
	return h.sessionDataStorages(ctx, req.Id.String())
}

// ListProjectSessions lists a project's sessions.
func (h *Handlers) ListProjectSessions(ctx context.Context, req brainstemapi.ListProjectSessionsRequestObject) (brainstemapi.ListProjectSessionsResponseObject, error) {
	return h.projectSessions(ctx, req.Id.String())
}

// PublicListProjectSessions lists a public project's sessions.
func (h *Handlers) PublicListProjectSessions(ctx context.Context, req brainstemapi.PublicListProjectSessionsRequestObject) (brainstemapi.PublicListProjectSessionsResponseObject, error) {
	return h.projectSessions(ctx, req.Id.String())
}
