package brainstem_test

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestPagination covers the envelope, limit/offset edges and next/previous.
func TestPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := range 25 {
		f.create(owner, "/api/private/stem/session/", "session", map[string]any{
			"name": fmt.Sprintf("Rat %02d", i), "projects": []string{f.id["Lab"]}})
	}
	const total = 27 // S1, Pub1 and the 25 above
	meta := func(page, perPage, pages int) string {
		return fmt.Sprintf("map[page:%d per_page:%d total_pages:%d total_results:%d]", page, perPage, pages, total)
	}
	list := func(name, query string, n int, wantMeta string, next, prev bool) scenario {
		return scenario{name: name, user: owner, method: "GET", path: "/api/private/stem/session/" + query, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := len(b["sessions"].([]any)); got != n {
					t.Errorf("%s: %d records, want %d", name, got, n)
				}
				if b["count"].(float64) != total || fmt.Sprint(b["meta"]) != wantMeta {
					t.Errorf("%s: count %v meta %v, want %s", name, b["count"], b["meta"], wantMeta)
				}
				if (b["next"] != nil) != next || (b["previous"] != nil) != prev {
					t.Errorf("%s: next %v previous %v", name, b["next"], b["previous"])
				}
			}}
	}
	f.run(t, []scenario{
		list("default page", "", 20, meta(1, 20, 2), true, false),
		list("last page", "?limit=10&offset=20", 7, meta(3, 10, 3), false, true),
		list("offset past the end", "?offset=100", 0, meta(6, 20, 2), false, true),
		list("limit 0 is 1", "?limit=0", 1, meta(1, 1, total), true, false),
		list("limit 101 is 100", "?limit=101", total, meta(1, 100, 1), false, false),
		{name: "negative offset", user: owner, method: "GET", path: "/api/private/stem/session/?offset=-1", status: 400},
		{name: "non-integer limit", user: owner, method: "GET", path: "/api/private/stem/session/?limit=ten", status: 400},
		{name: "empty limit and offset", user: owner, method: "GET", path: "/api/private/stem/session/?limit=&offset=", status: 400,
			wantBody: `["Invalid limit: a valid integer is required.","Invalid offset: a valid integer is required."]`},
	})

	// next is an absolute URL that keeps the other parameters; following
	// the links visits every record once.
	res := f.do(owner, "GET", "/api/private/stem/session/?limit=10&sort[]=name", nil)
	if !bytes.HasPrefix(res.Body, []byte(`{"sessions":[`)) {
		t.Errorf("records key is not first: %.40s", res.Body)
	}
	var b map[string]any
	res.JSON(t, &b)
	seen := names(b["sessions"])
	for b["next"] != nil {
		next := b["next"].(string)
		if !strings.HasPrefix(next, f.env.Srv.URL+"/api/private/stem/session/?") || !strings.Contains(next, "sort%5B%5D=name") {
			t.Fatalf("next %q", next)
		}
		res = f.do(owner, "GET", strings.TrimPrefix(next, f.env.Srv.URL), nil)
		b = nil
		res.JSON(t, &b)
		seen = append(seen, names(b["sessions"])...)
	}
	if len(seen) != total || seen[0] != "Pub1" || seen[total-1] != "S1" {
		t.Errorf("paged through %d records: %v", len(seen), seen)
	}
	prev := b["previous"].(string)
	if !strings.Contains(prev, "offset=10") || !strings.Contains(prev, "limit=10") {
		t.Errorf("previous %q", prev)
	}
}

// TestIncludeExclude covers embedding (visibility-filtered), empty
// relations, exclude[], ?exclude_links and unknown names.
func TestIncludeExclude(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := func(b map[string]any, key string) map[string]any { return b[key].([]any)[0].(map[string]any) }
	f.run(t, []scenario{
		{name: "include projects and datastorage", user: owner, method: "GET",
			path: "/api/private/stem/session/?filter{name}=S1&include[]=projects.*&include[]=datastorage.*&include[]=epochs.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := first(b, "sessions")
				if got := names(s["projects"]); !reflect.DeepEqual(got, []string{"Lab"}) {
					t.Errorf("embedded projects %v", got)
				}
				if got := names(s["datastorage"]); !reflect.DeepEqual(got, []string{"Disk"}) {
					t.Errorf("embedded datastorage %v", got)
				}
				if fmt.Sprint(s["epochs"]) != "[]" {
					t.Errorf("epochs %v", s["epochs"])
				}
			}},
		{name: "embedded objects are visibility-filtered", user: reader, method: "GET",
			path: "/api/private/stem/session/{S1}/?include[]=datastorage.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := record(b, "session")["datastorage"]; fmt.Sprint(got) != "[]" {
					t.Errorf("reader sees the owner's private data storage: %v", got)
				}
			}},
		{name: "ids without include", user: owner, method: "GET", path: "/api/private/stem/session/{S1}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := record(b, "session")["projects"]; fmt.Sprint(got) != "["+f.id["Lab"]+"]" {
					t.Errorf("projects %v", got)
				}
			}},
		{name: "exclude and exclude_links", user: owner, method: "GET",
			path: "/api/private/stem/session/?exclude[]=description&exclude[]=tags&exclude_links", status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := first(b, "sessions")
				for _, k := range []string{"description", "tags", "links"} {
					if _, ok := s[k]; ok {
						t.Errorf("%s not dropped: %v", k, s)
					}
				}
				if _, ok := s["name"]; !ok {
					t.Error("name dropped")
				}
			}},
		{name: "project embeds its sessions", user: reader, method: "GET", path: "/api/private/stem/project/{Lab}/?include[]=sessions.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(record(b, "project")["sessions"]); !reflect.DeepEqual(got, []string{"S1"}) {
					t.Errorf("project sessions %v", got)
				}
			}},
		{name: "public portal embeds", user: anon, method: "GET", path: "/api/public/stem/session/?include[]=projects.*&include[]=datastorage.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := first(b, "sessions")
				if names(s["projects"])[0] != "Open" || names(s["datastorage"])[0] != "Cloud" {
					t.Errorf("public embed %v", s)
				}
			}},
		{name: "unknown include", user: owner, method: "GET", path: "/api/private/stem/session/?include[]=bogus.*", status: 400,
			wantBody: `{"detail": "\"bogus\" is not a valid field name for \"session\"."}`},
	})
}

// TestRelationLinks follows the records' links (relative to the detail URL).
func TestRelationLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	follow := func(user, detail, key, link, want string) scenario {
		return scenario{name: detail + link, user: user, method: "GET", path: detail + link, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := strings.Join(names(b[key]), ","); got != want {
					t.Errorf("%s%s: %q, want %q", detail, link, got, want)
				}
			}}
	}
	f.run(t, []scenario{
		{name: "links", user: owner, method: "GET", path: "/api/private/stem/session/{S1}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := fmt.Sprint(record(b, "session")["links"]); got != "map[datastorage:datastorage/ projects:projects/]" {
					t.Errorf("links %s", got)
				}
			}},
		{name: "no link to relations the caller cannot see", user: reader, method: "GET", path: "/api/private/stem/session/{S1}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := fmt.Sprint(record(b, "session")["links"]); got != "map[projects:projects/]" {
					t.Errorf("links %s", got)
				}
			}},
		follow(owner, "/api/private/stem/session/{S1}/", "projects", "projects/", "Lab"),
		follow(owner, "/api/private/stem/session/{S1}/", "datastorages", "datastorage/", "Disk"),
		follow(reader, "/api/private/stem/session/{S1}/", "datastorages", "datastorage/", ""),
		follow(reader, "/api/private/stem/project/{Lab}/", "sessions", "sessions/", "S1"),
		follow(anon, "/api/public/stem/project/{Open}/", "sessions", "sessions/", "Pub1"),
		follow(anon, "/api/public/stem/session/{Pub1}/", "datastorages", "datastorage/", "Cloud"),
		{name: "outsider", user: outsider, method: "GET", path: "/api/private/stem/session/{S1}/projects/", status: 404, wantBody: notFound},
		{name: "private session on the public portal", user: anon, method: "GET", path: "/api/public/stem/session/{S1}/projects/", status: 404, wantBody: notFound},
	})
}

// TestFiltersAndSort runs a few filters and sorts through HTTP (the query
// engine has its own tests).
func TestFiltersAndSort(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, n := range []string{"rat-a", "Rat-B", "Mouse-c"} {
		f.create(owner, "/api/private/stem/session/", "session", map[string]any{
			"name": n, "projects": []string{f.id["Lab"]}, "tags": []string{"t-" + n}})
	}
	namesOf := func(want ...string) func(t *testing.T, b map[string]any) {
		return func(t *testing.T, b map[string]any) {
			if got := names(b["sessions"]); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("got %v, want %v", got, want)
			}
		}
	}
	f.run(t, []scenario{
		{name: "icontains + sort", user: reader, method: "GET", path: "/api/private/stem/session/?filter%7Bname.icontains%7D=RAT&sort%5B%5D=-name", status: 200, check: namesOf("rat-a", "Rat-B")},
		{name: "projects", user: owner, method: "GET", path: "/api/private/stem/session/?filter{projects}={Open}", status: 200, check: namesOf("Pub1")},
		{name: "projects.id + exclusion", user: owner, method: "GET", path: "/api/private/stem/session/?filter{projects.id}={Lab}&filter{-name.startswith}=r&sort[]=name", status: 200, check: namesOf("Mouse-c", "Rat-B", "S1")},
		{name: "datastorage.id", user: owner, method: "GET", path: "/api/private/stem/session/?filter{datastorage.id}={Disk}", status: 200, check: namesOf("S1")},
		{name: "tag element", user: owner, method: "GET", path: "/api/private/stem/session/?filter{tags}=t-Mouse-c", status: 200, check: namesOf("Mouse-c")},
		{name: "in", user: owner, method: "GET", path: "/api/private/stem/session/?filter{name.in}=S1&filter{name.in}=Pub1&sort[]=name", status: 200, check: namesOf("Pub1", "S1")},
		{name: "unknown filter field", user: owner, method: "GET", path: "/api/private/stem/session/?filter{foo}=1", status: 400, wantBody: `["Invalid filter field: foo"]`},
		{name: "bad uuid filter value", user: owner, method: "GET", path: "/api/private/stem/session/?filter{id}=123x", status: 400, wantBody: `["“123x” is not a valid UUID."]`},
		{name: "unknown sort field", user: owner, method: "GET", path: "/api/private/stem/session/?sort[]=-created_date", status: 400},
		{name: "project filter", user: outsider, method: "GET", path: "/api/public/stem/project/?filter{is_public}=true", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(b["projects"]); !reflect.DeepEqual(got, []string{"Open"}) {
					t.Errorf("projects %v", got)
				}
			}},
	})
	res := f.do(owner, "GET", "/api/private/stem/session/?sort[]=-created_date", nil)
	var list []string
	res.JSON(t, &list)
	if len(list) != 1 || res.StatusCode != http.StatusBadRequest {
		t.Errorf("sort error body %s", res.Body)
	}
}

// A project's sessions filtered by name (the bench's list: the name's copy
// in the session-project links answers it) follow every write that
// changes a session's name or projects.
func TestProjectSessionsByNameFollowWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	list := "/api/private/stem/session/?filter%7Bprojects%7D=" + f.id["Lab"] + "&filter%7Bname.icontains%7D=rat&sort%5B%5D=-name"
	listed := func(step string, want ...string) {
		t.Helper()
		b := f.must(reader, "GET", list, nil, http.StatusOK)
		if got := names(b["sessions"]); fmt.Sprint(got) != fmt.Sprint(append([]string{}, want...)) || b["count"] != float64(len(want)) {
			t.Errorf("%s: %v (count %v), want %v", step, got, b["count"], want)
		}
	}
	a := f.create(owner, "/api/private/stem/session/", "session", map[string]any{"name": "Rat A", "projects": []string{f.id["Lab"]}})
	b := f.create(owner, "/api/private/stem/session/", "session", map[string]any{"name": "Mouse B", "projects": []string{f.id["Lab"]}})
	f.create(owner, "/api/private/stem/session/", "session", map[string]any{"name": "Rat C", "projects": []string{f.id["Open"]}})
	listed("created", "Rat A")
	f.must(owner, "PATCH", "/api/private/stem/session/"+b+"/", map[string]any{"name": "Brat B"}, http.StatusOK)
	listed("renamed into the filter", "Rat A", "Brat B")
	f.must(owner, "PUT", "/api/private/stem/session/"+a+"/", map[string]any{"name": "Vole A", "projects": []string{f.id["Lab"]}}, http.StatusOK)
	listed("renamed out of the filter", "Brat B")
	f.must(owner, "PATCH", "/api/private/stem/session/"+b+"/", map[string]any{"projects": []string{f.id["Open"]}}, http.StatusOK)
	listed("moved to another project")
	f.must(owner, "PATCH", "/api/private/stem/session/"+b+"/", map[string]any{"projects": []string{f.id["Open"], f.id["Lab"]}}, http.StatusOK)
	listed("moved back", "Brat B")
}
