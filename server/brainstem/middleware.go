package brainstem

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/atlas"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/store"
)

// notAPI skips the BrainSTEM middleware outside /api/, and on the Atlas
// API's paths under /api/v1.
func notAPI(c echo.Context) bool { return !isAPI(c.Request().URL.Path) }

// isAPI reports whether p is a BrainSTEM path: under /api/ but not the
// Atlas API's /api/v1.
func isAPI(p string) bool { return strings.HasPrefix(p, "/api/") && !atlas.IsPath(p) }

// request is what the handlers need from the HTTP request beyond the
// generated request objects: the portal, the caller, the raw query (for
// filter{…} keys no spec can list) and the absolute URL (for next/previous).
type request struct {
	public bool
	user   *store.User
	query  url.Values
	url    *url.URL
	host   string
	scheme string
	addr   string // the client's address, for throttling (auth.ClientAddr)
}

type requestKey struct{}

func requestFrom(ctx context.Context) *request {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r
	}
	return &request{query: url.Values{}, url: &url.URL{}}
}

// viewer is who the store filters visibility for.
func (r *request) viewer() store.BSViewer {
	v := store.BSViewer{Public: r.public}
	if r.user != nil {
		v.UserID = r.user.ID
	}
	return v
}

// userID is the signed-in caller (private portal handlers only run with one).
func (r *request) userID() uint {
	if r.user == nil {
		return 0
	}
	return r.user.ID
}

// authenticate reads the token on the portal paths: the private portal
// needs a valid one (401 otherwise), the public portal reads anonymously
// but rejects a bad token, and refuses every write with 403, before
// validation, as Django REST framework's permission classes do.
func (h *Handlers) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		p := req.URL.Path
		if !isAPI(p) {
			return next(c)
		}
		r := &request{query: c.QueryParams(), url: req.URL, host: req.Host, scheme: c.Scheme(), addr: auth.ClientAddr(req)}
		r.public = strings.HasPrefix(p, "/api/public/")
		if r.public || strings.HasPrefix(p, "/api/private/") {
			u, err := auth.Identify(c, h.st)
			switch {
			case err == nil:
				r.user = u
				auth.SetUser(c, u)
			case r.public && errors.Is(err, auth.ErrNoCredentials):
			default:
				return err
			}
			if r.public && isPublicWrite(req.Method, p) {
				return store.ErrForbidden
			}
		}
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), requestKey{}, r)))
		return next(c)
	}
}

// isPublicWrite reports a write that the public portal declares (POST on a
// collection, PUT/PATCH/DELETE on a record); other methods fall through to 405.
func isPublicWrite(method, path string) bool {
	n := len(strings.Split(strings.Trim(path, "/"), "/"))
	switch method {
	case http.MethodPost:
		return n == 4
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		return n == 5
	}
	return false
}

// methodKey is the echo.Context key under which headAsGet marks a HEAD
// that the API answers as a GET.
const methodKey = "brainstem.method"

// headAsGet answers HEAD on the API like GET without a body, as Django
// does. Echo routes by the method of the request net/http handed in, so
// this pre-router middleware makes that request a GET; restoreHead, run
// after routing and before any BrainSTEM middleware or handler can answer,
// gives it back its HEAD and hands them a GET copy. net/http looks at its own request when it writes:
// it drops the body and keeps the headers (Content-Type, Content-Length).
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method == http.MethodHead && !notAPI(c) {
			r.Method = http.MethodGet
			c.Set(methodKey, http.MethodHead)
		}
		return next(c)
	}
}

// restoreHead: see headAsGet.
func restoreHead(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if m, ok := c.Get(methodKey).(string); ok && m == http.MethodHead {
			r := c.Request()
			get := r.WithContext(r.Context())
			r.Method = http.MethodHead
			c.SetRequest(get)
		}
		return next(c)
	}
}

// RequestMethod is the method the client sent: HEAD for a HEAD that the
// API answers as a GET, else the request's method. For logs.
func RequestMethod(c echo.Context) string {
	if m, ok := c.Get(methodKey).(string); ok {
		return m
	}
	return c.Request().Method
}
