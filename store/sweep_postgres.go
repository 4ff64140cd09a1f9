package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// On PostgreSQL several nodes share the blob store, and a node's sweep
// cannot see another node's uploads in progress (isStaged) nor wait for
// its write transactions (there is no write turn across processes). So
// every upload first records its attachment id in pending_blobs, commits
// that row, and only then creates its blob; the transaction that adds the
// attachment row deletes the pending row. At every moment a blob that is
// not a leftover therefore has a committed row in one of the two tables,
// and one query over both (one snapshot) tells the sweep which blobs are
// leftovers. The uploading node touches its pending rows every
// pendingTouchEvery; a row not touched for pendingLease belongs to a node
// that died, and its blob is a leftover.

// pendingBlob is a row of pending_blobs: the attachment id of an upload in
// progress on some node (PostgreSQL only).
type pendingBlob struct {
	ID        string    `gorm:"primaryKey;type:text"`
	TouchedAt time.Time `gorm:"not null"`
}

func (pendingBlob) TableName() string { return "pending_blobs" }

// Timings of pending rows: a live upload touches its row every
// pendingTouchEvery; a row older than pendingLease is a dead node's.
var (
	pendingTouchEvery = time.Minute
	pendingLease      = 5 * time.Minute
)

// SweepLockID is the PostgreSQL advisory lock held by the node sweeping
// the blob store, so that only one node sweeps at a time.
const SweepLockID = 0x5e55_1011_0002

// addPending records id as an upload in progress and keeps touching its
// row until the returned stop is called (PostgreSQL only; elsewhere both
// do nothing).
func (s *Store) addPending(ctx context.Context, id string) (stop func(), err error) {
	if s.dialect != Postgres {
		return func() {}, nil
	}
	if err := s.W.WithContext(ctx).Exec("INSERT INTO pending_blobs (id, touched_at) VALUES (?, now())", id).Error; err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(pendingTouchEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = s.W.Exec("UPDATE pending_blobs SET touched_at = now() WHERE id = ?", id).Error
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }, nil
}

// dropPending deletes the pending rows of ids through db (a write
// transaction that adds their attachment rows, or the pool once their
// blobs are gone).
func (s *Store) dropPending(db *gorm.DB, ids []string) error {
	if s.dialect != Postgres || len(ids) == 0 {
		return nil
	}
	return db.Where("id IN ?", ids).Delete(&pendingBlob{}).Error
}

// sweepPostgres is SweepBlobs on PostgreSQL: under the advisory lock
// SweepLockID (a node that does not get it at once sweeps nothing: another
// node is sweeping), it removes every blob whose id has neither an
// attachment row nor a live pending row, sparing blobs last written less
// than olderThan ago, then the pending rows of dead nodes.
func (s *Store) sweepPostgres(ctx context.Context, olderThan time.Duration) (int, error) {
	pool, err := s.W.DB()
	if err != nil {
		return 0, err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", SweepLockID).Scan(&got); err != nil || !got {
		return 0, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", SweepLockID)

	blobs := s.Blobs()
	cutoff := time.Now().Add(-olderThan)
	type candidate struct{ name, id string }
	var cands []candidate
	err = blobs.List(ctx, func(b BlobInfo) {
		if s.isStaged(b.Writer) || (olderThan > 0 && !b.ModTime.IsZero() && !b.ModTime.Before(cutoff)) {
			return
		}
		id := b.Writer
		if id == "" {
			id = b.Name
		}
		cands = append(cands, candidate{b.Name, strings.TrimPrefix(id, atlasTempPrefix)})
	})
	if err != nil {
		return 0, err
	}
	removed := 0
	const batch = 500
	for len(cands) > 0 {
		n := min(batch, len(cands))
		ids := make([]string, n)
		for i, c := range cands[:n] {
			ids[i] = c.id
		}
		live, err := liveBlobIDs(ctx, conn, ids)
		if err != nil {
			return removed, err
		}
		for _, c := range cands[:n] {
			if !live[c.id] && blobs.Remove(ctx, c.name) == nil {
				removed++
			}
		}
		cands = cands[n:]
	}
	_, err = conn.ExecContext(ctx, "DELETE FROM pending_blobs WHERE touched_at < now() - make_interval(secs => $1)", pendingLease.Seconds())
	return removed, err
}

// liveBlobIDs returns which of ids have an attachment row or a pending
// row touched within pendingLease, read in one statement (one snapshot):
// the transaction that adds an attachment row deletes its pending row, so
// a blob being committed is seen through one of them.
func liveBlobIDs(ctx context.Context, conn *sql.Conn, ids []string) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, `SELECT id FROM atlas_attachments WHERE id = ANY($1)
		UNION SELECT id FROM pending_blobs WHERE id = ANY($1) AND touched_at >= now() - make_interval(secs => $2)`,
		ids, pendingLease.Seconds())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	live := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		live[id] = true
	}
	return live, rows.Err()
}
