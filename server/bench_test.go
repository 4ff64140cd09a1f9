package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/sessionhub/sessionhub/bench/seed/graph"
	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

// benchEnv is a whole server handler over a fresh store, driven in-process
// (no sockets), with one user and its token.
type benchEnv struct {
	h   http.Handler
	st  *store.Store
	tok string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	st, err := store.Open(b.TempDir(), server.Tables()...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	h, err := server.New(st, slog.New(slog.NewJSONHandler(io.Discard, nil)), server.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "bench@localhost", "")
	if err != nil {
		b.Fatal(err)
	}
	tok, err := st.CreateToken(ctx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	return &benchEnv{h: h, st: st, tok: tok}
}

func (e *benchEnv) do(b *testing.B, method, path string, body any, want int) []byte {
	var rd io.Reader
	if body != nil {
		js, _ := json.Marshal(body)
		rd = bytes.NewReader(js)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+e.tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func (e *benchEnv) run(b *testing.B, path string) { e.runPaths(b, []string{path}) }

// runPaths GETs the paths in turn, each goroutine from its own place.
func (e *benchEnv) runPaths(b *testing.B, paths []string) {
	e.runRequests(b, http.MethodGet, paths, nil, http.StatusOK)
}

// runRequests sends method with body (JSON; nil: none) to the paths in
// turn, each goroutine from its own place, and fails unless each answer
// is want.
func (e *benchEnv) runRequests(b *testing.B, method string, paths []string, body []byte, want int) {
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := next.Add(uint64(len(paths)/2 + 1))
		for pb.Next() {
			i++
			path := paths[i%uint64(len(paths))]
			var rd io.Reader
			if body != nil {
				rd = bytes.NewReader(body)
			}
			req := httptest.NewRequest(method, path, rd)
			req.Header.Set("Authorization", "Bearer "+e.tok)
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != want {
				b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
			}
		}
	})
}

func BenchmarkAtlasGet(b *testing.B) {
	e := newBenchEnv(b)
	var s struct {
		ID string `json:"session_id"`
	}
	json.Unmarshal(e.do(b, http.MethodPost, "/sessions", map[string]any{"title": "bench"}, http.StatusCreated), &s)
	e.run(b, "/sessions/"+s.ID)
}

func BenchmarkAtlasList20(b *testing.B) {
	e := newBenchEnv(b)
	for range 25 {
		e.do(b, http.MethodPost, "/sessions", map[string]any{"title": "bench"}, http.StatusCreated)
	}
	e.run(b, "/sessions?limit=20")
}

func BenchmarkBrainstemDetailInclude(b *testing.B) {
	e := newBenchEnv(b)
	var p struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	json.Unmarshal(e.do(b, http.MethodPost, "/api/private/stem/project/", map[string]any{"name": "Lab"}, http.StatusCreated), &p)
	var s struct {
		Session struct {
			ID string `json:"id"`
		} `json:"session"`
	}
	json.Unmarshal(e.do(b, http.MethodPost, "/api/private/stem/session/", map[string]any{"name": "S1", "projects": []string{p.Project.ID}}, http.StatusCreated), &s)
	e.run(b, "/api/private/stem/session/"+s.Session.ID+"/?include[]=projects.*")
}

// BenchmarkAtlasGetUncached is GET /sessions/{id} over 500 sessions in
// turn with the read cache off, so every request queries SQLite (the
// nocache_rand_atlas_get scenario of bench/run.sh, in-process).
func BenchmarkAtlasGetUncached(b *testing.B) {
	e := newBenchEnv(b)
	e.st.SetReadCacheBytes(0)
	paths := make([]string, 500)
	for i := range paths {
		var s struct {
			ID string `json:"session_id"`
		}
		json.Unmarshal(e.do(b, http.MethodPost, "/sessions", map[string]any{"title": "bench"}, http.StatusCreated), &s)
		paths[i] = "/sessions/" + s.ID
	}
	e.runPaths(b, paths)
}

// BenchmarkBrainstemDetailUncached is GET /api/private/stem/session/{id}/
// over 500 sessions of one project in turn with the read cache off (the
// nocache_rand_bs_detail scenario of bench/run.sh, in-process).
func BenchmarkBrainstemDetailUncached(b *testing.B) {
	e := newBenchEnv(b)
	e.st.SetReadCacheBytes(0)
	var p struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	json.Unmarshal(e.do(b, http.MethodPost, "/api/private/stem/project/", map[string]any{"name": "Lab"}, http.StatusCreated), &p)
	paths := make([]string, 500)
	for i := range paths {
		var s struct {
			Session struct {
				ID string `json:"id"`
			} `json:"session"`
		}
		json.Unmarshal(e.do(b, http.MethodPost, "/api/private/stem/session/", map[string]any{"name": fmt.Sprintf("S%d", i), "projects": []string{p.Project.ID}}, http.StatusCreated), &s)
		paths[i] = "/api/private/stem/session/" + s.Session.ID + "/"
	}
	e.runPaths(b, paths)
}

// BenchmarkAtlasCreate is POST /sessions from parallel clients (the
// atlas_create scenario of bench/run.sh, in-process): the group commit's
// path, with the audit row of each create.
func BenchmarkAtlasCreate(b *testing.B) {
	e := newBenchEnv(b)
	b.SetParallelism(32)
	e.runRequests(b, http.MethodPost, []string{"/sessions"}, []byte(`{"title":"bench session"}`), http.StatusCreated)
}

// newSeededBench is a server over the bench's seeded BrainSTEM graph
// (bench/seed/graph, as `make bench` seeds it: sessions over 1,000
// projects, 50 of them the user's, each session with a behavior, a data
// acquisition, a manipulation and a data storage link), read cache off.
// BENCH_SESSIONS in the environment sizes it (default 20,000, so 1,000
// visible sessions).
func newSeededBench(b *testing.B) (*benchEnv, *graph.Result) {
	b.Helper()
	st, err := store.Open(b.TempDir(), server.Tables()...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_SESSIONS")); err == nil && v >= 1000 {
		n = v
	}
	res, err := graph.Seed(context.Background(), st, graph.Options{Sessions: n, Projects: 1000, MemberOf: 50})
	if err != nil {
		b.Fatal(err)
	}
	st.SetReadCacheBytes(0)
	h, err := server.New(st, slog.New(slog.NewJSONHandler(io.Discard, nil)), server.Config{})
	if err != nil {
		b.Fatal(err)
	}
	return &benchEnv{h: h, st: st, tok: res.Token}, res
}

// modulesQuery is the workflow's read (issue 12): the session with its
// projects, data storage and modules embedded.
const modulesQuery = "?include[]=projects.*&include[]=datastorage.*&include[]=behaviors.*&include[]=dataacquisition.*&include[]=manipulations.*"

// BenchmarkBrainstemSeededDetail is GET /api/private/stem/session/{id}/
// over the visible sessions of the seeded graph in turn, read cache off
// (nocache_rand_bs_detail of bench/run.sh, in-process).
func BenchmarkBrainstemSeededDetail(b *testing.B) {
	e, res := newSeededBench(b)
	paths := make([]string, len(res.Visible))
	for i, id := range res.Visible {
		paths[i] = "/api/private/stem/session/" + id + "/"
	}
	e.runPaths(b, paths)
}

// BenchmarkBrainstemSeededList is the filtered, sorted list with its
// count over each of the user's projects in turn, read cache off
// (nocache_rand_bs_list of bench/run.sh, in-process).
func BenchmarkBrainstemSeededList(b *testing.B) {
	e, res := newSeededBench(b)
	paths := make([]string, len(res.ProjectIDs))
	for i, id := range res.ProjectIDs {
		paths[i] = "/api/private/stem/session/?filter%7Bname.icontains%7D=rat&filter%7Bprojects%7D=" + id + "&sort%5B%5D=-name&limit=20"
	}
	if body := e.do(b, http.MethodGet, paths[0], nil, http.StatusOK); !bytes.Contains(body, []byte(`"name":"rat`)) {
		b.Fatalf("no session listed: %.300s", body)
	}
	e.runPaths(b, paths)
}

// BenchmarkBrainstemSeededModules is the same with the modules included
// (nocache_rand_bs_modules of bench/run.sh, in-process).
func BenchmarkBrainstemSeededModules(b *testing.B) {
	e, res := newSeededBench(b)
	paths := make([]string, len(res.Visible))
	for i, id := range res.Visible {
		paths[i] = "/api/private/stem/session/" + id + "/" + modulesQuery
	}
	if body := e.do(b, http.MethodGet, paths[0], nil, http.StatusOK); !bytes.Contains(body, []byte(`"manipulations":[{`)) {
		b.Fatalf("modules not embedded: %.300s", body)
	}
	e.runPaths(b, paths)
}

// BenchmarkBrainstemSeededPatch is the write of the BrainSTEM mix
// (nocache_rand_bs_mix of bench/run.sh): PATCH of a session's
// description over the visible sessions in turn.
func BenchmarkBrainstemSeededPatch(b *testing.B) {
	e, res := newSeededBench(b)
	paths := make([]string, len(res.Visible))
	for i, id := range res.Visible {
		paths[i] = "/api/private/stem/session/" + id + "/"
	}
	e.runRequests(b, http.MethodPatch, paths, []byte(`{"description":"updated by the bench"}`), http.StatusOK)
}
