package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// BlobStore keeps the bytes of Atlas attachments, one blob per attachment
// id, and the staged blobs of uploads in progress. It only moves bytes: the
// attachment rows decide which blobs are attachments, and SweepBlobs
// removes the blobs no row points to. The default is a directory in the
// data dir (see Store.SetBlobs); S3Blobs keeps them in an S3 bucket.
type BlobStore interface {
	// Create starts a staged blob that will become the bytes of attachment
	// id once Commit has run. The bytes are stored when the writer's Close
	// returns nil.
	Create(ctx context.Context, id string) (BlobWriter, error)
	// Commit makes the staged blob the bytes of attachment id. It runs in
	// the transaction that adds the attachment row (on SQLite while that
	// transaction holds the write turn); the row, not the blob, makes it
	// visible. On PostgreSQL that transaction may run again after a
	// conflict, so committing a blob already committed must succeed.
	Commit(ctx context.Context, staged, id string) error
	// Open opens the bytes of attachment id for reading, with Seek for
	// ranged reads. It returns ErrNotFound when there are none.
	Open(ctx context.Context, id string) (io.ReadSeekCloser, error)
	// Remove deletes the blob called name: an attachment id, a staged name
	// (BlobWriter.Staged) or a BlobInfo.Name. Removing what is not there
	// is not an error.
	Remove(ctx context.Context, name string) error
	// List calls fn with every blob there is, staged ones (and the
	// incomplete uploads a crash left) included.
	List(ctx context.Context, fn func(BlobInfo)) error
	// Describe names the place of the blobs for logs and messages.
	Describe() string
}

// BlobWriter is a staged blob being written.
type BlobWriter interface {
	io.Writer
	// Staged is the name of the staged blob, for Commit and Remove. While
	// the upload runs and until Commit, the sweep spares every blob whose
	// BlobInfo.Writer is this name.
	Staged() string
	// Close finishes the blob: once it returns nil the bytes are stored.
	Close() error
	// Abort gives up the blob, removing what was written.
	Abort()
}

// BlobInfo is one blob as List reports it.
type BlobInfo struct {
	// Name is what Remove takes.
	Name string
	// Staged is true for the blob of an upload not committed yet: a temp
	// file, or an incomplete multipart upload.
	Staged bool
	// Writer is the BlobWriter.Staged name of the upload this blob comes
	// from, when that is known; the sweep spares it while that upload is
	// in progress in this process.
	Writer string
	// ModTime is when the blob was last written, or zero for a blob that
	// only ever changes under the write turn (the sweep checks those
	// against the rows whatever their age).
	ModTime time.Time
}

// SetBlobs makes b the place of the attachments' bytes, instead of the
// blobs/atlas directory in the data dir. Call it after Open, before
// serving.
func (s *Store) SetBlobs(b BlobStore) { s.blobs = b }

// Blobs returns the place of the attachments' bytes.
func (s *Store) Blobs() BlobStore {
	if s.blobs != nil {
		return s.blobs
	}
	return &localBlobs{dir: s.atlasBlobDir(), st: s}
}

// localBlobs keeps each attachment's bytes in a file of dir named by its
// id; an upload writes a temp file there and Commit renames it into place.
type localBlobs struct {
	dir string
	st  *Store // for the free-space floor
}

func (l *localBlobs) Describe() string { return l.dir }

// Create writes the temp file atlasTempPrefix+id in the blob directory
// (named by the id, so the sweep knows whose it is), checking the
// free-space floor every few MiB.
func (l *localBlobs) Create(_ context.Context, id string) (BlobWriter, error) {
	if err := os.MkdirAll(l.dir, 0o750); err != nil {
		return nil, storageFull(err)
	}
	f, err := os.OpenFile(l.path(atlasTempPrefix+id), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, storageFull(err)
	}
	return &localBlobWriter{f: f, w: &freeSpaceWriter{w: f, st: l.st}}, nil
}

// Commit renames the temp file into place. Committing again what is
// already in place (a transaction run a second time) succeeds.
func (l *localBlobs) Commit(_ context.Context, staged, id string) error {
	err := os.Rename(filepath.Join(l.dir, staged), l.path(id))
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(l.path(id)); serr == nil {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("move upload into place: %w", err)
	}
	return nil
}

func (l *localBlobs) Open(_ context.Context, id string) (io.ReadSeekCloser, error) {
	f, err := os.Open(l.path(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (l *localBlobs) Remove(_ context.Context, name string) error {
	err := os.Remove(l.path(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

func (l *localBlobs) List(_ context.Context, fn func(BlobInfo)) error {
	entries, err := os.ReadDir(l.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if !strings.HasPrefix(e.Name(), atlasTempPrefix) {
			// Renamed into place under the write turn only.
			fn(BlobInfo{Name: e.Name()})
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		fn(BlobInfo{Name: e.Name(), Staged: true, Writer: e.Name(), ModTime: info.ModTime()})
	}
	return nil
}

// path is the file of a blob name, which never leaves the directory.
func (l *localBlobs) path(name string) string {
	return filepath.Join(l.dir, filepath.Base(name))
}

// localBlobWriter is an upload's temp file.
type localBlobWriter struct {
	f *os.File
	w io.Writer
}

func (w *localBlobWriter) Write(p []byte) (int, error) { return w.w.Write(p) }
func (w *localBlobWriter) Staged() string              { return filepath.Base(w.f.Name()) }
func (w *localBlobWriter) Close() error                { return w.f.Close() }
func (w *localBlobWriter) Abort() {
	_ = w.f.Close()
	_ = os.Remove(w.f.Name())
}
