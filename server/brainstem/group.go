package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// Collections (lists of sessions) and cohorts (lists of subjects), seen and
// changed through their project.

// group describes collections or cohorts for the shared handlers.
type group struct {
	model, key string // "collection", "collections"
	list       func(*bsdb.Store, context.Context, bsdb.Viewer, bsdb.ListQuery, bsdb.Page) ([]bsdb.GroupRecord, int64, error)
	get        func(*bsdb.Store, context.Context, bsdb.Viewer, string) (*bsdb.GroupRecord, error)
}

var (
	collections = group{model: "collection", key: "collections",
		list: (*bsdb.Store).ListCollections, get: (*bsdb.Store).GetCollection}
	cohorts = group{model: "cohort", key: "cohorts",
		list: (*bsdb.Store).ListCohorts, get: (*bsdb.Store).GetCohort}
)

func (g group) listAnswer(h *Handlers, ctx context.Context, p pageParams) (response, error) {
	list := func(ctx context.Context, v bsdb.Viewer, q bsdb.ListQuery, p bsdb.Page) ([]bsdb.GroupRecord, int64, error) {
		return g.list(h.db, ctx, v, q, p)
	}
	return listRecords(ctx, h, p, g.model, g.key, list)
}

func (g group) getAnswer(h *Handlers, ctx context.Context, id string) (response, error) {
	get := func(ctx context.Context, v bsdb.Viewer, id string) (*bsdb.GroupRecord, error) {
		return g.get(h.db, ctx, v, id)
	}
	return getRecord(ctx, h, g.model, id, get)
}

// ListCollections lists the collections of the caller's projects.
func (h *Handlers) ListCollections(ctx context.Context, req brainstemapi.ListCollectionsRequestObject) (brainstemapi.ListCollectionsResponseObject, error) {
	return collections.listAnswer(h, ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListCollections lists the collections of public projects.
func (h *Handlers) PublicListCollections(ctx context.Context, req brainstemapi.PublicListCollectionsRequestObject) (brainstemapi.PublicListCollectionsResponseObject, error) {
	return collections.listAnswer(h, ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// GetCollection returns one collection of the caller's projects.
func (h *Handlers) GetCollection(ctx context.Context, req brainstemapi.GetCollectionRequestObject) (brainstemapi.GetCollectionResponseObject, error) {
	return collections.getAnswer(h, ctx, req.Id.String())
}

// PublicGetCollection returns one collection of a public project.
func (h *Handlers) PublicGetCollection(ctx context.Context, req brainstemapi.PublicGetCollectionRequestObject) (brainstemapi.PublicGetCollectionResponseObject, error) {
	return collections.getAnswer(h, ctx, req.Id.String())
}

// CreateCollection creates a collection (201).
func (h *Handlers) CreateCollection(ctx context.Context, req brainstemapi.CreateCollectionRequestObject) (brainstemapi.CreateCollectionResponseObject, error) {
	return createRecord(ctx, h, "collection", req.Body, h.db.GetCollection)
}

// ReplaceCollection replaces a collection's writable fields (PUT).
func (h *Handlers) ReplaceCollection(ctx context.Context, req brainstemapi.ReplaceCollectionRequestObject) (brainstemapi.ReplaceCollectionResponseObject, error) {
	return replaceRecord(ctx, h, "collection", req.Id.String(), req.Body, h.db.GetCollection)
}

// UpdateCollection changes the fields sent (PATCH).
func (h *Handlers) UpdateCollection(ctx context.Context, req brainstemapi.UpdateCollectionRequestObject) (brainstemapi.UpdateCollectionResponseObject, error) {
	return updateRecord(ctx, h, "collection", req.Id.String(), req.Body, h.db.GetCollection)
}

// DeleteCollection deletes a collection (204).
func (h *Handlers) DeleteCollection(ctx context.Context, req brainstemapi.DeleteCollectionRequestObject) (brainstemapi.DeleteCollectionResponseObject, error) {
	if err := deleteRecord(ctx, h, "collection", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteCollection204Response{}, nil
}

// ListCohorts lists the cohorts of the caller's projects.
func (h *Handlers) ListCohorts(ctx context.Context, req brainstemapi.ListCohortsRequestObject) (brainstemapi.ListCohortsResponseObject, error) {
	return cohorts.listAnswer(h, ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListCohorts lists the cohorts of public projects.
func (h *Handlers) PublicListCohorts(ctx context.Context, req brainstemapi.PublicListCohortsRequestObject) (brainstemapi.PublicListCohortsResponseObject, error) {
	return cohorts.listAnswer(h, ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// GetCohort returns one cohort of the caller's projects.
func (h *Handlers) GetCohort(ctx context.Context, req brainstemapi.GetCohortRequestObject) (brainstemapi.GetCohortResponseObject, error) {
	return cohorts.getAnswer(h, ctx, req.Id.String())
}

// PublicGetCohort returns one cohort of a public project.
func (h *Handlers) PublicGetCohort(ctx context.Context, req brainstemapi.PublicGetCohortRequestObject) (brainstemapi.PublicGetCohortResponseObject, error) {
	return cohorts.getAnswer(h, ctx, req.Id.String())
}

// CreateCohort creates a cohort (201).
func (h *Handlers) CreateCohort(ctx context.Context, req brainstemapi.CreateCohortRequestObject) (brainstemapi.CreateCohortResponseObject, error) {
	return createRecord(ctx, h, "cohort", req.Body, h.db.GetCohort)
}

// ReplaceCohort replaces a cohort's writable fields (PUT).
func (h *Handlers) ReplaceCohort(ctx context.Context, req brainstemapi.ReplaceCohortRequestObject) (brainstemapi.ReplaceCohortResponseObject, error) {
	return replaceRecord(ctx, h, "cohort", req.Id.String(), req.Body, h.db.GetCohort)
}

// UpdateCohort changes the fields sent (PATCH).
func (h *Handlers) UpdateCohort(ctx context.Context, req brainstemapi.UpdateCohortRequestObject) (brainstemapi.UpdateCohortResponseObject, error) {
	return updateRecord(ctx, h, "cohort", req.Id.String(), req.Body, h.db.GetCohort)
}

// DeleteCohort deletes a cohort (204).
func (h *Handlers) DeleteCohort(ctx context.Context, req brainstemapi.DeleteCohortRequestObject) (brainstemapi.DeleteCohortResponseObject, error) {
	if err := deleteRecord(ctx, h, "cohort", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteCohort204Response{}, nil
}
