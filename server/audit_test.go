package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// auditRow is the part of an audit event a scenario checks.
type auditRow struct {
	user, api, op, method, route, record string
	fields, created                      []string
	status                               int
}

func readAudit(t *testing.T, st *store.Store, since time.Time) []auditRow {
	t.Helper()
	var out []auditRow
	err := st.AuditSince(context.Background(), since, func(ev *store.AuditEvent) error {
		r := auditRow{user: ev.UserEmail, api: ev.API, op: ev.Operation, method: ev.Method, route: ev.Route,
			record: ev.RecordID, status: ev.Status}
		if err := json.Unmarshal([]byte(ev.Fields), &r.fields); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(ev.Created), &r.created); err != nil {
			return err
		}
		if ev.RequestID == "" || ev.At.IsZero() || (ev.UserEmail != "") != (ev.UserID != nil) {
			t.Errorf("event %d: request id %q, at %v, user %v %q", ev.ID, ev.RequestID, ev.At, ev.UserID, ev.UserEmail)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every kind of write on both APIs leaves exactly one audit row naming the
// caller, the operation, the record and (for updates) the fields sent;
// reads and failed writes leave none. A write commits its row with itself
// (one transaction per request) unless its store names no created records.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	e := servertest.New(t, server.Config{})
	start := time.Now().Add(-time.Second)
	alice := e.AddUser("alice@example.org", "pw-alice-123")
	bob := e.AddUser("bob@example.org", "")
	commits := e.Store.Stats().WriteTransactions
	// mustIn checks a request's status, and that it took txs write
	// transactions if it succeeded (at most txs if it failed).
	mustIn := func(txs uint64, res *servertest.Response, status int) map[string]any {
		t.Helper()
		if res.StatusCode != status {
			t.Fatalf("%s %s: %d %s; want %d", res.Request.Method, res.Request.URL.Path, res.StatusCode, res.Body, status)
		}
		// A refused write may have tried its transaction; a read has none.
		now, want := e.Store.Stats().WriteTransactions, txs
		if res.Request.Method == http.MethodGet {
			want = 0
		}
		if n := now - commits; n != want && (status < 300 || n > want) {
			t.Errorf("%s %s: %d transactions; want %d", res.Request.Method, res.Request.URL.Path, n, want)
		}
		commits = now
		var out map[string]any
		if len(res.Body) > 0 {
			res.JSON(t, &out)
		}
		return out
	}
	must := func(res *servertest.Response, status int) map[string]any {
		t.Helper()
		return mustIn(1, res, status)
	}

	// Atlas: create, update, upload, remove an attachment, delete.
	sid := e.AtlasSession(alice, map[string]any{"title": "one"})
	commits = e.Store.Stats().WriteTransactions
	must(e.Do(http.MethodPut, "/sessions/"+sid, alice, map[string]any{"title": "two", "starred": true}), 200)
	up := must(e.AtlasUpload(alice, sid, servertest.UploadFile{Name: "a.txt", Data: []byte("a")}, servertest.UploadFile{Name: "b.txt", Data: []byte("b")}), 201)
	items := up["items"].([]any)
	att1 := items[0].(map[string]any)["attachment_id"].(string)
	att2 := items[1].(map[string]any)["attachment_id"].(string)
	must(e.Do(http.MethodDelete, "/sessions/"+sid+"/attachments/"+att1, alice, nil), 204)
	ann := must(e.Do(http.MethodPost, "/annotations", alice, map[string]any{"attachment_id": att2, "text": "see"}), 201)["annotation_id"].(string)
	// Not audited: reads, refused and failed writes.
	must(e.Do(http.MethodGet, "/sessions/"+sid, alice, nil), 200)
	must(e.Do(http.MethodPut, "/sessions/"+sid, bob, map[string]any{"title": "bob's"}), 404)
	must(e.Do(http.MethodPut, "/sessions/"+sid, alice, map[string]any{"nope": 1}), 400)
	must(e.Do(http.MethodDelete, "/sessions/"+sid, "", nil), 401)
	must(e.Do(http.MethodDelete, "/sessions/"+sid, alice, nil), 204)

	// BrainSTEM: create a project, a data storage and a session; patch,
	// put and delete the session; a password login (anonymous).
	pid := must(e.Do(http.MethodPost, "/api/private/stem/project/", alice, map[string]any{"name": "Lab"}), 201)["project"].(map[string]any)["id"].(string)
	did := must(e.Do(http.MethodPost, "/api/private/personal_attributes/datastorage/", alice, map[string]any{"name": "Disk"}), 201)["datastorage"].(map[string]any)["id"].(string)
	bsid := must(e.Do(http.MethodPost, "/api/private/stem/session/", alice, map[string]any{"name": "S1", "projects": []string{pid}}), 201)["session"].(map[string]any)["id"].(string)
	must(e.Do(http.MethodPatch, "/api/private/stem/session/"+bsid+"/", alice, map[string]any{"description": "d", "tags": []string{"x"}}), 200)
	must(e.Do(http.MethodPut, "/api/private/stem/session/"+bsid+"/", alice, map[string]any{"name": "S1b", "projects": []string{pid}}), 200)
	must(e.Do(http.MethodPatch, "/api/private/stem/session/"+bsid+"/", bob, map[string]any{"description": "bob"}), 404)
	acq := must(e.Do(http.MethodPost, "/api/private/modules/dataacquisition/", alice, map[string]any{"session": bsid, "type": "Audio"}), 201)["data_acquisition"].(map[string]any)["id"].(string)
	must(e.Do(http.MethodDelete, "/api/private/stem/session/"+bsid+"/", alice, nil), 204)
	must(e.Do(http.MethodPatch, "/api/private/personal_attributes/datastorage/"+did+"/", alice, map[string]any{"location": "room 2"}), 200)
	must(e.Do(http.MethodDelete, "/api/private/personal_attributes/datastorage/"+did+"/", alice, nil), 204)
	must(e.Do(http.MethodPatch, "/api/private/stem/project/"+pid+"/", alice, map[string]any{"description": "p", "is_public": true}), 200)
	must(e.Do(http.MethodDelete, "/api/private/stem/project/"+pid+"/", alice, nil), 204)
	must(e.Do(http.MethodPost, "/api/token/", "", map[string]any{"username": "alice@example.org", "password": "pw-alice-123"}), 200)
	// A create whose store names no created record: its row is appended
	// after the answer, in a transaction of its own.
	mustIn(2, e.Do(http.MethodPost, "/api/private/users/tokens/", alice, map[string]any{"name": "ci"}), 201)

	got := readAudit(t, e.Store, start)
	const a, at, bs = "alice@example.org", "atlas", "brainstem"
	want := []auditRow{
		{a, at, "createSession", "POST", "/sessions", sid, []string{}, []string{sid}, 201},
		{a, at, "updateSession", "PUT", "/sessions/:session_id", sid, []string{"starred", "title"}, []string{}, 200},
		{a, at, "uploadFiles", "POST", "/sessions/:session_id/upload-files", sid, []string{}, []string{att1, att2}, 201},
		{a, at, "removeAttachment", "DELETE", "/sessions/:session_id/attachments/:attachment_id", att1, []string{}, []string{}, 204},
		{a, at, "createAnnotation", "POST", "/annotations", ann, []string{}, []string{ann}, 201},
		{a, at, "deleteSession", "DELETE", "/sessions/:session_id", sid, []string{}, []string{}, 204},
		{a, bs, "createProject", "POST", "/api/private/stem/project/", pid, []string{}, []string{pid}, 201},
		{a, bs, "createDataStorage", "POST", "/api/private/personal_attributes/datastorage/", did, []string{}, []string{did}, 201},
		{a, bs, "createSession", "POST", "/api/private/stem/session/", bsid, []string{}, []string{bsid}, 201},
		{a, bs, "updateSession", "PATCH", "/api/private/stem/session/:id/", bsid, []string{"description", "tags"}, []string{}, 200},
		{a, bs, "replaceSession", "PUT", "/api/private/stem/session/:id/", bsid, []string{"name", "projects"}, []string{}, 200},
		{a, bs, "createDataAcquisition", "POST", "/api/private/modules/dataacquisition/", acq, []string{}, []string{acq}, 201},
		{a, bs, "deleteSession", "DELETE", "/api/private/stem/session/:id/", bsid, []string{}, []string{}, 204},
		{a, bs, "updateDataStorage", "PATCH", "/api/private/personal_attributes/datastorage/:id/", did, []string{"location"}, []string{}, 200},
		{a, bs, "deleteDataStorage", "DELETE", "/api/private/personal_attributes/datastorage/:id/", did, []string{}, []string{}, 204},
		{a, bs, "updateProject", "PATCH", "/api/private/stem/project/:id/", pid, []string{"description", "is_public"}, []string{}, 200},
		{a, bs, "deleteProject", "DELETE", "/api/private/stem/project/:id/", pid, []string{}, []string{}, 204},
		{"", bs, "obtainToken", "POST", "/api/token/", "", []string{}, []string{}, 200},
		{a, bs, "createToken", "POST", "/api/private/users/tokens/", "", []string{}, []string{}, 201},
	}
	if len(got) != len(want) {
		t.Fatalf("%d audit rows; want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("audit row %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if rows := readAudit(t, e.Store, time.Now().Add(time.Minute)); len(rows) != 0 {
		t.Errorf("audit since the future: %d rows", len(rows))
	}
}
