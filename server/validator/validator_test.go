package validator

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

const spec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}/parts/{part}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, maximum: 10}}
        - {name: part, in: path, required: true, schema: {type: string, maxLength: 3}}
        - {name: q, in: query, schema: {type: integer}}
      responses: {"200": {description: ok}}
`

func TestMiddlewareValidatesTheRouteEchoMatched(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.Use(Middleware(doc, &echomiddleware.Options{}))
	ok := func(c echo.Context) error { return c.NoContent(http.StatusOK) }
	e.GET("/things/:id/parts/:part", ok)
	e.POST("/things/:id/parts/:part", ok) // routed by Echo, not in the spec
	e.GET("/other", ok)                   // routed by Echo, not in the spec

	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/things/7/parts/abc", http.StatusOK},
		{"GET", "/things/7/parts/abc?q=3", http.StatusOK},
		{"GET", "/things/11/parts/abc", http.StatusBadRequest},
		{"GET", "/things/7/parts/abcd", http.StatusBadRequest},
		{"GET", "/things/x/parts/abc", http.StatusBadRequest},
		{"GET", "/things/7/parts/abc?q=x", http.StatusBadRequest},
		{"GET", "/things/7/parts/a%62c", http.StatusOK}, // escaped params are checked unescaped
		{"POST", "/things/7/parts/abc", http.StatusMethodNotAllowed},
		{"GET", "/other", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s %s = %d %s; want %d", tc.method, tc.path, rec.Code, rec.Body, tc.want)
		}
	}
}

func TestEchoPath(t *testing.T) {
	for in, want := range map[string]string{
		"/sessions": "/sessions",
		"/sessions/{session_id}/attachments/{attachment_id}": "/sessions/:session_id/attachments/:attachment_id",
		"/api/private/stem/session/{id}/":                    "/api/private/stem/session/:id/",
	} {
		if got := EchoPath(in); got != want {
			t.Errorf("EchoPath(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestMiddlewareValidatesRoutesUnderABase(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.Use(Middleware(doc, &echomiddleware.Options{}, "/v1"))
	ok := func(c echo.Context) error { return c.NoContent(http.StatusOK) }
	e.GET("/things/:id/parts/:part", ok)
	e.GET("/v1/things/:id/parts/:part", ok)
	e.GET("/v2/things/:id/parts/:part", ok) // not a base: no operation

	for _, tc := range []struct {
		path string
		want int
	}{
		{"/v1/things/7/parts/abc", http.StatusOK},
		{"/v1/things/11/parts/abc", http.StatusBadRequest},
		{"/v1/things/7/parts/abc?q=x", http.StatusBadRequest},
		{"/things/11/parts/abc", http.StatusBadRequest},
		{"/v2/things/7/parts/abc", http.StatusNotFound},
	} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("GET %s = %d %s; want %d", tc.path, rec.Code, rec.Body, tc.want)
		}
	}
}
