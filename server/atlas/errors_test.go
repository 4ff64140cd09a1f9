package atlas_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	"github.com/sessionhub/sessionhub/server/atlas"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// TestHandleError maps errors that the scenarios cannot provoke on purpose.
func TestHandleError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		err        error
		wantStatus int
		wantLog    bool
		wantInBody string
	}{
		{"unknown error is a logged 500 without internals", fmt.Errorf("open /secret/path: %w", errors.New("disk on fire")), 500, true, ""},
		{"not found", fmt.Errorf("lookup: %w", store.ErrNotFound), 404, false, ""},
		{"validation error lists fields", &store.ValidationError{Fields: map[string][]string{"b": {"bad b"}, "a": {"bad a"}}}, 400, false, `"errors":[{"field":"a","message":"bad a"},{"field":"b","message":"bad b"}]`},
		{"echo HTTP error keeps its code", echo.NewHTTPError(http.StatusServiceUnavailable, "busy"), 503, false, ""},
		{"too large", store.ErrBlobTooLarge, 413, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			rec := httptest.NewRecorder()
			c := echo.New().NewContext(httptest.NewRequest("GET", "/sessions", nil), rec)
			if !atlas.HandleError(tc.err, c, log) {
				t.Fatal("HandleError did not answer")
			}
			res := &servertest.Response{Response: rec.Result(), Body: rec.Body.Bytes()}
			if res.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", res.StatusCode, tc.wantStatus)
			}
			servertest.CheckProblem(t, "atlas", res)
			if strings.Contains(string(res.Body), "secret") || strings.Contains(string(res.Body), "fire") {
				t.Errorf("internals leaked: %s", res.Body)
			}
			if !strings.Contains(string(res.Body), tc.wantInBody) {
				t.Errorf("body %s lacks %s", res.Body, tc.wantInBody)
			}
			if logged := strings.Contains(logs.String(), "disk on fire"); logged != tc.wantLog {
				t.Errorf("logged %v, want %v: %s", logged, tc.wantLog, logs.String())
			}
		})
	}
}

// TestSpecIsValid checks the embedded spec against the OpenAPI rules.
func TestSpecIsValid(t *testing.T) {
	t.Parallel()
	spec, err := atlasapi.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
}
