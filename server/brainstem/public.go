package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// The public portal is read-only. Its writes are refused by the token
// middleware before they get here (as DRF's permission classes refuse them
// before the view runs); these handlers refuse them too, should a request
// ever reach them.

// PublicCreateSession refuses (403).
func (h *Handlers) PublicCreateSession(context.Context, brainstemapi.PublicCreateSessionRequestObject) (brainstemapi.PublicCreateSessionResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicReplaceSession refuses (403).
func (h *Handlers) PublicReplaceSession(context.Context, brainstemapi.PublicReplaceSessionRequestObject) (brainstemapi.PublicReplaceSessionResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicUpdateSession refuses (403).
func (h *Handlers) PublicUpdateSession(context.Context, brainstemapi.PublicUpdateSessionRequestObject) (brainstemapi.PublicUpdateSessionResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicDeleteSession refuses (403).
func (h *Handlers) PublicDeleteSession(context.Context, brainstemapi.PublicDeleteSessionRequestObject) (brainstemapi.PublicDeleteSessionResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicCreateProject refuses (403).
func (h *Handlers) PublicCreateProject(context.Context, brainstemapi.PublicCreateProjectRequestObject) (brainstemapi.PublicCreateProjectResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicReplaceProject refuses (403).
func (h *Handlers) PublicReplaceProject(context.Context, brainstemapi.PublicReplaceProjectRequestObject) (brainstemapi.PublicReplaceProjectResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicUpdateProject refuses (403).
func (h *Handlers) PublicUpdateProject(context.Context, brainstemapi.PublicUpdateProjectRequestObject) (brainstemapi.PublicUpdateProjectResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicDeleteProject refuses (403).
func (h *Handlers) PublicDeleteProject(context.Context, brainstemapi.PublicDeleteProjectRequestObject) (brainstemapi.PublicDeleteProjectResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicCreateDataStorage refuses (403).
func (h *Handlers) PublicCreateDataStorage(context.Context, brainstemapi.PublicCreateDataStorageRequestObject) (brainstemapi.PublicCreateDataStorageResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicReplaceDataStorage refuses (403).
func (h *Handlers) PublicReplaceDataStorage(context.Context, brainstemapi.PublicReplaceDataStorageRequestObject) (brainstemapi.PublicReplaceDataStorageResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicUpdateDataStorage refuses (403).
func (h *Handlers) PublicUpdateDataStorage(context.Context, brainstemapi.PublicUpdateDataStorageRequestObject) (brainstemapi.PublicUpdateDataStorageResponseObject, error) {
	return nil, store.ErrForbidden
}

// PublicDeleteDataStorage refuses (403).
func (h *Handlers) PublicDeleteDataStorage(context.Context, brainstemapi.PublicDeleteDataStorageRequestObject) (brainstemapi.PublicDeleteDataStorageResponseObject, error) {
	return nil, store.ErrForbidden
}
