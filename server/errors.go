package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/mount"
)

// handleError answers the errors of requests outside both APIs (health,
// docs, specs, unknown paths) as {"message": ...}. The APIs answer their
// own errors in their own shapes, each through its one error function
// (see package mount); for their requests this finds the response sent.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// The client went away and the handler stopped because of it: nobody
	// reads this answer. Record it as nginx's 499, not as a server error.
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		_ = c.NoContent(mount.StatusClientClosedRequest)
		return
	}
	// The router found the path but not the method: say which methods it
	// has (RFC 9110 requires Allow on 405).
	if allow, ok := c.Get(echo.ContextKeyHeaderAllow).(string); ok && allow != "" {
		c.Response().Header().Set(echo.HeaderAllow, allow)
	}
	code := http.StatusInternalServerError
	msg := http.StatusText(code)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code = he.Code
		msg = http.StatusText(code)
		if m, ok := he.Message.(string); ok {
			msg = m
		}
	} else {
		s.log.ErrorContext(c.Request().Context(), "unhandled error", "error", err)
	}
	_ = c.JSON(code, map[string]string{"message": msg})
}
