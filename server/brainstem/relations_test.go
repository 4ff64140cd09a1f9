package brainstem_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// TestProjectMembers covers the users map on PATCH, owner-only flags and
// deleting a project.
func TestProjectMembers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := "/api/private/stem/project/{Lab}/"
	usersOf := func(want string) func(t *testing.T, b map[string]any) {
		return func(t *testing.T, b map[string]any) {
			if got := fmt.Sprint(record(b, "project")["users"]); got != want {
				t.Errorf("users\n got %s\nwant %s", got, want)
			}
		}
	}
	f.run(t, []scenario{
		{name: "creator is the only owner", user: owner, method: "POST", path: "/api/private/stem/project/",
			body: map[string]any{"name": "Solo", "users": map[string]any{"reader@lab.org": map[string]any{"is_owner": true}}}, status: 201,
			check: usersOf("map[owner@lab.org:map[can_change:true is_manager:true is_owner:true]]")},
		{name: "a contributor may send the members back unchanged", user: changer, method: "PATCH", path: p,
			body: map[string]any{"description": "put-like", "users": map[string]any{
				"changer@lab.org": map[string]any{"can_change": true, "is_manager": false, "is_owner": false},
				"owner@lab.org":   map[string]any{"can_change": true, "is_manager": true, "is_owner": true},
			}}, status: 200},
		{name: "members listed", user: reader, method: "GET", path: p, status: 200,
			check: usersOf("map[changer@lab.org:map[can_change:true is_manager:false is_owner:false] owner@lab.org:map[can_change:true is_manager:true is_owner:true] reader@lab.org:map[can_change:false is_manager:false is_owner:false]]")},
		{name: "owner makes changer a manager and reader a contributor", user: owner, method: "PATCH", path: p,
			body: map[string]any{"users": map[string]any{
				"changer@lab.org": map[string]any{"can_change": true, "is_manager": true},
				"reader@lab.org":  map[string]any{"can_change": true},
			}}, status: 200},
		{name: "reader now changes sessions", user: reader, method: "PATCH", path: "/api/private/stem/session/{S1}/", body: map[string]any{"description": "r"}, status: 200},
		{name: "manager adds outsider", user: changer, method: "PATCH", path: p,
			body: map[string]any{"users": map[string]any{"outsider@lab.org": map[string]any{}}}, status: 200},
		{name: "outsider now sees the project", user: outsider, method: "GET", path: p, status: 200},
		{name: "manager cannot grant owner", user: changer, method: "PATCH", path: p,
			body: map[string]any{"users": map[string]any{"outsider@lab.org": map[string]any{"is_owner": true}}}, status: 403, wantBody: forbidden},
		{name: "manager cannot remove the owner", user: changer, method: "PATCH", path: p,
			body: map[string]any{"users": map[string]any{"owner@lab.org": map[string]any{"remove": true}}}, status: 403, wantBody: forbidden},
		{name: "remove a member", user: changer, method: "PATCH", path: p,
			body: map[string]any{"users": map[string]any{"outsider@lab.org": map[string]any{"remove": true}}}, status: 200},
		{name: "removed member sees nothing", user: outsider, method: "GET", path: p, status: 404, wantBody: notFound},
		{name: "last owner stays", user: owner, method: "PATCH", path: p,
			body:   map[string]any{"users": map[string]any{"owner@lab.org": map[string]any{"remove": true}}},
			status: 400, wantBody: `{"users": ["A project must keep at least one owner."]}`},
		{name: "owner makes it public", user: owner, method: "PATCH", path: p, body: map[string]any{"is_public": true}, status: 200},
		{name: "sessions field is read-only", user: owner, method: "PATCH", path: p, body: map[string]any{"sessions": []string{}}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := ids(record(b, "project")["sessions"]); !reflect.DeepEqual(got, []string{f.id["S1"]}) {
					t.Errorf("sessions %v", got)
				}
			}},
		{name: "owner deletes", user: owner, method: "DELETE", path: p, status: 204},
		{name: "its only-project sessions go with it", user: owner, method: "GET", path: "/api/private/stem/session/{S1}/", status: 404, wantBody: notFound},
	})
}

// TestProjectMembersInEmailOrder: a project's users are written in the
// order of their e-mails, whatever the order they joined in.
func TestProjectMembersInEmailOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.run(t, []scenario{{name: "outsider joins last", user: owner, method: "PATCH", path: "/api/private/stem/project/{Lab}/",
		body: map[string]any{"users": map[string]any{"outsider@lab.org": map[string]any{}}}, status: 200}})
	res := f.do(reader, "GET", f.sub("/api/private/stem/project/{Lab}/"), nil)
	last := -1
	for _, email := range []string{"changer@lab.org", "outsider@lab.org", "owner@lab.org", "reader@lab.org"} {
		at := bytes.Index(res.Body, []byte(`"`+email+`"`))
		if at <= last {
			t.Fatalf("%s at %d, after the previous member at %d: %s", email, at, last, res.Body)
		}
		last = at
	}
}

// TestSessionDataStorage covers the ordering through-model.
func TestSessionDataStorage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.id["Tape"] = f.create(owner, "/api/private/personal_attributes/datastorage/", "datastorage", map[string]any{"name": "Tape"})
	const sds = "/api/private/stem/sessiondatastorage/"
	order := func(want ...string) scenario {
		return scenario{name: fmt.Sprint("session order ", want), user: owner, method: "GET", path: "/api/private/stem/session/{S1}/?include[]=datastorage.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(record(b, "session")["datastorage"]); !reflect.DeepEqual(got, want) {
					t.Errorf("datastorage order %v, want %v", got, want)
				}
			}}
	}
	var link string
	f.run(t, []scenario{
		{name: "append a link", user: owner, method: "POST", path: sds, body: map[string]any{"session": "{S1}", "datastorage": "{Tape}"}, status: 201,
			check: func(t *testing.T, b map[string]any) {
				l := record(b, "sessiondatastorage")
				link = l["id"].(string)
				if l["order"].(float64) != 1 || l["session"] != f.id["S1"] || l["datastorage"] != f.id["Tape"] {
					t.Errorf("link %v", l)
				}
			}},
		order("Disk", "Tape"),
		{name: "duplicate link", user: owner, method: "POST", path: sds, body: map[string]any{"session": "{S1}", "datastorage": "{Tape}"},
			status: 400, wantBody: `{"non_field_errors": ["The fields session, datastorage must make a unique set."]}`},
		{name: "unknown session", user: owner, method: "POST", path: sds, body: map[string]any{"session": "0b7a3c2e-1d4f-4a5b-8c6d-7e8f9a0b1c2d", "datastorage": "{Tape}"},
			status: 400, wantBody: `{"session": ["Invalid pk \"0b7a3c2e-1d4f-4a5b-8c6d-7e8f9a0b1c2d\" - object does not exist."]}`},
		{name: "changer does not own the storage", user: changer, method: "POST", path: sds, body: map[string]any{"session": "{S1}", "datastorage": "{Cloud}"}, status: 403, wantBody: forbidden},
		{name: "negative order", user: owner, method: "POST", path: sds, body: map[string]any{"session": "{S1}", "datastorage": "{Cloud}", "order": -1},
			status: 400, wantBody: `{"order": ["Ensure this value is greater than or equal to 0."]}`},
		{name: "owner lists the links of S1", user: owner, method: "GET", path: sds + "?filter{session}={S1}", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if b["count"].(float64) != 2 {
					t.Errorf("links %v", b)
				}
			}},
		{name: "reader sees no link to the owner's private storages", user: reader, method: "GET", path: sds + "?filter{session}={S1}", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if b["count"].(float64) != 0 {
					t.Errorf("links %v", b)
				}
			}},
		{name: "outsider lists none", user: outsider, method: "GET", path: sds, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if b["count"].(float64) != 0 {
					t.Errorf("links %v", b)
				}
			}},
	})
	f.id["Link"] = link
	f.run(t, []scenario{
		{name: "move Tape first", user: owner, method: "PATCH", path: sds + "{Link}/", body: map[string]any{"order": 0}, status: 200},
		{name: "then Disk after", user: owner, method: "GET", path: sds + "{Link}/?include[]=session.*&include[]=datastorage.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				l := record(b, "sessiondatastorage")
				if l["session"].(map[string]any)["name"] != "S1" || l["datastorage"].(map[string]any)["name"] != "Tape" {
					t.Errorf("embedded link %v", l)
				}
			}},
		{name: "reader cannot see a link to a private storage of the owner", user: reader, method: "PATCH", path: sds + "{Link}/", body: map[string]any{"order": 9}, status: 404, wantBody: notFound},
		{name: "nor its id in the session", user: reader, method: "GET", path: "/api/private/stem/session/{S1}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := fmt.Sprint(record(b, "session")["datastorage"]); got != "[]" {
					t.Errorf("datastorage %s", got)
				}
			}},
		{name: "outsider cannot see the link", user: outsider, method: "GET", path: sds + "{Link}/", status: 404, wantBody: notFound},
		{name: "delete the link", user: owner, method: "DELETE", path: sds + "{Link}/", status: 204},
		order("Disk"),
		{name: "setting datastorage on the session replaces the links", user: owner, method: "PATCH", path: "/api/private/stem/session/{S1}/",
			body: map[string]any{"datastorage": []string{"{Tape}", "{Cloud}", "{Disk}"}}, status: 200},
		order("Tape", "Cloud", "Disk"),
	})
	res := f.do(owner, "GET", sds+"?filter%7Bsession%7D="+f.id["S1"]+"&sort%5B%5D=order", nil)
	var b map[string]any
	res.JSON(t, &b)
	var orders []float64
	for _, l := range b["sessiondatastorages"].([]any) {
		orders = append(orders, l.(map[string]any)["order"].(float64))
	}
	if !reflect.DeepEqual(orders, []float64{0, 1, 2}) {
		t.Errorf("orders %v", orders)
	}
}

// TestPasswordToken covers POST /api/token/.
func TestPasswordToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.env.AddUser("ada@lab.org", "pw-ada")
	var tok string
	f.run(t, []scenario{
		{name: "good credentials", method: "POST", path: "/api/token/", body: map[string]any{"username": "ada@lab.org", "password": "pw-ada"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				tok, _ = b["token"].(string)
				if tok == "" || b["access"] != tok {
					t.Errorf("token body %v", b)
				}
			}},
		{name: "wrong password", method: "POST", path: "/api/token/", body: map[string]any{"username": "ada@lab.org", "password": "nope"}, status: 401,
			wantBody: `{"detail": "No active account found with the given credentials"}`},
		{name: "unknown user", method: "POST", path: "/api/token/", body: map[string]any{"username": "ghost@lab.org", "password": "x"}, status: 401,
			wantBody: `{"detail": "No active account found with the given credentials"}`},
		{name: "missing password", method: "POST", path: "/api/token/", body: map[string]any{"username": "ada@lab.org"}, status: 400,
			wantBody: `{"password": ["This field is required."]}`},
		{name: "user without a password", method: "POST", path: "/api/token/", body: map[string]any{"username": "reader@lab.org", "password": ""}, status: 401,
			wantBody: `{"detail": "No active account found with the given credentials"}`},
	})
	f.tok["fresh"] = tok
	f.run(t, []scenario{{name: "the new token works", user: "fresh", method: "GET", path: "/api/private/stem/project/", status: 200}})
}

// TestDeviceLogin covers the device flow: start, pending, approve, success
// exactly once, deny and unknown codes. Polls always answer 200.
func TestDeviceLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	start := func(body any) map[string]any {
		return f.must(anon, "POST", "/api/auth/device/", body, http.StatusOK)
	}
	poll := func(code, want string) string {
		t.Helper()
		b := f.must(anon, "POST", "/api/auth/device/token/", map[string]any{"device_code": code}, http.StatusOK)
		got := fmt.Sprint(b["status"], "/", b["error"])
		if got != want {
			t.Errorf("poll: %s, want %s (%v)", got, want, b)
		}
		tok, _ := b["token"].(string)
		return tok
	}
	d := start(map[string]any{"client_name": "brainstem-python"})
	if d["verification_uri"] != f.env.Srv.URL+"/account/authorize/" ||
		d["verification_uri_complete"] != f.env.Srv.URL+"/account/authorize/?session="+d["session_id"].(string) ||
		d["interval"].(float64) != 5 || d["expires_in"].(float64) < 890 {
		t.Errorf("start: %v", d)
	}
	code := d["device_code"].(string)
	poll(code, "authorization_pending/<nil>")
	u, err := f.env.Store.UserByEmail(ctx, "reader@lab.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := bsdb.New(f.env.Store).DecideDeviceAuth(ctx, d["user_code"].(string), u.ID, true); err != nil {
		t.Fatal(err)
	}
	f.tok["device"] = poll(code, "success/<nil>")
	poll(code, "<nil>/already_used")
	f.run(t, []scenario{{name: "device token works", user: "device", method: "GET", path: "/api/private/stem/session/{S1}/", status: 200}})

	d = start(nil) // MATLAB sends no body
	if err := bsdb.New(f.env.Store).DecideDeviceAuth(ctx, d["session_id"].(string), u.ID, false); err != nil {
		t.Fatal(err)
	}
	poll(d["device_code"].(string), "<nil>/access_denied")
	poll("no-such-code", "<nil>/invalid_grant")

	res := f.env.Do("POST", "/api/auth/device/token/", "", map[string]any{})
	servertest.CheckSpec(t, "brainstem", "POST", "/api/auth/device/token/", res)
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("poll without device_code: %d %s", res.StatusCode, res.Body)
	}
}

// TestProjectAndDataStorageCRUD covers create, list, detail, PUT, PATCH and
// DELETE of projects and data storages.
func TestProjectAndDataStorageCRUD(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.id["P2"] = f.create(changer, "/api/private/stem/project/", "project", map[string]any{
		"name": "P2", "description": "d", "tags": []string{"x"}, "extra_fields": map[string]any{"k": "v"}})
	f.id["D2"] = f.create(changer, "/api/private/personal_attributes/datastorage/", "datastorage", map[string]any{
		"name": "D2", "location": "nas", "data_organization": []any{map[string]string{"elements": "Projects"}, map[string]string{"elements": "Sessions"}},
		"data_protocols": []any{map[string]any{"protocol": "SMB", "path": "//nas/d2"}}})
	const p, d = "/api/private/stem/project/{P2}/", "/api/private/personal_attributes/datastorage/{D2}/"
	f.run(t, []scenario{
		{name: "project detail", user: changer, method: "GET", path: p, status: 200,
			check: func(t *testing.T, b map[string]any) {
				pr := record(b, "project")
				if pr["description"] != "d" || fmt.Sprint(pr["tags"]) != "[x]" || fmt.Sprint(pr["extra_fields"]) != "map[k:v]" ||
					fmt.Sprint(pr["groups"]) != "map[]" || fmt.Sprint(pr["sessions"]) != "[]" || pr["is_public"] != false {
					t.Errorf("project %v", pr)
				}
			}},
		{name: "project list", user: changer, method: "GET", path: "/api/private/stem/project/?sort[]=name", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(b["projects"]); !reflect.DeepEqual(got, []string{"Lab", "P2"}) {
					t.Errorf("projects %v", got)
				}
			}},
		{name: "project PUT resets omitted fields", user: changer, method: "PUT", path: p, body: map[string]any{"name": "P2b"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				pr := record(b, "project")
				if pr["name"] != "P2b" || pr["description"] != "" || fmt.Sprint(pr["tags"]) != "[]" || fmt.Sprint(pr["extra_fields"]) != "map[]" {
					t.Errorf("project %v", pr)
				}
			}},
		{name: "project PUT needs name", user: changer, method: "PUT", path: p, body: map[string]any{}, status: 400,
			wantBody: `{"name": ["This field is required."]}`},
		{name: "project delete", user: changer, method: "DELETE", path: p, status: 204},
		{name: "project gone", user: changer, method: "GET", path: p, status: 404, wantBody: notFound},
		{name: "datastorage detail", user: changer, method: "GET", path: d, status: 200,
			check: func(t *testing.T, b map[string]any) {
				ds := record(b, "datastorage")
				if ds["location"] != "nas" || fmt.Sprint(ds["data_organization"]) != "[map[elements:Projects] map[elements:Sessions]]" ||
					fmt.Sprint(ds["data_protocols"]) != "[map[is_public:false path://nas/d2 protocol:SMB]]" {
					t.Errorf("datastorage %v", ds)
				}
			}},
		{name: "datastorage list: own and public", user: changer, method: "GET", path: "/api/private/personal_attributes/datastorage/?sort[]=name", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(b["datastorages"]); !reflect.DeepEqual(got, []string{"Cloud", "D2"}) {
					t.Errorf("datastorages %v", got)
				}
			}},
		{name: "datastorage PUT", user: changer, method: "PUT", path: d, body: map[string]any{"name": "D2b", "is_public": true}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				ds := record(b, "datastorage")
				if ds["name"] != "D2b" || ds["location"] != "" || ds["is_public"] != true || fmt.Sprint(ds["data_protocols"]) != "[]" {
					t.Errorf("datastorage %v", ds)
				}
			}},
		{name: "owner of a public storage: others may read", user: reader, method: "GET", path: d, status: 200},
		{name: "but not delete", user: reader, method: "DELETE", path: d, status: 403, wantBody: forbidden},
		{name: "datastorage delete", user: changer, method: "DELETE", path: d, status: 204},
		{name: "datastorage gone", user: changer, method: "GET", path: d, status: 404, wantBody: notFound},
	})
}
