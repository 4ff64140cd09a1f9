package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// The relation lists that records' `links` point at (dynamic-rest's
// list_related): the related records the caller may see, unpaginated, under
// the related model's plural key.

// relatedList renders recs of model under key.
func relatedList[T any](key, model string, recs []T, r *request) (response, error) {
	m := bsdb.ModelNamed(model)
	objs := make([]object, len(recs))
	for i := range recs {
		objs[i] = recordObject(m, &recs[i], r, nil)
	}
	return ok(object{{key, objs}}), nil
}

func (h *Handlers) sessionProjects(ctx context.Context, id string) (response, error) {
	r := requestFrom(ctx)
	s, err := h.db.GetSession(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	ps, err := h.db.ProjectsByID(ctx, r.viewer(), s.ProjectIDs)
	if err != nil {
		return response{}, err
	}
	return relatedList("projects", "project", ps, r)
}

func (h *Handlers) sessionDataStorages(ctx context.Context, id string) (response, error) {
	r := requestFrom(ctx)
	s, err := h.db.GetSession(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	ds, err := h.db.DataStoragesByID(ctx, r.viewer(), s.DataStorageIDs)
	if err != nil {
		return response{}, err
	}
	return relatedList("datastorages", "datastorage", ds, r)
}

func (h *Handlers) projectSessions(ctx context.Context, id string) (response, error) {
	r := requestFrom(ctx)
	p, err := h.db.GetProject(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	ss, err := h.db.SessionsByID(ctx, r.viewer(), p.SessionIDs)
	if err != nil {
		return response{}, err
	}
	return relatedList("sessions", "session", ss, r)
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
