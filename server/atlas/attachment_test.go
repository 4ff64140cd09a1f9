package atlas_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// attachmentMeta is the attachment's metadata as PATCH changes it.
type attachmentMeta struct {
	ID          string  `json:"attachment_id"`
	Title       *string `json:"attachment_title"`
	Description *string `json:"attachment_description"`
	Citation    *string `json:"attachment_citation"`
	IsVisible   bool    `json:"is_visible"`
}

type attachmentList struct {
	Items []attachment `json:"items"`
	Count int          `json:"count"`
}

// wantAttachments checks a list answer: its count and its items' ids in
// order ("{att}" and "{bobatt}" are expanded).
func wantAttachments(count int, ids ...string) func(*testing.T, *fixture, *servertest.Response) {
	return func(t *testing.T, f *fixture, res *servertest.Response) {
		t.Helper()
		var l attachmentList
		res.JSON(t, &l)
		var got []string
		for _, a := range l.Items {
			got = append(got, a.ID)
		}
		var want []string
		for _, id := range ids {
			want = append(want, f.expand(id))
		}
		if l.Count != count || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("list: count %d items %v, want %d %v; %s", l.Count, got, count, want, res.Body)
		}
	}
}

// getMeta fetches an attachment as tok and returns it with its ETag.
func (f *fixture) getMeta(t *testing.T, tok, id string) (attachmentMeta, string) {
	t.Helper()
	res := f.do(t, http.MethodGet, "/attachments/"+id, tok, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("get attachment: %d %s", res.StatusCode, res.Body)
	}
	var a attachmentMeta
	res.JSON(t, &a)
	return a, res.Header.Get("ETag")
}

func wantMeta(title, description, citation *string, visible bool) func(*testing.T, *fixture, *servertest.Response) {
	return func(t *testing.T, f *fixture, res *servertest.Response) {
		t.Helper()
		a, _ := f.getMeta(t, f.alice, f.aliceAtt)
		eq := func(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		if !eq(a.Title, title) || !eq(a.Description, description) || !eq(a.Citation, citation) || a.IsVisible != visible {
			t.Errorf("after PATCH: %+v", a)
		}
	}
}

func ptr(s string) *string { return &s }

func TestAttachmentsAPI(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		// List and its filters.
		{name: "list", method: "GET", path: "/attachments", tok: "alice", wantStatus: 200, check: wantAttachments(1, "{att}")},
		{name: "list as bob", method: "GET", path: "/attachments", tok: "bob", wantStatus: 200, check: wantAttachments(1, "{bobatt}")},
		{name: "list under /api/v1", method: "GET", path: "/api/v1/attachments", tok: "alice", wantStatus: 200, check: wantAttachments(1, "{att}")},
		{name: "list without token", method: "GET", path: "/attachments", wantStatus: 401, check: wantWWWAuthenticate},
		{name: "filter own session", method: "GET", path: "/attachments?session_id={alice}", tok: "alice", wantStatus: 200, check: wantAttachments(1, "{att}")},
		{name: "filter another user's session", method: "GET", path: "/attachments?session_id={bob}", tok: "alice", wantStatus: 200, check: wantAttachments(0)},
		{name: "filter unknown session", method: "GET", path: "/attachments?session_id=" + randomUUID, tok: "alice", wantStatus: 200, check: wantAttachments(0)},
		{name: "filter type", method: "GET", path: "/attachments?attachment_type=text/plain", tok: "alice", wantStatus: 200, check: wantAttachments(1, "{att}")},
		{name: "filter other type", method: "GET", path: "/attachments?attachment_type=application/pdf", tok: "alice", wantStatus: 200, check: wantAttachments(0)},
		{name: "created after the past", method: "GET", path: "/attachments?created_after=2000-01-01T00:00:00Z", tok: "alice", wantStatus: 200, check: wantAttachments(1, "{att}")},
		{name: "created after the future", method: "GET", path: "/attachments?created_after=2999-01-01T00:00:00%2B02:00", tok: "alice", wantStatus: 200, check: wantAttachments(0)},
		{name: "created before the future", method: "GET", path: "/attachments?created_before=2999-01-01T00:00:00Z", tok: "alice", wantStatus: 200, check: wantAttachments(1, "{att}")},
		{name: "created before the past", method: "GET", path: "/attachments?created_before=2000-01-01T00:00:00Z", tok: "alice", wantStatus: 200, check: wantAttachments(0)},
		{name: "filters combined", method: "GET", path: "/attachments?session_id={alice}&attachment_type=text/plain&created_after=2000-01-01T00:00:00Z&created_before=2999-01-01T00:00:00Z", tok: "alice", wantStatus: 200, check: wantAttachments(1, "{att}")},
		{name: "filters combined, one failing", method: "GET", path: "/attachments?session_id={alice}&attachment_type=text/csv", tok: "alice", wantStatus: 200, check: wantAttachments(0)},
		{name: "bad session_id", method: "GET", path: "/attachments?session_id=nope", tok: "alice", wantStatus: 400, wantFields: []string{"session_id"}},
		{name: "bad created_after", method: "GET", path: "/attachments?created_after=yesterday", tok: "alice", wantStatus: 400, wantFields: []string{"created_after"}},
		{name: "created_before without zone", method: "GET", path: "/attachments?created_before=2026-04-13T10:20:00", tok: "alice", wantStatus: 400, wantFields: []string{"created_before"}},
		{name: "empty attachment_type", method: "GET", path: "/attachments?attachment_type=", tok: "alice", wantStatus: 400, wantFields: []string{"attachment_type"}},
		{name: "several bad filters", method: "GET", path: "/attachments?session_id=1&created_after=x&limit=0", tok: "alice", wantStatus: 400, wantFields: []string{"created_after", "limit", "session_id"}},
		{name: "empty limit", method: "GET", path: "/attachments?limit=", tok: "alice", wantStatus: 400, wantFields: []string{"limit"}},
		{name: "newest first, paged", mutates: true, method: "GET", path: "/attachments", tok: "alice", wantStatus: 200, check: func(t *testing.T, f *fixture, _ *servertest.Response) {
			second := f.upload(t, f.alice, f.aliceSession, servertest.UploadFile{Name: "b.csv", ContentType: "text/csv", Data: []byte("a,b\n")})[0].ID
			other := f.env.AtlasSession(f.alice, nil)
			third := f.upload(t, f.alice, other, servertest.UploadFile{Name: "c.csv", ContentType: "text/csv", Data: []byte("c\n")})[0].ID
			wantAttachments(3, third, second, "{att}")(t, f, f.do(t, "GET", "/attachments", f.alice, nil))
			wantAttachments(3, second)(t, f, f.do(t, "GET", "/attachments?limit=1&offset=1", f.alice, nil))
			wantAttachments(2, third, second)(t, f, f.do(t, "GET", "/attachments?attachment_type=text/csv", f.alice, nil))
			wantAttachments(1, third)(t, f, f.do(t, "GET", "/attachments?session_id="+other, f.alice, nil))
			wantAttachments(1, "{bobatt}")(t, f, f.do(t, "GET", "/attachments", f.bob, nil))
		}},

		// Get.
		{name: "get", method: "GET", path: "/attachments/{att}", tok: "alice", wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			var a attachment
			res.JSON(t, &a)
			if a.ID != f.aliceAtt || a.Name != "hello.txt" || a.Source == nil || *a.Source != f.aliceSession {
				t.Errorf("get: %s", res.Body)
			}
			if et := res.Header.Get("ETag"); !strings.HasPrefix(et, `"`) || len(et) < 10 {
				t.Errorf("ETag %q", et)
			}
		}},
		{name: "get under /api/v1", method: "GET", path: "/api/v1/attachments/{att}", tok: "alice", wantStatus: 200},
		{name: "get another user's attachment", method: "GET", path: "/attachments/{bobatt}", tok: "alice", wantStatus: 404},
		{name: "get unknown attachment", method: "GET", path: "/attachments/" + randomUUID, tok: "alice", wantStatus: 404},
		{name: "get bad uuid", method: "GET", path: "/attachments/nope", tok: "alice", wantStatus: 400, wantFields: []string{"attachment_uuid"}},

		// PATCH.
		{name: "patch fields", mutates: true, method: "PATCH", path: "/attachments/{att}", tok: "alice", body: map[string]any{"title": "T", "description": "D", "citation": "C", "is_visible": false}, wantStatus: 200, check: wantMeta(ptr("T"), ptr("D"), ptr("C"), false)},
		{name: "patch: absent unchanged, null clears", mutates: true, method: "PATCH", path: "/attachments/{att}", tok: "alice", body: map[string]any{"title": "T", "citation": "C"}, wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			for _, body := range []string{`{}`, `{"description":"D"}`, `{"title":null}`} {
				if res := f.do(t, "PATCH", "/attachments/"+f.aliceAtt, f.alice, body); res.StatusCode != 200 {
					t.Fatalf("PATCH %s: %d %s", body, res.StatusCode, res.Body)
				}
			}
			wantMeta(nil, ptr("D"), ptr("C"), true)(t, f, res)
		}},
		{name: "patch answer carries the new ETag", mutates: true, method: "PATCH", path: "/attachments/{att}", tok: "alice", body: map[string]any{"title": "T"}, wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if _, et := f.getMeta(t, f.alice, f.aliceAtt); et != res.Header.Get("ETag") {
				t.Errorf("PATCH ETag %q, GET ETag %q", res.Header.Get("ETag"), et)
			}
		}},
		{name: "patch read-only field", method: "PATCH", path: "/attachments/{att}", tok: "alice", body: map[string]any{"attachment_name": "x.exe", "title": "T"}, wantStatus: 400, wantFields: []string{"attachment_name"}, check: wantMeta(nil, nil, nil, true)},
		{name: "patch wrong types", method: "PATCH", path: "/attachments/{att}", tok: "alice", body: `{"title": 1, "is_visible": null}`, wantStatus: 400, wantFields: []string{"is_visible", "title"}},
		{name: "patch over-long title", method: "PATCH", path: "/attachments/{att}", tok: "alice", body: map[string]any{"title": strings.Repeat("x", 201)}, wantStatus: 400, wantFields: []string{"title"}},
		{name: "patch another user's attachment", method: "PATCH", path: "/attachments/{bobatt}", tok: "alice", body: map[string]any{"title": "mine"}, wantStatus: 404},
		{name: "patch without body", method: "PATCH", path: "/attachments/{att}", tok: "alice", wantStatus: 400, wantFields: []string{"body"}},
		{name: "patch under /api/v1", mutates: true, method: "PATCH", path: "/api/v1/attachments/{att}", tok: "alice", body: map[string]any{"citation": "Nature"}, wantStatus: 200, check: wantMeta(nil, nil, ptr("Nature"), true)},

		// Contract fixes.
		{name: "sessions with empty limit", method: "GET", path: "/sessions?limit=", tok: "alice", wantStatus: 400, wantFields: []string{"limit"}},
		{name: "range of an unknown unit", method: "GET", path: "/sessions/{alice}/attachments/{att}/content", tok: "alice", headers: []string{"Range", "items=0-1"}, wantStatus: 200, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			if string(res.Body) != "hello, world\n" {
				t.Errorf("body %q", res.Body)
			}
		}},

		// The /api/v1 base path: authentication, validation, handlers.
		{name: "v1 without token", method: "GET", path: "/api/v1/sessions", wantStatus: 401, check: wantWWWAuthenticate},
		{name: "v1 bad token", method: "GET", path: "/api/v1/attachments/{att}", tok: "raw:Bearer shp_nope", wantStatus: 401, check: wantWWWAuthenticate},
		{name: "v1 bad uuid", method: "GET", path: "/api/v1/sessions/nope", tok: "alice", wantStatus: 400, wantFields: []string{"session_id"}},
		{name: "v1 bad limit", method: "GET", path: "/api/v1/sessions?limit=0", tok: "alice", wantStatus: 400, wantFields: []string{"limit"}},
		{name: "v1 unknown field", method: "POST", path: "/api/v1/sessions", tok: "alice", body: `{"colour":"red"}`, wantStatus: 400, wantFields: []string{"colour"}},
		{name: "v1 get session", method: "GET", path: "/api/v1/sessions/{alice}", tok: "alice", wantStatus: 200},
		{name: "v1 another user's session", method: "GET", path: "/api/v1/sessions/{bob}", tok: "alice", wantStatus: 404},
		{name: "v1 create and upload", mutates: true, method: "POST", path: "/api/v1/sessions", tok: "alice", body: map[string]any{"title": "v1"}, wantStatus: 201, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			var s session
			res.JSON(t, &s)
			body, ctype := servertest.Multipart(t, servertest.UploadFile{Name: "v.txt", ContentType: "text/plain", Data: []byte("v1")})
			up := f.do(t, "POST", "/api/v1/sessions/"+s.ID+"/upload-files", f.alice, bytes.NewReader(body), "Content-Type", ctype)
			if up.StatusCode != 201 {
				t.Fatalf("upload under /api/v1: %d %s", up.StatusCode, up.Body)
			}
			if got := f.getSession(t, f.alice, s.ID); len(got.Attachments) != 1 {
				t.Errorf("session after upload: %+v", got)
			}
		}},
	})
}

// TestUndeclaredV1Paths checks that a path under /api/v1 that is no Atlas
// operation answers in the Atlas error shape.
func TestUndeclaredV1Paths(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"PATCH", "/api/v1/sessions/" + f.aliceSession, 405},
		{"DELETE", "/api/v1/attachments", 405},
		{"GET", "/api/v1/attachments/" + f.aliceAtt + "/nope", 404},
		{"GET", "/api/v1", 404},
		{"GET", "/api/v1/", 404},
		{"GET", "/api/v1/nope", 404},
	} {
		res := f.env.Do(c.method, c.path, f.alice, nil)
		if res.StatusCode != c.want {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, res.StatusCode, res.Body, c.want)
		}
		servertest.CheckProblem(t, "atlas", res)
	}
}

// exportURL asks for an export URL of id as tok (at base "" or "/api/v1")
// and returns its path and query.
func (f *fixture) exportURL(t *testing.T, tok, base, id string) string {
	t.Helper()
	res := f.do(t, "POST", base+"/attachments/"+id+"/export", tok, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", res.StatusCode, res.Body)
	}
	var e struct {
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	res.JSON(t, &e)
	u, err := url.Parse(e.URL)
	if err != nil || u.Scheme != "http" || u.Host != strings.TrimPrefix(f.env.Srv.URL, "http://") {
		t.Fatalf("export URL %q", e.URL)
	}
	if !strings.HasPrefix(u.Path, base+"/attachments/"+id+"/download") {
		t.Errorf("export URL %q not under %q", e.URL, base)
	}
	if d := time.Until(e.ExpiresAt); d <= -time.Second || d > 15*time.Minute+time.Second {
		t.Errorf("expires_at %s is %s away", e.ExpiresAt, d)
	}
	return u.RequestURI()
}
