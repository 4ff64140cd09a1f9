package brainstem_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// GET answers are served from a cache emptied by every write: each step
// reads (filling the cache), writes, and reads again.
func TestReadsSeeEveryWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	detail := "/api/private/stem/session/" + f.id["S1"] + "/?include[]=projects.*"
	embedded := func(user string) string {
		body := f.must(user, "GET", detail, nil, http.StatusOK)
		return names(record(body, "session")["projects"])[0]
	}
	if got := embedded(reader); got != "Lab" {
		t.Fatalf("embedded project %q", got)
	}
	f.must(owner, "PATCH", "/api/private/stem/project/"+f.id["Lab"]+"/", map[string]any{"name": "Lab 2"}, http.StatusOK)
	if got := embedded(reader); got != "Lab 2" {
		t.Fatalf("embedded project after rename: %q", got)
	}

	// A membership change changes what the member may see.
	f.must(owner, "PATCH", "/api/private/stem/project/"+f.id["Lab"]+"/", map[string]any{"users": map[string]any{
		"reader@lab.org": map[string]any{"remove": true}}}, http.StatusOK)
	f.must(reader, "GET", detail, nil, http.StatusNotFound)
	// The owner's cached answer is the owner's only.
	embedded(owner)
	f.must(outsider, "GET", detail, nil, http.StatusNotFound)
	f.must(anon, "GET", "/api/public/stem/session/"+f.id["S1"]+"/", nil, http.StatusNotFound)

	list := "/api/private/stem/session/?sort[]=name"
	count := func() float64 { return f.must(owner, "GET", list, nil, http.StatusOK)["count"].(float64) }
	before := count()
	f.create(owner, "/api/private/stem/session/", "session", map[string]any{"name": "S2", "projects": []string{f.id["Lab"]}})
	if after := count(); after != before+1 {
		t.Fatalf("count %v after a create, was %v", after, before)
	}
	f.must(owner, "DELETE", "/api/private/stem/session/"+f.id["S1"]+"/", nil, http.StatusNoContent)
	f.must(owner, "GET", detail, nil, http.StatusNotFound)

	// The ordering of a session's data storages follows its through-model.
	ds := "/api/private/stem/session/" + f.id["Pub1"] + "/"
	f.must(owner, "GET", ds, nil, http.StatusOK)
	f.must(owner, "PATCH", ds, map[string]any{"datastorage": []string{f.id["Disk"], f.id["Cloud"]}}, http.StatusOK)
	got := ids(record(f.must(owner, "GET", ds, nil, http.StatusOK), "session")["datastorage"])
	if strings.Join(got, ",") != f.id["Disk"]+","+f.id["Cloud"] {
		t.Fatalf("datastorage after PATCH: %v", got)
	}
}

// next and previous are absolute URLs built from the request's host: a
// page cached for one host is not served to another.
func TestCachedPagesKeepTheirHost(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, host := range []string{"a.example:8080", "b.example:9090"} {
		req, err := http.NewRequest("GET", f.env.Srv.URL+"/api/private/stem/project/?limit=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		req.Header.Set("Authorization", "Bearer "+f.tok[owner])
		res, err := f.env.Srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"next":"http://`+host+`/api/private/stem/project/?limit=1&offset=1"`) {
			t.Fatalf("host %s: %d %s %v", host, res.StatusCode, body, err)
		}
	}
}

// A PATCH of a session's own fields drops only that session's plain
// detail (and every answer that may read any record): the other
// sessions' details stay cached. A PATCH of its relations drops every
// answer, so a member who lost the session through it no longer reads it.
func TestSessionPatchKeepsOtherSessionsCached(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if f.env.Store.Dialect() != store.SQLite {
		t.Skip("the read cache is off on PostgreSQL")
	}
	s1 := "/api/private/stem/session/" + f.id["S1"] + "/"
	s2 := f.create(owner, "/api/private/stem/session/", "session", map[string]any{"name": "S2", "projects": []string{f.id["Lab"]}})
	s2path := "/api/private/stem/session/" + s2 + "/"
	pub := "/api/public/stem/session/" + f.id["Pub1"] + "/"
	include := s1 + "?include[]=projects.*"
	list := "/api/private/stem/session/?sort[]=name"
	description := func(user, path string) string {
		return record(f.must(user, "GET", path, nil, http.StatusOK), "session")["description"].(string)
	}
	hits := func() uint64 { return f.env.Store.Stats().ReadCacheHits }

	for _, p := range []string{s1, s2path, include} {
		description(reader, p)
	}
	description(anon, pub)
	f.must(reader, "GET", list, nil, http.StatusOK)

	f.must(changer, "PATCH", s1, map[string]any{"description": "changed", "tags": []string{"a"}}, http.StatusOK)
	before := hits()
	description(reader, s2path)
	description(anon, pub)
	if got := hits() - before; got != 2 {
		t.Fatalf("%d of the other sessions' details answered from the cache after a PATCH of S1, want 2", got)
	}
	before = hits()
	if got := description(reader, s1); got != "changed" {
		t.Fatalf("S1's detail after its PATCH: %q", got)
	}
	if got := description(reader, include); got != "changed" {
		t.Fatalf("S1 with its projects after its PATCH: %q", got)
	}
	page := f.must(reader, "GET", list, nil, http.StatusOK)
	for _, s := range page["sessions"].([]any) {
		if s := s.(map[string]any); s["id"] == f.id["S1"] && s["description"] != "changed" {
			t.Fatalf("the list after S1's PATCH: %v", s)
		}
	}
	if got := hits() - before; got != 0 {
		t.Fatalf("%d answers that read S1 came from the cache after its PATCH", got)
	}

	// Moving S2 out of the reader's project: every answer goes, and the
	// reader's cached detail of S2 with it.
	f.must(owner, "PATCH", s2path, map[string]any{"projects": []string{f.id["Open"]}}, http.StatusOK)
	f.must(reader, "GET", s2path, nil, http.StatusNotFound)
	before = hits()
	description(anon, pub)
	if got := hits() - before; got != 0 {
		t.Fatalf("a relation PATCH kept %d cached answers", got)
	}
}

// A session's PATCH or PUT with no query answers what a GET of its URL
// then answers, and keeps that answer for the GET: the editor's next read
// is a hit, byte for byte what the database gives. A PATCH with a query
// keeps nothing, and another user's cached detail is dropped as before.
func TestSessionEditKeepsItsAnswerForTheEditor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if f.env.Store.Dialect() != store.SQLite {
		t.Skip("the read cache is off on PostgreSQL")
	}
	s1 := "/api/private/stem/session/" + f.id["S1"] + "/"
	st := f.env.Store
	get := func(user string) (body []byte, etag string, hit bool) {
		t.Helper()
		before := st.Stats().ReadCacheHits
		res := f.do(user, "GET", s1, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s as %s: %d %s", s1, user, res.StatusCode, res.Body)
		}
		return res.Body, res.Header.Get("ETag"), st.Stats().ReadCacheHits > before
	}
	get(reader)
	get(changer)
	for _, edit := range []struct {
		method string
		body   map[string]any
	}{
		{"PATCH", map[string]any{"description": "edited"}},
		{"PUT", map[string]any{"name": "S1 renamed", "projects": []string{f.id["Lab"]}, "description": "replaced"}},
	} {
		res := f.do(changer, edit.method, s1, edit.body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", edit.method, res.StatusCode, res.Body)
		}
		body, etag, hit := get(changer)
		if !hit {
			t.Fatalf("%s: the editor's GET after it missed the cache", edit.method)
		}
		if !bytes.Equal(body, res.Body) {
			t.Fatalf("%s: the GET after it answered %s, the write %s", edit.method, body, res.Body)
		}
		if _, _, hit := get(reader); hit {
			t.Fatalf("%s: another user's cached detail survived it", edit.method)
		}
		st.SetReadCacheBytes(0) // what the database gives
		fresh, freshTag, _ := get(changer)
		st.SetReadCacheBytes(store.DefaultReadCacheBytes)
		if !bytes.Equal(fresh, res.Body) || freshTag != etag {
			t.Fatalf("%s: answered %s (ETag of its GET %s), the database gives %s (%s)", edit.method, res.Body, etag, fresh, freshTag)
		}
	}

	get(changer)
	f.must(changer, "PATCH", s1+"?include[]=projects.*", map[string]any{"description": "with a query"}, http.StatusOK)
	if body, _, hit := get(changer); hit || !strings.Contains(string(body), "with a query") {
		t.Fatalf("after a PATCH with a query: hit %v, %s", hit, body)
	}
}

// A GET answered from the cache (before the spec's validation) answers
// what its first, uncached read answered: status, headers and body, for a
// record (with its ETag), a record with a query and a list. A GET that
// fails the validation is never kept, so it fails every time.
func TestCachedAnswerIsTheFirstAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if f.env.Store.Dialect() != store.SQLite {
		t.Skip("the read cache is off on PostgreSQL")
	}
	st := f.env.Store
	headers := func(res *servertest.Response) http.Header {
		h := res.Header.Clone()
		h.Del("Date")
		h.Del("X-Request-Id")
		return h
	}
	s1 := "/api/private/stem/session/" + f.id["S1"] + "/"
	for _, path := range []string{s1, s1 + "?include[]=projects.*", "/api/private/stem/session/?sort[]=name"} {
		first := f.do(reader, "GET", path, nil)
		before := st.Stats().ReadCacheHits
		again := f.do(reader, "GET", path, nil)
		if st.Stats().ReadCacheHits != before+1 {
			t.Fatalf("GET %s again: not answered from the cache", path)
		}
		if first.StatusCode != http.StatusOK || again.StatusCode != first.StatusCode ||
			!bytes.Equal(again.Body, first.Body) || !reflect.DeepEqual(headers(again), headers(first)) {
			t.Fatalf("GET %s: first %d %v %s; from the cache %d %v %s", path,
				first.StatusCode, headers(first), first.Body, again.StatusCode, headers(again), again.Body)
		}
		if path == s1 && first.Header.Get("ETag") == "" {
			t.Fatalf("GET %s: no ETag", path)
		}
		head := f.env.Do("HEAD", path, f.tok[reader], nil)
		if head.StatusCode != http.StatusOK || len(head.Body) != 0 || !reflect.DeepEqual(headers(head), headers(first)) {
			t.Fatalf("HEAD %s: %d %v %q", path, head.StatusCode, headers(head), head.Body)
		}
	}
	for range 2 {
		if res := f.do(reader, "GET", "/api/private/stem/session/?limit=many", nil); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("GET with a bad limit: %d %s", res.StatusCode, res.Body)
		}
	}
	// Another user's GET of a URL the reader has cached is the other's own.
	f.must(outsider, "GET", s1, nil, http.StatusNotFound)
}

// A PATCH of a session's own fields answers the session's relation lists
// as the editor may see them (the lists read before the change, the row
// after it): byte for byte what the database then gives a GET, for the
// owner, who sees every project and data storage, and for a member who
// does not see one of the data storages. The callers who may not see the session or change it
// get 404 and 403, and change nothing.
func TestSessionPatchAnswersItsRelations(t *testing.T) {
	t.Parallel()
	f := newModulesFixture(t)
	st := f.env.Store
	st.SetReadCacheBytes(0) // every GET is what the database gives
	f.id["Hidden"] = f.create(owner, "/api/private/stem/project/", "project", map[string]any{"name": "Hidden"})
	s1 := "/api/private/stem/session/" + f.id["S1"] + "/"
	f.must(owner, "PATCH", s1, map[string]any{
		"projects": []string{f.id["Lab"], f.id["Hidden"]}, "datastorage": []string{f.id["Disk"], f.id["Cloud"]}}, http.StatusOK)

	type lists struct {
		Projects        []string `json:"projects"`
		DataStorage     []string `json:"datastorage"`
		Behaviors       []string `json:"behaviors"`
		DataAcquisition []string `json:"dataacquisition"`
		Manipulations   []string `json:"manipulations"`
		Name            string   `json:"name"`
		Storage         string   `json:"name_used_in_storage"`
		DateTime        string   `json:"date_time"`
	}
	want := map[string]lists{
		owner:   {Projects: sorted(f.id["Lab"], f.id["Hidden"]), DataStorage: []string{f.id["Disk"], f.id["Cloud"]}},
		changer: {Projects: []string{f.id["Lab"]}, DataStorage: []string{f.id["Cloud"]}},
	}
	for i, user := range []string{owner, changer} {
		if user == changer { // who may change a session may change it in each of its projects
			f.must(owner, "PATCH", s1, map[string]any{"projects": []string{f.id["Lab"]}}, http.StatusOK)
		}
		name := fmt.Sprintf("S1 edited %d", i)
		res := f.do(user, "PATCH", s1, map[string]any{"name": name, "date_time": "2024-05-06T07:08:09Z", "description": user})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PATCH as %s: %d %s", user, res.StatusCode, res.Body)
		}
		get := f.do(user, "GET", s1, nil)
		if !bytes.Equal(get.Body, res.Body) {
			t.Fatalf("PATCH as %s answered %s, the GET after it %s", user, res.Body, get.Body)
		}
		var got struct{ Session lists }
		res.JSON(t, &got)
		w := want[user]
		w.Behaviors, w.DataAcquisition, w.Manipulations = []string{f.id["Beh1"]}, []string{f.id["DA1"]}, []string{f.id["Man1"]}
		w.Name, w.Storage, w.DateTime = name, strings.ReplaceAll(name, " ", "_"), "2024-05-06T07:08:09Z"
		if !reflect.DeepEqual(got.Session, w) {
			t.Fatalf("PATCH as %s answered %+v, want %+v", user, got.Session, w)
		}
	}
	before := f.do(owner, "GET", s1, nil).Body
	f.must(outsider, "PATCH", s1, map[string]any{"description": "outsider"}, http.StatusNotFound)
	f.must(reader, "PATCH", s1, map[string]any{"description": "reader"}, http.StatusForbidden)
	if after := f.do(owner, "GET", s1, nil).Body; !bytes.Equal(after, before) {
		t.Fatalf("refused PATCHes changed the session: %s, then %s", before, after)
	}
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
