package brainstem_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPublicPortalRefusesWrites: the public portal's writes are not in the
// spec, yet they are routed and answered 403 in Django REST framework's
// shape (401 for a bad token), with or without a token or a trailing slash,
// and nothing changes.
func TestPublicPortalRefusesWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.tok["nobody"] = "shp_notatoken"
	records := map[string]string{
		"/api/public/stem/session/":                    "{Pub1}",
		"/api/public/stem/project/":                    "{Open}",
		"/api/public/personal_attributes/datastorage/": "{Cloud}",
	}
	var scenarios []scenario
	for collection, id := range records {
		writes := []struct{ method, path string }{
			{http.MethodPost, collection},
			{http.MethodPut, collection + id + "/"},
			{http.MethodPatch, collection + id + "/"},
			{http.MethodDelete, collection + id + "/"},
			{http.MethodPatch, collection + id}, // no trailing slash
		}
		for _, w := range writes {
			body := map[string]any{"name": "changed"}
			if w.method == http.MethodDelete {
				body = nil
			}
			for _, user := range []string{anon, owner, outsider} {
				scenarios = append(scenarios, scenario{name: w.method + " " + w.path + " as " + user,
					user: user, method: w.method, path: w.path, body: body, status: http.StatusForbidden, wantBody: forbidden})
			}
			scenarios = append(scenarios, scenario{name: w.method + " " + w.path + " with a bad token",
				user: "nobody", method: w.method, path: w.path, body: body, status: http.StatusUnauthorized, wantBody: invalidToken})
		}
	}
	f.run(t, scenarios)

	res := f.env.Do(http.MethodPost, "/api/public/stem/session/", "", `{"name": "x"}`)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("403 Content-Type %q", ct)
	}
	for name, path := range map[string]string{
		"Pub1":  "/api/private/stem/session/{Pub1}/",
		"Open":  "/api/private/stem/project/{Open}/",
		"Cloud": "/api/private/personal_attributes/datastorage/{Cloud}/",
	} {
		got := f.must(owner, http.MethodGet, f.sub(path), nil, http.StatusOK)
		for _, rec := range got {
			if m, ok := rec.(map[string]any); ok && m["name"] != name {
				t.Errorf("%s changed by a refused write: %v", name, m)
			}
		}
	}
}
