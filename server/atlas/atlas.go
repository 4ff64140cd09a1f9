// Package atlas implements the Atlas sessions API (openapi/atlas.yaml).
package atlas

import (
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"
)

// Deps are what the Atlas API needs from the server.
type Deps struct {
	Store          *store.Store
	Log            *slog.Logger
	MaxUploadBytes int64
}

// Register mounts the Atlas API (its validator, auth and handlers) on e.
func Register(e *echo.Echo, d Deps) error { return nil }

// HandleError renders err in the Atlas API's error shape. It reports false
// when it did not write a response.
func HandleError(err error, c echo.Context, log *slog.Logger) bool { return false }
