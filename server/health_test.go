package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

func TestHealthAndDocs(t *testing.T) {
	t.Parallel()
	e := servertest.New(t, server.Config{})
	for _, tc := range []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{"/healthz", http.StatusOK, `"status":"ok"`},
		{"/openapi/atlas.yaml", http.StatusOK, "openapi:"},
		{"/openapi/atlas.json", http.StatusOK, `"openapi"`},
		{"/openapi/brainstem.yaml", http.StatusOK, "openapi:"},
		{"/openapi/brainstem.json", http.StatusOK, `"openapi"`},
		{"/docs/", http.StatusOK, "swagger"},
		{"/nope", http.StatusNotFound, "Not Found"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := e.Do(http.MethodGet, tc.path, "", nil)
			if res.StatusCode != tc.wantStatus || !strings.Contains(strings.ToLower(string(res.Body)), strings.ToLower(tc.wantBody)) {
				t.Fatalf("GET %s = %d %.200s; want %d containing %q", tc.path, res.StatusCode, res.Body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestMethodNotAllowedListsAllow(t *testing.T) {
	t.Parallel()
	e := servertest.New(t, server.Config{})
	tok := e.AddUser("allow@example.org", "")
	for _, tc := range []struct {
		method, path string
		want         []string
	}{
		{"PATCH", "/sessions", []string{"GET", "POST"}},
		{"TRACE", "/sessions", []string{"GET", "POST"}},
		{"POST", "/sessions/6f1c2a9e-8f0e-4a53-9a0e-2b9f1d1f0c11", []string{"GET", "PUT", "DELETE"}},
		{"TRACE", "/api/private/stem/session/", []string{"GET", "POST"}},
	} {
		res := e.Do(tc.method, tc.path, tok, nil)
		allow := res.Header.Get("Allow")
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s = %d, want 405", tc.method, tc.path, res.StatusCode)
		}
		for _, m := range tc.want {
			if !strings.Contains(allow, m) {
				t.Errorf("%s %s: Allow = %q, want it to list %s", tc.method, tc.path, allow, m)
			}
		}
	}
}

func TestClientGoneIsNotAServerError(t *testing.T) {
	t.Parallel()
	st, err := store.Open(t.TempDir(), server.Tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := server.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Config{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(context.Background(), "gone@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateToken(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/sessions", "/api/private/stem/session/"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the client has hung up before the handler reads the database
		req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 499 {
			t.Errorf("GET %s with the client gone = %d %s, want 499", path, rec.Code, rec.Body)
		}
	}
}
