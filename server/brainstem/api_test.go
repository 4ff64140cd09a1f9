package brainstem_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// fixture is a server with five kinds of callers and a few records:
//   - owner: created "Lab" (private) and "Open" (public), owns data storages
//     "Disk" (private) and "Cloud" (public), and sessions "S1" (Lab, Disk)
//     and "Pub1" (Open);
//   - changer: member of Lab with can_change;
//   - reader: member of Lab without can_change;
//   - outsider: no membership;
//   - anonymous: no token.
type fixture struct {
	t   *testing.T
	env *servertest.Env
	tok map[string]string
	id  map[string]string
}

const (
	owner    = "owner"
	changer  = "changer"
	reader   = "reader"
	outsider = "outsider"
	anon     = ""
)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, env: servertest.New(t, server.Config{}), tok: map[string]string{}, id: map[string]string{}}
	for _, u := range []string{owner, changer, reader, outsider} {
		f.tok[u] = f.addUser(u + "@lab.org")
	}
	f.id["Lab"] = f.create(owner, "/api/private/stem/project/", "project", map[string]any{"name": "Lab"})
	f.id["Open"] = f.create(owner, "/api/private/stem/project/", "project", map[string]any{"name": "Open", "is_public": true})
	f.must(owner, "PATCH", "/api/private/stem/project/"+f.id["Lab"]+"/", map[string]any{"users": map[string]any{
		"changer@lab.org": map[string]any{"can_change": true},
		"reader@lab.org":  map[string]any{},
	}}, http.StatusOK)
	f.id["Disk"] = f.create(owner, "/api/private/personal_attributes/datastorage/", "datastorage", map[string]any{"name": "Disk"})
	f.id["Cloud"] = f.create(owner, "/api/private/personal_attributes/datastorage/", "datastorage", map[string]any{"name": "Cloud", "is_public": true})
	f.id["S1"] = f.create(owner, "/api/private/stem/session/", "session", map[string]any{
		"name": "S1", "projects": []string{f.id["Lab"]}, "datastorage": []string{f.id["Disk"]}})
	f.id["Pub1"] = f.create(owner, "/api/private/stem/session/", "session", map[string]any{
		"name": "Pub1", "projects": []string{f.id["Open"]}, "datastorage": []string{f.id["Cloud"]}})
	return f
}

// addUser creates a user without a password (bcrypt is slow under -race)
// and returns a token for it.
func (f *fixture) addUser(email string) string {
	f.t.Helper()
	ctx := context.Background()
	u, err := f.env.Store.CreateUser(ctx, email, "")
	if err != nil {
		f.t.Fatal(err)
	}
	tok, err := f.env.Store.CreateToken(ctx, u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// do sends a request as user and checks the response against the spec
// (405s and the public portal's writes have no route in the spec by
// definition and are not checked; TestPublicPortalRefusesWrites checks the
// latter's bodies).
func (f *fixture) do(user, method, path string, body any) *servertest.Response {
	f.t.Helper()
	res := f.env.Do(method, path, f.tok[user], body)
	if res.StatusCode != http.StatusMethodNotAllowed && !isPublicWrite(method, path) {
		servertest.CheckSpec(f.t, "brainstem", method, withSlash(path), res)
	}
	return res
}

// isPublicWrite reports a write on the public portal.
func isPublicWrite(method, path string) bool {
	return strings.HasPrefix(path, "/api/public/") && method != http.MethodGet && method != http.MethodHead
}

// withSlash gives a path its trailing slash, as the server does before routing.
func withSlash(path string) string {
	p, q, hasQuery := strings.Cut(path, "?")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if hasQuery {
		return p + "?" + q
	}
	return p
}

func (f *fixture) must(user, method, path string, body any, status int) map[string]any {
	f.t.Helper()
	res := f.do(user, method, path, body)
	if res.StatusCode != status {
		f.t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, user, res.StatusCode, status, res.Body)
	}
	var out map[string]any
	if len(res.Body) > 0 {
		res.JSON(f.t, &out)
	}
	return out
}

// create POSTs and returns the new record's id.
func (f *fixture) create(user, path, key string, body any) string {
	f.t.Helper()
	out := f.must(user, "POST", path, body, http.StatusCreated)
	return out[key].(map[string]any)["id"].(string)
}

// sub replaces {Name} placeholders with fixture ids.
func (f *fixture) sub(s string) string {
	for k, v := range f.id {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// subAny substitutes placeholders inside a JSON-able body.
func (f *fixture) subAny(body any) any {
	if body == nil {
		return nil
	}
	if s, ok := body.(string); ok {
		return f.sub(s)
	}
	b, err := json.Marshal(body)
	if err != nil {
		f.t.Fatal(err)
	}
	return json.RawMessage(f.sub(string(b)))
}

// scenario is one request and what must come back.
type scenario struct {
	name     string
	user     string
	method   string
	path     string
	body     any
	status   int
	wantBody string // exact JSON (placeholders substituted), or "" to skip
	check    func(t *testing.T, body map[string]any)
}

// run runs the scenarios in order, each as a subtest (later ones may use
// what earlier ones created).
func (f *fixture) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	defer func() { f.t = t }()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			f.t = t
			body := f.subAny(sc.body)
			if raw, ok := body.(json.RawMessage); ok {
				body = []byte(raw)
			}
			res := f.do(sc.user, sc.method, f.sub(sc.path), body)
			if res.StatusCode != sc.status {
				t.Fatalf("%s %s: status %d, want %d: %s", sc.method, sc.path, res.StatusCode, sc.status, res.Body)
			}
			if sc.wantBody != "" {
				assertJSON(t, sc.name, res.Body, f.sub(sc.wantBody))
			}
			if sc.check != nil {
				var m map[string]any
				res.JSON(t, &m)
				sc.check(t, m)
			}
		})
	}
}

func assertJSON(t *testing.T, name string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Errorf("%s: body %q is not JSON: %v", name, got, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad wantBody: %v", name, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", name, got, want)
	}
}

func ids(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		switch r := x.(type) {
		case string:
			out = append(out, r)
		case map[string]any:
			out = append(out, r["id"].(string))
		}
	}
	return out
}

func names(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(map[string]any)["name"].(string))
	}
	return out
}

func record(body map[string]any, key string) map[string]any { return body[key].(map[string]any) }

const (
	notFound     = `{"detail": "Not found."}`
	forbidden    = `{"detail": "You do not have permission to perform this action."}`
	noCreds      = `{"detail": "Authentication credentials were not provided."}`
	invalidToken = `{"detail": "Invalid token."}`
)

func TestSessionCRUD(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var created string
	f.run(t, []scenario{
		{name: "create with defaults", user: owner, method: "POST", path: "/api/private/stem/session/",
			body:   map[string]any{"name": "Rat 7 / day <1>", "projects": []string{"{Lab}"}, "id": "ignored", "epochs": []string{"x"}},
			status: http.StatusCreated, check: func(t *testing.T, b map[string]any) {
				s := record(b, "session")
				created = s["id"].(string)
				keys := []string{}
				for _, k := range []string{"description", "date_time", "extra_fields", "download_links", "tags", "epochs", "datastorage", "name_used_in_storage", "links"} {
					keys = append(keys, fmt.Sprint(s[k]))
				}
				want := []string{"", "<nil>", "map[]", "[]", "[]", "[]", "[]", "Rat_7_day_1", "map[projects:projects/]"}
				if !reflect.DeepEqual(keys, want) {
					t.Errorf("defaults: got %q, want %q", keys, want)
				}
				if created == "ignored" {
					t.Error("read-only id was taken from the body")
				}
			}},
	})
	f.id["New"] = created
	f.run(t, []scenario{
		{name: "detail", user: changer, method: "GET", path: "/api/private/stem/session/{New}/", status: http.StatusOK,
			check: func(t *testing.T, b map[string]any) {
				if s := record(b, "session"); s["name"] != "Rat 7 / day <1>" || !reflect.DeepEqual(ids(s["projects"]), []string{f.id["Lab"]}) {
					t.Errorf("detail: %v", s)
				}
			}},
		{name: "patch changes only what is sent", user: changer, method: "PATCH", path: "/api/private/stem/session/{New}/",
			body:   map[string]any{"description": "<p>hi</p>", "date_time": "2023-03-22T15:30:00Z", "tags": []string{"a", "b"}, "extra_fields": map[string]any{"depth": 1.5, "note": "x"}, "download_links": []any{map[string]string{"repository": "DANDI", "url": "https://dandiarchive.org/x"}}},
			status: http.StatusOK, check: func(t *testing.T, b map[string]any) {
				s := record(b, "session")
				if s["name"] != "Rat 7 / day <1>" || s["description"] != "<p>hi</p>" || s["date_time"] != "2023-03-22T15:30:00Z" ||
					fmt.Sprint(s["tags"]) != "[a b]" || fmt.Sprint(s["extra_fields"]) != "map[depth:1.5 note:x]" ||
					fmt.Sprint(s["download_links"]) != "[map[repository:DANDI url:https://dandiarchive.org/x]]" {
					t.Errorf("patch: %v", s)
				}
			}},
		{name: "patch datastorage list keeps the order given", user: owner, method: "PATCH", path: "/api/private/stem/session/{New}/",
			body: map[string]any{"datastorage": []string{"{Cloud}", "{Disk}"}}, status: http.StatusOK,
			check: func(t *testing.T, b map[string]any) {
				if got := ids(record(b, "session")["datastorage"]); !reflect.DeepEqual(got, []string{f.id["Cloud"], f.id["Disk"]}) {
					t.Errorf("datastorage order %v", got)
				}
			}},
		{name: "put replaces and resets omitted fields", user: owner, method: "PUT", path: "/api/private/stem/session/{New}/",
			body: map[string]any{"name": "Rat 8", "projects": []string{"{Lab}"}}, status: http.StatusOK,
			check: func(t *testing.T, b map[string]any) {
				s := record(b, "session")
				if s["name"] != "Rat 8" || s["description"] != "" || s["date_time"] != nil || fmt.Sprint(s["tags"]) != "[]" ||
					fmt.Sprint(s["datastorage"]) != "[]" || s["name_used_in_storage"] != "Rat_8" {
					t.Errorf("put: %v", s)
				}
			}},
		{name: "date_time null clears it", user: owner, method: "PATCH", path: "/api/private/stem/session/{New}/",
			body: `{"date_time": null}`, status: http.StatusOK,
			check: func(t *testing.T, b map[string]any) {
				if record(b, "session")["date_time"] != nil {
					t.Error("date_time not cleared")
				}
			}},
		{name: "delete", user: changer, method: "DELETE", path: "/api/private/stem/session/{New}/", status: http.StatusNoContent},
		{name: "gone", user: owner, method: "GET", path: "/api/private/stem/session/{New}/", status: http.StatusNotFound, wantBody: notFound},
		{name: "delete again", user: owner, method: "DELETE", path: "/api/private/stem/session/{New}/", status: http.StatusNotFound, wantBody: notFound},
	})
	// strings survive the response encoder unchanged
	odd := "q\" b\\ nl\n tab\t ctl\x01 ls\u2028 ü 🐀 <&>"
	f.run(t, []scenario{{name: "odd characters", user: owner, method: "PATCH", path: "/api/private/stem/session/{S1}/",
		body: map[string]any{"description": odd, "tags": []string{odd}, "extra_fields": map[string]any{"k": odd}}, status: http.StatusOK,
		check: func(t *testing.T, b map[string]any) {
			s := record(b, "session")
			if s["description"] != odd || s["tags"].([]any)[0] != odd || s["extra_fields"].(map[string]any)["k"] != odd {
				t.Errorf("round trip: %q", s)
			}
		}}})
	res := f.env.Do("DELETE", "/api/private/stem/session/"+f.id["S1"]+"/", f.tok[owner], nil)
	if res.StatusCode != http.StatusNoContent || len(res.Body) != 0 {
		t.Errorf("delete: %d %q, want 204 with an empty body", res.StatusCode, res.Body)
	}
}

// A change of a session needs can_change on every one of its projects,
// whether or not it changes them.
func TestSessionWritesNeedCanChangeOnEveryProject(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.id["Both"] = f.create(owner, "/api/private/stem/session/", "session", map[string]any{
		"name": "Both", "projects": []string{f.id["Lab"], f.id["Open"]}})
	s := "/api/private/stem/session/{Both}/"
	f.run(t, []scenario{
		{name: "changer sees it through Lab", user: changer, method: "GET", path: s, status: 200},
		{name: "own fields: no can_change on Open", user: changer, method: "PATCH", path: s, body: map[string]any{"description": "x"}, status: 403, wantBody: forbidden},
		{name: "projects: no can_change on Open", user: changer, method: "PATCH", path: s, body: map[string]any{"projects": []string{"{Lab}"}}, status: 403, wantBody: forbidden},
		{name: "delete: no can_change on Open", user: changer, method: "DELETE", path: s, status: 403, wantBody: forbidden},
		{name: "reader: can_change on neither", user: reader, method: "PATCH", path: s, body: map[string]any{"description": "x"}, status: 403, wantBody: forbidden},
		{name: "Open gives changer can_change", user: owner, method: "PATCH", path: "/api/private/stem/project/{Open}/",
			body: map[string]any{"users": map[string]any{"owner@lab.org": map[string]any{"can_change": true, "is_manager": true, "is_owner": true},
				"changer@lab.org": map[string]any{"can_change": true}}}, status: 200},
		{name: "own fields with can_change on both", user: changer, method: "PATCH", path: s, body: map[string]any{"description": "x"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if d := record(b, "session")["description"]; d != "x" {
					t.Errorf("description %v", d)
				}
			}},
		{name: "still nothing for reader", user: reader, method: "PATCH", path: s, body: map[string]any{"description": "y"}, status: 403, wantBody: forbidden},
	})
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := "/api/private/stem/session/{S1}/"
	p := "/api/private/stem/project/{Lab}/"
	d := "/api/private/personal_attributes/datastorage/{Disk}/"
	newSession := func(name string) map[string]any {
		return map[string]any{"name": name, "projects": []string{"{Lab}"}}
	}
	f.run(t, []scenario{
		// session reads
		{name: "owner reads session", user: owner, method: "GET", path: s, status: 200},
		{name: "changer reads session", user: changer, method: "GET", path: s, status: 200},
		{name: "reader reads session", user: reader, method: "GET", path: s, status: 200},
		{name: "outsider cannot see session", user: outsider, method: "GET", path: s, status: 404, wantBody: notFound},
		{name: "anonymous private read", user: anon, method: "GET", path: s, status: 401, wantBody: noCreds},
		{name: "anonymous private list", user: anon, method: "GET", path: "/api/private/stem/session/", status: 401, wantBody: noCreds},
		{name: "outsider list is empty", user: outsider, method: "GET", path: "/api/private/stem/session/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if b["count"].(float64) != 0 {
					t.Errorf("outsider sees %v", b)
				}
			}},
		// session writes
		{name: "reader cannot patch", user: reader, method: "PATCH", path: s, body: map[string]any{"description": "x"}, status: 403, wantBody: forbidden},
		{name: "outsider patch is 404", user: outsider, method: "PATCH", path: s, body: map[string]any{"description": "x"}, status: 404, wantBody: notFound},
		{name: "reader cannot create", user: reader, method: "POST", path: "/api/private/stem/session/", body: newSession("R1"), status: 403, wantBody: forbidden},
		{name: "outsider cannot create in Lab", user: outsider, method: "POST", path: "/api/private/stem/session/", body: newSession("O1"), status: 403, wantBody: forbidden},
		{name: "changer creates", user: changer, method: "POST", path: "/api/private/stem/session/", body: newSession("C1"), status: 201},
		{name: "changer may send the datastorage list back as read (the owner's private storage is hidden from him)", user: changer, method: "PATCH", path: s,
			body: map[string]any{"datastorage": []string{}, "description": "put-like"}, status: 200},
		{name: "changer cannot name a storage he may not see", user: changer, method: "PATCH", path: s,
			body: map[string]any{"datastorage": []string{"{Disk}"}}, status: 400,
			wantBody: `{"datastorage": ["Invalid pk \"{Disk}\" - object does not exist."]}`},
		{name: "the hidden link is kept", user: owner, method: "GET", path: s, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := ids(record(b, "session")["datastorage"]); !reflect.DeepEqual(got, []string{f.id["Disk"]}) {
					t.Errorf("datastorage %v", got)
				}
			}},
		{name: "changer cannot use a datastorage he does not own", user: changer, method: "PATCH", path: s,
			body: map[string]any{"datastorage": []string{"{Cloud}"}}, status: 403, wantBody: forbidden},
		{name: "changer cannot move a session into a project without can_change", user: changer, method: "PATCH", path: s,
			body: map[string]any{"projects": []string{"{Open}"}}, status: 403, wantBody: forbidden},
		{name: "reader cannot delete", user: reader, method: "DELETE", path: s, status: 403, wantBody: forbidden},
		// project
		{name: "reader reads project", user: reader, method: "GET", path: p, status: 200},
		{name: "outsider cannot see project", user: outsider, method: "GET", path: p, status: 404, wantBody: notFound},
		{name: "reader cannot patch project", user: reader, method: "PATCH", path: p, body: map[string]any{"description": "x"}, status: 403, wantBody: forbidden},
		{name: "changer patches project", user: changer, method: "PATCH", path: p, body: map[string]any{"description": "x"}, status: 200},
		{name: "changer cannot make it public", user: changer, method: "PATCH", path: p, body: map[string]any{"is_public": true}, status: 403, wantBody: forbidden},
		{name: "changer cannot manage members", user: changer, method: "PATCH", path: p,
			body: map[string]any{"users": map[string]any{"outsider@lab.org": map[string]any{}}}, status: 403, wantBody: forbidden},
		{name: "changer cannot delete project", user: changer, method: "DELETE", path: p, status: 403, wantBody: forbidden},
		{name: "outsider delete project is 404", user: outsider, method: "DELETE", path: p, status: 404, wantBody: notFound},
		// datastorage
		{name: "outsider sees public datastorage", user: outsider, method: "GET", path: "/api/private/personal_attributes/datastorage/{Cloud}/", status: 200},
		{name: "outsider cannot change public datastorage", user: outsider, method: "PATCH", path: "/api/private/personal_attributes/datastorage/{Cloud}/",
			body: map[string]any{"location": "x"}, status: 403, wantBody: forbidden},
		{name: "outsider cannot see private datastorage", user: outsider, method: "GET", path: d, status: 404, wantBody: notFound},
		{name: "changer cannot delete owner's datastorage", user: changer, method: "DELETE", path: d, status: 404, wantBody: notFound},
		{name: "owner patches datastorage", user: owner, method: "PATCH", path: d, body: map[string]any{"location": "server-1", "is_public": true}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if ds := record(b, "datastorage"); ds["location"] != "server-1" || ds["is_public"] != true {
					t.Errorf("datastorage %v", ds)
				}
			}},
		// public portal
		{name: "anonymous public list", user: anon, method: "GET", path: "/api/public/stem/session/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(b["sessions"]); !reflect.DeepEqual(got, []string{"Pub1"}) {
					t.Errorf("public sessions %v", got)
				}
			}},
		{name: "public projects", user: outsider, method: "GET", path: "/api/public/stem/project/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(b["projects"]); !reflect.DeepEqual(got, []string{"Open"}) {
					t.Errorf("public projects %v", got)
				}
				if u := b["projects"].([]any)[0].(map[string]any)["users"]; fmt.Sprint(u) != "map[]" {
					t.Errorf("public portal shows members: %v", u)
				}
			}},
		{name: "public datastorages", user: anon, method: "GET", path: "/api/public/personal_attributes/datastorage/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(b["datastorages"]); !reflect.DeepEqual(got, []string{"Disk", "Cloud"}) {
					t.Errorf("public datastorages %v", got)
				}
			}},
		{name: "private session not on public portal", user: owner, method: "GET", path: "/api/public/stem/session/{S1}/", status: 404, wantBody: notFound},
		{name: "public session detail", user: anon, method: "GET", path: "/api/public/stem/session/{Pub1}/", status: 200},
		{name: "public POST", user: owner, method: "POST", path: "/api/public/stem/session/", body: newSession("X"), status: 403, wantBody: forbidden},
		{name: "public PATCH", user: owner, method: "PATCH", path: "/api/public/stem/session/{Pub1}/", body: map[string]any{"name": "x"}, status: 403, wantBody: forbidden},
		{name: "public PUT", user: anon, method: "PUT", path: "/api/public/stem/project/{Open}/", body: map[string]any{"name": "x"}, status: 403, wantBody: forbidden},
		{name: "public DELETE", user: owner, method: "DELETE", path: "/api/public/personal_attributes/datastorage/{Cloud}/", status: 403, wantBody: forbidden},
	})
	f.tok["nobody"] = "shp_notatoken"
	f.run(t, []scenario{
		{name: "bad token", user: "nobody", method: "GET", path: s, status: 401, wantBody: invalidToken},
		{name: "public bad token", user: "nobody", method: "GET", path: "/api/public/stem/session/", status: 401, wantBody: invalidToken},
	})
	res := f.env.Do("GET", "/api/private/stem/session/", "", nil)
	if got := res.Header.Get("WWW-Authenticate"); got != `Bearer realm="api"` {
		t.Errorf("WWW-Authenticate %q", got)
	}
	res = f.env.Do("GET", "/api/private/stem/session/", "", nil, "Authorization", "Token "+f.tok[reader])
	if res.StatusCode != http.StatusOK {
		t.Errorf("Token scheme: %d %s", res.StatusCode, res.Body)
	}
}
