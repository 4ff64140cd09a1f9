// Package brainstem implements the BrainSTEM STEM session API
// (openapi/brainstem.yaml), compatible with the official BrainSTEM clients.
package brainstem

import (
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"
)

// Deps are what the BrainSTEM API needs from the server.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
}

// Register mounts the BrainSTEM API (its validator, auth and handlers) on e.
func Register(e *echo.Echo, d Deps) error { return nil }

// HandleError renders err in Django REST framework's shapes. It reports
// false when it did not write a response.
func HandleError(err error, c echo.Context, log *slog.Logger) bool { return false }
