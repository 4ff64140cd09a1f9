package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/atlas"
	"github.com/sessionhub/sessionhub/server/brainstem"
)

// statusClientClosedRequest is nginx's status for a request whose client
// disconnected before the answer.
const statusClientClosedRequest = 499

// handleError is the one place where errors become HTTP responses. Each API
// keeps its own error body convention, so it dispatches on the path: the
// BrainSTEM API (/api/..., /account/...) answers in Django REST framework's
// shapes, the Atlas API in RFC 9457 problem details.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// The client went away and the handler stopped because of it: nobody
	// reads this answer. Record it as nginx's 499, not as a server error.
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		_ = c.NoContent(statusClientClosedRequest)
		return
	}
	// The router found the path but not the method: say which methods it
	// has (RFC 9110 requires Allow on 405), whichever layer refused first.
	if allow, ok := c.Get(echo.ContextKeyHeaderAllow).(string); ok && allow != "" {
		c.Response().Header().Set(echo.HeaderAllow, allow)
	}
	p := c.Request().URL.Path
	switch {
	case atlas.IsPath(p): // before /api/: the Atlas API is also under /api/v1
		if atlas.HandleError(err, c, s.log) {
			return
		}
	case strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/account/"):
		if brainstem.HandleError(err, c, s.log) {
			return
		}
	}
	s.plainError(err, c)
}

// plainError answers outside both APIs (health, docs): {"message": ...}.
func (s *Server) plainError(err error, c echo.Context) {
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
