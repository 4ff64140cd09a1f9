package brainstem

import (
	"context"
	"errors"
	"net/http"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// ObtainToken exchanges e-mail and password for a new personal access
// token, returned as both "token" (old clients) and "access" (newer docs).
func (h *Handlers) ObtainToken(ctx context.Context, req brainstemapi.ObtainTokenRequestObject) (brainstemapi.ObtainTokenResponseObject, error) {
	u, err := h.st.CheckPassword(ctx, req.Body.Username, req.Body.Password)
	if errors.Is(err, store.ErrUnauthorized) || errors.Is(err, store.ErrNotFound) {
		return nil, detailError(http.StatusUnauthorized, msgBadCredentials)
	}
	if err != nil {
		return nil, err
	}
	tok, err := h.st.CreateToken(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return brainstemapi.ObtainToken200JSONResponse{Token: tok, Access: tok}, nil
}
