package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// On SQLite, asking the database for the revocation generation on every
// request (a read transaction: file locks and a page read after each
// commit) was 15 % of the CPU of a cached answer. Every revocation, after
// its commit, also appends one byte to a file beside the database; a
// request checks that file and reads the generation again only when the
// file changed since the generation was last read. The file only grows,
// so a revocation always changes it; while there is no such file, every
// request reads the generation as before. On PostgreSQL nodes share no
// file, and every request reads it.

// revocationsName is the signal file in the data directory.
const revocationsName = "sessionhub.db-revocations"

// revocationSignal is the signal file of one Store, held open, and the
// generation it last read with the file's state at that moment. A
// request's check is one fstat of the open file: a stat by its path cost
// five times as much. The file at the path is opened again when the open
// one was removed or replaced.
type revocationSignal struct {
	path string
	file atomic.Pointer[os.File] // nil until the file could be opened
	mu   sync.Mutex              // opening the file again
	// old are the files replaced at the path, closed with the signal: a
	// request may still be checking one.
	old  []*os.File
	seen atomic.Pointer[seenGeneration]
}

// seenGeneration is a generation and the state of the signal file
// checked before it was read.
type seenGeneration struct {
	state signalState
	gen   int64
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
// when the file changed since the last read (or there is no file).
func (r *revocationSignal) generation(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	st, ok := r.state()
	if !ok {
		return read(ctx)
	}
	if s := r.seen.Load(); s != nil && s.state == st {
		return s.gen, nil
	}
	gen, err := read(ctx)
	if err != nil {
		return 0, err
	}
	// A revocation that lands between the check and the read changes the
	// file again, so the pair stored here never hides it.
	r.seen.Store(&seenGeneration{state: st, gen: gen})
	return gen, nil
}

// state returns the state of the file at the signal's path: through the
// open file while it is still there, else through the file opened again;
// false if there is none.
func (r *revocationSignal) state() (signalState, bool) {
	if f := r.file.Load(); f != nil {
		if st, linked, err := stateOf(f, r.path); err == nil && linked {
			return st, true
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f, err := os.Open(r.path)
	if err != nil {
		return signalState{}, false
	}
	if cur := r.file.Swap(f); cur != nil {
		r.old = append(r.old, cur)
	}
	st, linked, err := stateOf(f, r.path)
	return st, err == nil && linked
}

// close closes the files the signal opened.
func (r *revocationSignal) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	if f := r.file.Swap(nil); f != nil {
		errs = append(errs, f.Close())
	}
	for _, f := range r.old {
		errs = append(errs, f.Close())
	}
	r.old = nil
	return errors.Join(errs...)
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
