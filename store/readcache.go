package store

import (
	"sync"
	"sync/atomic"
)

// Read cache limits: when either would be passed, the oldest answers are
// dropped until the new one fits.
const (
	readCacheMaxEntries = 1 << 16
	// DefaultReadCacheBytes bounds the encoded answers kept in memory.
	DefaultReadCacheBytes = 64 << 20
)

// readCache keeps the encoded answers of read requests between writes.
// Every transaction on the single writer (Store.Write) empties it once it
// has committed, and an answer computed while a write committed is not
// kept (the generation it was read under is gone), so a cached answer is
// never older than the last committed write.
//
// Within its limits it drops the oldest answer first (first in, first
// out). It used to empty itself whenever full: under random reads over
// more records than it held, that threw away every answer about once per
// capacity's worth of misses, and no answer lived long enough to be hit
// twice (hit rate ~50 % on the bench's workflow read over 5,000 sessions;
// now every answer stays until a write).
type readCache struct {
	// evictions and invalidations count answers dropped for the limits
	// and emptyings by writes (Stats).
	evictions, invalidations atomic.Uint64

	mu    sync.RWMutex
	gen   uint64
	m     map[string][]byte
	order []string // keys of m, oldest first, from order[head]
	head  int
	bytes int
	// maxBytes bounds the answers' bytes; 0: nothing is kept.
	maxBytes int
}

func (c *readCache) get(key string) ([]byte, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[key]
	return v, c.gen, ok
}

// SetReadCacheBytes bounds the memory of the read cache (see Cached); 0
// turns it off, so every read queries SQLite. Open sets DefaultReadCacheBytes.
// On PostgreSQL the cache stays off whatever n is: other nodes write the
// same database, and nothing tells this one when they do.
func (s *Store) SetReadCacheBytes(n int) {
	if s.dialect == Postgres {
		n = 0
	}
	s.reads.mu.Lock()
	s.reads.maxBytes = max(n, 0)
	s.reads.mu.Unlock()
	s.reads.invalidate()
}

// put keeps v unless a write has committed since gen was read, dropping
// the oldest answers if it would not fit otherwise.
func (c *readCache) put(key string, gen uint64, v []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || len(v) > c.maxBytes {
		return
	}
	if c.m == nil {
		c.m = make(map[string][]byte)
	}
	if old, ok := c.m[key]; ok {
		c.bytes += len(v) - len(old)
		c.m[key] = v
	} else {
		c.m[key] = v
		c.bytes += len(v)
		c.order = append(c.order, key)
	}
	for len(c.m) > readCacheMaxEntries || c.bytes > c.maxBytes {
		c.dropOldest()
	}
}

// dropOldest drops the oldest answer (never the newest: put checked that
// it fits alone).
func (c *readCache) dropOldest() {
	k := c.order[c.head]
	c.order[c.head] = ""
	c.head++
	c.bytes -= len(c.m[k])
	delete(c.m, k)
	c.evictions.Add(1)
	if c.head > len(c.order)/2 { // reuse the dropped half of the queue
		c.order = append(c.order[:0], c.order[c.head:]...)
		c.head = 0
	}
}

// invalidate drops every answer and every answer being computed.
func (c *readCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m, c.order, c.head, c.bytes = nil, nil, 0, 0
	c.invalidations.Add(1)
}

// Cached returns the answer kept under key, or computes it with fill and
// keeps it until the next write. fill must read only data that changes
// through the store's write transactions (sessions, projects, attachments,
// memberships: not tokens or users), and key must name everything the
// answer depends on besides that data (the caller, the record, the query).
// Errors from fill are returned and not kept. The returned bytes are shared:
// callers must not modify them.
func (s *Store) Cached(key string, fill func() ([]byte, error)) ([]byte, error) {
	v, gen, ok := s.reads.get(key)
	if ok {
		s.stats.cacheHits.Add(1)
		return v, nil
	}
	s.stats.cacheMisses.Add(1)
	v, err := fill()
	if err != nil {
		return nil, err
	}
	s.reads.put(key, gen, v)
	return v, nil
}
