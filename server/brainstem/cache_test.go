package brainstem_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
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
