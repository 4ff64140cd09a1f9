package atlas_test

import (
	"net/http"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// TestIfMatch checks optimistic concurrency: GET's ETag admits one change,
// after which it is stale (412, nothing changed); `*` admits any; no header
// changes unconditionally.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	sessPath := "/sessions/" + f.aliceSession
	attPath := "/attachments/" + f.aliceAtt

	for _, c := range []struct {
		name, method, path string
	}{
		{"session", http.MethodPut, sessPath},
		{"session under /api/v1", http.MethodPut, "/api/v1" + sessPath},
		{"attachment", http.MethodPatch, attPath},
		{"attachment under /api/v1", http.MethodPatch, "/api/v1" + attPath},
	} {
		t.Run(c.name, func(t *testing.T) {
			get := f.do(t, http.MethodGet, c.path, f.alice, nil)
			etag := get.Header.Get("ETag")
			if get.StatusCode != 200 || etag == "" {
				t.Fatalf("GET: %d ETag %q", get.StatusCode, etag)
			}
			if again := f.do(t, http.MethodGet, c.path, f.alice, nil); again.Header.Get("ETag") != etag {
				t.Errorf("ETag not stable: %q, %q", etag, again.Header.Get("ETag"))
			}
			body := func(title string) string { return `{"title":"` + title + `"}` }
			res := f.do(t, c.method, c.path, f.alice, body("first"), "If-Match", `"nope", `+etag)
			if res.StatusCode != 200 || res.Header.Get("ETag") == etag || res.Header.Get("ETag") == "" {
				t.Fatalf("matching If-Match: %d ETag %q %s", res.StatusCode, res.Header.Get("ETag"), res.Body)
			}
			newTag := res.Header.Get("ETag")
			res = f.do(t, c.method, c.path, f.alice, body("second"), "If-Match", etag)
			if res.StatusCode != http.StatusPreconditionFailed {
				t.Fatalf("stale If-Match: %d %s", res.StatusCode, res.Body)
			}
			problemFields(t, res)
			if now := f.do(t, http.MethodGet, c.path, f.alice, nil); now.Header.Get("ETag") != newTag {
				t.Errorf("412 changed the record: %s", now.Body)
			}
			if res := f.do(t, c.method, c.path, f.alice, body("third"), "If-Match", "W/"+newTag); res.StatusCode != 412 {
				t.Errorf("weak tag: %d", res.StatusCode)
			}
			if res := f.do(t, c.method, c.path, f.alice, body("fourth"), "If-Match", "*"); res.StatusCode != 200 {
				t.Errorf("If-Match *: %d %s", res.StatusCode, res.Body)
			}
			if res := f.do(t, c.method, c.path, f.alice, body("fifth")); res.StatusCode != 200 {
				t.Errorf("without If-Match: %d %s", res.StatusCode, res.Body)
			}
		})
	}

	// An upload changes the session's representation, so its ETag.
	before := f.do(t, http.MethodGet, sessPath, f.alice, nil).Header.Get("ETag")
	f.upload(t, f.alice, f.aliceSession, servertest.UploadFile{Name: "more.txt", ContentType: "text/plain", Data: []byte("more")})
	if res := f.do(t, http.MethodPut, sessPath, f.alice, `{"title":"x"}`, "If-Match", before); res.StatusCode != 412 {
		t.Errorf("If-Match after an upload: %d", res.StatusCode)
	}
	// If-Match * on something that does not exist is 404, not a change.
	if res := f.do(t, http.MethodPatch, "/attachments/"+randomUUID, f.alice, `{"title":"x"}`, "If-Match", "*"); res.StatusCode != 404 {
		t.Errorf("If-Match * on nothing: %d", res.StatusCode)
	}
	// Removing an attachment from a session checks the attachment's ETag.
	link := sessPath + "/attachments/" + f.aliceAtt
	before = f.do(t, http.MethodGet, sessPath, f.alice, nil).Header.Get("ETag")
	_, attTag := f.getMeta(t, f.alice, f.aliceAtt)
	if res := f.do(t, http.MethodDelete, link, f.alice, nil, "If-Match", `"stale"`); res.StatusCode != 412 {
		t.Errorf("remove with stale ETag: %d %s", res.StatusCode, res.Body)
	}
	if s := f.getSession(t, f.alice, f.aliceSession); len(s.Attachments) != 2 {
		t.Errorf("412 removed the attachment: %+v", s.Attachments)
	}
	if res := f.do(t, http.MethodDelete, link, f.alice, nil, "If-Match", attTag); res.StatusCode != 204 {
		t.Errorf("remove with current ETag: %d %s", res.StatusCode, res.Body)
	}

	// DELETE: stale tag keeps the session, current tag deletes it.
	if res := f.do(t, http.MethodDelete, sessPath, f.alice, nil, "If-Match", before); res.StatusCode != 412 {
		t.Errorf("DELETE stale: %d %s", res.StatusCode, res.Body)
	}
	cur := f.getSession(t, f.alice, f.aliceSession)
	etag := f.do(t, http.MethodGet, sessPath, f.alice, nil).Header.Get("ETag")
	if res := f.do(t, http.MethodDelete, sessPath, f.alice, nil, "If-Match", etag); res.StatusCode != 204 {
		t.Errorf("DELETE current: %d %s", res.StatusCode, res.Body)
	}
	if res := f.do(t, http.MethodGet, sessPath, f.alice, nil); res.StatusCode != 404 {
		t.Errorf("after DELETE %s: %d", cur.ID, res.StatusCode)
	}
}
