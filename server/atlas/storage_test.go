package atlas_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// wantOnlyFixtureFiles fails unless the blob directory holds exactly the
// fixture's two attachments: no temp file, no partial file.
func (f *fixture) wantOnlyFixtureFiles(t *testing.T) {
	t.Helper()
	if got := f.env.BlobFiles(); len(got) != 2 {
		t.Errorf("blob files %v; want only the fixture's two attachments", got)
	}
}

// TestUploadBelowFreeSpaceFloor: with less free space than the floor an
// upload is refused with 507 before a byte is written, and works again
// once there is room.
func TestUploadBelowFreeSpaceFloor(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	f.env.Store.SetMinFreeBytes(1 << 62) // more than any disk has
	for _, tc := range []struct {
		name string
		body io.Reader
	}{
		{"with a length", nil},
		{"chunked", io.MultiReader(strings.NewReader("x"))}, // no Content-Length: checked when the part starts
	} {
		var res *servertest.Response
		if tc.body == nil {
			res = f.env.AtlasUpload(f.alice, f.aliceSession, servertest.UploadFile{Name: "a.bin", Data: []byte("data")})
		} else {
			body, ctype := servertest.Multipart(t, servertest.UploadFile{Name: "a.bin", Data: []byte("data")})
			res = f.env.Do(http.MethodPost, "/sessions/"+f.aliceSession+"/upload-files", f.alice, io.MultiReader(bytes.NewReader(body)), "Content-Type", ctype)
		}
		servertest.CheckSpec(t, "atlas", http.MethodPost, "/sessions/"+f.aliceSession+"/upload-files", res)
		if res.StatusCode != http.StatusInsufficientStorage || !bytes.Contains(res.Body, []byte(`"status":507`)) {
			t.Errorf("%s: upload below the floor = %d %s; want a 507 problem", tc.name, res.StatusCode, res.Body)
		}
	}
	f.wantOnlyFixtureFiles(t)
	if s := f.getSession(t, f.alice, f.aliceSession); len(s.Attachments) != 1 {
		t.Errorf("refused uploads left attachments: %+v", s.Attachments)
	}
	f.env.Store.SetMinFreeBytes(0)
	f.upload(t, f.alice, f.aliceSession, servertest.UploadFile{Name: "a.bin", Data: []byte("data")})
}

// TestUploadRequestLimit: a request over --max-request-bytes is 413,
// whether its length is declared (refused before reading) or it is sent
// chunked (cut when it gets there), and leaves nothing behind.
func TestUploadRequestLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{MaxUploadBytes: 1 << 20, MaxRequestBytes: 10_000})
	two := []servertest.UploadFile{{Name: "a.bin", Data: bytes.Repeat([]byte("a"), 6000)}, {Name: "b.bin", Data: bytes.Repeat([]byte("b"), 6000)}}
	path := "/sessions/" + f.aliceSession + "/upload-files"
	body, ctype := servertest.Multipart(t, two...)
	for name, res := range map[string]*servertest.Response{
		"with a length": f.env.AtlasUpload(f.alice, f.aliceSession, two...),
		"chunked":       f.env.Do(http.MethodPost, path, f.alice, io.MultiReader(bytes.NewReader(body)), "Content-Type", ctype),
	} {
		servertest.CheckSpec(t, "atlas", http.MethodPost, path, res)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(res.Body, []byte("per-request limit")) {
			t.Errorf("%s: upload of 12 kB over a 10 kB limit = %d %s; want 413", name, res.StatusCode, res.Body)
		}
	}
	f.wantOnlyFixtureFiles(t)
	// Each file alone fits.
	f.upload(t, f.alice, f.aliceSession, two[0])
}

// TestWritesWhenDatabaseFull makes SQLite report SQLITE_FULL (a page limit
// on the writer connection): writes answer 507 without a trace, reads go
// on, and once there is room again writes work.
func TestWritesWhenDatabaseFull(t *testing.T) {
	f := newFixture(t, server.Config{}) // not parallel: it changes the writer connection
	if f.env.Store.Dialect() != store.SQLite {
		t.Skip("SQLITE_FULL is made with a SQLite page limit")
	}
	var pages int64
	if err := f.env.Store.W.Raw("PRAGMA page_count").Scan(&pages).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.env.Store.W.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Error; err != nil {
		t.Fatal(err)
	}
	big := map[string]any{"title": "full", "description": strings.Repeat("d", 10000)}
	res := f.do(t, http.MethodPut, "/sessions/"+f.aliceSession, f.alice, big)
	if res.StatusCode != http.StatusInsufficientStorage || !bytes.Contains(res.Body, []byte(`"status":507`)) {
		t.Errorf("update on a full database = %d %s; want a 507 problem", res.StatusCode, res.Body)
	}
	if s := f.getSession(t, f.alice, f.aliceSession); s.Title == nil || *s.Title != "Alice's" {
		t.Errorf("session after a refused update: %+v", s)
	}
	// Small creates fill the last free room of the pages, then fail.
	for i := 0; ; i++ {
		res := f.do(t, http.MethodPost, "/sessions", f.alice, map[string]any{"title": strings.Repeat("t", 200)})
		if res.StatusCode == http.StatusInsufficientStorage {
			break
		}
		if res.StatusCode != http.StatusCreated || i == 500 {
			t.Fatalf("create %d on a database at its page limit = %d %s; want 201 then 507", i, res.StatusCode, res.Body)
		}
	}
	if err := f.env.Store.W.Exec("PRAGMA max_page_count = 1073741823").Error; err != nil {
		t.Fatal(err)
	}
	if res := f.do(t, http.MethodPut, "/sessions/"+f.aliceSession, f.alice, big); res.StatusCode != http.StatusOK {
		t.Errorf("update once there is room = %d %s", res.StatusCode, res.Body)
	}
}
