package store

import (
	"context"
	"slices"
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

// readCache keeps the encoded answers of read requests between the writes
// they depend on. An answer kept with a tag (CachedTagged) depends only on
// the record the tag names; one kept without (Cached) may depend on
// anything. A write says what it changed: every record (Write), the
// records named by its tags (WriteTagged), or nothing an answer reads
// (audit rows). Once a write has committed, and before it is answered,
// the cache drops every untagged answer and every answer whose tag the
// write named; an unscoped write empties it. An answer computed while a
// write it depends on committed is not kept: an untagged answer read
// before any later drop, a tagged one read before a drop of its tag or an
// emptying (see fresh). So a cached answer is never older than the last
// committed write it depends on.
//
// Within its limits it drops the oldest answer first (first in, first
// out). It used to empty itself whenever full: under random reads over
// more records than it held, that threw away every answer about once per
// capacity's worth of misses, and no answer lived long enough to be hit
// twice (hit rate ~50 % on the bench's workflow read over 5,000 sessions;
// now every answer stays until a write).
type readCache struct {
	// evictions counts answers dropped for the limits, invalidations the
	// writes that emptied the cache, and scoped the writes that dropped
	// only the untagged answers and those of their tags (Stats).
	evictions, invalidations, scoped atomic.Uint64

	mu sync.RWMutex
	// gen counts the drops: a reader notes it before computing an answer
	// (get), and put keeps the answer only if nothing it depends on was
	// dropped since.
	gen uint64
	// floor is the generation of the last emptying, or of the last time
	// dropped was forgotten: no tagged answer read before it is kept.
	floor uint64
	// dropped is the generation at which each tag's answers were last
	// dropped, since floor; at most maxDroppedTags tags.
	dropped map[string]uint64
	m       map[string]cacheEntry
	// order holds the kept answers, oldest first, from order[head]; an
	// item whose seq is no longer its key's was dropped by a write.
	order []orderItem
	head  int
	seq   uint64
	bytes int
	// untagged and tagged index the kept answers by what they depend on.
	untagged map[string]struct{}
	tagged   map[string]map[string]struct{}
	// maxBytes bounds the answers' bytes; 0: nothing is kept.
	maxBytes int
}

type cacheEntry struct {
	v   []byte
	tag string // "": may depend on any record
	seq uint64
}

type orderItem struct {
	key string
	seq uint64
}

func (c *readCache) get(key string) ([]byte, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[key]
	return e.v, c.gen, ok
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

// put keeps v under key with its tag unless a write it depends on has
// committed since gen was read, dropping the oldest answers if it would
// not fit otherwise.
func (c *readCache) put(key, tag string, gen uint64, v []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fresh(tag, gen) || len(v) > c.maxBytes {
		return
	}
	if c.m == nil {
		c.m = make(map[string]cacheEntry)
		c.untagged = make(map[string]struct{})
		c.tagged = make(map[string]map[string]struct{})
	}
	if e, ok := c.m[key]; ok && e.tag == tag { // replaced in its place
		c.bytes += len(v) - len(e.v)
		e.v = v
		c.m[key] = e
	} else {
		c.remove(key)
		c.add(key, tag, v)
	}
	for len(c.m) > readCacheMaxEntries || c.bytes > c.maxBytes {
		c.dropOldest()
	}
}

// fresh tells whether an answer with tag read under generation gen is
// still what the records hold: for an untagged answer, nothing was
// dropped since; for a tagged one, neither its tag nor everything. Under
// a steady mix of writes, a detail read that overlapped the commit of
// another record's write used to be thrown away: the bench's BrainSTEM
// 90/10 mix hit 85 % of its reads then, 88 % now.
func (c *readCache) fresh(tag string, gen uint64) bool {
	if tag == "" {
		return gen == c.gen
	}
	return gen >= c.floor && c.dropped[tag] <= gen
}

// maxDroppedTags bounds the tags whose last drop the cache remembers;
// past it, it forgets them all and refuses every tagged answer read
// before (only the reads in flight then).
const maxDroppedTags = 4096

// add keeps v under key, newest in the queue.
func (c *readCache) add(key, tag string, v []byte) {
	c.seq++
	c.m[key] = cacheEntry{v: v, tag: tag, seq: c.seq}
	c.bytes += len(v)
	c.order = append(c.order, orderItem{key, c.seq})
	if tag == "" {
		c.untagged[key] = struct{}{}
	} else {
		keys := c.tagged[tag]
		if keys == nil {
			keys = make(map[string]struct{}, 1)
			c.tagged[tag] = keys
		}
		keys[key] = struct{}{}
	}
}

// remove drops key's answer, if kept, from the map and its index; its
// queue item stays behind, stale.
func (c *readCache) remove(key string) {
	e, ok := c.m[key]
	if !ok {
		return
	}
	delete(c.m, key)
	c.bytes -= len(e.v)
	if e.tag == "" {
		delete(c.untagged, key)
	} else if keys := c.tagged[e.tag]; keys != nil {
		delete(keys, key)
		if len(keys) == 0 {
			delete(c.tagged, e.tag)
		}
	}
}

// dropOldest drops the oldest answer (never the newest: put checked that
// it fits alone).
func (c *readCache) dropOldest() {
	for {
		it := c.order[c.head]
		c.order[c.head] = orderItem{}
		c.head++
		if e, ok := c.m[it.key]; ok && e.seq == it.seq {
			c.remove(it.key)
			c.evictions.Add(1)
			break
		}
	}
	c.compact()
}

// compact reuses the dropped front of the queue and sheds the items of
// answers that writes dropped, so the queue stays within twice the
// answers kept.
func (c *readCache) compact() {
	if c.head <= len(c.order)/2 && len(c.order)-c.head <= 2*len(c.m)+64 {
		return
	}
	live := c.order[:0]
	for _, it := range c.order[c.head:] {
		if e, ok := c.m[it.key]; ok && e.seq == it.seq {
			live = append(live, it)
		}
	}
	clear(c.order[len(live):])
	c.order, c.head = live, 0
}

// maxScopedDrops bounds the untagged answers a scoped write drops one by
// one (under the lock readers wait for); with more kept, it empties the
// cache instead, which costs nothing.
const maxScopedDrops = 4096

// invalidate drops every answer and every answer being computed.
func (c *readCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emptyLocked()
}

func (c *readCache) emptyLocked() {
	c.gen++
	c.floor, c.dropped = c.gen, nil
	c.m, c.order, c.head, c.bytes = nil, nil, 0, 0
	c.untagged, c.tagged = nil, nil
	c.invalidations.Add(1)
}

// invalidateTags drops every untagged answer and every answer tagged with
// one of tags, kept or being computed.
func (c *readCache) invalidateTags(tags []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.untagged) > maxScopedDrops {
		c.emptyLocked()
		return
	}
	c.gen++
	for key := range c.untagged {
		c.remove(key)
	}
	if len(c.dropped)+len(tags) > maxDroppedTags {
		c.floor, c.dropped = c.gen, nil
	}
	if c.dropped == nil {
		c.dropped = make(map[string]uint64)
	}
	for _, tag := range tags {
		c.dropped[tag] = c.gen
		for key := range c.tagged[tag] {
			c.remove(key)
		}
	}
	if len(c.order) > 0 {
		c.compact()
	}
	c.scoped.Add(1)
}

// Cached returns the answer kept under key, or computes it with fill and
// keeps it until the next write. fill must read only data that changes
// through the store's write transactions (sessions, projects, attachments,
// memberships: not tokens or users), and key must name everything the
// answer depends on besides that data (the caller, the record, the query).
// Errors from fill are returned and not kept. The returned bytes are shared:
// callers must not modify them.
func (s *Store) Cached(key string, fill func() ([]byte, error)) ([]byte, error) {
	return s.CachedTagged(key, "", fill)
}

// CachedTagged is Cached for an answer that depends on one record only,
// named by tag (for instance "atlas/session/<id>"): it is kept across the
// writes that name other tags (WriteTagged). Every write that may change
// what the answer reads — the record's row, its relations, who may see
// it — must be a Write or a WriteTagged naming tag. "" is Cached.
func (s *Store) CachedTagged(key, tag string, fill func() ([]byte, error)) ([]byte, error) {
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
	s.reads.put(key, tag, gen, v)
	return v, nil
}

// CachedOnly returns the answer kept under key, if there is one (a hit);
// it computes nothing and counts no miss.
func (s *Store) CachedOnly(key string) ([]byte, bool) {
	v, _, ok := s.reads.get(key)
	if ok {
		s.stats.cacheHits.Add(1)
	}
	return v, ok
}

// RefreshTagged computes with fill the answer a read of key (tagged tag)
// would give, and keeps it in place of the one kept, unless a write that
// names tag, or any record, commits while fill runs. A write's handler
// answers through it with the record as a read now sees it, so the reads
// that follow the write hit the cache instead of missing once.
func (s *Store) RefreshTagged(key, tag string, fill func() ([]byte, error)) ([]byte, error) {
	s.reads.mu.RLock()
	gen := s.reads.gen
	s.reads.mu.RUnlock()
	v, err := fill()
	if err != nil {
		return nil, err
	}
	s.reads.put(key, tag, gen, v)
	return v, nil
}

// WriteAnswer is a write's claim on the read cache for the answer it
// read in its own transaction (WithWriteAnswer, KeepWritten).
type WriteAnswer struct {
	gen uint64
	ok  bool // the write committed, and no later write of its records did
}

type writeAnswerKey struct{}

// WithWriteAnswer returns ctx for a write (WriteTagged) whose function
// reads the record as a GET of it would answer, and the slot in which the
// write, once it has committed, says whether that answer may be kept
// (KeepWritten).
func WithWriteAnswer(ctx context.Context) (context.Context, *WriteAnswer) {
	a := &WriteAnswer{}
	return context.WithValue(ctx, writeAnswerKey{}, a), a
}

// KeepWritten keeps v, read in the transaction of the write that took a
// (WithWriteAnswer), under key and tag, one of the write's tags, unless
// that write failed or a write of the same records committed after it.
// The edit's own next read is then a hit.
func (s *Store) KeepWritten(a *WriteAnswer, key, tag string, v []byte) {
	if a != nil && a.ok {
		s.reads.put(key, tag, a.gen, v)
	}
}

// noteAnswers tells each write of a committed batch that carries a
// WriteAnswer the generation its answer is current at: the one after
// the batch's drops, unless a later write of the batch changed its
// records (or any record). The caller holds the write turn, so no other
// write commits in between.
func (s *Store) noteAnswers(ran []*queuedWrite) {
	for i, w := range ran {
		if w.answer == nil || w.err != nil || w.tags == nil || overtaken(w, ran[i+1:]) {
			continue
		}
		s.reads.mu.RLock()
		w.answer.gen, w.answer.ok = s.reads.gen, true
		s.reads.mu.RUnlock()
	}
}

// overtaken tells whether one of later changed a record w wrote.
func overtaken(w *queuedWrite, later []*queuedWrite) bool {
	for _, l := range later {
		if !l.invalidates || l.err != nil { // a failed write was rolled back
			continue
		}
		if l.tags == nil {
			return true
		}
		for _, tag := range w.tags {
			if slices.Contains(l.tags, tag) {
				return true
			}
		}
	}
	return false
}
