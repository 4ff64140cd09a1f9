package admin_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/admin"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// adminEnv is a server with metrics and its admin listener.
type adminEnv struct {
	*servertest.Env
	admin *httptest.Server
}

func newAdminEnv(t *testing.T, minFree int64) *adminEnv {
	t.Helper()
	st, err := store.Open(t.TempDir(), server.Tables()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	reg := prometheus.NewRegistry()
	m, err := admin.NewMetrics(reg, st)
	if err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t, st, server.Config{Metrics: m})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := httptest.NewServer(admin.Handler(admin.Deps{Gatherer: reg, Store: st, Log: log, MinFreeBytes: minFree}))
	t.Cleanup(a.Close)
	return &adminEnv{Env: env, admin: a}
}

// scrape fetches /metrics and parses it.
func (e *adminEnv) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(e.admin.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value is the value of the series of family name whose labels include
// labels (name=value pairs); found is false when there is none.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (v float64, found bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		ok := true
		for i := 0; i+1 < len(labels); i += 2 {
			if have[labels[i]] != labels[i+1] {
				ok = false
			}
		}
		if !ok {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

// A scripted set of requests on both APIs gives exact counts by API, route
// template, method and status, and the store's counters move by exactly
// what those requests did.
func TestMetricsAfterScriptedRequests(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, 0)
	tok := e.AddUser("alice@example.org", "")

	for range 2 {
		e.Do(http.MethodGet, "/healthz", "", nil)
	}
	id := e.AtlasSession(tok, map[string]any{"title": "metrics"}) // write 1, token miss
	for range 3 {
		if res := e.Do(http.MethodGet, "/sessions/"+id, tok, nil); res.StatusCode != 200 { // token hits 1-3
			t.Fatalf("get session: %d %s", res.StatusCode, res.Body)
		}
	}
	e.Do(http.MethodGet, "/sessions", "", nil)                      // 401, no token lookup
	e.Do(http.MethodGet, "/sessions/"+id+"/nothing-here", tok, nil) // 404 after auth: token hit 4
	data := []byte(strings.Repeat("x", 1000))
	if res := e.AtlasUpload(tok, id, servertest.UploadFile{Name: "a.txt", Data: data}); res.StatusCode != 201 { // write 2, token hit 5
		t.Fatalf("upload: %d %s", res.StatusCode, res.Body)
	}
	if res := e.Do(http.MethodGet, "/api/private/stem/session/", tok, nil); res.StatusCode != 200 { // token hit 6
		t.Fatalf("brainstem list: %d %s", res.StatusCode, res.Body)
	}
	e.Do(http.MethodDelete, "/sessions/"+id, "", nil) // 401
	e.Do("BREW", "/healthz", "", nil)                 // 405

	fams := e.scrape(t)
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"api", "docs", "route", "/healthz", "method", "GET", "status", "200"}, 2},
		{[]string{"api", "atlas", "route", "/sessions", "method", "POST", "status", "201"}, 1},
		{[]string{"api", "atlas", "route", "/sessions/:session_id", "method", "GET", "status", "200"}, 3},
		{[]string{"api", "atlas", "route", "/sessions", "method", "GET", "status", "401"}, 1},
		{[]string{"api", "atlas", "route", "unmatched", "method", "GET", "status", "404"}, 1},
		{[]string{"api", "atlas", "route", "/sessions/:session_id/upload-files", "method", "POST", "status", "201"}, 1},
		{[]string{"api", "brainstem", "route", "/api/private/stem/session/", "method", "GET", "status", "200"}, 1},
		{[]string{"api", "atlas", "route", "/sessions/:session_id", "method", "DELETE", "status", "401"}, 1},
		{[]string{"api", "docs", "route", "/healthz", "method", "other", "status", "405"}, 1},
	} {
		if got, _ := value(fams, "sessionhub_http_requests_total", c.labels...); got != c.want {
			t.Errorf("sessionhub_http_requests_total%v = %v; want %v", c.labels, got, c.want)
		}
	}
	// No series carries a raw path (the session id).
	for _, m := range fams["sessionhub_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if strings.Contains(l.GetValue(), id) {
				t.Errorf("a label carries the raw path: %v", m.GetLabel())
			}
		}
	}
	if n := len(fams["sessionhub_http_requests_total"].GetMetric()); n != 9 {
		t.Errorf("%d request series; want 9", n)
	}
	if got, _ := value(fams, "sessionhub_http_request_duration_seconds", "api", "atlas", "route", "/sessions/:session_id", "method", "GET"); got != 3 {
		t.Errorf("latency histogram count for GET /sessions/:session_id = %v; want 3", got)
	}
	for _, c := range []struct {
		name string
		want float64
	}{
		{"sessionhub_store_write_wait_seconds", 3}, // AddUser's token; the session create and the upload, each with its audit row
		{"sessionhub_store_write_queue_depth", 0},
		{"sessionhub_store_write_transactions_total", 3}, // the three writes above: one at a time here, so no group
		{"sessionhub_read_cache_misses_total", 2},        // first GET /sessions/{id}, the BrainSTEM list
		{"sessionhub_read_cache_hits_total", 2},          // the other two GET /sessions/{id}
		{"sessionhub_read_cache_invalidations_total", 2}, // AddUser's token and the upload
		{"sessionhub_read_cache_scoped_drops_total", 1},  // the session create: its own answers and the untagged ones
		{"sessionhub_token_cache_hits_total", 6},
		{"sessionhub_token_cache_misses_total", 1},
		{"sessionhub_upload_bytes_total", 1000},
		{"sessionhub_uploads_in_flight", 0},
		{"sessionhub_http_requests_in_flight", 0},
	} {
		if got, ok := value(fams, c.name); !ok || got != c.want {
			t.Errorf("%s = %v (present %v); want %v", c.name, got, ok, c.want)
		}
	}
	if got, _ := value(fams, "go_sql_max_open_connections", "db_name", "writer"); got != 1 {
		t.Errorf("writer pool max open = %v; want 1", got)
	}
	if _, ok := value(fams, "go_sql_open_connections", "db_name", "reader"); !ok {
		t.Error("no reader pool stats")
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}

func TestLivezReadyz(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, 0)
	for _, p := range []string{"/livez", "/readyz", "/debug/pprof/"} {
		res, err := http.Get(e.admin.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s = %d; want 200", p, res.StatusCode)
		}
	}
	// The admin routes are not on the public listener.
	for _, p := range []string{"/metrics", "/livez", "/readyz", "/debug/pprof/"} {
		if res := e.Do(http.MethodGet, p, "", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("public %s = %d; want 404", p, res.StatusCode)
		}
	}

	// A floor above any real disk's free space: not ready, saying why.
	full := newAdminEnv(t, 1<<62)
	res, err := http.Get(full.admin.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "free space") {
		t.Errorf("/readyz under the floor = %d %q; want 503 naming free space", res.StatusCode, body)
	}

	// A closed database: not ready.
	if err := e.Store.Close(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Ready(context.Background(), e.Store, 0); err == nil || !strings.Contains(err.Error(), "database") {
		t.Errorf("Ready with a closed database = %v; want a database error", err)
	}
}

// While a file is being received, the in-flight gauge shows it and the
// byte counter grows with what has arrived.
func TestMetricsUploadInFlight(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t, 0)
	tok := e.AddUser("alice@example.org", "")
	id := e.AtlasSession(tok, nil)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req, err := http.NewRequest(http.MethodPost, e.Srv.URL+"/sessions/"+id+"/upload-files", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	done := make(chan int, 1)
	go func() {
		res, err := e.Srv.Client().Do(req)
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	part, err := mw.CreateFormFile("files", "slow.bin")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("y"), 64<<10)
	if _, err := part.Write(chunk); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		fams := e.scrape(t)
		n, _ := value(fams, "sessionhub_uploads_in_flight")
		b, _ := value(fams, "sessionhub_upload_bytes_total")
		if n == 1 && b >= float64(len(chunk)/2) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("during an upload: in flight %v, bytes %v", n, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := part.Write(chunk); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	pw.Close()
	if code := <-done; code != http.StatusCreated {
		t.Fatalf("upload = %d", code)
	}
	fams := e.scrape(t)
	if n, _ := value(fams, "sessionhub_uploads_in_flight"); n != 0 {
		t.Errorf("in flight after the upload = %v", n)
	}
	if b, _ := value(fams, "sessionhub_upload_bytes_total"); b != float64(2*len(chunk)) {
		t.Errorf("upload bytes = %v; want %d", b, 2*len(chunk))
	}
}
