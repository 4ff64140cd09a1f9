// Package atlas implements the Atlas sessions API (openapi/atlas.yaml) on
// the generated strict server interface: request validation against the
// embedded spec, bearer-token authentication, handlers and the one mapping
// from errors to RFC 9457 problem details.
package atlas

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/server/mount"
	"github.com/sessionhub/sessionhub/server/validator"
	"github.com/sessionhub/sessionhub/store"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// Deps are what the Atlas API needs from the server.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger
	// MaxUploadBytes is the per-file upload limit; larger files get 413.
	MaxUploadBytes int64
	// MaxRequestBytes caps a whole upload request (all its files and
	// multipart framing); larger bodies get 413. Zero means no cap.
	MaxRequestBytes int64
	// ExportURLTTL is how long an export URL works.
	ExportURLTTL time.Duration
	// Outer run first on every request of the API, outside its error
	// mapping, and see the response it writes (the server's audit trail).
	Outer []echo.MiddlewareFunc
}

// Handlers implements the Atlas API's strict server interface.
type Handlers struct {
	store *store.Store
	// db is the Atlas persistence over store.
	db             *atlasdb.Store
	maxUploadBytes int64
	exportTTL      time.Duration
	exportKey      []byte
}

// BasePath is the second base path of every Atlas operation (the spec's
// second server): Atlas clients call $ATLAS_URL/api/v1/....
const BasePath = "/api/v1"

var _ atlasapi.StrictServerInterface = (*Handlers)(nil)

// uploadRoute is the Echo route of the upload operation, whose body the
// validator must not read (it is streamed to disk by the handler).
const uploadRoute = "/sessions/:session_id/upload-files"

// Register mounts the Atlas API on e, on one Echo group per root of the
// spec's paths (/sessions, /attachments, /annotations) and one at
// BasePath, all with the same middleware and all answering errors through
// HandleError: authentication (except for operations the spec declares
// with `security: []`), body limits and request validation, then the
// strict handlers. It returns the mounted API.
func Register(e *echo.Echo, d Deps) (*mount.API, error) {
	if d.MaxUploadBytes <= 0 {
		return nil, errors.New("atlas: MaxUploadBytes must be positive")
	}
	if d.ExportURLTTL <= 0 {
		return nil, errors.New("atlas: ExportURLTTL must be positive")
	}
	spec, err := validationSpec()
	if err != nil {
		return nil, err
	}
	public, err := publicRoutes()
	if err != nil {
		return nil, err
	}
	key, err := d.Store.ExportKey()
	if err != nil {
		return nil, fmt.Errorf("atlas: export key: %w", err)
	}

	api := mount.New(e, "atlas", func(err error, c echo.Context) { HandleError(err, c, d.Log) }, d.Outer...)
	isUpload := func(c echo.Context) bool {
		return c.Request().Method == http.MethodPost && (c.Path() == uploadRoute || c.Path() == BasePath+uploadRoute)
	}
	isPublic := func(c echo.Context) bool { return public[c.Request().Method+" "+c.Path()] }
	api.Use(
		authenticate(d.Store, isPublic),
		limitJSONBody(isUpload),
		limitUpload(d.Store, d.MaxRequestBytes, isUpload),
		// A group's catch-all (404, 405) is not validated: it answers itself.
		validateRequests(spec, false, func(c echo.Context) bool { return api.Unmatched(c) || isUpload(c) }),
		validateRequests(spec, true, func(c echo.Context) bool { return !isUpload(c) }),
	)
	for _, root := range specRoots(spec) {
		api.Group(root)
	}
	api.Group(BasePath, withBasePath(BasePath))

	h := &Handlers{store: d.Store, db: atlasdb.New(d.Store), maxUploadBytes: d.MaxUploadBytes, exportTTL: d.ExportURLTTL, exportKey: key}
	si := atlasapi.NewStrictHandler(h, []atlasapi.StrictMiddlewareFunc{withBaseURL})
	atlasapi.RegisterHandlers(api, si)
	atlasapi.RegisterHandlersWithBaseURL(api, si, BasePath)
	return api, nil
}

// specRoots are the first segments of the spec's paths (/sessions, ...),
// each the prefix of one group.
func specRoots(spec *openapi3.T) []string {
	var roots []string
	for _, p := range spec.Paths.InMatchingOrder() {
		root, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
		if !slices.Contains(roots, "/"+root) {
			roots = append(roots, "/"+root)
		}
	}
	slices.Sort(roots)
	return roots
}

// publicRoutes are the "METHOD echo-route" of the operations the spec
// declares with an empty security requirement, at both base paths.
func publicRoutes() (map[string]bool, error) {
	spec, err := atlasapi.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("atlas: load embedded spec: %w", err)
	}
	out := map[string]bool{}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Security != nil && len(*op.Security) == 0 {
				out[method+" "+validator.EchoPath(path)] = true
				out[method+" "+BasePath+validator.EchoPath(path)] = true
			}
		}
	}
	return out, nil
}

// validationSpec is the embedded spec as the request validators use it,
// loaded once per process (it is only read after that).
var validationSpec = sync.OnceValues(func() (*openapi3.T, error) {
	spec, err := atlasapi.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("atlas: load embedded spec: %w", err)
	}
	spec.Servers = nil
	// Tokens are checked by the authenticate middleware. kin-openapi's own
	// security check reads the whole request body into memory, which would
	// buffer every upload.
	validator.DropSecurity(spec)
	return spec, nil
})

// authenticate requires a valid personal access token, except for the
// routes public reports, and puts its user into the request context.
func authenticate(st *store.Store, public func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if public(c) {
				return next(c)
			}
			u, err := auth.Identify(c, st)
			switch {
			case errors.Is(err, auth.ErrNoCredentials):
				return echo.NewHTTPError(http.StatusUnauthorized, "Authentication credentials were not provided.")
			case errors.Is(err, store.ErrUnauthorized):
				return echo.NewHTTPError(http.StatusUnauthorized, "Invalid token.")
			case err != nil:
				return err
			}
			auth.SetUser(c, u)
			return next(c)
		}
	}
}

// maxJSONBody bounds the JSON bodies the validator reads into memory; the
// largest valid request (a 10000-character description, escaped) is far
// below it.
const maxJSONBody = 1 << 20

// limitJSONBody answers 413 to a JSON body over maxJSONBody instead of
// letting the validator buffer it.
func limitJSONBody(skip func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			r := c.Request()
			if r.ContentLength > maxJSONBody {
				return errBodyTooLarge
			}
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(c.Response(), r.Body, maxJSONBody)
			}
			return next(c)
		}
	}
}

// limitUpload refuses an upload before reading its body when its declared
// length is over maxBytes (413) or would leave less free space than the
// store's floor (507), and cuts a body (chunked, or with a lying length)
// at maxBytes: the handler then fails with an *http.MaxBytesError (413).
func limitUpload(st *store.Store, maxBytes int64, isUpload func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !isUpload(c) {
				return next(c)
			}
			r := c.Request()
			if maxBytes > 0 && r.ContentLength > maxBytes {
				return errRequestTooLarge
			}
			if err := st.CheckFreeSpace(r.ContentLength); err != nil {
				return err
			}
			if maxBytes > 0 && r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBytes)
			}
			return next(c)
		}
	}
}

// validateRequests checks requests against the spec, reporting every error at
// once. excludeBody leaves the body unread (for streamed uploads).
func validateRequests(spec *openapi3.T, excludeBody bool, skip func(echo.Context) bool) echo.MiddlewareFunc {
	return validator.Middleware(spec, &echomiddleware.Options{
		Skipper: skip,
		Options: openapi3filter.Options{
			MultiError:         true,
			ExcludeRequestBody: excludeBody,
			KeepValidatedValue: !excludeBody,
			// Authentication is done by the authenticate middleware before.
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: formatValidators,
		},
		MultiErrorHandler: func(me openapi3.MultiError) *echo.HTTPError {
			return &echo.HTTPError{Code: http.StatusBadRequest, Message: "The request is invalid.", Internal: me}
		},
	}, BasePath)
}
