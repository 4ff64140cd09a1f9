package atlas_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// Reads are served from a cache emptied by every write: each step below
// first reads (filling the cache), then writes, then reads again and must
// see the write.
func TestReadsSeeEveryWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	path := "/sessions/" + f.aliceSession
	list := func() (int, []string) {
		res := f.do(t, http.MethodGet, "/sessions?limit=10", f.alice, nil)
		var l struct {
			Items []session `json:"items"`
			Count int       `json:"count"`
		}
		res.JSON(t, &l)
		var titles []string
		for _, s := range l.Items {
			titles = append(titles, *s.Title)
		}
		return l.Count, titles
	}

	f.getSession(t, f.alice, f.aliceSession)
	list()
	f.do(t, http.MethodPut, path, f.alice, map[string]any{"title": "Renamed", "starred": true})
	if s := f.getSession(t, f.alice, f.aliceSession); *s.Title != "Renamed" || !s.IsStarred {
		t.Fatalf("after PUT: %+v", s)
	}
	if n, titles := list(); n != 1 || titles[0] != "Renamed" {
		t.Fatalf("list after PUT: %d %v", n, titles)
	}

	f.upload(t, f.alice, f.aliceSession, servertest.UploadFile{Name: "b.txt", ContentType: "text/plain", Data: []byte("b")})
	if s := f.getSession(t, f.alice, f.aliceSession); len(s.Attachments) != 2 {
		t.Fatalf("after upload: %d attachments", len(s.Attachments))
	}
	f.do(t, http.MethodDelete, path+"/attachments/"+f.aliceAtt, f.alice, nil)
	if s := f.getSession(t, f.alice, f.aliceSession); len(s.Attachments) != 1 || s.Attachments[0].Name != "b.txt" {
		t.Fatalf("after removing an attachment: %+v", s.Attachments)
	}

	second := f.env.AtlasSession(f.alice, map[string]any{"title": "Second"})
	if n, titles := list(); n != 2 || titles[0] != "Second" {
		t.Fatalf("list after create: %d %v", n, titles)
	}

	// The cached session is Alice's answer only.
	if res := f.do(t, http.MethodGet, path, f.bob, nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("bob reads alice's cached session: %d %s", res.StatusCode, res.Body)
	}

	f.do(t, http.MethodDelete, "/sessions/"+second, f.alice, nil)
	if res := f.do(t, http.MethodGet, "/sessions/"+second, f.alice, nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted session still served: %d %s", res.StatusCode, res.Body)
	}
	if n, _ := list(); n != 1 {
		t.Fatalf("list after delete: count %d", n)
	}
}

// Under concurrent writers and readers each client reads its own writes:
// after its PUT answers, its GET shows that title, however other clients'
// reads and writes interleave.
func TestConcurrentClientsReadTheirWrites(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	const clients, rounds = 6, 25
	type client struct{ tok, session string }
	cs := make([]client, clients)
	for i := range cs {
		tok := env.AddUser(fmt.Sprintf("c%d@example.com", i), "")
		cs[i] = client{tok, env.AtlasSession(tok, nil)}
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients*rounds)
	for i, c := range cs {
		wg.Go(func() {
			for r := range rounds {
				title := fmt.Sprintf("client %d round %d", i, r)
				res := env.Do(http.MethodPut, "/sessions/"+c.session, c.tok, map[string]any{"title": title})
				if res.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("PUT: %d %s", res.StatusCode, res.Body)
					return
				}
				var s session
				res = env.Do(http.MethodGet, "/sessions/"+c.session, c.tok, nil)
				if err := json.Unmarshal(res.Body, &s); err != nil || s.Title == nil || *s.Title != title {
					errs <- fmt.Errorf("client %d read %s after writing %q", i, res.Body, title)
				}
				// Another client's session, to interleave reads of others.
				other := cs[(i+1)%clients]
				env.Do(http.MethodGet, "/sessions/"+other.session, other.tok, nil)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The attachment, attachment list and annotation list reads are cached the
// same way: per caller and URL, emptied by every write.
func TestAttachmentReadsSeeEveryWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	att := "/attachments/" + f.aliceAtt
	count := func(tok, path string) int {
		t.Helper()
		res := f.do(t, http.MethodGet, path, tok, nil)
		var l struct {
			Count int `json:"count"`
		}
		res.JSON(t, &l)
		return l.Count
	}

	f.getMeta(t, f.alice, f.aliceAtt)
	count(f.alice, "/attachments?attachment_type=text/plain")
	count(f.alice, att+"/annotations")
	if res := f.do(t, http.MethodGet, att, f.bob, nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("bob reads alice's cached attachment: %d %s", res.StatusCode, res.Body)
	}
	if n := count(f.bob, "/attachments?attachment_type=text/plain"); n != 0 {
		t.Fatalf("bob's list shows %d of alice's attachments", n)
	}

	f.do(t, http.MethodPatch, att, f.alice, map[string]any{"title": "Renamed"})
	if a, _ := f.getMeta(t, f.alice, f.aliceAtt); a.Title == nil || *a.Title != "Renamed" {
		t.Fatalf("after PATCH: %+v", a)
	}
	f.do(t, http.MethodPost, "/annotations", f.alice, map[string]any{"attachment_id": f.aliceAtt, "text": "n"})
	if n := count(f.alice, att+"/annotations"); n != 1 {
		t.Fatalf("annotations after create: %d", n)
	}
	f.upload(t, f.alice, f.aliceSession, servertest.UploadFile{Name: "c.txt", ContentType: "text/plain", Data: []byte("c")})
	if n := count(f.alice, "/attachments?attachment_type=text/plain"); n != 2 {
		t.Fatalf("list after upload: %d", n)
	}
	f.do(t, http.MethodDelete, "/sessions/"+f.aliceSession, f.alice, nil)
	if res := f.do(t, http.MethodGet, att, f.alice, nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted attachment still served: %d %s", res.StatusCode, res.Body)
	}
	if n := count(f.alice, "/attachments?attachment_type=text/plain"); n != 0 {
		t.Fatalf("list after delete: %d", n)
	}
}

// Creating or updating a session drops only that session's cached detail
// and the answers that may read any record (lists, attachments): the other
// sessions' details stay cached, and an update keeps its own answer as the
// session's detail. Every other write drops every answer.
func TestSessionWritesKeepOtherSessionsCached(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	if f.env.Store.Dialect() != store.SQLite {
		t.Skip("the read cache is off on PostgreSQL")
	}
	second := f.env.AtlasSession(f.alice, map[string]any{"title": "Second"})
	hits := func() uint64 { return f.env.Store.Stats().ReadCacheHits }
	titles := func() []string {
		var l struct {
			Items []session `json:"items"`
		}
		f.do(t, http.MethodGet, "/sessions?limit=10", f.alice, nil).JSON(t, &l)
		var out []string
		for _, s := range l.Items {
			out = append(out, *s.Title)
		}
		return out
	}
	f.getSession(t, f.alice, f.aliceSession)
	f.getSession(t, f.alice, second)
	f.getSession(t, f.bob, f.bobSession)
	f.getMeta(t, f.alice, f.aliceAtt)
	titles()

	f.do(t, http.MethodPut, "/sessions/"+f.aliceSession, f.alice, map[string]any{"title": "Renamed"})
	// A new session linking Alice's attachment.
	f.env.AtlasSession(f.alice, map[string]any{"title": "Third", "attachments": []map[string]any{{"attachment_id": f.aliceAtt}}})
	before := hits()
	f.getSession(t, f.alice, second)
	f.getSession(t, f.bob, f.bobSession)
	if got := hits() - before; got != 2 {
		t.Fatalf("%d of the other sessions' details answered from the cache, want 2", got)
	}
	before = hits()
	if s := f.getSession(t, f.alice, f.aliceSession); *s.Title != "Renamed" {
		t.Fatalf("the updated session reads %q", *s.Title)
	}
	if got := hits() - before; got != 1 {
		t.Fatalf("the updated session's read: %d hits, want 1 (its PUT kept its answer)", got)
	}
	before = hits()
	if got := titles(); len(got) != 3 || got[0] != "Third" || got[2] != "Renamed" {
		t.Fatalf("the list after the writes: %v", got)
	}
	f.getMeta(t, f.alice, f.aliceAtt)
	if got := hits() - before; got != 0 {
		t.Fatalf("%d answers that may read the written sessions came from the cache", got)
	}

	// An upload into the second session: every answer goes.
	f.upload(t, f.alice, second, servertest.UploadFile{Name: "b.txt", ContentType: "text/plain", Data: []byte("b")})
	before = hits()
	if s := f.getSession(t, f.alice, second); len(s.Attachments) != 1 {
		t.Fatalf("the second session after an upload: %d attachments", len(s.Attachments))
	}
	f.getSession(t, f.bob, f.bobSession)
	if got := hits() - before; got != 0 {
		t.Fatalf("an upload kept %d cached answers", got)
	}
}

// A session's PUT answers what its GET then answers, and keeps that
// answer for the GET: the editor's next read is a hit, byte for byte what
// the database gives. A PUT that fails keeps nothing.
func TestSessionUpdateKeepsItsAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	st := f.env.Store
	if st.Dialect() != store.SQLite {
		t.Skip("the read cache is off on PostgreSQL")
	}
	path := "/sessions/" + f.aliceSession
	get := func() (body []byte, etag string, hit bool) {
		t.Helper()
		before := st.Stats().ReadCacheHits
		res := f.do(t, http.MethodGet, path, f.alice, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d %s", res.StatusCode, res.Body)
		}
		return res.Body, res.Header.Get("ETag"), st.Stats().ReadCacheHits > before
	}
	for _, body := range []map[string]any{
		{"title": "Renamed", "starred": true},
		{"description": "described", "starred": false},
	} {
		get()
		res := f.do(t, http.MethodPut, path, f.alice, body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("PUT %v: %d %s", body, res.StatusCode, res.Body)
		}
		kept, etag, hit := get()
		if !hit || !bytes.Equal(kept, res.Body) {
			t.Fatalf("PUT %v: the GET after it hit %v and answered %s; the PUT answered %s", body, hit, kept, res.Body)
		}
		st.SetReadCacheBytes(0) // what the database gives
		fresh, freshTag, _ := get()
		st.SetReadCacheBytes(store.DefaultReadCacheBytes)
		if !bytes.Equal(fresh, kept) || freshTag != etag {
			t.Fatalf("PUT %v: kept %s (%s), the database gives %s (%s)", body, kept, etag, fresh, freshTag)
		}
	}
	_, etag, _ := get()
	res := f.do(t, http.MethodPut, path, f.alice, map[string]any{"title": "not stored"}, "If-Match", `"stale"`)
	if res.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("a PUT with a stale If-Match: %d %s", res.StatusCode, res.Body)
	}
	if _, now, _ := get(); now != etag {
		t.Fatalf("after a failed PUT: ETag %s, want %s", now, etag)
	}
}
