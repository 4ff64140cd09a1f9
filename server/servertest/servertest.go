// Package servertest runs a whole sessionhub (fresh SQLite in a temp dir,
// or a fresh PostgreSQL database with SESSIONHUB_TEST_DB=postgres; full
// HTTP stack) for API scenario tests, and checks responses against the specs.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/sessionhub/sessionhub/openapi"
	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

// Env is one sessionhub with a fresh database (OpenStore), served by
// httptest through the full stack.
type Env struct {
	t     *testing.T
	Store *store.Store
	Srv   *httptest.Server
}

// New starts a server; cfg may be zero.
func New(t *testing.T, cfg server.Config) *Env {
	t.Helper()
	st := OpenStore(t)
	h, err := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Env{t: t, Store: st, Srv: srv}
}

// AddUser creates a user with a password and returns a fresh token for it.
func (e *Env) AddUser(email, password string) string {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.Store.CreateUser(ctx, email, password)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.Store.CreateToken(ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// Response is a finished response with its body read.
type Response struct {
	*http.Response
	Body []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request. body may be nil, a string, []byte, io.Reader, or any
// other value (encoded as JSON). A non-empty token is sent as Bearer.
func (e *Env) Do(method, path, token string, body any, headers ...string) *Response {
	e.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	case io.Reader:
		rd = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, e.Srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.Srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &Response{Response: res, Body: data}
}

var (
	specOnce    sync.Map // spec name -> *specRouter
	specLoadMux sync.Mutex
)

type specRouter struct {
	doc    *openapi3.T
	router routers.Router
	// bases are the path prefixes of the spec's servers ("/api/v1"):
	// the operations are served under each of them too.
	bases []string
}

func loadSpec(t *testing.T, name string) *specRouter {
	t.Helper()
	specLoadMux.Lock()
	defer specLoadMux.Unlock()
	if v, ok := specOnce.Load(name); ok {
		return v.(*specRouter)
	}
	raw, err := openapi.Specs.ReadFile(name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	var bases []string
	for _, s := range doc.Servers {
		if p := strings.TrimSuffix(s.URL, "/"); strings.HasPrefix(p, "/") {
			bases = append(bases, p)
		}
	}
	doc.Servers = nil
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	sr := &specRouter{doc: doc, router: r, bases: bases}
	specOnce.Store(name, sr)
	return sr
}

// CheckSpec fails the test unless the response (status, headers, body)
// matches what spec NAME ("atlas", "brainstem") documents for the request.
// path is the request path with its query, as given to Do.
//
// Two things the spec documents in words are honoured here: a response
// declared as application/octet-stream (a download) may carry any media
// type on the wire, so only its status and headers are checked; and fields
// that the request dropped with exclude[] (or links, with exclude_links)
// may be missing although the record schemas list them as required.
func CheckSpec(t *testing.T, name, method, path string, res *Response) {
	t.Helper()
	sr := loadSpec(t, name)
	for _, b := range sr.bases {
		if rest, ok := strings.CutPrefix(path, b); ok && strings.HasPrefix(rest, "/") {
			path = rest
			break
		}
	}
	req := httptest.NewRequest(method, path, nil)
	route, params, err := sr.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: no route in %s spec: %v", method, path, name, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(res.Body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			ExcludeResponseBody:   isDownload(route.Operation, res.StatusCode),
		},
	}
	err = openapi3filter.ValidateResponse(context.Background(), out)
	if err != nil && !onlyDropped(err, droppedFields(req)) {
		t.Errorf("%s %s -> %d %s\nnot as the %s spec says: %v", method, path, res.StatusCode, res.Body, name, err)
	}
}

// isDownload reports a response the operation declares as bytes only
// (application/octet-stream).
func isDownload(op *openapi3.Operation, status int) bool {
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return false
	}
	c := ref.Value.Content
	return len(c) == 1 && c.Get("application/octet-stream") != nil
}

// droppedFields are the top-level record fields the request asked to drop
// ("*" for all of them).
func droppedFields(req *http.Request) map[string]bool {
	q := req.URL.Query()
	out := map[string]bool{}
	for _, f := range q["exclude[]"] {
		out[f] = true
	}
	if _, ok := q["exclude_links"]; ok {
		out["links"] = true
	}
	return out
}

// onlyDropped reports whether every error in err is a required property
// that the request dropped.
func onlyDropped(err error, dropped map[string]bool) bool {
	if len(dropped) == 0 {
		return false
	}
	var leaves []error
	collectLeaves(err, &leaves)
	if len(leaves) == 0 {
		return false
	}
	for _, e := range leaves {
		var se *openapi3.SchemaError
		if !errors.As(e, &se) {
			return false
		}
		if se.SchemaField == "oneOf" || se.SchemaField == "anyOf" {
			// An embedded record (id or object): fine when one of the
			// alternatives failed only for the dropped fields.
			var alts openapi3.MultiError
			if !errors.As(se.Origin, &alts) || !slices.ContainsFunc(alts, func(alt error) bool { return onlyDropped(alt, dropped) }) {
				return false
			}
			continue
		}
		ptr := se.JSONPointer()
		if se.SchemaField != "required" || len(ptr) == 0 || !dropped["*"] && !dropped[ptr[len(ptr)-1]] {
			return false
		}
	}
	return true
}

// collectLeaves flattens err into its schema errors; a oneOf/anyOf error
// stays one leaf (onlyDropped looks into its alternatives).
func collectLeaves(err error, out *[]error) {
	var me openapi3.MultiError
	var re *openapi3filter.ResponseError
	se, _ := err.(*openapi3.SchemaError)
	switch {
	case se != nil && (se.SchemaField == "oneOf" || se.SchemaField == "anyOf"):
		*out = append(*out, se)
	case errors.As(err, &me):
		for _, e := range me {
			collectLeaves(e, out)
		}
	case errors.As(err, &re) && re.Err != nil && re.Err != err:
		collectLeaves(re.Err, out)
	default:
		*out = append(*out, err)
	}
}

// CheckDetail fails the test unless res is a JSON body of spec NAME's
// Detail schema (Django REST framework's {"detail": "..."}). Use it for
// BrainSTEM responses that no operation of the spec documents (404 on an
// unknown path, 405, 500).
func CheckDetail(t *testing.T, name string, res *Response) {
	t.Helper()
	sr := loadSpec(t, name)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("detail Content-Type = %q", ct)
	}
	var v any
	if err := json.Unmarshal(res.Body, &v); err != nil {
		t.Fatalf("detail body %s: %v", res.Body, err)
	}
	schema := sr.doc.Components.Schemas["Detail"]
	if schema == nil {
		t.Fatalf("%s spec has no Detail schema", name)
	}
	if err := schema.Value.VisitJSON(v); err != nil {
		t.Errorf("detail body %s: %v", res.Body, err)
	}
}
