package server

import (
	"context"
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"
)

type userKey struct{}

// errNoCredentials means the request carries no Authorization header.
var errNoCredentials = errors.New("no credentials")

// identify reads "Authorization: Bearer <token>" (or "Token <token>") and
// returns its user. It returns errNoCredentials when the header is absent and
// store.ErrUnauthorized when it is malformed or the token is unknown.
func (s *Server) identify(c echo.Context) (*store.User, error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if h == "" {
		return nil, errNoCredentials
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "Token")) {
		return nil, store.ErrUnauthorized
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return nil, store.ErrUnauthorized
	}
	return s.store.UserByToken(c.Request().Context(), tok)
}

// setUser stores the authenticated user in the request's context, where the
// strict handlers read it with userFrom.
func setUser(c echo.Context, u *store.User) {
	c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), userKey{}, u)))
}

// userFrom returns the authenticated user, or nil for an anonymous request.
func userFrom(ctx context.Context) *store.User {
	u, _ := ctx.Value(userKey{}).(*store.User)
	return u
}
