// Package mount puts one HTTP API on Echo groups of its own. Every route of
// the API, and every unknown path or wrong method under one of its
// prefixes, runs the API's own middleware stack; every error on the way —
// returned by a handler or a middleware, a panic, the router's 404 or 405 —
// becomes a response through the API's one error function. Nothing here or
// in the APIs' middleware asks which API a request path belongs to: by the
// time any of it runs, the router has matched a route of the API's group.
package mount

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// ErrorFunc writes err as the API's error response. It is called at most
// once per request, with a response that nothing has been written to.
type ErrorFunc func(err error, c echo.Context)

// StatusClientClosedRequest is nginx's status for a request whose client
// disconnected before the answer.
const StatusClientClosedRequest = 499

// API is one API's groups: its name (a metrics and audit label), its error
// function and its middleware stack.
type API struct {
	name   string
	e      *echo.Echo
	render ErrorFunc
	outer  []echo.MiddlewareFunc
	stack  []echo.MiddlewareFunc
	groups []group // longest prefix first
	routes map[string]bool
	// catchAll are the routes of the groups' catch-alls.
	catchAll map[string]bool
	table    *table
}

type group struct {
	prefix string
	g      *echo.Group
}

// New starts API name on e. render is its one error function; outer are
// middleware that run before the errors are mapped and see the response
// render writes (the audit trail).
func New(e *echo.Echo, name string, render ErrorFunc, outer ...echo.MiddlewareFunc) *API {
	return &API{name: name, e: e, render: render, outer: outer, routes: map[string]bool{}, catchAll: map[string]bool{}, table: newTable(e)}
}

// Name is the API's name.
func (a *API) Name() string { return a.name }

// Owns reports whether route (an Echo route path, c.Path()) is one of the
// API's routes or the catch-all of one of its groups.
func (a *API) Owns(route string) bool { return a.routes[route] }

// Unmatched reports whether c was routed to the catch-all of one of the
// API's groups: no route of the API takes the request, which will answer
// 404 or 405. Middleware that works on the API's routes (the request
// validator) skip it.
func (a *API) Unmatched(c echo.Context) bool {
	// A group's "" catch-all has the route of the prefix itself, which can
	// be a route of its own for some methods (/sessions).
	return a.catchAll[c.Path()] && !a.table.isRoute(c.Request().Method, c.Path())
}

// Use appends middleware to the stack of the groups mounted after it; they
// run inside the error mapping, in order.
func (a *API) Use(mw ...echo.MiddlewareFunc) { a.stack = append(a.stack, mw...) }

// Group mounts a group at prefix (e.g. "/api/private") whose routes run
// outer, the error mapping, the API's stack and then mw. Unknown paths
// under prefix answer 404 and known paths with another method 405 (with
// Allow; OPTIONS answers 204 with Allow), through the same stack.
func (a *API) Group(prefix string, mw ...echo.MiddlewareFunc) *echo.Group {
	all := append(append(append(append([]echo.MiddlewareFunc{}, a.outer...), a.catch), a.stack...), mw...)
	g := a.e.Group(prefix, all...)
	// Group.Use has registered Echo's plain NotFoundHandler as the group's
	// catch-all; replace it with one that also finds 405s (Echo's router
	// prefers a group's catch-all to its own 405, see Router.Find).
	g.RouteNotFound("", a.unmatched)
	g.RouteNotFound("/*", a.unmatched)
	for _, r := range []string{prefix, prefix + "/*"} {
		a.routes[r], a.catchAll[r] = true, true
	}
	a.groups = append(a.groups, group{prefix: prefix, g: g})
	sort.SliceStable(a.groups, func(i, j int) bool { return len(a.groups[i].prefix) > len(a.groups[j].prefix) })
	return g
}

// Add registers a route given by its whole path on the group with the
// longest prefix that contains it (decided once, when the route is
// registered). It panics when no group does: that is a wiring mistake.
func (a *API) Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	for _, g := range a.groups {
		if rest, ok := strings.CutPrefix(path, g.prefix); ok && (rest == "" || rest[0] == '/') {
			a.routes[path] = true
			return g.g.Add(method, rest, h, m...)
		}
	}
	panic(fmt.Sprintf("mount: %s %s is under none of the %s API's groups", method, path, a.name))
}

// The methods of the generated EchoRouter interfaces, so that the
// generated RegisterHandlers can register an API's operations on it.

// CONNECT registers a route (see Add).
func (a *API) CONNECT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodConnect, p, h, m...)
}

// DELETE registers a route (see Add).
func (a *API) DELETE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodDelete, p, h, m...)
}

// GET registers a route (see Add).
func (a *API) GET(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodGet, p, h, m...)
}

// HEAD registers a route (see Add).
func (a *API) HEAD(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodHead, p, h, m...)
}

// OPTIONS registers a route (see Add).
func (a *API) OPTIONS(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodOptions, p, h, m...)
}

// PATCH registers a route (see Add).
func (a *API) PATCH(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodPatch, p, h, m...)
}

// POST registers a route (see Add).
func (a *API) POST(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodPost, p, h, m...)
}

// PUT registers a route (see Add).
func (a *API) PUT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodPut, p, h, m...)
}

// TRACE registers a route (see Add).
func (a *API) TRACE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return a.Add(http.MethodTrace, p, h, m...)
}

// catch is the first middleware of every group after outer: it turns
// whatever the rest of the stack returns or panics with into the API's
// error response, and still returns the error (the request log records it;
// Echo's error handler finds the response committed and leaves it).
func (a *API) catch(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
			if err != nil {
				a.write(err, c)
			}
		}()
		return next(c)
	}
}

// write answers err unless a response has been sent already.
func (a *API) write(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// The client went away and the handler stopped because of it: nobody
	// reads this answer. Record it as nginx's 499, not as a server error.
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		_ = c.NoContent(StatusClientClosedRequest)
		return
	}
	// A 405 says which methods the path has (RFC 9110 requires Allow).
	if allow, ok := c.Get(echo.ContextKeyHeaderAllow).(string); ok && allow != "" {
		c.Response().Header().Set(echo.HeaderAllow, allow)
	}
	a.render(err, c)
}

// unmatched answers a request under a group's prefix that no route of the
// group takes: 405 when the path has routes for other methods, else 404.
//
// Like Echo's own 404 and 405, it leaves c.Path() empty for a 404 and the
// path's route for a 405 (metrics label requests by route).
func (a *API) unmatched(c echo.Context) error {
	path := echo.GetPath(c.Request())
	methods := a.table.methods(path)
	if len(methods) == 0 {
		c.SetPath("")
		return echo.ErrNotFound
	}
	c.SetPath(a.table.route(methods[0], path))
	allow := http.MethodOptions + ", " + strings.Join(methods, ", ")
	if c.Request().Method == http.MethodOptions {
		c.Response().Header().Set(echo.HeaderAllow, allow)
		return c.NoContent(http.StatusNoContent)
	}
	c.Set(echo.ContextKeyHeaderAllow, allow)
	return echo.ErrMethodNotAllowed
}

// AppendSlash is pre-routing middleware: a request whose path matches no
// route, but does with a "/" appended (for any method), is served as that
// path (Django's APPEND_SLASH, without the redirect). It does not depend on
// which API the path belongs to; only routes that end in "/" can match.
func AppendSlash(e *echo.Echo) echo.MiddlewareFunc {
	t := newTable(e)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			p := echo.GetPath(r)
			if strings.HasSuffix(p, "/") || t.matches(r.Method, p) || len(t.methods(p+"/")) == 0 {
				return next(c)
			}
			r.URL.Path += "/"
			if r.URL.RawPath != "" {
				r.URL.RawPath += "/"
			}
			uri := r.URL.EscapedPath()
			if r.URL.RawQuery != "" {
				uri += "?" + r.URL.RawQuery
			}
			r.RequestURI = uri
			return next(c)
		}
	}
}

// probeMethods are the methods a 405's Allow can list, in Echo's order.
var probeMethods = []string{http.MethodConnect, http.MethodDelete, http.MethodGet, http.MethodHead,
	http.MethodPatch, http.MethodPost, http.MethodPut, http.MethodTrace}

// table answers which methods have a route (not a catch-all) at a path,
// by asking e's router. It reads e's routes on first use, when all are
// registered.
type table struct {
	e    *echo.Echo
	once sync.Once
	real map[string]bool // "METHOD route" of every route that is not a catch-all
}

func newTable(e *echo.Echo) *table { return &table{e: e} }

func (t *table) load() {
	t.once.Do(func() {
		t.real = map[string]bool{}
		for _, r := range t.e.Routes() {
			if r.Method != echo.RouteNotFound {
				t.real[r.Method+" "+r.Path] = true
			}
		}
	})
}

// isRoute reports whether route (an Echo route path) is registered for
// method, other than as a catch-all.
func (t *table) isRoute(method, route string) bool {
	t.load()
	return t.real[method+" "+route]
}

// route is the route that method and path reach, "" when that is none
// of its own (a catch-all, or nothing).
func (t *table) route(method, path string) string {
	c := t.e.AcquireContext()
	defer t.e.ReleaseContext(c)
	c.Reset(nil, nil)
	t.e.Router().Find(method, path, c)
	if !t.isRoute(method, c.Path()) {
		return ""
	}
	return c.Path()
}

// matches reports whether method and path reach a route of their own.
func (t *table) matches(method, path string) bool { return t.route(method, path) != "" }

// methods lists the methods that reach a route of their own at path.
func (t *table) methods(path string) []string {
	var out []string
	for _, m := range probeMethods {
		if t.matches(m, path) {
			out = append(out, m)
		}
	}
	return out
}
