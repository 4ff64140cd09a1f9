package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
	"github.com/sessionhub/sessionhub/store/pgtest"
)

// TestThreeNodes runs three `serve` processes on different ports over one
// PostgreSQL database and one SeaweedFS bucket: a write through one node
// is read through another at once; an upload through A downloads through
// C; a node SIGKILLed mid-upload leaves nothing half-visible, the other
// two keep serving, and a later sweep (once the dead node's pending
// uploads have expired) removes what it left in the bucket.
func TestThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, SeaweedFS and three servers")
	}
	url := pgtest.Database(t, "", nil) // skips without PostgreSQL's binaries
	s3 := servertest.StartS3(t)        // skips without SESSIONHUB_WEED
	bucket := s3.Bucket(t)
	if out, _, err := runCLI(t, env(nil), "migrate", "--db", url, "--data", t.TempDir()); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	args := []string{"--db", url, "--blobs", s3.URL(bucket)}
	a := startChild(t, t.TempDir(), s3.Environ(), args...)
	b := startChild(t, t.TempDir(), s3.Environ(), args...)
	c := startChild(t, t.TempDir(), s3.Environ(), args...)
	tok := adminToken(a.stdout.String())
	if tok == "" {
		t.Fatalf("no admin token printed by the first node: %q", a.stdout.String())
	}
	if adminToken(b.stdout.String()+c.stdout.String()) != "" {
		t.Error("a second node created the admin again")
	}
	client := &http.Client{Timeout: 30 * time.Second}
	call := func(n *childServe, method, path, body string, want int) []byte {
		t.Helper()
		st, out, err := apiCall(client, method, n.url(path), tok, strings.NewReader(body))
		if err != nil || st != want {
			t.Fatalf("%s %s on %s: %d %s %v; want %d", method, path, n.addr, st, out, err, want)
		}
		return out
	}
	var sess struct {
		ID    string `json:"session_id"`
		Title string `json:"session_title"`
	}

	// Writes on A, each read on B at once: a new session, then changes
	// of it, each seen in B's answer for the session and for the list.
	if err := json.Unmarshal(call(a, http.MethodPost, "/sessions", `{"title": "v0"}`, 201), &sess); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 20; i++ {
		writer, reader := a, b
		if i%2 == 0 {
			writer, reader = c, a
		}
		title := fmt.Sprintf("v%d", i)
		call(writer, http.MethodPut, "/sessions/"+sess.ID, fmt.Sprintf(`{"title": %q}`, title), 200)
		var got struct {
			Title string `json:"session_title"`
		}
		if err := json.Unmarshal(call(reader, http.MethodGet, "/sessions/"+sess.ID, "", 200), &got); err != nil || got.Title != title {
			t.Fatalf("write %d through %s, read through %s: title %q, %v; want %q", i, writer.addr, reader.addr, got.Title, err, title)
		}
		if list := call(reader, http.MethodGet, "/sessions", "", 200); !bytes.Contains(list, []byte(`"`+title+`"`)) {
			t.Fatalf("write %d: the list on %s does not show title %q: %s", i, reader.addr, title, list)
		}
	}

	// An upload through A downloads through C.
	payload := bytes.Repeat([]byte("three nodes "), 200_000)
	acked, st, err := uploadOne(client, "http://"+a.addr, tok, sess.ID, payload)
	if err != nil || st != http.StatusCreated {
		t.Fatalf("upload through A: %d %v", st, err)
	}
	content := "/sessions/" + sess.ID + "/attachments/" + acked + "/content"
	if body := call(c, http.MethodGet, content, "", 200); sha256.Sum256(body) != sha256.Sum256(payload) {
		t.Fatalf("download through C: %d bytes, not the %d uploaded through A", len(body), len(payload))
	}

	// B dies (SIGKILL) in the middle of an upload: a whole first file
	// (an object in the bucket) and the start of a second (an incomplete
	// multipart upload).
	stop := make(chan struct{})
	defer close(stop)
	go stalledS3Upload(b.addr, tok, sess.ID, [][]byte{[]byte("first file of a dead node"), []byte("second")}, stop)
	deadline := time.Now().Add(60 * time.Second)
	for {
		objects, uploads := s3.Objects(t, bucket)
		if len(objects) == 2 && len(uploads) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stalled upload did not reach the bucket: objects %v, incomplete uploads %v", objects, uploads)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.kill(t)
	var after struct {
		Attachments []struct {
			ID string `json:"attachment_id"`
		} `json:"attachments"`
	}
	for _, n := range []*childServe{a, c} {
		if err := json.Unmarshal(call(n, http.MethodGet, "/sessions/"+sess.ID, "", 200), &after); err != nil ||
			len(after.Attachments) != 1 || after.Attachments[0].ID != acked {
			t.Errorf("the session through %s after B died: %+v, %v; want only the acknowledged attachment", n.addr, after, err)
		}
	}
	// The others keep serving, uploads included.
	second, st, err := uploadOne(client, "http://"+c.addr, tok, sess.ID, []byte("after the kill"))
	if err != nil || st != http.StatusCreated {
		t.Fatalf("upload through C after B died: %d %v", st, err)
	}
	if body := call(a, http.MethodGet, "/sessions/"+sess.ID+"/attachments/"+second+"/content", "", 200); string(body) != "after the kill" {
		t.Fatalf("download through A of C's upload: %q", body)
	}

	// B's leftovers are spared while its uploads might be alive; once
	// their pending rows have expired (aged here instead of waiting
	// minutes), the sweep of a node starting removes them.
	db, err := store.OpenWith(store.Options{DataDir: t.TempDir(), DatabaseURL: url, Tables: server.Tables()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var pending int64
	if err := db.W.Raw("SELECT count(*) FROM pending_blobs").Scan(&pending).Error; err != nil || pending != 2 {
		t.Fatalf("pending uploads after B died: %d, %v; want B's two", pending, err)
	}
	d := startChild(t, t.TempDir(), s3.Environ(), append(args, "--stall-timeout", "1s")...)
	if objects, uploads := s3.Objects(t, bucket); len(objects) != 3 || len(uploads) != 1 {
		t.Errorf("a node started while B's uploads may be alive swept them: objects %v, incomplete uploads %v", objects, uploads)
	}
	d.kill(t)
	if err := db.W.Exec("UPDATE pending_blobs SET touched_at = now() - interval '1 hour'").Error; err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // past the new node's stall timeout
	startChild(t, t.TempDir(), s3.Environ(), append(args, "--stall-timeout", "1s")...)
	objects, uploads := s3.Objects(t, bucket)
	want := []string{"atlas/" + acked, "atlas/" + second}
	slices.Sort(want)
	slices.Sort(objects)
	if !slices.Equal(objects, want) || len(uploads) != 0 {
		t.Errorf("after the sweep: objects %v, incomplete uploads %v; want %v and none", objects, uploads, want)
	}
	if err := db.W.Raw("SELECT count(*) FROM pending_blobs").Scan(&pending).Error; err != nil || pending != 0 {
		t.Errorf("pending uploads after the sweep: %d, %v; want none", pending, err)
	}
	if body := call(a, http.MethodGet, content, "", 200); sha256.Sum256(body) != sha256.Sum256(payload) {
		t.Error("the acknowledged upload changed after the sweep")
	}
}
