package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// ListSessionDataStorages lists the links of the caller's sessions.
func (h *Handlers) ListSessionDataStorages(ctx context.Context, req brainstemapi.ListSessionDataStoragesRequestObject) (brainstemapi.ListSessionDataStoragesResponseObject, error) {
	return listRecords(ctx, h, pageOf(req.Params.Limit, req.Params.Offset), "sessiondatastorage", "sessiondatastorages", h.st.ListBSSessionDataStorages)
}

// GetSessionDataStorage returns one link of the caller's sessions.
func (h *Handlers) GetSessionDataStorage(ctx context.Context, req brainstemapi.GetSessionDataStorageRequestObject) (brainstemapi.GetSessionDataStorageResponseObject, error) {
	return getRecord(ctx, h, "sessiondatastorage", req.Id.String(), h.st.GetBSSessionDataStorage)
}

// CreateSessionDataStorage links a data storage to a session (201).
func (h *Handlers) CreateSessionDataStorage(ctx context.Context, req brainstemapi.CreateSessionDataStorageRequestObject) (brainstemapi.CreateSessionDataStorageResponseObject, error) {
	b := req.Body
	sid, did := b.Session.String(), b.Datastorage.String()
	row, err := h.st.CreateBSSessionDataStorage(ctx, requestFrom(ctx).userID(),
		store.BSSessionDataStorageInput{SessionID: &sid, DataStorageID: &did, Order: b.Order})
	if err != nil {
		return nil, err
	}
	return created(detail("sessiondatastorage", row, requestFrom(ctx))), nil
}

// ReplaceSessionDataStorage replaces a link (PUT); an absent order keeps its position.
func (h *Handlers) ReplaceSessionDataStorage(ctx context.Context, req brainstemapi.ReplaceSessionDataStorageRequestObject) (brainstemapi.ReplaceSessionDataStorageResponseObject, error) {
	b := req.Body
	sid, did := b.Session.String(), b.Datastorage.String()
	row, err := h.st.UpdateBSSessionDataStorage(ctx, requestFrom(ctx).userID(), req.Id.String(),
		store.BSSessionDataStorageInput{SessionID: &sid, DataStorageID: &did, Order: b.Order})
	if err != nil {
		return nil, err
	}
	return ok(detail("sessiondatastorage", row, requestFrom(ctx))), nil
}

// UpdateSessionDataStorage moves or re-points a link (PATCH).
func (h *Handlers) UpdateSessionDataStorage(ctx context.Context, req brainstemapi.UpdateSessionDataStorageRequestObject) (brainstemapi.UpdateSessionDataStorageResponseObject, error) {
	b := req.Body
	in := store.BSSessionDataStorageInput{Order: b.Order}
	if b.Session != nil {
		s := b.Session.String()
		in.SessionID = &s
	}
	if b.Datastorage != nil {
		d := b.Datastorage.String()
		in.DataStorageID = &d
	}
	row, err := h.st.UpdateBSSessionDataStorage(ctx, requestFrom(ctx).userID(), req.Id.String(), in)
	if err != nil {
		return nil, err
	}
	return ok(detail("sessiondatastorage", row, requestFrom(ctx))), nil
}

// DeleteSessionDataStorage removes a link (204).
func (h *Handlers) DeleteSessionDataStorage(ctx context.Context, req brainstemapi.DeleteSessionDataStorageRequestObject) (brainstemapi.DeleteSessionDataStorageResponseObject, error) {
	if err := h.st.DeleteBSSessionDataStorage(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSessionDataStorage204Response{}, nil
}
