package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// ErrBlobTooLarge means an uploaded file is larger than the limit.
var ErrBlobTooLarge = errors.New("store: file too large")

// atlasBlobDir holds the Atlas attachments' bytes, one file per attachment
// named by its id, and the temp files of uploads in progress.
func (s *Store) atlasBlobDir() string { return filepath.Join(s.BlobDir, "atlas") }

func (s *Store) atlasBlobPath(attachmentID string) string {
	return filepath.Join(s.atlasBlobDir(), attachmentID)
}

// StagedBlob is an uploaded file stored as a staged blob (a temp file
// in the blob directory, or an object in the bucket), not yet an
// attachment. Call Discard when done with it: after BlobsCommitted
// has taken it, Discard does nothing.
type StagedBlob struct {
	st *Store
	// id is the attachment id its row will get; staged names the staged
	// blob ("" once committed or discarded).
	id, staged string
	// unpend stops touching the blob's pending row (PostgreSQL).
	unpend func()
	Size   int64
	SHA256 string
	// Head is the first bytes of the file, for content sniffing.
	Head []byte
}

// Discard removes the staged blob if it is still there.
func (b *StagedBlob) Discard() {
	if b != nil && b.staged != "" {
		_ = b.st.Blobs().Remove(context.Background(), b.staged)
		b.st.unstage(b.staged)
		b.staged = ""
		b.unpend()
		// The blob is gone: its pending row only keeps it from the sweep.
		_ = b.st.dropPending(b.st.W, []string{b.id})
	}
}

// ID is the attachment id the blob's row gets.
func (b *StagedBlob) ID() string { return b.id }

// CommitBlobs makes the staged blobs the bytes of their attachments (each
// under its ID), inside tx, the Write transaction that adds their rows:
// it deletes their pending rows, then commits each blob, last, so that a
// failure rolls the rows back. committed is called with the ID of every
// blob committed, also by an attempt whose transaction then fails (those
// are to be removed). Once the transaction has committed, call
// BlobsCommitted.
//
// A crash between a commit and the COMMIT leaves a blob that no row
// points to; SweepBlobs removes it. On SQLite the commits run while this
// transaction holds the write turn, which the sweep takes too; on
// PostgreSQL the pending rows this transaction deletes stay visible until
// it commits (sweepPostgres). Either way the sweep never sees a blob whose
// row is about to be committed.
func (s *Store) CommitBlobs(ctx context.Context, tx *gorm.DB, staged []*StagedBlob, committed func(id string)) error {
	ids := make([]string, len(staged))
	for i, b := range staged {
		ids[i] = b.id
	}
	if err := s.dropPending(tx, ids); err != nil {
		return err
	}
	blobs := s.Blobs()
	for _, b := range staged {
		if err := blobs.Commit(ctx, b.staged, b.id); err != nil {
			return err
		}
		committed(b.id)
	}
	return nil
}

// BlobsCommitted tells the staged blobs that the transaction of
// CommitBlobs has committed: they are attachments now, which Discard
// leaves alone.
func (s *Store) BlobsCommitted(staged []*StagedBlob) {
	for _, b := range staged {
		s.unstage(b.staged)
		b.staged = ""
		b.unpend()
	}
}

// RemoveBlobs deletes the bytes of deleted attachments. A blob that
// cannot be removed is only wasted space, which the sweep takes back, so
// errors are ignored.
func (s *Store) RemoveBlobs(ids []string) {
	blobs := s.Blobs()
	for _, id := range ids {
		_ = blobs.Remove(context.Background(), id)
	}
}

// stage and unstage record the staged blobs of uploads in progress, which
// the periodic sweep must spare however old they are.
func (s *Store) stage(name string) {
	s.stagingMu.Lock()
	s.staging[name] = struct{}{}
	s.stagingMu.Unlock()
}

func (s *Store) unstage(name string) {
	s.stagingMu.Lock()
	delete(s.staging, name)
	s.stagingMu.Unlock()
}

func (s *Store) isStaged(name string) bool {
	if name == "" {
		return false
	}
	s.stagingMu.Lock()
	defer s.stagingMu.Unlock()
	_, ok := s.staging[name]
	return ok
}

// freeSpaceCheckEvery is how many bytes an upload writes between two
// checks of the free-space floor.
const freeSpaceCheckEvery = 8 << 20

// StageBlob streams r into a staged blob (see SetBlobs), hashing it
// on the way, without holding more than a few buffers in memory. When r
// has more than maxBytes bytes it stops reading, removes the staged blob
// and returns ErrBlobTooLarge. When the disk fills up, or free space
// falls below the floor (checked before the first byte and, for blobs in
// the data dir, every few MiB), it removes the staged blob and returns
// ErrStorageFull.
func (s *Store) StageBlob(ctx context.Context, r io.Reader, maxBytes int64) (*StagedBlob, error) {
	s.stats.uploadsInFlight.Add(1)
	defer s.stats.uploadsInFlight.Add(-1)
	r = uploadReader{r, &s.stats}
	if err := s.CheckFreeSpace(0); err != nil {
		return nil, err
	}
	b := &StagedBlob{st: s, id: uuid.NewString()}
	// On PostgreSQL the pending row is committed before the blob exists,
	// so no node's sweep takes the blob for a leftover (sweepPostgres).
	unpend, err := s.addPending(ctx, b.id)
	if err != nil {
		return nil, err
	}
	b.unpend = unpend
	w, err := s.Blobs().Create(ctx, b.id)
	if err != nil {
		unpend()
		_ = s.dropPending(s.W, []string{b.id})
		return nil, err
	}
	b.staged = w.Staged()
	s.stage(b.staged)
	head := &atlasHeadWriter{max: 512}
	n, sum, err := copyHashing(io.MultiWriter(w, head), &limitReader{r: r, n: maxBytes})
	if err != nil {
		w.Abort()
	} else {
		err = w.Close()
	}
	if err != nil {
		b.Discard()
		return nil, storageFull(err)
	}
	b.Size, b.SHA256, b.Head = n, hex.EncodeToString(sum), head.buf
	return b, nil
}

// limitReader reads r until EOF, failing with ErrBlobTooLarge as soon
// as r has more than n bytes, so that a blob writer gives up its upload
// instead of storing the first n+1 bytes.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	m, err := l.r.Read(p)
	if l.n -= int64(m); l.n < 0 {
		return 0, ErrBlobTooLarge
	}
	return m, err
}

// freeSpaceWriter writes to w and checks the free-space floor every
// freeSpaceCheckEvery bytes.
type freeSpaceWriter struct {
	w     io.Writer
	st    *Store
	since int
}

func (w *freeSpaceWriter) Write(p []byte) (int, error) {
	if w.since += len(p); w.since >= freeSpaceCheckEvery {
		w.since = 0
		if err := w.st.CheckFreeSpace(int64(len(p))); err != nil {
			return 0, err
		}
	}
	return w.w.Write(p)
}

// copyHashBufs and copyHashBufSize bound copyHashing's memory: 4 x 256 KiB.
const (
	copyHashBufs    = 4
	copyHashBufSize = 256 << 10
)

// copyHashing copies r to w like io.Copy and returns the SHA-256 of the
// bytes. The hash runs in its own goroutine on buffers handed over from the
// copy loop, so hashing overlaps reading the request and writing the file
// instead of adding to them.
func copyHashing(w io.Writer, r io.Reader) (int64, []byte, error) {
	free := make(chan []byte, copyHashBufs)
	for range copyHashBufs {
		free <- make([]byte, copyHashBufSize)
	}
	work := make(chan []byte, copyHashBufs)
	sumc := make(chan []byte, 1)
	go func() {
		h := sha256.New()
		for b := range work {
			h.Write(b)
			free <- b[:cap(b)]
		}
		sumc <- h.Sum(nil)
	}()
	var n int64
	var err error
	for {
		buf := <-free
		m, rerr := io.ReadFull(r, buf)
		if m > 0 {
			if _, werr := w.Write(buf[:m]); werr != nil {
				err = werr
				free <- buf
				break
			}
			n += int64(m)
			work <- buf[:m]
		} else {
			free <- buf
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	close(work)
	return n, <-sumc, err
}

// atlasHeadWriter keeps the first max bytes written to it.
type atlasHeadWriter struct {
	buf []byte
	max int
}

func (w *atlasHeadWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// atlasTempPrefix starts the names of upload temp files.
const atlasTempPrefix = ".upload-"

// SweepBlobs removes what crashes and failed removals leave in the
// blob store (SetBlobs) and reports how many blobs it removed: staged
// blobs (upload temp files, incomplete multipart uploads) last written
// more than olderThan ago that no upload of this process is writing, and
// attachment blobs that no attachment row points to (in a bucket, those
// too only when older than olderThan and not an upload of this process).
//
// At startup, under the data-dir lock, call it with olderThan 0: no other
// process writes there, so every staged blob is a leftover. While serving,
// pass the stall timeout: an upload whose body stalls that long has been
// cut. Attachment blobs are checked against the database while holding
// the write turn, so a blob committed by a transaction that has not
// committed yet is never taken for a leftover.
//
// On PostgreSQL only one node sweeps at a time, and what it spares is
// decided by the rows of pending uploads instead (sweepPostgres).
func (s *Store) SweepBlobs(ctx context.Context, olderThan time.Duration) (int, error) {
	if s.dialect == Postgres {
		return s.sweepPostgres(ctx, olderThan)
	}
	blobs := s.Blobs()
	cutoff := time.Now().Add(-olderThan)
	var staged, names []string
	err := blobs.List(ctx, func(b BlobInfo) {
		if s.isStaged(b.Writer) || (olderThan > 0 && !b.ModTime.IsZero() && !b.ModTime.Before(cutoff)) {
			return
		}
		if b.Staged {
			staged = append(staged, b.Name)
		} else {
			names = append(names, b.Name)
		}
	})
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, name := range staged {
		if blobs.Remove(ctx, name) == nil {
			removed++
		}
	}
	// A first pass without the write turn narrows the blobs down to the
	// few without a row; the second re-checks those under the turn.
	orphans, err := s.unreferencedBlobs(s.R.WithContext(ctx), names)
	if err != nil || len(orphans) == 0 {
		return removed, err
	}
	select {
	case s.wturn <- struct{}{}:
	case <-ctx.Done():
		return removed, ctx.Err()
	}
	defer func() { <-s.wturn }()
	orphans, err = s.unreferencedBlobs(s.W.WithContext(ctx), orphans)
	for _, name := range orphans {
		if blobs.Remove(ctx, name) == nil {
			removed++
		}
	}
	return removed, err
}

// unreferencedBlobs returns the names among names that are not the id
// of an attachment.
func (s *Store) unreferencedBlobs(db *gorm.DB, names []string) ([]string, error) {
	var out []string
	const batch = 500
	for len(names) > 0 {
		n := min(batch, len(names))
		var found []string
		if err := db.Table("atlas_attachments").Where("id IN ?", names[:n]).Pluck("id", &found).Error; err != nil {
			return nil, err
		}
		known := make(map[string]bool, len(found))
		for _, id := range found {
			known[id] = true
		}
		for _, name := range names[:n] {
			if !known[name] {
				out = append(out, name)
			}
		}
		names = names[n:]
	}
	return out, nil
}

// SweepBlobsEvery runs SweepBlobs(ctx, olderThan) every interval
// until ctx ends, logging what it removed through logf.
func (s *Store) SweepBlobsEvery(ctx context.Context, interval, olderThan time.Duration, logf func(removed int, err error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.SweepBlobs(ctx, olderThan)
			if (n > 0 || err != nil) && ctx.Err() == nil {
				logf(n, err)
			}
		}
	}
}
