package store

import (
	"io"
	"sync/atomic"
	"time"
)

// Stats are the store's counters since Open, for metrics. Counters only
// grow; the gauges (WriteQueueDepth, UploadsInFlight) are current values.
type Stats struct {
	// WriteQueueDepth is the number of write transactions waiting for the
	// single writer or running on it.
	WriteQueueDepth int64
	// WriteTransactions counts the transactions the writer committed or
	// rolled back; each runs every write that was queued when it began
	// (group commit), so writes per transaction is the batching achieved.
	WriteTransactions uint64
	// ReadCacheHits and ReadCacheMisses count Cached calls answered from
	// memory and computed; ReadCacheEvictions counts answers dropped to stay
	// within the cache's limits (not those dropped by writes);
	// ReadCacheInvalidations counts the write transactions that emptied the
	// cache, ReadCacheScopedDrops those that dropped only the answers their
	// writes' tags name and the untagged ones (Store.WriteTagged).
	ReadCacheHits, ReadCacheMisses, ReadCacheEvictions, ReadCacheInvalidations, ReadCacheScopedDrops uint64
	// TokenCacheHits and TokenCacheMisses count token lookups answered
	// without and with a database query.
	TokenCacheHits, TokenCacheMisses uint64
	// UploadBytes counts bytes of uploaded files written to temp files;
	// UploadsInFlight is the number of files being received now.
	UploadBytes     uint64
	UploadsInFlight int64
}

// storeStats holds the counters behind Stats.
type storeStats struct {
	writeQueue                                                 atomic.Int64
	writeBatches                                               atomic.Uint64
	cacheHits, cacheMisses, cacheEvictions, cacheInvalidations atomic.Uint64
	tokenHits, tokenMisses                                     atomic.Uint64
	uploadBytes                                                atomic.Uint64
	uploadsInFlight                                            atomic.Int64
	writeWait                                                  atomic.Pointer[func(time.Duration)]
}

// Stats returns the current counters.
func (s *Store) Stats() Stats {
	st := &s.stats
	return Stats{
		WriteQueueDepth:        st.writeQueue.Load(),
		WriteTransactions:      st.writeBatches.Load(),
		ReadCacheHits:          st.cacheHits.Load(),
		ReadCacheMisses:        st.cacheMisses.Load(),
		ReadCacheEvictions:     s.reads.evictions.Load(),
		ReadCacheInvalidations: s.reads.invalidations.Load(),
		ReadCacheScopedDrops:   s.reads.scoped.Load(),
		TokenCacheHits:         st.tokenHits.Load(),
		TokenCacheMisses:       st.tokenMisses.Load(),
		UploadBytes:            st.uploadBytes.Load(),
		UploadsInFlight:        st.uploadsInFlight.Load(),
	}
}

// ObserveWriteWait makes every write report how long it waited for the
// single writer (until its transaction began) (f must be safe for concurrent use; nil stops).
func (s *Store) ObserveWriteWait(f func(time.Duration)) {
	if f == nil {
		s.stats.writeWait.Store(nil)
		return
	}
	s.stats.writeWait.Store(&f)
}

// writeQueued counts a write transaction into the queue and returns the
// function that reports its wait once it holds the writer.
func (st *storeStats) writeQueued() (admitted func()) {
	st.writeQueue.Add(1)
	start := time.Now()
	return func() {
		if f := st.writeWait.Load(); f != nil {
			(*f)(time.Since(start))
		}
	}
}

// uploadReader counts the bytes read through it as upload bytes.
type uploadReader struct {
	r  io.Reader
	st *storeStats
}

func (u uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	u.st.uploadBytes.Add(uint64(max(n, 0)))
	return n, err
}
