// Package server implements sessionhub's HTTP APIs on top of the generated
// strict server interfaces: wiring, request validation, authentication,
// error mapping and the documentation pages.
package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/sessionhub/sessionhub/server/admin"
	"github.com/sessionhub/sessionhub/server/atlas"
	"github.com/sessionhub/sessionhub/server/brainstem"
	"github.com/sessionhub/sessionhub/store"
)

// Config holds the server's tunables.
type Config struct {
	// MaxUploadBytes is the per-file size limit of uploads; larger files get 413.
	MaxUploadBytes int64
	// Metrics, when set, counts and times every request (see package admin).
	Metrics *admin.Metrics
}

// DefaultMaxUploadBytes is the default per-file upload limit (2 GiB).
const DefaultMaxUploadBytes int64 = 2 << 30

// Server carries the dependencies every handler needs.
type Server struct {
	store *store.Store
	log   *slog.Logger
	cfg   Config
}

// New builds the whole HTTP handler: middleware, both APIs with their
// request validators, one error handler, health check and docs.
func New(st *store.Store, log *slog.Logger, cfg Config) (*echo.Echo, error) {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	s := &Server{store: st, log: log, cfg: cfg}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	routes, err := loadSpecRoutes()
	if err != nil {
		return nil, err
	}
	if cfg.Metrics != nil {
		e.Use(cfg.Metrics.Middleware(routes.apiOf))
	}
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(s.auditWrites(routes))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: false}))

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	if err := s.registerDocs(e); err != nil {
		return nil, err
	}
	if err := atlas.Register(e, atlas.Deps{Store: st, Log: log, MaxUploadBytes: cfg.MaxUploadBytes}); err != nil {
		return nil, err
	}
	if err := brainstem.Register(e, brainstem.Deps{Store: st, Log: log}); err != nil {
		return nil, err
	}
	return e, nil
}

// requestLogger logs one structured line per request with its request id.
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true,
		LogRequestID: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("id", v.RequestID),
				slog.String("method", brainstem.RequestMethod(c)),
				slog.String("uri", v.URI),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency.Round(time.Microsecond)),
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
				if v.Error != nil {
					attrs = append(attrs, slog.String("error", v.Error.Error()))
				}
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}
