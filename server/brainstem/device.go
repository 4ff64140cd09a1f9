package brainstem

import (
	"context"
	"errors"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

// StartDeviceAuth starts a device login.
func (h *Handlers) StartDeviceAuth(ctx context.Context, req brainstemapi.StartDeviceAuthRequestObject) (brainstemapi.StartDeviceAuthResponseObject, error) {
	return nil, errors.New("device login: store not available yet")
}

// PollDeviceAuth reports the state of a device login.
func (h *Handlers) PollDeviceAuth(ctx context.Context, req brainstemapi.PollDeviceAuthRequestObject) (brainstemapi.PollDeviceAuthResponseObject, error) {
	return nil, errors.New("device login: store not available yet")
}
