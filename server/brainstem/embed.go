package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/store"
)

// The embed helpers load the records behind include[]=rel.* for a whole page
// in one query (only those the caller may see) and index their rendered
// objects by id, for embeds.relation.

func (h *Handlers) embedSessions(ctx context.Context, r *request, ids []string) (map[string]object, error) {
	ss, err := h.st.BSSessionsByID(ctx, r.viewer(), dedupe(ids))
	return indexObjects(ss, err, func(s store.BSSessionRecord) (string, object) { return s.ID, sessionObject(s, r, nil) })
}

func (h *Handlers) embedProjects(ctx context.Context, r *request, ids []string) (map[string]object, error) {
	ps, err := h.st.BSProjectsByID(ctx, r.viewer(), dedupe(ids))
	return indexObjects(ps, err, func(p store.BSProjectRecord) (string, object) { return p.ID, projectObject(p, r, nil) })
}

func (h *Handlers) embedDataStorages(ctx context.Context, r *request, ids []string) (map[string]object, error) {
	ds, err := h.st.BSDataStoragesByID(ctx, r.viewer(), dedupe(ids))
	return indexObjects(ds, err, func(d store.BSDataStorage) (string, object) { return d.ID, dataStorageObject(d) })
}

func (h *Handlers) embedGroups(ctx context.Context, r *request, g group, ids []string) (map[string]object, error) {
	byID := h.st.BSCollectionsByID
	if g.model == "cohort" {
		byID = h.st.BSCohortsByID
	}
	recs, err := byID(ctx, r.viewer(), dedupe(ids))
	return indexObjects(recs, err, func(rec store.BSGroupRecord) (string, object) { return rec.ID, g.object(rec, nil) })
}

func indexObjects[T any](recs []T, err error, render func(T) (string, object)) (map[string]object, error) {
	if err != nil {
		return nil, err
	}
	m := make(map[string]object, len(recs))
	for _, rec := range recs {
		id, obj := render(rec)
		m[id] = obj
	}
	return m, nil
}
