package atlas_test

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// scenario is one request through the full stack against a fresh fixture.
// Paths and bodies may use {alice}, {bob} (session ids), {att} (alice's
// attachment) and {bobatt}. tok is "alice", "bob", "" (none) or a raw
// Authorization header value prefixed with "raw:".
type scenario struct {
	name       string
	method     string
	path       string
	tok        string
	body       any
	headers    []string
	wantStatus int
	wantFields []string // fields the problem body must name, exactly
	// mutates asks for a fixture of its own; the others share one (and
	// their checks show that they left it as it was).
	mutates bool
	check   func(t *testing.T, f *fixture, res *servertest.Response)
}

const randomUUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

func TestAPI(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []scenario{
		// Authentication.
		{name: "no token", method: "GET", path: "/sessions", wantStatus: 401, check: wantWWWAuthenticate},
		{name: "unknown token", method: "GET", path: "/sessions", tok: "raw:Bearer shp_nope", wantStatus: 401, check: wantWWWAuthenticate},
		{name: "wrong scheme", method: "GET", path: "/sessions/{alice}", tok: "raw:Basic YWxpY2U6cHc=", wantStatus: 401, check: wantWWWAuthenticate},
		{name: "no token before bad uuid", method: "GET", path: "/sessions/nope", wantStatus: 401, check: wantWWWAuthenticate},
		{name: "no token on upload", method: "POST", path: "/sessions/{alice}/upload-files", body: "x", wantStatus: 401, check: wantWWWAuthenticate},

		// Create.
		{name: "create without body", mutates: true, method: "POST", path: "/sessions", tok: "alice", wantStatus: 201, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			var s session
			res.JSON(t, &s)
			if s.Title == nil || *s.Title != "New Atlas session" || s.Description != nil || s.CreatedBy != "alice@example.com" ||
				s.IsStarred || s.StarredAt != nil || string(s.ImportedProjects) != "[]" || s.Attachments == nil || len(s.Attachments) != 0 {
				t.Errorf("defaults: %s", res.Body)
			}
			if s.CreatedAt.Location().String() != "UTC" || !bytes.Contains(res.Body, []byte(`Z","session_created_by"`)) {
				t.Errorf("created_at not UTC RFC 3339: %s", res.Body)
			}
		}},
		{name: "create with empty object", mutates: true, method: "POST", path: "/sessions", tok: "alice", body: map[string]any{}, wantStatus: 201, check: wantTitle("New Atlas session")},
		{name: "create with title", mutates: true, method: "POST", path: "/sessions", tok: "alice", body: map[string]any{"title": "Cortex"}, wantStatus: 201, check: wantTitle("Cortex")},
		{name: "create with 200-char title", mutates: true, method: "POST", path: "/sessions", tok: "alice", body: map[string]any{"title": long(200)}, wantStatus: 201, check: wantTitle(long(200))},
		{name: "create linking an own attachment", mutates: true, method: "POST", path: "/sessions", tok: "alice", body: `{"attachments":[{"attachment_id":"{att}"}]}`, wantStatus: 201, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			var s session
			res.JSON(t, &s)
			if len(s.Attachments) != 1 || s.Attachments[0].ID != f.aliceAtt || s.Attachments[0].Source == nil || *s.Attachments[0].Source != f.aliceSession {
				t.Errorf("linked attachment: %s", res.Body)
			}
			if got := f.getSession(t, f.alice, s.ID); len(got.Attachments) != 1 {
				t.Errorf("GET after create: %+v", got)
			}
		}},
		{name: "create linking another user's attachment", method: "POST", path: "/sessions", tok: "alice", body: `{"attachments":[{"attachment_id":"{bobatt}"}]}`, wantStatus: 400, wantFields: []string{"attachments[0].attachment_id"}, check: wantSessionCount("alice", 1)},
		{name: "create with one unknown attachment of two", method: "POST", path: "/sessions", tok: "alice", body: `{"title":"t","attachments":[{"attachment_id":"{att}"},{"attachment_id":"` + randomUUID + `"}]}`, wantStatus: 400, wantFields: []string{"attachments[1].attachment_id"}, check: wantSessionCount("alice", 1)},
		{name: "create with duplicate attachment", method: "POST", path: "/sessions", tok: "alice", body: `{"attachments":[{"attachment_id":"{att}"},{"attachment_id":"{att}"}]}`, wantStatus: 400, wantFields: []string{"attachments"}, check: wantSessionCount("alice", 1)},
		{name: "create with bad uuid in body", method: "POST", path: "/sessions", tok: "alice", body: `{"attachments":[{"attachment_id":"{att}"},{"attachment_id":"nope"}]}`, wantStatus: 400, wantFields: []string{"attachments[1].attachment_id"}, check: wantSessionCount("alice", 1)},
		{name: "create with attachment ref missing its id", method: "POST", path: "/sessions", tok: "alice", body: `{"attachments":[{}]}`, wantStatus: 400, wantFields: []string{"attachments[0].attachment_id"}},
		{name: "create with malformed JSON", method: "POST", path: "/sessions", tok: "alice", body: `{"title": "x"`, wantStatus: 400, wantFields: []string{"body"}},
		{name: "create with JSON array", method: "POST", path: "/sessions", tok: "alice", body: `[]`, wantStatus: 400, wantFields: []string{"body"}},
		{name: "create with wrong types", method: "POST", path: "/sessions", tok: "alice", body: `{"title": 5, "attachments": "all"}`, wantStatus: 400, wantFields: []string{"attachments", "title"}},
		{name: "create with unknown field", method: "POST", path: "/sessions", tok: "alice", body: `{"title":"x","colour":"red"}`, wantStatus: 400, wantFields: []string{"colour"}, check: wantSessionCount("alice", 1)},
		{name: "create with over-long title", method: "POST", path: "/sessions", tok: "alice", body: map[string]any{"title": long(201)}, wantStatus: 400, wantFields: []string{"title"}},
		{name: "create with empty title", method: "POST", path: "/sessions", tok: "alice", body: map[string]any{"title": ""}, wantStatus: 400, wantFields: []string{"title"}},
		{name: "create with null title", method: "POST", path: "/sessions", tok: "alice", body: `{"title":null}`, wantStatus: 400, wantFields: []string{"title"}},
		{name: "create with a 2 MiB body", method: "POST", path: "/sessions", tok: "alice", body: `{"title":"` + long(2<<20) + `"}`, wantStatus: 413, check: wantSessionCount("alice", 1)},
		{name: "create with a 2 MiB chunked body", method: "POST", path: "/sessions", tok: "alice", body: io.MultiReader(strings.NewReader(`{"title":"` + long(2<<20) + `"}`)), headers: []string{"Content-Type", "application/json"}, wantStatus: 413, check: wantSessionCount("alice", 1)},
		{name: "update with a 2 MiB body", method: "PUT", path: "/sessions/{alice}", tok: "alice", body: `{"description":"` + long(2<<20) + `"}`, wantStatus: 413},
		{name: "create with text body", method: "POST", path: "/sessions", tok: "alice", body: strings.NewReader("title"), headers: []string{"Content-Type", "text/plain"}, wantStatus: 415},

		// List.
		{name: "list", method: "GET", path: "/sessions", tok: "alice", wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if bytes.Contains(res.Body, []byte(`"attachments"`)) || !bytes.Contains(res.Body, []byte(`"count":1`)) || !bytes.Contains(res.Body, []byte(f.aliceSession)) {
				t.Errorf("list: %s", res.Body)
			}
		}},
		{name: "list limit 0", method: "GET", path: "/sessions?limit=0", tok: "alice", wantStatus: 400, wantFields: []string{"limit"}},
		{name: "list limit 201", method: "GET", path: "/sessions?limit=201", tok: "alice", wantStatus: 400, wantFields: []string{"limit"}},
		{name: "list limit not a number", method: "GET", path: "/sessions?limit=ten", tok: "alice", wantStatus: 400, wantFields: []string{"limit"}},
		{name: "list negative offset and bad limit", method: "GET", path: "/sessions?offset=-1&limit=x", tok: "alice", wantStatus: 400, wantFields: []string{"limit", "offset"}},

		// Get.
		{name: "get", method: "GET", path: "/sessions/{alice}", tok: "alice", wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			var s session
			res.JSON(t, &s)
			if s.ID != f.aliceSession || len(s.Attachments) != 1 {
				t.Fatalf("get: %s", res.Body)
			}
			a := s.Attachments[0]
			if a.ID != f.aliceAtt || a.Name != "hello.txt" || a.Type != "text/plain" || a.CreatedBy != "alice@example.com" || !a.IsVisible || a.Source == nil || *a.Source != f.aliceSession {
				t.Errorf("attachment: %s", res.Body)
			}
		}},
		{name: "get another user's session", method: "GET", path: "/sessions/{bob}", tok: "alice", wantStatus: 404},
		{name: "get unknown session", method: "GET", path: "/sessions/" + randomUUID, tok: "alice", wantStatus: 404},
		{name: "get bad uuid", method: "GET", path: "/sessions/not-a-uuid", tok: "alice", wantStatus: 400, wantFields: []string{"session_id"}},

		// Update.
		{name: "update title and description", mutates: true, method: "PUT", path: "/sessions/{alice}", tok: "alice", body: map[string]any{"title": "New", "description": "About"}, wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			s := f.getSession(t, f.alice, f.aliceSession)
			if *s.Title != "New" || s.Description == nil || *s.Description != "About" || s.IsStarred || len(s.Attachments) != 1 {
				t.Errorf("after update: %+v", s)
			}
		}},
		{name: "update with empty object changes nothing", mutates: true, method: "PUT", path: "/sessions/{alice}", tok: "alice", body: map[string]any{}, wantStatus: 200, check: wantTitle("Alice's")},
		{name: "update title to null", mutates: true, method: "PUT", path: "/sessions/{alice}", tok: "alice", body: `{"title":null}`, wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if !bytes.Contains(res.Body, []byte(`"session_title":null`)) {
				t.Errorf("title not null: %s", res.Body)
			}
		}},
		{name: "update with 10000-char description", mutates: true, method: "PUT", path: "/sessions/{alice}", tok: "alice", body: map[string]any{"description": long(10000)}, wantStatus: 200},
		{name: "update with over-long description", method: "PUT", path: "/sessions/{alice}", tok: "alice", body: map[string]any{"description": long(10001)}, wantStatus: 400, wantFields: []string{"description"}},
		{name: "update with unknown field", method: "PUT", path: "/sessions/{alice}", tok: "alice", body: map[string]any{"title": "x", "session_title": "y"}, wantStatus: 400, wantFields: []string{"session_title"}, check: wantTitle("Alice's", "alice", "{alice}")},
		{name: "update with wrong types", method: "PUT", path: "/sessions/{alice}", tok: "alice", body: `{"starred":"yes","title":[]}`, wantStatus: 400, wantFields: []string{"starred", "title"}},
		{name: "update with malformed JSON", method: "PUT", path: "/sessions/{alice}", tok: "alice", body: `{"starred":tru}`, wantStatus: 400, wantFields: []string{"body"}},
		{name: "update without body", method: "PUT", path: "/sessions/{alice}", tok: "alice", wantStatus: 400, wantFields: []string{"body"}},
		{name: "update another user's session", method: "PUT", path: "/sessions/{bob}", tok: "alice", body: map[string]any{"title": "mine"}, wantStatus: 404, check: wantTitle("New Atlas session", "bob", "{bob}")},
		{name: "update bad uuid and bad body", method: "PUT", path: "/sessions/x", tok: "alice", body: map[string]any{"title": 1}, wantStatus: 400, wantFields: []string{"session_id", "title"}},

		// Delete.
		{name: "delete", mutates: true, method: "DELETE", path: "/sessions/{alice}", tok: "alice", wantStatus: 204, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if r := f.do(t, "GET", "/sessions/"+f.aliceSession, f.alice, nil); r.StatusCode != 404 {
				t.Errorf("GET after delete: %d", r.StatusCode)
			}
			if got := f.env.BlobFiles(); len(got) != 1 || !strings.Contains(got[0], f.bobAtt) {
				t.Errorf("blob files after delete: %v (want only bob's)", got)
			}
		}},
		{name: "delete another user's session", method: "DELETE", path: "/sessions/{bob}", tok: "alice", wantStatus: 404, check: wantSessionCount("bob", 1)},
		{name: "delete bad uuid", method: "DELETE", path: "/sessions/123", tok: "alice", wantStatus: 400, wantFields: []string{"session_id"}},

		// Remove an attachment.
		{name: "remove attachment", mutates: true, method: "DELETE", path: "/sessions/{alice}/attachments/{att}", tok: "alice", wantStatus: 204, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if s := f.getSession(t, f.alice, f.aliceSession); len(s.Attachments) != 0 {
				t.Errorf("still attached: %+v", s.Attachments)
			}
			if got := f.env.BlobFiles(); len(got) != 1 {
				t.Errorf("blob files after removal: %v", got)
			}
		}},
		{name: "remove attachment of another user's session", method: "DELETE", path: "/sessions/{bob}/attachments/{bobatt}", tok: "alice", wantStatus: 404},
		{name: "remove attachment not in the session", method: "DELETE", path: "/sessions/{alice}/attachments/{bobatt}", tok: "alice", wantStatus: 404, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if s := f.getSession(t, f.bob, f.bobSession); len(s.Attachments) != 1 {
				t.Errorf("bob's attachment touched: %+v", s)
			}
		}},
		{name: "remove attachment bad uuids", method: "DELETE", path: "/sessions/x/attachments/y", tok: "alice", wantStatus: 400, wantFields: []string{"attachment_id", "session_id"}},

		// Download.
		{name: "content", method: "GET", path: "/sessions/{alice}/attachments/{att}/content", tok: "alice", wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			h := res.Header
			if string(res.Body) != "hello, world\n" || h.Get("Content-Type") != "text/plain" || h.Get("Accept-Ranges") != "bytes" ||
				h.Get("Content-Disposition") != `attachment; filename="hello.txt"; filename*=UTF-8''hello.txt` ||
				h.Get("ETag") != `"853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020"` {
				t.Errorf("content: %v %q", h, res.Body)
			}
		}},
		{name: "content range", method: "GET", path: "/sessions/{alice}/attachments/{att}/content", tok: "alice", headers: []string{"Range", "bytes=7-11"}, wantStatus: 206, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if string(res.Body) != "world" || res.Header.Get("Content-Range") != "bytes 7-11/13" {
				t.Errorf("range: %v %q", res.Header, res.Body)
			}
		}},
		{name: "content if-none-match", method: "GET", path: "/sessions/{alice}/attachments/{att}/content", tok: "alice", headers: []string{"If-None-Match", `"853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020"`}, wantStatus: 304},
		{name: "content if-none-match other etag", method: "GET", path: "/sessions/{alice}/attachments/{att}/content", tok: "alice", headers: []string{"If-None-Match", `"abc"`}, wantStatus: 200},
		{name: "content if-range stale", method: "GET", path: "/sessions/{alice}/attachments/{att}/content", tok: "alice", headers: []string{"Range", "bytes=0-1", "If-Range", `"abc"`}, wantStatus: 200},
		{name: "content range not satisfiable", method: "GET", path: "/sessions/{alice}/attachments/{att}/content", tok: "alice", headers: []string{"Range", "bytes=100-200"}, wantStatus: 416, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if res.Header.Get("Content-Range") != "bytes */13" {
				t.Errorf("416 Content-Range %q", res.Header.Get("Content-Range"))
			}
		}},
		{name: "content via another user's session", method: "GET", path: "/sessions/{bob}/attachments/{bobatt}/content", tok: "alice", wantStatus: 404},
		{name: "content of an attachment not in the session", method: "GET", path: "/sessions/{alice}/attachments/{bobatt}/content", tok: "alice", wantStatus: 404},

		// Upload (more in upload_test.go).
		{name: "upload not multipart", method: "POST", path: "/sessions/{alice}/upload-files", tok: "alice", body: map[string]any{"files": []string{"x"}}, wantStatus: 415},
		{name: "upload without body", method: "POST", path: "/sessions/{alice}/upload-files", tok: "alice", wantStatus: 415},
		{name: "upload multipart without boundary", method: "POST", path: "/sessions/{alice}/upload-files", tok: "alice", body: strings.NewReader("x"), headers: []string{"Content-Type", "multipart/form-data"}, wantStatus: 400, wantFields: []string{"body"}},
		{name: "upload truncated multipart", method: "POST", path: "/sessions/{alice}/upload-files", tok: "alice", body: strings.NewReader("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\"\r\n\r\nabc"), headers: []string{"Content-Type", "multipart/form-data; boundary=b"}, wantStatus: 400, wantFields: []string{"body"}, check: wantNoNewFiles},
		{name: "upload to another user's session", method: "POST", path: "/sessions/{bob}/upload-files", tok: "alice", body: strings.NewReader("x"), headers: []string{"Content-Type", "multipart/form-data; boundary=b"}, wantStatus: 404},
		{name: "upload bad uuid", method: "POST", path: "/sessions/abc/upload-files", tok: "alice", body: strings.NewReader("x"), headers: []string{"Content-Type", "multipart/form-data; boundary=b"}, wantStatus: 400, wantFields: []string{"session_id"}},
	}
	runScenarios(t, tests)
}

// runScenarios runs each scenario as a parallel subtest; those that do not
// mutate share one fixture.
func runScenarios(t *testing.T, tests []scenario) {
	shared := newFixture(t, server.Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := shared
			if tc.mutates {
				f = newFixture(t, server.Config{})
			}
			tok := map[string]string{"alice": f.alice, "bob": f.bob}[tc.tok]
			headers := tc.headers
			if raw, ok := strings.CutPrefix(tc.tok, "raw:"); ok {
				headers = append(slices.Clone(headers), "Authorization", raw)
			}
			body := tc.body
			if s, ok := body.(string); ok {
				body = f.expand(s)
			}
			path := f.expand(tc.path)
			res := f.do(t, tc.method, path, tok, body, headers...)
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("%s %s: status %d, want %d; body %s", tc.method, path, res.StatusCode, tc.wantStatus, res.Body)
			}
			if res.StatusCode >= 400 {
				if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("error Content-Type %q", ct)
				}
				if got := problemFields(t, res); !slices.Equal(got, tc.wantFields) {
					t.Errorf("problem fields %q, want %q; body %s", got, tc.wantFields, res.Body)
				}
			}
			if tc.check != nil {
				tc.check(t, f, res)
			}
		})
	}
}

func wantWWWAuthenticate(t *testing.T, f *fixture, res *servertest.Response) {
	t.Helper()
	if got := res.Header.Get("WWW-Authenticate"); got != `Bearer realm="sessionhub"` {
		t.Errorf("WWW-Authenticate %q", got)
	}
}

// wantTitle checks the title in the response or, given a user and a
// session, the title that session has now.
func wantTitle(title string, userAndSession ...string) func(*testing.T, *fixture, *servertest.Response) {
	return func(t *testing.T, f *fixture, res *servertest.Response) {
		t.Helper()
		var s session
		if len(userAndSession) == 2 {
			tok := map[string]string{"alice": f.alice, "bob": f.bob}[userAndSession[0]]
			s = f.getSession(t, tok, f.expand(userAndSession[1]))
		} else {
			res.JSON(t, &s)
		}
		if s.Title == nil || *s.Title != title {
			t.Errorf("title %v, want %q", s.Title, title)
		}
	}
}

func wantSessionCount(user string, n int) func(*testing.T, *fixture, *servertest.Response) {
	return func(t *testing.T, f *fixture, res *servertest.Response) {
		t.Helper()
		tok := map[string]string{"alice": f.alice, "bob": f.bob}[user]
		if got := f.sessionCount(t, tok); got != n {
			t.Errorf("%s has %d sessions, want %d", user, got, n)
		}
	}
}

func wantNoNewFiles(t *testing.T, f *fixture, res *servertest.Response) {
	t.Helper()
	if got := f.env.BlobFiles(); len(got) != 2 {
		t.Errorf("blob files %v, want only the fixture's two", got)
	}
	if s := f.getSession(t, f.alice, f.aliceSession); len(s.Attachments) != 1 {
		t.Errorf("attachments %+v, want only the fixture's", s.Attachments)
	}
}

// TestUndeclaredMethodsAndPaths checks the answers no operation documents.
func TestUndeclaredMethodsAndPaths(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"PATCH", "/sessions/" + f.aliceSession, 405},
		{"DELETE", "/sessions", 405},
		{"GET", "/sessions/" + f.aliceSession + "/nope", 404},
	} {
		res := f.env.Do(c.method, c.path, f.alice, nil)
		if res.StatusCode != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, res.StatusCode, res.Body, c.want)
		}
		servertest.CheckProblem(t, "atlas", res)
	}
}
