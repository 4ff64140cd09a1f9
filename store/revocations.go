package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// On SQLite, asking the database for the revocation generation on every
// request (a read transaction: file locks and a page read after each
// commit) was 15 % of the CPU of a cached answer. Every revocation, after
// its commit, also appends one byte to a file beside the database; a
// request stats that file and reads the generation again only when the
// file changed since the generation was last read. The file only grows,
// so a revocation always changes it; when it cannot be stat'ed, every
// request reads the generation as before. On PostgreSQL nodes share no
// file, and every request reads it.

// revocationsName is the signal file in the data directory.
const revocationsName = "sessionhub.db-revocations"

// revocationSignal is the signal file of one Store and the generation it
// last read with the file's state at that moment.
type revocationSignal struct {
	path string
	seen atomic.Pointer[seenGeneration]
}

// seenGeneration is a generation and the state of the signal file stat'ed
// before it was read.
type seenGeneration struct {
	size    int64
	modTime time.Time
	gen     int64
}

// openRevocationSignal creates the signal file in dataDir if it is not
// there, without touching it otherwise.
func openRevocationSignal(dataDir string) (*revocationSignal, error) {
	p := filepath.Join(dataDir, revocationsName)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("revocation signal: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("revocation signal: %w", err)
	}
	return &revocationSignal{path: p}, nil
}

// generation returns the revocation generation, reading it with read only
// when the file changed since the last read (or cannot be stat'ed).
func (r *revocationSignal) generation(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	fi, err := os.Stat(r.path)
	if err != nil {
		return read(ctx)
	}
	if s := r.seen.Load(); s != nil && s.size == fi.Size() && s.modTime.Equal(fi.ModTime()) {
		return s.gen, nil
	}
	gen, err := read(ctx)
	if err != nil {
		return 0, err
	}
	// A revocation that lands between the stat and the read changes the
	// file again, so the pair stored here never hides it.
	r.seen.Store(&seenGeneration{size: fi.Size(), modTime: fi.ModTime(), gen: gen})
	return gen, nil
}

// signal tells the other processes on this database that a revocation
// committed. The file is never created here: if it is gone, servers
// already read the generation on every request.
func (r *revocationSignal) signal() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = f.Write([]byte{'\n'})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
