package browser_test

import (
	"net/http"
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
)

// The user that the tests sign in as, and the records they expect to see.
const (
	email, password   = "alice@example.org", "alice-pw-123"
	brainstemProject  = "Browser lab"
	brainstemSession  = "Recorded for the browser test"
	atlasSessionTitle = "Atlas session for the browser test"
)

// seed creates a BrainSTEM project with one session, and one Atlas session,
// owned by the user of token, through the API.
func seed(t *testing.T, env *servertest.Env, token string) {
	t.Helper()
	var project struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	mustDo(t, env, token, "brainstem", "/api/private/stem/project/", map[string]any{"name": brainstemProject}).JSON(t, &project)
	mustDo(t, env, token, "brainstem", "/api/private/stem/session/", map[string]any{
		"name": brainstemSession, "projects": []string{project.Project.ID}})
	mustDo(t, env, token, "atlas", "/sessions", map[string]any{"title": atlasSessionTitle})
}

// mustDo POSTs body to path, checks the answer against spec and fails t
// unless it is a 201.
func mustDo(t *testing.T, env *servertest.Env, token, spec, path string, body any) *servertest.Response {
	t.Helper()
	res := env.Do("POST", path, token, body)
	servertest.CheckSpec(t, spec, "POST", path, res)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: status %d: %s", path, res.StatusCode, res.Body)
	}
	return res
}
