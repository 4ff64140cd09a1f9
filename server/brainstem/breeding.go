package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

func (h *Handlers) listBreedings(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "breeding", "breedings", h.db.ListBreedings)
}

func (h *Handlers) getBreeding(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "breeding", id, h.db.GetBreeding)
}

// ListBreedings lists the breedings of the caller's projects.
func (h *Handlers) ListBreedings(ctx context.Context, req brainstemapi.ListBreedingsRequestObject) (brainstemapi.ListBreedingsResponseObject, error) {
	return h.listBreedings(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListBreedings lists the breedings of public projects.
func (h *Handlers) PublicListBreedings(ctx context.Context, req brainstemapi.PublicListBreedingsRequestObject) (brainstemapi.PublicListBreedingsResponseObject, error) {
	return h.listBreedings(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// GetBreeding returns one breeding of the caller's projects.
func (h *Handlers) GetBreeding(ctx context.Context, req brainstemapi.GetBreedingRequestObject) (brainstemapi.GetBreedingResponseObject, error) {
	return h.getBreeding(ctx, req.Id.String())
}

// PublicGetBreeding returns one breeding of a public project.
func (h *Handlers) PublicGetBreeding(ctx context.Context, req brainstemapi.PublicGetBreedingRequestObject) (brainstemapi.PublicGetBreedingResponseObject, error) {
	return h.getBreeding(ctx, req.Id.String())
}

// CreateBreeding creates a breeding (201).
func (h *Handlers) CreateBreeding(ctx context.Context, req brainstemapi.CreateBreedingRequestObject) (brainstemapi.CreateBreedingResponseObject, error) {
	return createRecord(ctx, h, "breeding", req.Body, h.db.GetBreeding)
}

// ReplaceBreeding replaces a breeding's writable fields (PUT).
func (h *Handlers) ReplaceBreeding(ctx context.Context, req brainstemapi.ReplaceBreedingRequestObject) (brainstemapi.ReplaceBreedingResponseObject, error) {
	return replaceRecord(ctx, h, "breeding", req.Id.String(), req.Body, h.db.GetBreeding)
}

// UpdateBreeding changes the fields sent (PATCH).
func (h *Handlers) UpdateBreeding(ctx context.Context, req brainstemapi.UpdateBreedingRequestObject) (brainstemapi.UpdateBreedingResponseObject, error) {
	return updateRecord(ctx, h, "breeding", req.Id.String(), req.Body, h.db.GetBreeding)
}

// DeleteBreeding deletes a breeding (204); its offspring lose their breeding.
func (h *Handlers) DeleteBreeding(ctx context.Context, req brainstemapi.DeleteBreedingRequestObject) (brainstemapi.DeleteBreedingResponseObject, error) {
	if err := deleteRecord(ctx, h, "breeding", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteBreeding204Response{}, nil
}
