package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// pageParams are a list request's generated limit and offset (nil when
// absent; the spec bounds the offset).
type pageParams struct {
	limit  *int
	offset *int32
}

func pageOf(limit *brainstemapi.Limit, offset *brainstemapi.Offset) pageParams {
	return pageParams{limit: limit, offset: offset}
}

// listRecords answers a list of model on either portal: parse the query,
// read a page (visibility applied for the caller by the store), render it
// from the registry with the embeds asked for, under key in the list
// envelope.
func listRecords[T any](ctx context.Context, h *Handlers, p pageParams, model, key string,
	list func(context.Context, bsdb.Viewer, bsdb.ListQuery, bsdb.Page) ([]T, int64, error)) (response, error) {
	r := requestFrom(ctx)
	q, err := parseListQuery(model, r.query, p.limit, p.offset)
	if err != nil {
		return response{}, err
	}
	page := bsdb.Page{Limit: q.Limit, Offset: q.Offset}
	rows, n, err := list(ctx, r.viewer(), q.ListQuery, page)
	if err != nil {
		return response{}, err
	}
	objs, err := renderRecords(h, ctx, r, model, rows, q.Include, q.Exclude)
	if err != nil {
		return response{}, err
	}
	return ok(listEnvelope(key, objs, n, page, r)), nil
}

// getRecord answers one record of model on either portal, under the
// model's name. The query is checked like a list's (include[] and
// exclude[] apply).
func getRecord[T any](ctx context.Context, h *Handlers, model, id string,
	get func(context.Context, bsdb.Viewer, string) (*T, error)) (response, error) {
	r := requestFrom(ctx)
	q, err := parseListQuery(model, r.query, nil, nil)
	if err != nil {
		return response{}, err
	}
	row, err := get(ctx, r.viewer(), id)
	if err != nil {
		return response{}, err
	}
	objs, err := renderRecords(h, ctx, r, model, []T{*row}, q.Include, q.Exclude)
	if err != nil {
		return response{}, err
	}
	return ok(object{{model, objs[0]}}), nil
}
