// Package store owns sessionhub's persistence: the GORM models, their
// queries and migrations on SQLite, and the file blobs of uploaded attachments.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Sentinel errors that the server maps to HTTP statuses in one place.
var (
	// ErrNotFound means the record does not exist or is not visible to the caller.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict means a uniqueness rule would be broken.
	ErrConflict = errors.New("store: conflict")
	// ErrForbidden means the record is visible but the caller may not change it.
	ErrForbidden = errors.New("store: forbidden")
	// ErrUnauthorized means the credentials (token, password) are wrong.
	ErrUnauthorized = errors.New("store: bad credentials")
)

// ValidationError carries per-field messages for input that the spec cannot
// express (references that must exist, business rules).
type ValidationError struct {
	Fields map[string][]string
}

// Error renders the fields for logs.
func (e *ValidationError) Error() string { return fmt.Sprintf("store: invalid input: %v", e.Fields) }

// Invalid returns a ValidationError for one field.
func Invalid(field, msg string) *ValidationError {
	return &ValidationError{Fields: map[string][]string{field: {msg}}}
}

// Store holds the two connection pools over one SQLite database and the blob
// directory. W has exactly one connection: every write goes through it, so
// writers queue in Go instead of failing with "database is locked". R is a
// pool of read-only connections for queries.
type Store struct {
	W       *gorm.DB
	R       *gorm.DB
	BlobDir string

	tokens tokenCache
	// genStmt reads the token revocation generation (tokenGeneration).
	genStmt *sql.Stmt
	// compareHash is bcrypt.CompareHashAndPassword; tests count its calls.
	compareHash func(hash, password []byte) error
	reads       readCache
	// wturn admits one write transaction at a time, in arrival order:
	// database/sql hands a busy pool's connection to a random waiter, which
	// under load gives a few writes very long waits.
	wturn chan struct{}

	// minFreeBytes is the free-space floor of uploads (SetMinFreeBytes).
	minFreeBytes atomic.Int64
	// staging holds the paths of upload temp files being written or
	// waiting for their transaction, which the periodic sweep spares.
	stagingMu sync.Mutex
	staging   map[string]struct{}

	stats storeStats
}

// Open creates dataDir, the database file and the blob directory if they do
// not exist, runs the migrations and returns a ready Store.
func Open(dataDir string) (*Store, error) {
	blobDir := filepath.Join(dataDir, "blobs")
	if err := os.MkdirAll(blobDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	dbPath := filepath.Join(dataDir, "sessionhub.db")
	const pragmas = "_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=on&_busy_timeout=10000"
	// PrepareStmt keeps each connection's statements prepared: the same few
	// queries run on every request, and preparing them is a large share of
	// a request's cost on SQLite.
	cfg := &gorm.Config{TranslateError: true, Logger: logger.Discard, PrepareStmt: true}

	w, err := gorm.Open(sqlite.Open("file:"+dbPath+"?"+pragmas+"&_txlock=immediate"), cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, err
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)

	r, err := gorm.Open(sqlite.Open("file:"+dbPath+"?"+pragmas+"&mode=ro"), cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	rdb, err := r.DB()
	if err != nil {
		return nil, err
	}
	n := max(4, 2*runtime.NumCPU())
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)

	s := &Store{W: w, R: r, BlobDir: blobDir, wturn: make(chan struct{}, 1), staging: map[string]struct{}{}, compareHash: bcrypt.CompareHashAndPassword}
	s.reads.maxBytes = DefaultReadCacheBytes
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if s.genStmt, err = rdb.Prepare("SELECT token_generation FROM auth_states WHERE id = 1"); err != nil {
		s.Close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return s, nil
}

// models lists every table; each API adds its own in its own file.
func models() []any {
	m := []any{&User{}, &Token{}, &authState{}, &WebSession{}, &AuditEvent{}}
	m = append(m, atlasModels()...)
	m = append(m, brainstemModels()...)
	return m
}

func (s *Store) migrate() error {
	return s.W.AutoMigrate(models()...)
}

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.genStmt != nil {
		errs = append(errs, s.genStmt.Close())
	}
	for _, g := range []*gorm.DB{s.W, s.R} {
		if db, err := g.DB(); err == nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// notFound turns gorm.ErrRecordNotFound into ErrNotFound and keeps other errors.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// write runs fn in a transaction on the single writer connection. Writers
// queue first come, first served. A full disk or database is reported as
// ErrStorageFull.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	admitted := s.stats.writeQueued()
	defer s.stats.writeQueue.Add(-1)
	select {
	case s.wturn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	admitted()
	defer func() { <-s.wturn }()
	// Emptied after the transaction has ended (committed or not) and
	// before the caller answers, so its client reads its own write.
	defer s.reads.invalidate()
	err := storageFull(s.W.WithContext(ctx).Transaction(fn))
	if err != nil && ctx.Err() != nil {
		// database/sql rolls the transaction back when ctx ends (the
		// client hung up), and the statements after that fail with
		// sql.ErrTxDone: report the cause, not the symptom.
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}
