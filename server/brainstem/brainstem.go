// Package brainstem implements the BrainSTEM STEM session API
// (openapi/brainstem.yaml), compatible with the official BrainSTEM clients.
package brainstem

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echomiddleware "github.com/oapi-codegen/echo-middleware"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/server/mount"
	"github.com/sessionhub/sessionhub/server/validator"
	"github.com/sessionhub/sessionhub/store"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// Deps are what the BrainSTEM API needs from the server.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
	// TokenTTL is how long tokens minted by logins (and tokens created
	// without an expiry of their own) live; 0 means forever.
	TokenTTL time.Duration
	// Throttles limit password attempts and device-login starts (nil: none).
	Throttles *auth.Throttles
	// Outer run first on every request of the API, outside its error
	// mapping, and see the response it writes (the server's audit trail).
	Outer []echo.MiddlewareFunc
}

// Handlers implements the generated strict server interface.
type Handlers struct {
	st *store.Store
	// db is the BrainSTEM persistence over st.
	db        *bsdb.Store
	log       *slog.Logger
	tokenTTL  time.Duration
	throttles *auth.Throttles
}

var _ brainstemapi.StrictServerInterface = (*Handlers)(nil)

// maxBody bounds request bodies (JSON records are small; the validator
// buffers the body), answered with 413 {"detail": "Request body too large."}.
const maxBody = "2M"

// formatValidators check the string formats the spec uses (kin-openapi
// checks only the formats it is told about). They are scoped to this API's
// validator, so the Atlas API keeps its own.
var formatValidators = []openapi3.SchemaValidationOption{
	openapi3.WithStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
		if !validator.IsUUID(s, true) {
			return errors.New("must be a UUID")
		}
		return nil
	})),
	openapi3.WithStringFormatValidator("date", openapi3.NewCallbackValidator(func(s string) error {
		_, err := time.Parse(time.DateOnly, s)
		return err
	})),
	openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
		if u, err := url.Parse(s); err != nil || u.Scheme == "" || u.Host == "" {
			return errors.New("not an absolute URI")
		}
		return nil
	})),
}

// Register mounts the BrainSTEM API on e, each part on an Echo group of
// its own with its own middleware, all answering errors through
// HandleError: the portals (/api/private, /api/public) and the login
// endpoints (/api/...) with HEAD answered as GET, the body limit, the
// token rules of their portal, the request validator (spec-driven,
// errors in DRF's shapes) and ETags; the server's pages (/account/...,
// /private/users/tokens/) with none of those. The public portal's refused
// writes are routed too. It returns the mounted API.
func Register(e *echo.Echo, d Deps) (*mount.API, error) {
	spec, err := brainstemapi.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load brainstem spec: %w", err)
	}
	spec.Servers = nil
	validator.DropSecurity(spec) // tokens: h.authenticate, before the validator
	if d.Throttles == nil {
		d.Throttles = auth.NewThrottles(auth.ThrottleConfig{Off: true})
	}
	h := &Handlers{st: d.Store, db: bsdb.New(d.Store), log: d.Log, tokenTTL: d.TokenTTL, throttles: d.Throttles}

	api := mount.New(e, "brainstem", func(err error, c echo.Context) { HandleError(err, c, d.Log) }, d.Outer...)
	validate := validator.Middleware(spec, &echomiddleware.Options{
		// A group's catch-all answers 404/405 itself.
		Skipper:               api.Unmatched,
		SilenceServersWarning: true,
		ErrorHandler:          markValidation,
		MultiErrorHandler: func(me openapi3.MultiError) *echo.HTTPError {
			return &echo.HTTPError{Code: http.StatusBadRequest, Internal: me}
		},
		Options: openapi3filter.Options{
			MultiError:              true,
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: formatValidators,
		},
	})
	etags := conditional(e)
	stack := func(p portal) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{headAsGet, middleware.BodyLimit(maxBody), h.authenticate(p), h.answerCached, validate, etags}
	}
	api.Group("/api", stack(noPortal)...)
	api.Group("/api/private", stack(privatePortal)...)
	api.Group("/api/public", stack(publicPortal)...)
	api.Group("/account")
	api.Group("/private/users/tokens")

	brainstemapi.RegisterHandlers(headRouter{api}, brainstemapi.NewStrictHandler(h, []brainstemapi.StrictMiddlewareFunc{h.cacheReads}))
	registerPublicWrites(api)
	registerPages(api, d, h)
	return api, nil
}
