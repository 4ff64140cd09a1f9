package store

import (
	"errors"
	"strconv"
	"testing"
)

func TestReadCacheKeepsAnswersUntilAWrite(t *testing.T) {
	c := readCache{maxBytes: DefaultReadCacheBytes}
	v, gen, ok := c.get("k")
	if ok || v != nil {
		t.Fatal("empty cache answered")
	}
	c.put("k", "", gen, []byte("one"))
	if v, _, ok := c.get("k"); !ok || string(v) != "one" {
		t.Fatalf("get after put: %q %v", v, ok)
	}
	c.invalidate()
	if _, _, ok := c.get("k"); ok {
		t.Fatal("answer survived a write")
	}
}

// An answer computed from data read before a write committed must not be
// kept once the write has emptied the cache.
func TestReadCacheDropsAnswersReadBeforeAWrite(t *testing.T) {
	c := readCache{maxBytes: DefaultReadCacheBytes}
	_, gen, _ := c.get("k") // a reader misses and reads the database...
	c.invalidate()          // ...while a write commits...
	c.put("k", "", gen, []byte("stale"))
	if v, _, ok := c.get("k"); ok {
		t.Fatalf("kept %q computed before the write", v)
	}
}

func TestReadCacheBounds(t *testing.T) {
	c := readCache{maxBytes: DefaultReadCacheBytes}
	for i := range readCacheMaxEntries + 1 {
		c.put(strconv.Itoa(i), "", 0, []byte("x"))
	}
	if len(c.m) > readCacheMaxEntries {
		t.Fatalf("%d entries kept, max %d", len(c.m), readCacheMaxEntries)
	}
	c.put("big", "", 0, make([]byte, DefaultReadCacheBytes/2+1))
	c.put("big2", "", 0, make([]byte, DefaultReadCacheBytes/2+1))
	if c.bytes > DefaultReadCacheBytes {
		t.Fatalf("%d bytes kept, max %d", c.bytes, DefaultReadCacheBytes)
	}
	c.put("big2", "", 0, []byte("y"))
	if c.bytes != 1 {
		t.Fatalf("replacing an entry counts %d bytes, want 1", c.bytes)
	}
}

// A full cache drops its oldest answers, one at a time, and keeps the
// others: under random reads over more records than it holds, every
// answer lives until it is the oldest.
func TestReadCacheDropsTheOldestFirst(t *testing.T) {
	c := readCache{maxBytes: 10}
	for i := range 5 {
		c.put(strconv.Itoa(i), "", 0, []byte("ab"))
	}
	c.put("1", "", 0, []byte("cd")) // replacing keeps its place
	c.put("5", "", 0, []byte("abc"))
	for k, want := range map[string]bool{"0": false, "1": false, "2": true, "3": true, "4": true, "5": true} {
		if _, _, ok := c.get(k); ok != want {
			t.Errorf("%s kept: %v, want %v", k, ok, want)
		}
	}
	if c.bytes != 9 || c.evictions.Load() != 2 {
		t.Fatalf("%d bytes, %d evictions; want 9, 2", c.bytes, c.evictions.Load())
	}
	for i := range 1000 { // the queue of keys does not grow without bound
		c.put("n"+strconv.Itoa(i), "", 0, []byte("x"))
	}
	if len(c.m) != 10 || len(c.order)-c.head != 10 || cap(c.order) > 64 {
		t.Fatalf("%d entries, %d queued, queue cap %d", len(c.m), len(c.order)-c.head, cap(c.order))
	}
}

func TestCachedDoesNotKeepErrors(t *testing.T) {
	s := &Store{}
	s.SetReadCacheBytes(DefaultReadCacheBytes)
	calls := 0
	fail := func() ([]byte, error) { calls++; return nil, ErrNotFound }
	for range 2 {
		if _, err := s.Cached("k", fail); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err %v", err)
		}
	}
	fill := func() ([]byte, error) { calls++; return []byte("v"), nil }
	for range 2 {
		if v, err := s.Cached("k", fill); err != nil || string(v) != "v" {
			t.Fatalf("%q %v", v, err)
		}
	}
	if calls != 3 {
		t.Fatalf("fill called %d times, want 3 (errors are not kept, answers are)", calls)
	}
}

func TestReadCacheOff(t *testing.T) {
	s := &Store{}
	s.SetReadCacheBytes(0)
	calls := 0
	for range 2 {
		s.Cached("k", func() ([]byte, error) { calls++; return []byte("v"), nil })
	}
	if calls != 2 {
		t.Fatalf("fill called %d times with the cache off, want 2", calls)
	}
}

// A scoped write drops the untagged answers and those of its tags, keeps
// the others, and refuses the answers it may have changed that were read
// while it committed; not those of other records.
func TestReadCacheDropsTaggedAnswersOfTheirWrites(t *testing.T) {
	c := readCache{maxBytes: DefaultReadCacheBytes}
	c.put("any", "", 0, []byte("list"))
	c.put("a/1", "a", 0, []byte("a for 1"))
	c.put("a/2", "a", 0, []byte("a for 2"))
	c.put("b/1", "b", 0, []byte("b"))
	_, gen, _ := c.get("c/1") // readers miss...
	c.invalidateTags([]string{"a", "z"})
	c.put("a/3", "a", gen, []byte("stale"))   // ...an answer of a is not kept
	c.put("list", "", gen, []byte("stale"))   // ...nor an untagged one
	c.put("c/1", "c", gen, []byte("c for 1")) // ...but c's is: the write did not change c
	for k, want := range map[string]bool{"any": false, "a/1": false, "a/2": false, "a/3": false, "list": false, "b/1": true, "c/1": true} {
		if _, _, ok := c.get(k); ok != want {
			t.Errorf("%s kept: %v, want %v", k, ok, want)
		}
	}
	if c.bytes != 8 || len(c.untagged) != 0 || len(c.tagged) != 2 || c.scoped.Load() != 1 || c.invalidations.Load() != 0 {
		t.Fatalf("%d bytes, %d untagged, %d tags, %d scoped, %d emptied", c.bytes, len(c.untagged), len(c.tagged), c.scoped.Load(), c.invalidations.Load())
	}
	// The queue sheds the dropped answers' items.
	_, gen, _ = c.get("x")
	for i := range 1000 {
		c.put("t/"+strconv.Itoa(i), "t"+strconv.Itoa(i), gen, []byte("x"))
		c.invalidateTags([]string{"t" + strconv.Itoa(i)})
		_, gen, _ = c.get("x")
	}
	if len(c.m) != 2 || len(c.order)-c.head > 2*len(c.m)+64 {
		t.Fatalf("%d entries, %d queued", len(c.m), len(c.order)-c.head)
	}
	if len(c.dropped) > maxDroppedTags {
		t.Fatalf("%d dropped tags remembered", len(c.dropped))
	}
	// An answer whose tag changed moves to its new tag.
	c.put("b/1", "", gen, []byte("b"))
	if len(c.tagged) != 1 || len(c.untagged) != 1 {
		t.Fatalf("%d tags, %d untagged after retagging", len(c.tagged), len(c.untagged))
	}
}

// A batch of writes drops what its writes changed: everything when one
// of them may change any record, nothing for audit rows alone.
func TestWritesDropWhatTheyChanged(t *testing.T) {
	s := &Store{}
	s.SetReadCacheBytes(DefaultReadCacheBytes)
	fill := func(key, tag string) {
		s.CachedTagged(key, tag, func() ([]byte, error) { return []byte("v"), nil })
	}
	kept := func(key string) bool { _, _, ok := s.reads.get(key); return ok }
	fill("a", "a")
	fill("b", "b")
	s.dropCached([]*queuedWrite{{invalidates: false}})
	if !kept("a") || !kept("b") {
		t.Fatal("an audit row dropped answers")
	}
	s.dropCached([]*queuedWrite{{invalidates: true, tags: []string{"a"}}, {invalidates: false}})
	if kept("a") || !kept("b") {
		t.Fatalf("a write of a: a kept %v, b kept %v", kept("a"), kept("b"))
	}
	s.dropCached([]*queuedWrite{{invalidates: true, tags: []string{}}, {invalidates: true}})
	if kept("b") {
		t.Fatal("a write of any record kept b")
	}
}

// A scoped write empties a cache that keeps more untagged answers than it
// drops one by one: the writer does not hold the readers up for long.
func TestReadCacheEmptiesRatherThanDropMany(t *testing.T) {
	c := readCache{maxBytes: DefaultReadCacheBytes}
	for i := range maxScopedDrops + 1 {
		c.put("list/"+strconv.Itoa(i), "", 0, []byte("x"))
	}
	c.put("a/1", "a", 0, []byte("a"))
	c.invalidateTags([]string{"b"})
	if len(c.m) != 0 || c.invalidations.Load() != 1 || c.scoped.Load() != 0 {
		t.Fatalf("%d answers kept, %d emptyings, %d scoped drops", len(c.m), c.invalidations.Load(), c.scoped.Load())
	}
	c.put("list/0", "", c.gen, []byte("x"))
	c.put("a/1", "a", c.gen, []byte("a"))
	c.invalidateTags([]string{"b"})
	if _, _, ok := c.get("a/1"); !ok || len(c.m) != 1 || c.scoped.Load() != 1 {
		t.Fatalf("a few untagged answers: a kept %v, %d answers, %d scoped drops", ok, len(c.m), c.scoped.Load())
	}
}

// A tagged answer read before an emptying is not kept, nor one read before
// the cache forgot which tags it dropped; one read after is.
func TestReadCacheRefusesTaggedAnswersItCannotVouchFor(t *testing.T) {
	c := readCache{maxBytes: DefaultReadCacheBytes}
	_, gen, _ := c.get("a/1")
	c.invalidate()
	c.put("a/1", "a", gen, []byte("stale"))
	if _, _, ok := c.get("a/1"); ok {
		t.Fatal("an answer read before the cache was emptied was kept")
	}
	_, gen, _ = c.get("a/1")
	for i := range maxDroppedTags {
		c.invalidateTags([]string{"t" + strconv.Itoa(i)})
	}
	c.put("a/1", "a", gen, []byte("a")) // a was not dropped, and the cache still knows it
	if _, _, ok := c.get("a/1"); !ok {
		t.Fatal("an answer of a record no write changed was refused")
	}
	_, gen, _ = c.get("b/1")
	c.invalidateTags([]string{"one more"}) // past the bound: every tag forgotten
	if len(c.dropped) != 1 {
		t.Fatalf("%d dropped tags remembered past the bound", len(c.dropped))
	}
	c.put("b/1", "b", gen, []byte("b"))
	if _, _, ok := c.get("b/1"); ok {
		t.Fatal("an answer read before the cache forgot its drops was kept")
	}
	_, gen, _ = c.get("b/1")
	c.put("b/1", "b", gen, []byte("b"))
	if _, _, ok := c.get("b/1"); !ok {
		t.Fatal("an answer read after the cache forgot its drops was refused")
	}
}

// RefreshTagged replaces the kept answer with the one it computes, unless
// a write of its record, or of any record, commits while it computes it.
func TestRefreshTaggedKeepsOnlyWhatNoWriteOvertook(t *testing.T) {
	s := &Store{}
	s.SetReadCacheBytes(DefaultReadCacheBytes)
	kept := func() string { v, _, _ := s.reads.get("a/1"); return string(v) }
	refresh := func(v string, during func()) {
		if _, err := s.RefreshTagged("a/1", "a", func() ([]byte, error) { during(); return []byte(v), nil }); err != nil {
			t.Fatal(err)
		}
	}
	s.CachedTagged("a/1", "a", func() ([]byte, error) { return []byte("old"), nil })
	refresh("new", func() { s.reads.invalidateTags([]string{"b"}) })
	if kept() != "new" {
		t.Fatalf("kept %q after a refresh overtaken by another record's write", kept())
	}
	refresh("stale", func() { s.reads.invalidateTags([]string{"a"}) })
	refresh("stale", func() { s.reads.invalidate() })
	if kept() != "" {
		t.Fatalf("kept %q after refreshes overtaken by writes of the record", kept())
	}
}

// A write's own answer (WithWriteAnswer) is kept unless the write failed,
// a later write of the same batch changed its record or any record, or a
// later batch did.
func TestWriteAnswersAreKeptUnlessOvertaken(t *testing.T) {
	s := &Store{}
	s.SetReadCacheBytes(DefaultReadCacheBytes)
	failed := errors.New("failed")
	batch := func(ws ...*queuedWrite) {
		s.dropCached(ws)
		s.noteAnswers(ws)
	}
	a, b, c, d := &WriteAnswer{}, &WriteAnswer{}, &WriteAnswer{}, &WriteAnswer{}
	batch(
		&queuedWrite{invalidates: true, tags: []string{"a"}, answer: a},              // overtaken by the later write of a
		&queuedWrite{invalidates: true, tags: []string{"b"}, answer: b},              // kept: the later write of b failed
		&queuedWrite{invalidates: true, tags: []string{"c"}, answer: c, err: failed}, // failed: nothing to keep
		&queuedWrite{invalidates: true, tags: []string{"a", "x"}},
		&queuedWrite{invalidates: true, tags: []string{"b"}, err: failed},
		&queuedWrite{invalidates: false}, // an audit row
	)
	batch(&queuedWrite{invalidates: true, tags: []string{"d"}, answer: d})
	for _, w := range []struct {
		a   *WriteAnswer
		tag string
	}{{a, "a"}, {b, "b"}, {c, "c"}, {d, "d"}} {
		s.KeepWritten(w.a, w.tag+"/1", w.tag, []byte(w.tag))
	}
	kept := func(key string) bool { _, _, ok := s.reads.get(key); return ok }
	for key, want := range map[string]bool{"a/1": false, "b/1": true, "c/1": false, "d/1": true} {
		if kept(key) != want {
			t.Errorf("%s kept: %v, want %v", key, kept(key), want)
		}
	}
	// A later batch that writes the record, or any record, comes first.
	e, f := &WriteAnswer{}, &WriteAnswer{}
	batch(&queuedWrite{invalidates: true, tags: []string{"e"}, answer: e}, &queuedWrite{invalidates: true, tags: []string{"f"}, answer: f})
	batch(&queuedWrite{invalidates: true, tags: []string{"e"}})
	s.KeepWritten(e, "e/1", "e", []byte("stale"))
	s.KeepWritten(f, "f/1", "f", []byte("f"))
	if kept("e/1") || !kept("f/1") {
		t.Fatalf("after a later write of e: e kept %v, f kept %v", kept("e/1"), kept("f/1"))
	}
	g := &WriteAnswer{}
	batch(&queuedWrite{invalidates: true, tags: []string{"g"}, answer: g}, &queuedWrite{invalidates: true})
	s.KeepWritten(g, "g/1", "g", []byte("stale"))
	if kept("g/1") {
		t.Fatal("an answer overtaken by a write of any record was kept")
	}
}
