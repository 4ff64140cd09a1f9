package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// errorCase is one request whose error answer must come in its API's shape.
type errorCase struct {
	name, method, path string
	body               any
	wantStatus         int
	wantInBody         string
	wantAllow          string // for a 405
	inSpec             bool   // the operation documents this answer: check it with CheckSpec too
}

// TestEachAPIAnswersErrorsInItsShape sends, for each API, an unknown path,
// a wrong method, a request the validator refuses, one the store refuses,
// one over the body limit, and (with the store closed under the server) an
// internal error: each answers in that API's shape, through the full stack.
func TestEachAPIAnswersErrorsInItsShape(t *testing.T) {
	t.Parallel()
	const missing = "6f1c2a9e-8f0e-4a53-9a0e-2b9f1d1f0c11"
	big := `{"name": "` + strings.Repeat("x", 3<<20) + `"}`
	for _, api := range []struct {
		name  string
		cases []errorCase
		// check fails the test unless res is in the API's error shape.
		check func(t *testing.T, res *servertest.Response)
	}{
		{"atlas", []errorCase{
			{name: "unknown path under a root", method: "GET", path: "/sessions/" + missing + "/nothing", wantStatus: 404, wantInBody: "No such resource."},
			{name: "unknown path under the base path", method: "GET", path: "/api/v1/nothing", wantStatus: 404, wantInBody: "No such resource."},
			{name: "wrong method", method: "PATCH", path: "/sessions", wantStatus: 405, wantAllow: "OPTIONS, GET, POST"},
			{name: "wrong method under the base path", method: "POST", path: "/api/v1/sessions/" + missing, wantStatus: 405, wantAllow: "OPTIONS, DELETE, GET, PUT"},
			{name: "validator error", method: "POST", path: "/sessions", body: map[string]any{"nope": 1}, wantStatus: 400, wantInBody: `"field":"nope"`, inSpec: true},
			{name: "store error", method: "GET", path: "/sessions/" + missing, wantStatus: 404, wantInBody: "No such resource.", inSpec: true},
			{name: "body too large", method: "PUT", path: "/sessions/" + missing, body: big, wantStatus: 413, wantInBody: "The body is larger than"},
		}, func(t *testing.T, res *servertest.Response) { servertest.CheckProblem(t, "atlas", res) }},
		{"brainstem", []errorCase{
			{name: "unknown path on a portal", method: "GET", path: "/api/private/stem/nothing/", wantStatus: 404, wantInBody: `{"detail":"Not found."}`},
			{name: "unknown path under /api", method: "GET", path: "/api/nothing/", wantStatus: 404, wantInBody: `{"detail":"Not found."}`},
			{name: "unknown page", method: "GET", path: "/account/nothing/", wantStatus: 404, wantInBody: `{"detail":"Not found."}`},
			{name: "wrong method", method: "DELETE", path: "/api/private/stem/session/", wantStatus: 405, wantInBody: `{"detail":"Method \"DELETE\" not allowed."}`, wantAllow: "OPTIONS, GET, HEAD, POST"},
			{name: "wrong method without the trailing slash", method: "DELETE", path: "/api/private/stem/session", wantStatus: 405, wantInBody: `{"detail":"Method \"DELETE\" not allowed."}`},
			{name: "store error", method: "GET", path: "/api/private/stem/session/" + missing + "/", wantStatus: 404, wantInBody: `{"detail":"Not found."}`, inSpec: true},
			{name: "bad login", method: "POST", path: "/api/token/", body: map[string]any{"username": "x@example.org", "password": "nope"}, wantStatus: 401, wantInBody: `{"detail":"No active account found with the given credentials"}`, inSpec: true},
			{name: "body too large", method: "POST", path: "/api/private/stem/project/", body: big, wantStatus: 413, wantInBody: `{"detail":"Request body too large."}`, inSpec: true},
		}, func(t *testing.T, res *servertest.Response) { servertest.CheckDetail(t, "brainstem", res) }},
	} {
		t.Run(api.name, func(t *testing.T) {
			t.Parallel()
			e := servertest.New(t, server.Config{})
			tok := e.AddUser("errors@example.org", "")
			for _, tc := range api.cases {
				t.Run(tc.name, func(t *testing.T) {
					res := e.Do(tc.method, tc.path, tok, tc.body)
					checkError(t, tc, res)
					api.check(t, res)
					if tc.inSpec {
						servertest.CheckSpec(t, api.name, tc.method, tc.path, res)
					}
				})
			}
		})
	}

	// The validator's field errors are DRF's field map, not a Detail.
	t.Run("brainstem validator error", func(t *testing.T) {
		t.Parallel()
		e := servertest.New(t, server.Config{})
		tok := e.AddUser("errors@example.org", "")
		tc := errorCase{method: "POST", path: "/api/private/stem/project/", body: map[string]any{}, wantStatus: 400,
			wantInBody: `{"name":["This field is required."]}`}
		res := e.Do(tc.method, tc.path, tok, tc.body)
		checkError(t, tc, res)
		servertest.CheckSpec(t, "brainstem", tc.method, tc.path, res)
	})

	// With the database closed under it, every request fails inside the
	// server: a 500 in the API's shape, without internals.
	t.Run("internal error", func(t *testing.T) {
		t.Parallel()
		e := servertest.New(t, server.Config{})
		tok := e.AddUser("errors@example.org", "")
		if err := e.Store.Close(); err != nil {
			t.Fatal(err)
		}
		res := e.Do("GET", "/sessions", tok, nil)
		checkError(t, errorCase{wantStatus: 500}, res)
		servertest.CheckProblem(t, "atlas", res)
		servertest.CheckSpec(t, "atlas", "GET", "/sessions", res)
		for _, path := range []string{"/api/private/stem/session/", "/api/public/stem/session/"} {
			res = e.Do("GET", path, tok, nil)
			checkError(t, errorCase{wantStatus: 500, wantInBody: `{"detail":"A server error occurred."}`}, res)
			servertest.CheckDetail(t, "brainstem", res)
		}
	})

	// Outside both APIs, errors keep the plain shape.
	t.Run("outside the APIs", func(t *testing.T) {
		t.Parallel()
		e := servertest.New(t, server.Config{})
		res := e.Do("GET", "/nothing", "", nil)
		checkError(t, errorCase{wantStatus: 404, wantInBody: `{"message":"Not Found"}`}, res)
	})
}

func checkError(t *testing.T, tc errorCase, res *servertest.Response) {
	t.Helper()
	if res.StatusCode != tc.wantStatus {
		t.Errorf("%s %s = %d %.300s; want %d", tc.method, tc.path, res.StatusCode, res.Body, tc.wantStatus)
	}
	if !strings.Contains(string(res.Body), tc.wantInBody) {
		t.Errorf("%s %s: body %.300s lacks %s", tc.method, tc.path, res.Body, tc.wantInBody)
	}
	if tc.wantAllow != "" && res.Header.Get("Allow") != tc.wantAllow {
		t.Errorf("%s %s: Allow = %q, want %q", tc.method, tc.path, res.Header.Get("Allow"), tc.wantAllow)
	}
	for _, secret := range []string{"sql", "database", "closed", ".go:"} {
		if strings.Contains(strings.ToLower(string(res.Body)), secret) {
			t.Errorf("%s %s: internals in the body: %.300s", tc.method, tc.path, res.Body)
		}
	}
}

// TestNoCodeTestsTheRequestPathsPrefix reads the server's source: no code
// asks which API a request is for by testing its path's prefix (each API
// is mounted on groups of its own instead). A call to strings.HasPrefix,
// CutPrefix or TrimPrefix on a request path, route or URL fails it.
func TestNoCodeTestsTheRequestPathsPrefix(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		n++
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !strings.HasSuffix(sel.Sel.Name, "Prefix") {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "strings" {
				return true
			}
			var arg strings.Builder
			ast.Inspect(call.Args[0], func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					arg.WriteString(id.Name + ".")
				}
				return true
			})
			if a := arg.String(); strings.Contains(a, "Path.") || strings.Contains(a, "URL.") || strings.Contains(a, "RequestURI.") {
				t.Errorf("%s: strings.%s on %s: mount the API on a group instead", fset.Position(call.Pos()), sel.Sel.Name, strings.TrimSuffix(a, "."))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("read only %d files", n)
	}
}

// TestHeadAndOptionsOnEveryAPI: OPTIONS names a path's methods on both
// APIs; HEAD is a read on BrainSTEM only (Django answers it like GET).
func TestHeadAndOptionsOnEveryAPI(t *testing.T) {
	t.Parallel()
	e := servertest.New(t, server.Config{})
	tok := e.AddUser("options@example.org", "")
	for _, tc := range []struct {
		method, path string
		want         int
		allow        string
	}{
		{"OPTIONS", "/sessions", http.StatusNoContent, "OPTIONS, GET, POST"},
		{"OPTIONS", "/api/private/stem/project/", http.StatusNoContent, "OPTIONS, GET, HEAD, POST"},
		{"HEAD", "/api/private/stem/project/", http.StatusOK, ""},
		{"HEAD", "/sessions", http.StatusMethodNotAllowed, "OPTIONS, GET, POST"},
	} {
		res := e.Do(tc.method, tc.path, tok, nil)
		if res.StatusCode != tc.want || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s = %d Allow %q; want %d Allow %q", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), tc.want, tc.allow)
		}
	}
}
