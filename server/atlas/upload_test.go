package atlas_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

func TestUploadNamesAndTypes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	got := f.upload(t, f.alice, f.aliceSession,
		servertest.UploadFile{Name: "../../x", ContentType: "text/csv", Data: []byte("a,b\n")},
		servertest.UploadFile{Name: `..\..\windows\y.txt`, Data: []byte("plain text")},
		servertest.UploadFile{Name: "/abs/path/doc.pdf", Data: []byte("%PDF-1.7\n")},
		servertest.UploadFile{Field: "comment", Data: []byte("ignored")},
		servertest.UploadFile{Name: "héllo wörld.dat", ContentType: "application/x-thing; v=2", Data: nil},
	)
	want := []struct{ name, typ string }{
		{"x", "text/csv"},
		{"y.txt", "text/plain; charset=utf-8"},
		{"doc.pdf", "application/pdf"},
		{"héllo wörld.dat", "application/x-thing; v=2"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d attachments, want %d", len(got), len(want))
	}
	for i, w := range want {
		a := got[i]
		if a.Name != w.name || a.Type != w.typ || !a.IsVisible || a.CreatedBy != "alice@example.com" || a.Source == nil || *a.Source != f.aliceSession {
			t.Errorf("attachment %d: %+v, want name %q type %q", i, a, w.name, w.typ)
		}
	}
	// The non-ASCII name survives in Content-Disposition, percent-encoded.
	path := "/sessions/" + f.aliceSession + "/attachments/" + got[3].ID + "/content"
	res := f.do(t, "GET", path, f.alice, nil)
	if cd := res.Header.Get("Content-Disposition"); res.StatusCode != 200 || !strings.Contains(cd, "filename*=UTF-8''h%C3%A9llo%20w%C3%B6rld.dat") || len(res.Body) != 0 {
		t.Errorf("empty file download: %d %q %q", res.StatusCode, cd, res.Body)
	}
	if s := f.getSession(t, f.alice, f.aliceSession); len(s.Attachments) != 5 || s.Attachments[1].Name != "x" {
		t.Errorf("session attachments in upload order: %+v", s.Attachments)
	}
}

func TestUploadRejects(t *testing.T) {
	t.Parallel()
	// One fixture for all: each case checks it leaves no row and no file.
	f := newFixture(t, server.Config{MaxUploadBytes: 1024})
	for _, tc := range []struct {
		name       string
		files      []servertest.UploadFile
		wantStatus int
		wantFields []string
	}{
		{"no files part", []servertest.UploadFile{{Field: "other", Name: "a.txt", Data: []byte("a")}}, 400, []string{"files"}},
		{"empty multipart", nil, 400, []string{"files"}},
		{"name is only a path", []servertest.UploadFile{{Name: "ok.txt", Data: []byte("a")}, {Name: "../", Data: []byte("b")}}, 400, []string{"files[1]"}},
		{"name is dots", []servertest.UploadFile{{Name: "..", Data: []byte("b")}}, 400, []string{"files[0]"}},
		{"files part without file name", []servertest.UploadFile{{Data: []byte("b")}}, 400, []string{"files[0]"}},
		{"over-long name", []servertest.UploadFile{{Name: strings.Repeat("n", 256), Data: []byte("b")}}, 400, []string{"files[0]"}},
		{"control character in name", []servertest.UploadFile{{Name: "a\tb", Data: []byte("b")}}, 400, []string{"files[0]"}},
		{"second file over the limit", []servertest.UploadFile{{Name: "small", Data: make([]byte, 1024)}, {Name: "big", Data: make([]byte, 1025)}}, 413, nil},
	} {
		// In turn, not in parallel: one case's upload in progress has a
		// temp file in the blob dir that another case's check would see.
		t.Run(tc.name, func(t *testing.T) {
			path := "/sessions/" + f.aliceSession + "/upload-files"
			res := f.env.AtlasUpload(f.alice, f.aliceSession, tc.files...)
			servertest.CheckSpec(t, "atlas", "POST", path, res)
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.wantStatus, res.Body)
			}
			if got := problemFields(t, res); fmt.Sprint(got) != fmt.Sprint(tc.wantFields) {
				t.Errorf("fields %q, want %q: %s", got, tc.wantFields, res.Body)
			}
			wantNoNewFiles(t, f, res)
		})
	}
}

func TestUploadExactlyAtTheLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{MaxUploadBytes: 1024})
	a := f.upload(t, f.alice, f.aliceSession, servertest.UploadFile{Name: "k", Data: bytes.Repeat([]byte("k"), 1024)})
	res := f.do(t, "GET", "/sessions/"+f.aliceSession+"/attachments/"+a[0].ID+"/content", f.alice, nil)
	if len(res.Body) != 1024 {
		t.Errorf("downloaded %d bytes", len(res.Body))
	}
}

func TestConcurrentUploadsToOneSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			body, ctype := servertest.Multipart(t, servertest.UploadFile{Name: fmt.Sprintf("f%d.bin", i), Data: bytes.Repeat([]byte{byte(i)}, 64<<10)})
			req, _ := http.NewRequest("POST", f.env.Srv.URL+"/sessions/"+f.aliceSession+"/upload-files", bytes.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Authorization", "Bearer "+f.alice)
			res, err := f.env.Srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusCreated {
			t.Errorf("upload %d: status %d", i, s)
		}
	}
	s := f.getSession(t, f.alice, f.aliceSession)
	if len(s.Attachments) != n+1 {
		t.Fatalf("%d attachments, want %d", len(s.Attachments), n+1)
	}
	for _, a := range s.Attachments[1:] {
		var i int
		fmt.Sscanf(a.Name, "f%d.bin", &i)
		res := f.do(t, "GET", "/sessions/"+f.aliceSession+"/attachments/"+a.ID+"/content", f.alice, nil)
		if !bytes.Equal(res.Body, bytes.Repeat([]byte{byte(i)}, 64<<10)) {
			t.Errorf("%s: wrong bytes", a.Name)
		}
	}
	if got := f.env.BlobFiles(); len(got) != n+2 {
		t.Errorf("%d blob files, want %d: %v", len(got), n+2, got)
	}
}

// TestSharedAttachmentLifetime links one upload into a second session and
// checks the bytes stay while any session links them and go with the last.
func TestSharedAttachmentLifetime(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	second := f.env.AtlasSession(f.alice, map[string]any{"attachments": []map[string]string{{"attachment_id": f.aliceAtt}}})
	content := func(sessionID string) int {
		return f.do(t, "GET", "/sessions/"+sessionID+"/attachments/"+f.aliceAtt+"/content", f.alice, nil).StatusCode
	}
	// Unlinking from the first session keeps it in the second.
	if res := f.do(t, "DELETE", "/sessions/"+f.aliceSession+"/attachments/"+f.aliceAtt, f.alice, nil); res.StatusCode != 204 {
		t.Fatalf("remove: %d %s", res.StatusCode, res.Body)
	}
	if content(f.aliceSession) != 404 || content(second) != 200 || len(f.env.BlobFiles()) != 2 {
		t.Fatalf("after unlinking from the first session")
	}
	// Still readable (linked to one of alice's sessions): link it again.
	third := f.env.AtlasSession(f.alice, map[string]any{"attachments": []map[string]string{{"attachment_id": f.aliceAtt}}})
	if s := f.getSession(t, f.alice, third); len(s.Attachments) != 1 || *s.Attachments[0].Source != f.aliceSession {
		t.Fatalf("relinked: %+v", s.Attachments)
	}
	// Deleting one linking session keeps the bytes; deleting the last removes them.
	if res := f.do(t, "DELETE", "/sessions/"+second, f.alice, nil); res.StatusCode != 204 {
		t.Fatal(res.StatusCode)
	}
	if content(third) != 200 || len(f.env.BlobFiles()) != 2 {
		t.Fatalf("bytes gone while still linked")
	}
	if res := f.do(t, "DELETE", "/sessions/"+third, f.alice, nil); res.StatusCode != 204 {
		t.Fatal(res.StatusCode)
	}
	if got := f.env.BlobFiles(); len(got) != 1 {
		t.Errorf("blob files %v, want only bob's", got)
	}
	res := f.do(t, "POST", "/sessions", f.alice, map[string]any{"attachments": []map[string]string{{"attachment_id": f.aliceAtt}}})
	if res.StatusCode != 400 {
		t.Errorf("linking a deleted attachment: %d", res.StatusCode)
	}
}

func TestStarring(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	put := func(body string) session {
		t.Helper()
		res := f.do(t, "PUT", "/sessions/"+f.aliceSession, f.alice, body)
		if res.StatusCode != 200 {
			t.Fatalf("PUT %s: %d %s", body, res.StatusCode, res.Body)
		}
		var s session
		res.JSON(t, &s)
		return s
	}
	s1 := put(`{"starred":true}`)
	if !s1.IsStarred || s1.StarredAt == nil || s1.StarredAt.Location() != time.UTC {
		t.Fatalf("starred: %+v", s1)
	}
	// A PUT answers with the session's attachments, or [] without any.
	if len(s1.Attachments) != 1 || s1.Attachments[0].ID != f.aliceAtt {
		t.Errorf("PUT's attachments %+v, want %s", s1.Attachments, f.aliceAtt)
	}
	bare := f.env.AtlasSession(f.alice, nil)
	if res := f.do(t, "PUT", "/sessions/"+bare, f.alice, `{"title":"t"}`); res.StatusCode != 200 || !strings.Contains(string(res.Body), `"attachments":[]`) {
		t.Errorf("PUT of a session without attachments: %d %s", res.StatusCode, res.Body)
	}
	time.Sleep(2 * time.Millisecond)
	if s2 := put(`{"starred":true,"title":"again"}`); !s2.StarredAt.Equal(*s1.StarredAt) || *s2.Title != "again" {
		t.Errorf("starring again moved starred_at: %v -> %v", s1.StarredAt, s2.StarredAt)
	}
	if s3 := put(`{"description":"d"}`); !s3.IsStarred || !s3.StarredAt.Equal(*s1.StarredAt) {
		t.Errorf("absent starred changed it: %+v", s3)
	}
	if s4 := put(`{"starred":false}`); s4.IsStarred || s4.StarredAt != nil || *s4.Description != "d" {
		t.Errorf("unstarred: %+v", s4)
	}
	if s5 := put(`{"description":null}`); s5.Description != nil || *s5.Title != "again" {
		t.Errorf("description null: %+v", s5)
	}
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	ids := []string{f.aliceSession}
	for i := range 4 {
		ids = append(ids, f.env.AtlasSession(f.alice, map[string]any{"title": fmt.Sprint(i)}))
	}
	newestFirst := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
	list := func(query string) ([]string, int) {
		t.Helper()
		res := f.do(t, "GET", "/sessions"+query, f.alice, nil)
		if res.StatusCode != 200 {
			t.Fatalf("list%s: %d %s", query, res.StatusCode, res.Body)
		}
		var l struct {
			Items []session `json:"items"`
			Count int       `json:"count"`
		}
		res.JSON(t, &l)
		var got []string
		for _, s := range l.Items {
			got = append(got, s.ID)
		}
		return got, l.Count
	}
	if got, n := list(""); fmt.Sprint(got) != fmt.Sprint(newestFirst) || n != 5 {
		t.Errorf("all: %v %d", got, n)
	}
	if got, n := list("?limit=2&offset=1"); fmt.Sprint(got) != fmt.Sprint(newestFirst[1:3]) || n != 5 {
		t.Errorf("page: %v %d", got, n)
	}
	if got, n := list("?offset=10"); len(got) != 0 || n != 5 {
		t.Errorf("past the end: %v %d", got, n)
	}
	if got, n := list("?limit=200"); len(got) != 5 || n != 5 {
		t.Errorf("limit 200: %v %d", got, n)
	}
	// Bob sees only his own.
	res := f.do(t, "GET", "/sessions", f.bob, nil)
	if !bytes.Contains(res.Body, []byte(`"count":1`)) || bytes.Contains(res.Body, []byte(f.aliceSession)) {
		t.Errorf("bob's list: %s", res.Body)
	}
}

// TestSweepAtlasBlobs checks what the sweep removes: temp files a crash
// left (while serving only those older than the age given, at startup
// all), files no attachment row points to; and what it keeps: the
// attachments' bytes and the temp files of uploads in progress.
func TestSweepAtlasBlobs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	ctx := t.Context()
	dir := filepath.Join(f.env.Store.BlobDir, "atlas")
	stale, fresh := filepath.Join(dir, ".upload-stale"), filepath.Join(dir, ".upload-fresh")
	orphan := filepath.Join(dir, "0b7f4e9c-5d63-4f0e-9a51-3f1de2a4c001") // renamed into place, never committed
	for _, p := range []string{stale, fresh, orphan} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	// An upload in progress: staged, not yet an attachment, and old.
	live, err := f.env.Store.StageBlob(t.Context(), strings.NewReader("in flight"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Discard()
	liveName := ""
	for _, name := range f.env.BlobFiles() {
		if strings.HasPrefix(filepath.Base(name), ".upload-") && !strings.Contains(name, "stale") && !strings.Contains(name, "fresh") {
			liveName = name
		}
	}
	if liveName == "" {
		t.Fatalf("no temp file for the staged upload in %v", f.env.BlobFiles())
	}
	if err := os.Chtimes(filepath.Join(f.env.Store.BlobDir, liveName), old, old); err != nil {
		t.Fatal(err)
	}
	atts := []string{filepath.Join("atlas", f.aliceAtt), filepath.Join("atlas", f.bobAtt)}
	check := func(olderThan time.Duration, wantRemoved int, want ...string) {
		t.Helper()
		n, err := f.env.Store.SweepBlobs(ctx, olderThan)
		if err != nil || n != wantRemoved {
			t.Errorf("sweep(%v) = %d, %v; want %d removed", olderThan, n, err, wantRemoved)
		}
		got := f.env.BlobFiles()
		want = append(want, atts...)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("after sweep(%v): %v, want %v", olderThan, got, want)
		}
	}
	check(time.Hour, 2, filepath.Join("atlas", ".upload-fresh"), liveName)
	check(0, 1, liveName)
	live.Discard()
	check(0, 0)
	// The attachments still download.
	if res := f.do(t, "GET", "/sessions/"+f.aliceSession+"/attachments/"+f.aliceAtt+"/content", f.alice, nil); res.StatusCode != 200 || string(res.Body) != "hello, world\n" {
		t.Errorf("download after sweep: %d %q", res.StatusCode, res.Body)
	}
}
