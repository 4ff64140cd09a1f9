package mount_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/mount"
)

// TestGroupAnswersEverythingThroughItsErrorFunc mounts a toy API and
// checks that its routes, its unknown paths, its wrong methods and its
// panics all answer through its error function and its middleware, while
// paths outside it do not.
func TestGroupAnswersEverythingThroughItsErrorFunc(t *testing.T) {
	t.Parallel()
	e := echo.New()
	e.Pre(mount.AppendSlash(e))
	var outerSaw []int
	outer := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			err := next(c)
			outerSaw = append(outerSaw, c.Response().Status)
			return err
		}
	}
	api := mount.New(e, "toy", func(err error, c echo.Context) {
		code := http.StatusInternalServerError
		var he *echo.HTTPError
		if errors.As(err, &he) {
			code = he.Code
		}
		_ = c.String(code, fmt.Sprintf("toy %d", code))
	}, outer)
	api.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("X-Toy", "1")
			return next(c)
		}
	})
	api.Group("/toy")
	ok := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	api.GET("/toy", ok)
	api.GET("/toy/items/", ok)
	api.POST("/toy/items/", ok)
	api.GET("/toy/panic", func(echo.Context) error { panic("boom") })
	api.GET("/toy/fail", func(echo.Context) error { return errors.New("secret") })
	e.GET("/other", ok)

	for _, tc := range []struct {
		method, path string
		want         int
		body, allow  string
		toy          bool // went through the toy API's middleware
	}{
		{"GET", "/toy", 200, "ok", "", true},
		{"GET", "/toy/items/", 200, "ok", "", true},
		{"GET", "/toy/items", 200, "ok", "", true}, // slash appended
		{"DELETE", "/toy", 405, "toy 405", "OPTIONS, GET", true},
		{"DELETE", "/toy/items/", 405, "toy 405", "OPTIONS, GET, POST", true},
		{"DELETE", "/toy/items", 405, "toy 405", "OPTIONS, GET, POST", true},
		{"OPTIONS", "/toy/items/", 204, "", "OPTIONS, GET, POST", true},
		{"GET", "/toy/nothing", 404, "toy 404", "", true},
		{"GET", "/toy/panic", 500, "toy 500", "", true},
		{"GET", "/toy/fail", 500, "toy 500", "", true},
		{"GET", "/other", 200, "ok", "", false},
		{"GET", "/toyx", 404, `{"message":"Not Found"}`, "", false},
		{"POST", "/other", 405, `{"message":"Method Not Allowed"}`, "OPTIONS, GET", false},
	} {
		outerSaw = nil
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.want || strings.TrimSpace(rec.Body.String()) != tc.body || rec.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s = %d %q Allow %q; want %d %q Allow %q", tc.method, tc.path, rec.Code, rec.Body, rec.Header().Get("Allow"), tc.want, tc.body, tc.allow)
		}
		if got := rec.Header().Get("X-Toy") == "1"; got != tc.toy {
			t.Errorf("%s %s: through the toy middleware %v, want %v", tc.method, tc.path, got, tc.toy)
		}
		if tc.toy && (len(outerSaw) != 1 || outerSaw[0] != tc.want) {
			t.Errorf("%s %s: outer middleware saw %v, want [%d]", tc.method, tc.path, outerSaw, tc.want)
		}
	}
}

// TestAddOutsideEveryGroupPanics: a route under none of the API's groups
// is a wiring mistake found at start-up.
func TestAddOutsideEveryGroupPanics(t *testing.T) {
	t.Parallel()
	api := mount.New(echo.New(), "toy", func(error, echo.Context) {})
	api.Group("/toy")
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	api.GET("/toyx/a", func(echo.Context) error { return nil })
}
