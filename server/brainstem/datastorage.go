package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

func (h *Handlers) listDataStorages(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "datastorage", "datastorages", h.st.ListBSDataStorages)
}

func (h *Handlers) getDataStorage(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "datastorage", id, h.st.GetBSDataStorage)
}

func dataStorageCreateFields(b *brainstemapi.DataStorageCreate) dataStorageFields {
	return dataStorageFields{Name: &b.Name, Location: b.Location, Description: b.Description,
		IsPublic: b.IsPublic, DataOrganization: b.DataOrganization, DataProtocols: b.DataProtocols}
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
	d, err := h.st.CreateBSDataStorage(ctx, requestFrom(ctx).userID(), dataStorageInput(dataStorageCreateFields(req.Body), true))
	if err != nil {
		return nil, err
	}
	return created(detail("datastorage", d, requestFrom(ctx))), nil
}

// ReplaceDataStorage replaces a data storage's writable fields (PUT, owner only).
func (h *Handlers) ReplaceDataStorage(ctx context.Context, req brainstemapi.ReplaceDataStorageRequestObject) (brainstemapi.ReplaceDataStorageResponseObject, error) {
	d, err := h.st.UpdateBSDataStorage(ctx, requestFrom(ctx).userID(), req.Id.String(),
		dataStorageInput(dataStorageCreateFields(req.Body), true))
	if err != nil {
		return nil, err
	}
	return ok(detail("datastorage", d, requestFrom(ctx))), nil
}

// UpdateDataStorage changes the fields sent (PATCH, owner only).
func (h *Handlers) UpdateDataStorage(ctx context.Context, req brainstemapi.UpdateDataStorageRequestObject) (brainstemapi.UpdateDataStorageResponseObject, error) {
	b := req.Body
	in := dataStorageInput(dataStorageFields{Name: b.Name, Location: b.Location, Description: b.Description,
		IsPublic: b.IsPublic, DataOrganization: b.DataOrganization, DataProtocols: b.DataProtocols}, false)
	d, err := h.st.UpdateBSDataStorage(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	if err != nil {
		return nil, err
	}
	return ok(detail("datastorage", d, requestFrom(ctx))), nil
}

// DeleteDataStorage deletes a data storage (owner only, 204).
func (h *Handlers) DeleteDataStorage(ctx context.Context, req brainstemapi.DeleteDataStorageRequestObject) (brainstemapi.DeleteDataStorageResponseObject, error) {
	if err := h.st.DeleteBSDataStorage(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteDataStorage204Response{}, nil
}
