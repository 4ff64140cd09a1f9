package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

// ListSessionDataStorages lists the links of the caller's sessions.
func (h *Handlers) ListSessionDataStorages(ctx context.Context, req brainstemapi.ListSessionDataStoragesRequestObject) (brainstemapi.ListSessionDataStoragesResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "sessiondatastorage", "sessiondatastorages", h.db.ListSessionDataStorages)
}

// GetSessionDataStorage returns one link of the caller's sessions.
func (h *Handlers) GetSessionDataStorage(ctx context.Context, req brainstemapi.GetSessionDataStorageRequestObject) (brainstemapi.GetSessionDataStorageResponseObject, error) {
	return getRecord(ctx, h, "sessiondatastorage", req.Id.String(), h.db.GetSessionDataStorage)
}

// CreateSessionDataStorage links a data storage to a session (201).
func (h *Handlers) CreateSessionDataStorage(ctx context.Context, req brainstemapi.CreateSessionDataStorageRequestObject) (brainstemapi.CreateSessionDataStorageResponseObject, error) {
	return createRecord(ctx, h, "sessiondatastorage", req.Body, h.db.GetSessionDataStorage)
}

// ReplaceSessionDataStorage replaces a link (PUT); an absent order keeps its position.
func (h *Handlers) ReplaceSessionDataStorage(ctx context.Context, req brainstemapi.ReplaceSessionDataStorageRequestObject) (brainstemapi.ReplaceSessionDataStorageResponseObject, error) {
	return replaceRecord(ctx, h, "sessiondatastorage", req.Id.String(), req.Body, h.db.GetSessionDataStorage)
}

// UpdateSessionDataStorage moves or re-points a link (PATCH).
func (h *Handlers) UpdateSessionDataStorage(ctx context.Context, req brainstemapi.UpdateSessionDataStorageRequestObject) (brainstemapi.UpdateSessionDataStorageResponseObject, error) {
	return updateRecord(ctx, h, "sessiondatastorage", req.Id.String(), req.Body, h.db.GetSessionDataStorage)
}

// DeleteSessionDataStorage removes a link (204).
func (h *Handlers) DeleteSessionDataStorage(ctx context.Context, req brainstemapi.DeleteSessionDataStorageRequestObject) (brainstemapi.DeleteSessionDataStorageResponseObject, error) {
	if err := deleteRecord(ctx, h, "sessiondatastorage", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSessionDataStorage204Response{}, nil
}
