package brainstem

import (
	"context"
	"net/url"
	"time"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

// Device login timing: the codes live 15 minutes, clients poll every 5 s.
const (
	deviceTTL      = 15 * time.Minute
	devicePollSecs = 5
)

// StartDeviceAuth starts a device login and tells the client where the
// user approves it (the sign-in page of this server, built from the Host).
//
// Starts are throttled per client address.
func (h *Handlers) StartDeviceAuth(ctx context.Context, req brainstemapi.StartDeviceAuthRequestObject) (brainstemapi.StartDeviceAuthResponseObject, error) {
	if err := h.throttles.DeviceStart(requestFrom(ctx).addr); err != nil {
		return nil, err
	}
	client := ""
	if req.Body != nil && req.Body.ClientName != nil {
		client = *req.Body.ClientName
	}
	d, err := h.db.StartDeviceAuth(ctx, client, deviceTTL)
	if err != nil {
		return nil, err
	}
	r := requestFrom(ctx)
	page := url.URL{Scheme: r.scheme, Host: r.host, Path: "/account/authorize/"}
	complete := page
	complete.RawQuery = url.Values{"session": {d.SessionID}}.Encode()
	return brainstemapi.StartDeviceAuth200JSONResponse{
		SessionId:               d.SessionID,
		DeviceCode:              d.DeviceCode,
		UserCode:                d.UserCode,
		VerificationUri:         page.String(),
		VerificationUriComplete: complete.String(),
		ExpiresIn:               max(int(time.Until(d.ExpiresAt).Round(time.Second).Seconds()), 0),
		Interval:                devicePollSecs,
	}, nil
}

// PollDeviceAuth reports the state of a device login, always with 200 (the
// Python client aborts the login on any non-2xx poll). The token it hands
// out is named "device login <date> (<client>)" and lives the token TTL.
func (h *Handlers) PollDeviceAuth(ctx context.Context, req brainstemapi.PollDeviceAuthRequestObject) (brainstemapi.PollDeviceAuthResponseObject, error) {
	status, token, err := h.db.PollDeviceAuth(ctx, req.Body.DeviceCode, h.loginToken(0, "device login"))
	if err != nil {
		return nil, err
	}
	var out brainstemapi.PollDeviceAuth200JSONResponse
	switch status {
	case "authorization_pending", "success":
		st := brainstemapi.DevicePollResultStatus(status)
		out.Status = &st
		if status == "success" {
			out.Token = &token
		}
	default:
		e := brainstemapi.DevicePollResultError(status)
		out.Error = &e
	}
	return out, nil
}
