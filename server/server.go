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
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/server/brainstem"
	"github.com/sessionhub/sessionhub/server/mount"
	"github.com/sessionhub/sessionhub/store"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// Config holds the server's tunables.
type Config struct {
	// MaxUploadBytes is the per-file size limit of uploads; larger files get 413.
	MaxUploadBytes int64
	// TokenTTL is how long tokens minted by logins (/api/token/, device
	// login) live, and the default expiry of tokens created through the API
	// or the tokens page; 0 means they never expire.
	TokenTTL time.Duration
	// Throttle limits password attempts and device-login starts; the zero
	// value means auth.DefaultThrottle.
	Throttle auth.ThrottleConfig
	// MaxRequestBytes caps a whole upload request; larger ones get 413.
	MaxRequestBytes int64
	// StallTimeout cuts a request body that sends nothing for this long.
	StallTimeout time.Duration
	// WriteTimeout cuts a response that the client takes nothing of for this long.
	WriteTimeout time.Duration
	// ExportURLTTL is how long an Atlas export URL works.
	ExportURLTTL time.Duration
	// Metrics, when set, counts and times every request (see package admin).
	Metrics *admin.Metrics
	// RequestLog, when set, takes the line of each request answered below
	// 500 (serve gives it a LogBuffer); the others, and every line when it
	// is nil, go to New's logger at once.
	RequestLog *slog.Logger
}

// Upload limit defaults: 2 GiB per file, 4 GiB per request.
const (
	DefaultMaxUploadBytes  int64 = 2 << 30
	DefaultMaxRequestBytes int64 = 4 << 30
)

// DefaultExportURLTTL is the default lifetime of an Atlas export URL.
const DefaultExportURLTTL = 15 * time.Minute

// Server carries the dependencies every handler needs.
type Server struct {
	store *store.Store
	log   *slog.Logger
	cfg   Config
}

// Tables are the tables of the APIs New serves, for store.Options.Tables:
// every store a server runs on is opened with them, in this order.
func Tables() []store.Tables {
	return []store.Tables{atlasdb.Tables(), bsdb.Tables()}
}

// New builds the whole HTTP handler: the middleware every request runs
// (deadlines, request id, log, metrics), both APIs each on Echo groups of
// its own with its own middleware and error mapping (the audit trail runs
// in each), health check and docs.
func New(st *store.Store, log *slog.Logger, cfg Config) (*echo.Echo, error) {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if cfg.StallTimeout <= 0 {
		cfg.StallTimeout = DefaultStallTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.ExportURLTTL <= 0 {
		cfg.ExportURLTTL = DefaultExportURLTTL
	}
	s := &Server{store: st, log: log, cfg: cfg}

	ops, err := loadAuditOps()
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	// Each API answers its own errors (see package mount); this handler
	// answers the rest: health, docs, paths outside both APIs.
	e.HTTPErrorHandler = s.handleError
	e.Pre(progressDeadlines(cfg.StallTimeout, cfg.WriteTimeout))
	e.Pre(mount.AppendSlash(e))
	var apis []*mount.API
	if cfg.Metrics != nil {
		e.Use(cfg.Metrics.Middleware(func(c echo.Context) string { return apiOf(apis, c) }))
	}
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: false}))

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	if err := s.registerDocs(e); err != nil {
		return nil, err
	}
	at, err := atlas.Register(e, atlas.Deps{Store: st, Log: log, MaxUploadBytes: cfg.MaxUploadBytes,
		MaxRequestBytes: cfg.MaxRequestBytes, ExportURLTTL: cfg.ExportURLTTL,
		Outer: []echo.MiddlewareFunc{s.auditWrites("atlas", ops)}})
	if err != nil {
		return nil, err
	}
	bs, err := brainstem.Register(e, brainstem.Deps{Store: st, Log: log,
		TokenTTL: cfg.TokenTTL, Throttles: auth.NewThrottles(cfg.Throttle),
		Outer: []echo.MiddlewareFunc{s.auditWrites("brainstem", ops)}})
	if err != nil {
		return nil, err
	}
	apis = []*mount.API{at, bs}
	return e, nil
}

// apiOf names the API whose route the router matched ("docs" for the
// health check, docs pages, specs and unknown paths outside both APIs).
// Metrics label requests with it, so its answers are a fixed small set.
func apiOf(apis []*mount.API, c echo.Context) string {
	for _, a := range apis {
		if a.Owns(c.Path()) {
			return a.Name()
		}
	}
	return "docs"
}

// requestLogger logs one structured line per request with its request id.
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true,
		LogRequestID: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("id", v.RequestID),
				slog.String("method", v.Method),
				slog.String("uri", v.URI),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency.Round(time.Microsecond)),
			}
			level, log := slog.LevelInfo, s.log
			if s.cfg.RequestLog != nil {
				log = s.cfg.RequestLog
			}
			if v.Status >= 500 {
				level, log = slog.LevelError, s.log
				if v.Error != nil {
					attrs = append(attrs, slog.String("error", v.Error.Error()))
				}
			}
			log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}
