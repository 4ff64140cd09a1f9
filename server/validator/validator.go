// Package validator checks requests against an OpenAPI spec with
// kin-openapi, as oapi-codegen's echo-middleware does, but finds each
// request's operation from the route Echo has already matched instead of
// matching the URL against every path of the spec again.
package validator

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

// Middleware validates requests against spec with opts (its Skipper,
// ErrorHandler, MultiErrorHandler and kin-openapi Options are honoured as
// echomiddleware.OapiRequestValidatorWithOptions does; Prefix is not
// supported). The handlers must be registered with the generated
// RegisterHandlers, whose Echo paths are the spec's with {name} as :name,
// or RegisterHandlersWithBaseURL with one of bases (e.g. "/api/v1"), whose
// routes are validated as the spec's path without the base.
func Middleware(spec *openapi3.T, opts *echomiddleware.Options, bases ...string) echo.MiddlewareFunc {
	rt := newRouteTable(spec, bases)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if opts.Skipper != nil && opts.Skipper(c) {
				return next(c)
			}
			if err := echomiddleware.ValidateRequestFromContext(c, matched{c, rt}, opts); err != nil {
				if opts.ErrorHandler != nil {
					return opts.ErrorHandler(c, err)
				}
				return err
			}
			return next(c)
		}
	}
}

// DropSecurity removes the security requirements from spec, a copy for
// the validator: the APIs check tokens in middleware of their own, before
// validation, and kin-openapi's security check does nothing else than
// read the whole request body into memory (to give each
// AuthenticationFunc a copy), and cost 2 % of a cached read's CPU.
func DropSecurity(spec *openapi3.T) {
	spec.Security = nil
	for _, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			op.Security = nil
		}
	}
}

// routeTable maps an Echo route path to the spec's operations on it, by method.
type routeTable map[string]map[string]*routers.Route

func newRouteTable(spec *openapi3.T, bases []string) routeTable {
	rt := routeTable{}
	for path, item := range spec.Paths.Map() {
		byMethod := map[string]*routers.Route{}
		for method, op := range item.Operations() {
			byMethod[method] = &routers.Route{Spec: spec, Path: path, PathItem: item, Method: method, Operation: op}
		}
		rt[EchoPath(path)] = byMethod
		for _, b := range bases {
			rt[b+EchoPath(path)] = byMethod
		}
	}
	return rt
}

// EchoPath turns an OpenAPI path template into Echo's route syntax.
func EchoPath(p string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(p)
}

// matched is a routers.Router for one request: the operation of the route
// Echo matched, with Echo's path parameters.
type matched struct {
	c  echo.Context
	rt routeTable
}

// FindRoute implements routers.Router.
func (m matched) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	byMethod, ok := m.rt[m.c.Path()]
	if !ok {
		return nil, nil, routers.ErrPathNotFound
	}
	route, ok := byMethod[req.Method]
	if !ok {
		return nil, nil, routers.ErrMethodNotAllowed
	}
	names, values := m.c.ParamNames(), m.c.ParamValues()
	params := make(map[string]string, len(names))
	for i, n := range names {
		if i < len(values) {
			params[n] = values[i]
		}
	}
	return route, params, nil
}

// IsUUID reports whether s is a UUID in its 8-4-4-4-12 form of hex digits,
// or also, when dashesOptional, with any of its four dashes left out (as
// Django reads one). Spec formats check every id in a URL with it, so it
// is a loop rather than a regular expression.
func IsUUID(s string, dashesOptional bool) bool {
	groups := [...]int{8, 4, 4, 4, 12}
	for i, n := range groups {
		if i > 0 {
			switch {
			case s != "" && s[0] == '-':
				s = s[1:]
			case !dashesOptional:
				return false
			}
		}
		if len(s) < n {
			return false
		}
		for j := 0; j < n; j++ {
			if !isHex(s[j]) {
				return false
			}
		}
		s = s[n:]
	}
	return s == ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
