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
	c.put("k", gen, []byte("one"))
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
	c.put("k", gen, []byte("stale"))
	if v, _, ok := c.get("k"); ok {
		t.Fatalf("kept %q computed before the write", v)
	}
}

func TestReadCacheBounds(t *testing.T) {
	c := readCache{maxBytes: DefaultReadCacheBytes}
	for i := range readCacheMaxEntries + 1 {
		c.put(strconv.Itoa(i), 0, []byte("x"))
	}
	if len(c.m) > readCacheMaxEntries {
		t.Fatalf("%d entries kept, max %d", len(c.m), readCacheMaxEntries)
	}
	c.put("big", 0, make([]byte, DefaultReadCacheBytes/2+1))
	c.put("big2", 0, make([]byte, DefaultReadCacheBytes/2+1))
	if c.bytes > DefaultReadCacheBytes {
		t.Fatalf("%d bytes kept, max %d", c.bytes, DefaultReadCacheBytes)
	}
	c.put("big2", 0, []byte("y"))
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
		c.put(strconv.Itoa(i), 0, []byte("ab"))
	}
	c.put("1", 0, []byte("cd")) // replacing keeps its place
	c.put("5", 0, []byte("abc"))
	for k, want := range map[string]bool{"0": false, "1": false, "2": true, "3": true, "4": true, "5": true} {
		if _, _, ok := c.get(k); ok != want {
			t.Errorf("%s kept: %v, want %v", k, ok, want)
		}
	}
	if c.bytes != 9 || c.evictions.Load() != 2 {
		t.Fatalf("%d bytes, %d evictions; want 9, 2", c.bytes, c.evictions.Load())
	}
	for i := range 1000 { // the queue of keys does not grow without bound
		c.put("n"+strconv.Itoa(i), 0, []byte("x"))
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
