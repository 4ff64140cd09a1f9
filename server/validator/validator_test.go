package validator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
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

// IsUUID answers as the regular expressions it replaced, on UUIDs and on
// every string one edit away from one.
func TestIsUUIDAnswersAsTheRegexps(t *testing.T) {
	strict := regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	loose := regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)
	bases := []string{"3fa85f64-5717-4562-b3fc-2c963f66afa6", "3FA85F6457174562B3FC2C963F66AFA6", "3fa85f64-57174562-b3fc2c963f66afa6", ""}
	var cases []string
	for _, b := range bases {
		cases = append(cases, b)
		for i := 0; i <= len(b); i++ {
			for _, c := range []byte{'-', '0', 'g', 'F', ' '} {
				cases = append(cases, b[:i]+string(c)+b[i:]) // inserted
				if i < len(b) {
					cases = append(cases, b[:i]+string(c)+b[i+1:]) // replaced
				}
			}
			if i < len(b) {
				cases = append(cases, b[:i]+b[i+1:]) // removed
			}
		}
	}
	matches := 0
	for _, s := range cases {
		if got, want := IsUUID(s, false), strict.MatchString(s); got != want {
			t.Errorf("IsUUID(%q, false) = %v, want %v", s, got, want)
		}
		if got, want := IsUUID(s, true), loose.MatchString(s); got != want {
			t.Errorf("IsUUID(%q, true) = %v, want %v", s, got, want)
		}
		if loose.MatchString(s) {
			matches++
		}
	}
	if matches < 10 {
		t.Fatalf("only %d of %d cases are UUIDs: the test checks too little", matches, len(cases))
	}
}

// After DropSecurity the validator checks a request without asking any
// AuthenticationFunc (and so without reading its body for one), and still
// checks its parameters.
func TestDropSecuritySkipsTheSecurityCheck(t *testing.T) {
	const secured = `
openapi: 3.0.3
info: {title: t, version: "1"}
security: [{token: []}]
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
paths:
  /things/{id}:
    get:
      security: [{token: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses: {"200": {description: ok}}
`
	for _, drop := range []bool{false, true} {
		doc, err := openapi3.NewLoader().LoadFromData([]byte(secured))
		if err != nil {
			t.Fatal(err)
		}
		if drop {
			DropSecurity(doc)
		}
		asked := 0
		e := echo.New()
		e.Use(Middleware(doc, &echomiddleware.Options{Options: openapi3filter.Options{
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { asked++; return nil },
		}}))
		e.GET("/things/:id", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
		for path, want := range map[string]int{"/things/7": http.StatusOK, "/things/x": http.StatusBadRequest} {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if rec.Code != want {
				t.Errorf("drop %v: GET %s = %d, want %d", drop, path, rec.Code, want)
			}
		}
		if drop && asked != 0 || !drop && asked == 0 {
			t.Errorf("drop %v: the AuthenticationFunc was asked %d times", drop, asked)
		}
	}
}
