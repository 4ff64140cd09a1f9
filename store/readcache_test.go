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
