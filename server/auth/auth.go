// Package auth reads personal access tokens from requests and carries the
// authenticated user in the request context. Each API decides what a missing
// or bad token means for it.
package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"
)

type userKey struct{}

// ErrNoCredentials means the request carries no Authorization header.
var ErrNoCredentials = errors.New("no credentials")

// Identify reads "Authorization: Bearer <token>" (or "Token <token>") and
// returns its user. It returns ErrNoCredentials when the header is absent and
// store.ErrUnauthorized when it is malformed or the token is unknown.
func Identify(c echo.Context, st *store.Store) (*store.User, error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	if h == "" {
		return nil, ErrNoCredentials
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "Token")) {
		return nil, store.ErrUnauthorized
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return nil, store.ErrUnauthorized
	}
	return st.UserByToken(c.Request().Context(), tok)
}

// SetUser stores the authenticated user in the request's context, where the
// strict handlers read it with UserFrom.
func SetUser(c echo.Context, u *store.User) {
	c.SetRequest(c.Request().WithContext(WithUser(c.Request().Context(), u)))
}

// WithUser returns ctx carrying u.
func WithUser(ctx context.Context, u *store.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the authenticated user, or nil for an anonymous request.
func UserFrom(ctx context.Context) *store.User {
	u, _ := ctx.Value(userKey{}).(*store.User)
	return u
}
