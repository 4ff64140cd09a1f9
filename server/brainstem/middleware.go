package brainstem

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/server/mount"
	"github.com/sessionhub/sessionhub/store"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

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
	// refresh, set by cacheReads on a write whose answer is what a GET of
	// the same URL would answer, is where that GET's answer is cached.
	refresh *cacheSlot
}

type requestKey struct{}

func requestFrom(ctx context.Context) *request {
	if r, ok := ctx.Value(requestKey{}).(*request); ok {
		return r
	}
	return &request{query: url.Values{}, url: &url.URL{}}
}

// viewer is who the store filters visibility for.
func (r *request) viewer() bsdb.Viewer {
	v := bsdb.Viewer{Public: r.public}
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

// portal is which of the API's portals a group serves; its token rules differ.
type portal int

const (
	// noPortal: the login and device-login endpoints, which read no token.
	noPortal portal = iota
	// privatePortal (/api/private/...) needs a valid token.
	privatePortal
	// publicPortal (/api/public/...) reads anonymously, rejects a bad token
	// and refuses every write.
	publicPortal
)

// authenticate puts the request's details into its context and reads the
// token as the group's portal p requires: the private portal needs a valid
// one (401 otherwise), the public portal reads anonymously but rejects a
// bad token, and refuses every write with 403, before validation, as
// Django REST framework's permission classes do.
func (h *Handlers) authenticate(p portal) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			r := &request{query: c.QueryParams(), url: req.URL, host: req.Host, scheme: c.Scheme(), addr: auth.ClientAddr(req)}
			r.public = p == publicPortal
			if p != noPortal {
				u, err := auth.Identify(c, h.st)
				switch {
				case err == nil:
					r.user = u
					auth.SetUser(c, u)
				case r.public && errors.Is(err, auth.ErrNoCredentials):
				default:
					return err
				}
				if r.public && isPublicWrite(req.Method, req.URL.Path) {
					return store.ErrForbidden
				}
			}
			c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), requestKey{}, r)))
			return next(c)
		}
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

// headAsGet answers HEAD on the API like GET without a body, as Django
// does: the API's GET routes are registered for HEAD too (headRouter), and
// this first middleware of the API's groups hands everything after it a
// GET copy of the request. net/http looks at its own request when it
// writes: it drops the body and keeps the headers (Content-Type,
// Content-Length).
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			get := r.WithContext(r.Context())
			get.Method = http.MethodGet
			c.SetRequest(get)
		}
		return next(c)
	}
}

// headRouter registers each GET route for HEAD as well (see headAsGet).
type headRouter struct{ *mount.API }

// GET registers path for GET and HEAD.
func (r headRouter) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	r.API.HEAD(path, h, m...)
	return r.API.GET(path, h, m...)
}
