package brainstem_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
)

// doH sends a request as user with extra headers and checks it against the spec.
func (f *fixture) doH(user, method, path string, body any, headers ...string) *servertest.Response {
	f.t.Helper()
	res := f.env.Do(method, path, f.tok[user], body, headers...)
	servertest.CheckSpec(f.t, "brainstem", method, withSlash(path), res)
	return res
}

// TestIfMatch checks ETag on record GETs and If-Match on PUT, PATCH and
// DELETE of the record URLs, in DRF's error shape.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s1 := "/api/private/stem/session/" + f.id["S1"] + "/"
	lab := "/api/private/stem/project/" + f.id["Lab"] + "/"

	get := func(path string) string {
		t.Helper()
		res := f.doH(owner, "GET", path, nil)
		if res.StatusCode != 200 || res.Header.Get("ETag") == "" {
			t.Fatalf("GET %s: %d ETag %q", path, res.StatusCode, res.Header.Get("ETag"))
		}
		return res.Header.Get("ETag")
	}
	etag := get(s1)
	if again := get(s1); again != etag {
		t.Errorf("ETag not stable: %q %q", etag, again)
	}
	if res := f.env.Do("HEAD", s1, f.tok[owner], nil); res.Header.Get("ETag") != etag {
		t.Errorf("HEAD ETag %q, GET %q", res.Header.Get("ETag"), etag)
	}
	if res := f.doH(owner, "GET", "/api/private/stem/session/", nil); res.Header.Get("ETag") != "" {
		t.Errorf("a list has an ETag")
	}
	if res := f.doH(anon, "GET", "/api/public/stem/project/"+f.id["Open"]+"/", nil); res.StatusCode != 200 || res.Header.Get("ETag") == "" {
		t.Errorf("public record: %d ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}

	// PATCH with the current tag changes it; the old one is then stale.
	res := f.doH(owner, "PATCH", s1, map[string]any{"description": "one"}, "If-Match", etag)
	if res.StatusCode != 200 {
		t.Fatalf("PATCH with current ETag: %d %s", res.StatusCode, res.Body)
	}
	res = f.doH(owner, "PATCH", s1, map[string]any{"description": "two"}, "If-Match", etag)
	if res.StatusCode != http.StatusPreconditionFailed || string(res.Body) != `{"detail":"Precondition failed."}` {
		t.Fatalf("PATCH with stale ETag: %d %s", res.StatusCode, res.Body)
	}
	var got struct {
		Session struct {
			Description string `json:"description"`
		} `json:"session"`
	}
	f.doH(owner, "GET", s1, nil).JSON(t, &got)
	if got.Session.Description != "one" {
		t.Errorf("412 changed the record: %+v", got)
	}
	if res := f.doH(owner, "PUT", s1, map[string]any{"name": "S1", "projects": []string{f.id["Lab"]}}, "If-Match", etag); res.StatusCode != 412 {
		t.Errorf("PUT with stale ETag: %d %s", res.StatusCode, res.Body)
	}
	if res := f.doH(owner, "PATCH", s1, map[string]any{"description": "three"}, "If-Match", "*"); res.StatusCode != 200 {
		t.Errorf("If-Match *: %d %s", res.StatusCode, res.Body)
	}
	if res := f.doH(owner, "PATCH", s1, map[string]any{"description": "four"}); res.StatusCode != 200 {
		t.Errorf("without If-Match: %d %s", res.StatusCode, res.Body)
	}
	if res := f.doH(owner, "PATCH", "/api/private/stem/session/3fa85f64-5717-4562-b3fc-2c963f66afa6/", map[string]any{"description": "x"}, "If-Match", "*"); res.StatusCode != 404 {
		t.Errorf("If-Match * on nothing: %d %s", res.StatusCode, res.Body)
	}
	// Someone who may not see the record learns nothing from If-Match.
	if res := f.doH(outsider, "PATCH", s1, map[string]any{"description": "x"}, "If-Match", `"nope"`); res.StatusCode != 404 {
		t.Errorf("outsider with If-Match: %d %s", res.StatusCode, res.Body)
	}

	// The public portal refuses writes with 403, If-Match or not.
	pub := "/api/public/stem/project/" + f.id["Open"] + "/"
	if res := f.env.Do("PATCH", pub, f.tok[owner], map[string]any{"description": "x"}, "If-Match", `"stale"`); res.StatusCode != 403 {
		t.Errorf("public write with If-Match: %d %s", res.StatusCode, res.Body)
	}

	// Two clients with the same tag: exactly one wins.
	etag = get(lab)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = f.env.Do("PATCH", lab, f.tok[owner], map[string]any{"description": []string{"a", "b"}[i]}, "If-Match", etag).StatusCode
		}()
	}
	wg.Wait()
	if !(codes[0] == 200 && codes[1] == 412 || codes[0] == 412 && codes[1] == 200) {
		t.Errorf("concurrent PATCHes with one ETag: %v", codes)
	}

	// DELETE: stale tag keeps it, current tag deletes it.
	if res := f.doH(owner, "DELETE", lab, nil, "If-Match", etag); res.StatusCode != 412 {
		t.Errorf("DELETE stale: %d %s", res.StatusCode, res.Body)
	}
	if res := f.doH(owner, "DELETE", lab, nil, "If-Match", get(lab)); res.StatusCode != 204 {
		t.Errorf("DELETE current: %d %s", res.StatusCode, res.Body)
	}
}

// TestIfMatchOnTheNewModels: ETag and If-Match on the record URLs of every
// model added with the registry (the middleware knows no model).
func TestIfMatchOnTheNewModels(t *testing.T) {
	t.Parallel()
	f := newSubjectFixture(t)
	f.id["Col"] = f.create(changer, "/api/private/stem/collection/", "collection", map[string]any{"name": "C", "project": f.id["Lab"]})
	for _, c := range []struct{ user, path, field string }{
		{staff, "/api/private/taxonomies/species/{Mouse}/", "description"},
		{staff, "/api/private/taxonomies/strain/{C57}/", "description"},
		{staff, "/api/private/resources/supplier/{CR}/", "description"},
		{changer, "/api/private/stem/subject/{Rat1}/", "description"},
		{changer, "/api/private/stem/collection/{Col}/", "description"},
	} {
		path := f.sub(c.path)
		res := f.doH(c.user, "GET", path, nil)
		etag := res.Header.Get("ETag")
		if res.StatusCode != http.StatusOK || etag == "" {
			t.Fatalf("GET %s: %d ETag %q", path, res.StatusCode, etag)
		}
		if res := f.doH(c.user, "PATCH", path, map[string]any{c.field: "one"}, "If-Match", etag); res.StatusCode != http.StatusOK {
			t.Errorf("PATCH %s with the current ETag: %d %s", path, res.StatusCode, res.Body)
		}
		res = f.doH(c.user, "PATCH", path, map[string]any{c.field: "two"}, "If-Match", etag)
		if res.StatusCode != http.StatusPreconditionFailed || string(res.Body) != `{"detail":"Precondition failed."}` {
			t.Errorf("PATCH %s with a stale ETag: %d %s", path, res.StatusCode, res.Body)
		}
	}
}
