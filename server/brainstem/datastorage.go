package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

func (h *Handlers) listDataStorages(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "datastorage", "datastorages", h.db.ListDataStorages)
}

func (h *Handlers) getDataStorage(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "datastorage", id, h.db.GetDataStorage)
}

// ListDataStorages lists the caller's and the public data storages.
func (h *Handlers) ListDataStorages(ctx context.Context, req brainstemapi.ListDataStoragesRequestObject) (brainstemapi.ListDataStoragesResponseObject, error) {
	return h.listDataStorages(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListDataStorages lists the public data storages.
func (h *Handlers) PublicListDataStorages(ctx context.Context, req brainstemapi.PublicListDataStoragesRequestObject) (brainstemapi.PublicListDataStoragesResponseObject, error) {
	return h.listDataStorages(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// GetDataStorage returns one of the caller's or a public data storage.
func (h *Handlers) GetDataStorage(ctx context.Context, req brainstemapi.GetDataStorageRequestObject) (brainstemapi.GetDataStorageResponseObject, error) {
	return h.getDataStorage(ctx, req.Id.String())
}

// PublicGetDataStorage returns one public data storage.
func (h *Handlers) PublicGetDataStorage(ctx context.Context, req brainstemapi.PublicGetDataStorageRequestObject) (brainstemapi.PublicGetDataStorageResponseObject, error) {
	return h.getDataStorage(ctx, req.Id.String())
}

// CreateDataStorage creates a data storage owned by the caller (201).
func (h *Handlers) CreateDataStorage(ctx context.Context, req brainstemapi.CreateDataStorageRequestObject) (brainstemapi.CreateDataStorageResponseObject, error) {
	return createRecord(ctx, h, "datastorage", req.Body, h.db.GetDataStorage)
}

// ReplaceDataStorage replaces a data storage's writable fields (PUT, owner only).
func (h *Handlers) ReplaceDataStorage(ctx context.Context, req brainstemapi.ReplaceDataStorageRequestObject) (brainstemapi.ReplaceDataStorageResponseObject, error) {
	return replaceRecord(ctx, h, "datastorage", req.Id.String(), req.Body, h.db.GetDataStorage)
}

// UpdateDataStorage changes the fields sent (PATCH, owner only).
func (h *Handlers) UpdateDataStorage(ctx context.Context, req brainstemapi.UpdateDataStorageRequestObject) (brainstemapi.UpdateDataStorageResponseObject, error) {
	return updateRecord(ctx, h, "datastorage", req.Id.String(), req.Body, h.db.GetDataStorage)
}

// DeleteDataStorage deletes a data storage (owner only, 204).
func (h *Handlers) DeleteDataStorage(ctx context.Context, req brainstemapi.DeleteDataStorageRequestObject) (brainstemapi.DeleteDataStorageResponseObject, error) {
	if err := deleteRecord(ctx, h, "datastorage", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteDataStorage204Response{}, nil
}
