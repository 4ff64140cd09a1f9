package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
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
