// Package store is the core of sessionhub's persistence, shared by the
// APIs' packages (store/atlas, store/brainstem): opening SQLite or
// PostgreSQL and the versioned migrations (each API hands in its tables,
// Options.Tables), the write queue (Store.Write) and the read pool, users,
// tokens and web sessions, the read cache, the audit table, and the file
// blobs of uploaded attachments with their sweep, backup and copy.
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

	"github.com/mattn/go-sqlite3"
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
	// ErrBusy means a write kept colliding with concurrent ones (PostgreSQL
	// aborted it for a serialization conflict every time it was retried);
	// nothing was stored and the client may try again.
	ErrBusy = errors.New("store: too many concurrent conflicting writes")
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

// Store holds sessionhub's database connections and the blob directory.
//
// On SQLite (the embedded default) W and R are two pools over one
// database file: W has exactly one connection and every write goes
// through it, so writers queue in Go instead of failing with "database is
// locked"; R is a pool of read-only connections for queries.
//
// On PostgreSQL W and R are the same pool: the server takes care of
// concurrent writers, and each write is an ordinary transaction (write).
type Store struct {
	W       *gorm.DB
	R       *gorm.DB
	BlobDir string

	// dialect is the database W and R talk to.
	dialect Dialect
	// applied lists the migrations OpenWith applied (Migrated).
	applied []AppliedMigration
	// tables are the APIs' tables the migrations create (Options.Tables).
	tables []Tables

	tokens tokenCache
	// genStmt reads the token revocation generation (tokenGeneration).
	genStmt *sql.Stmt
	// authDB, on SQLite, is the pool genStmt runs on: connections that do
	// not map the file (see openSQLite).
	authDB *sql.DB
	// revocations, on SQLite, spares most requests reading the generation
	// (revocationSignal).
	revocations *revocationSignal
	// checkpoints, on SQLite, copies the WAL back into the database file
	// (the writer does not: see checkpointer).
	checkpoints *checkpointer
	// stmts are the statements Prepared prepared on R, by query.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
	// compareHash is bcrypt.CompareHashAndPassword; tests count its calls.
	compareHash func(hash, password []byte) error
	reads       readCache
	// wturn admits one write transaction at a time, in arrival order:
	// database/sql hands a busy pool's connection to a random waiter, which
	// under load gives a few writes very long waits.
	wturn chan struct{}
	// wqueue holds the write calls waiting for the write turn; the one
	// that gets it runs them all in one transaction (write).
	wmu    sync.Mutex
	wqueue []*queuedWrite

	// minFreeBytes is the free-space floor of uploads (SetMinFreeBytes).
	minFreeBytes atomic.Int64
	// staging holds the paths of upload temp files being written or
	// waiting for their transaction, which the periodic sweep spares.
	stagingMu sync.Mutex
	staging   map[string]struct{}
	// blobs keeps the attachments' bytes (SetBlobs); nil is the data dir.
	blobs BlobStore

	stats storeStats
}

// Dialect names the database a Store runs on.
type Dialect string

// The databases sessionhub runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Migrated returns the migrations that opening the store applied.
func (s *Store) Migrated() []AppliedMigration { return s.applied }

// Dialect returns the database the store runs on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Options say where Open finds the database and what it does with its schema.
type Options struct {
	// DataDir holds the blobs and, when DatabaseURL is empty, the SQLite
	// database (sessionhub.db). Open creates it if needed.
	DataDir string
	// DatabaseURL, when set, is a PostgreSQL URL (postgres://… or
	// postgresql://…; see IsPostgresURL) and the database lives there.
	DatabaseURL string
	// Migrate applies the pending migrations (Migrate). When false, Open
	// fails with a *SchemaError unless the schema is exactly at
	// SchemaVersion. In both cases a schema newer than this code knows is
	// refused.
	Migrate bool
	// Tables are the APIs' tables, each API's in its own Tables (the
	// core's own come first). Pass the same list, in the same order, at
	// every open of a database. A migration applied without an API's
	// tables is recorded all the same; a later migrating open that names
	// them creates the ones missing (as a fresh database has them).
	Tables []Tables
	// MmapBytes is how much of the SQLite database file each reader
	// connection maps into memory (PRAGMA mmap_size); 0 maps nothing.
	// Mapped, a read finds its B-tree pages in the kernel's page cache in
	// place, shared by every reader, where otherwise each connection
	// copies them into its own 2 MiB cache with a system call each: on
	// the bench's 100,000 sessions (a 300 MB database) the uncached
	// BrainSTEM reads ran 20-40 % faster against the same run's floor.
	// The mapped pages count in the process's resident memory. An I/O
	// error on a mapped page stops the process (SIGBUS) instead of
	// failing the read.
	MmapBytes int64
	// Readers is the number of SQLite reader connections, that is how
	// many reads run at once; 0 means DefaultReaders.
	Readers int
}

// DefaultReaders is the number of SQLite reader connections by default:
// one per CPU, at least two. Reads are CPU work in SQLite (the database
// file is mapped, see MmapBytes), so more connections than CPUs only run
// more of them at once, each slower; and the pool hands a freed
// connection to a random waiter, not the first, so each extra waiter
// lengthens the tail. On the bench's 2 CPUs, 4 connections served the
// uncached workflow read at the same rate as 2 with a longer p99.
func DefaultReaders() int { return max(2, runtime.NumCPU()) }

// Open opens (creating it if needed) the SQLite database in dataDir and
// its blob directory, applies the pending migrations with the APIs' tables
// (see Options.Tables) and returns a ready Store.
func Open(dataDir string, tables ...Tables) (*Store, error) {
	return OpenWith(Options{DataDir: dataDir, Migrate: true, Tables: tables})
}

// OpenWith opens the database o names, checks or migrates its schema (see
// Options.Migrate) and returns a ready Store.
func OpenWith(o Options) (*Store, error) {
	if err := checkTables(o.Tables); err != nil {
		return nil, err
	}
	blobDir := filepath.Join(o.DataDir, "blobs")
	if err := os.MkdirAll(blobDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	s := &Store{BlobDir: blobDir, tables: o.Tables, wturn: make(chan struct{}, 1), staging: map[string]struct{}{}, compareHash: bcrypt.CompareHashAndPassword}
	var err error
	if o.DatabaseURL != "" {
		err = s.openPostgres(o.DatabaseURL)
	} else {
		err = s.openSQLite(o.DataDir, o.MmapBytes, o.Readers)
	}
	if err != nil {
		return nil, err
	}
	if o.Migrate {
		s.applied, err = s.Migrate(context.Background())
	} else {
		err = s.checkSchema(context.Background())
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	rdb, err := s.R.DB()
	if err != nil {
		s.Close()
		return nil, err
	}
	if s.authDB != nil {
		rdb = s.authDB
	}
	if s.genStmt, err = rdb.Prepare("SELECT token_generation FROM auth_states WHERE id = 1"); err != nil {
		s.Close()
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return s, nil
}

// openSQLite opens the writer and the reader pools over dataDir's database.
func (s *Store) openSQLite(dataDir string, mmapBytes int64, readers int) error {
	s.dialect = SQLite
	dbPath := filepath.Join(dataDir, "sessionhub.db")
	const pragmas = "_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=on&_busy_timeout=10000"
	// PrepareStmt keeps each connection's statements prepared: the same few
	// queries run on every request, and preparing them is a large share of
	// a request's cost on SQLite. GORM keeps every statement it prepared
	// for a day unless bounded, and a list's text varies with the
	// caller's filters: without a bound, requests with ever new filter
	// shapes grew the memory of every connection.
	cfg := &gorm.Config{TranslateError: true, Logger: logger.Discard, PrepareStmt: true, PrepareStmtMaxSize: maxPreparedStatements}

	// The writer keeps its statements in the driver instead
	// (_stmt_cache_size: a statement closed after use goes back to the
	// connection's cache, keyed by its text). GORM's cache cannot serve
	// it: the writer runs everything in transactions, and a statement
	// GORM prepared in one transaction is prepared again by database/sql
	// in every later one (Tx.StmtContext of a statement bound to a
	// transaction), which was a third of the CPU of a BrainSTEM PATCH.
	wcfg := *cfg
	wcfg.PrepareStmt = false
	w, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: writerDriver(),
		DSN: fmt.Sprintf("file:%s?%s&_txlock=immediate&_stmt_cache_size=%d", dbPath, pragmas, maxPreparedStatements)}), &wcfg)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	wdb, err := w.DB()
	if err != nil {
		return err
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	s.W = w

	r, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: readerDriver(mmapBytes), DSN: "file:" + dbPath + "?" + pragmas + "&mode=ro"}), cfg)
	if err != nil {
		s.Close()
		return fmt.Errorf("open database: %w", err)
	}
	rdb, err := r.DB()
	if err != nil {
		s.Close()
		return err
	}
	n := readers
	if n <= 0 {
		n = DefaultReaders()
	}
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	s.R = r

	// Every authenticated request reads the revocation generation. After
	// each commit, SQLite drops a reader's whole memory map of the file on
	// its next statement and maps it again (pager.c,
	// pagerBeginReadTransaction): under a 90/10 mix that made the
	// generation check, often a request's only statement when its answer
	// is cached, 14 % of the CPU. These connections map nothing, so after
	// a commit they read again the few pages of one row.
	if s.authDB, err = sql.Open("sqlite3", "file:"+dbPath+"?"+pragmas+"&mode=ro"); err != nil {
		s.Close()
		return fmt.Errorf("open database: %w", err)
	}
	s.authDB.SetMaxOpenConns(n)
	s.authDB.SetMaxIdleConns(n)
	if s.revocations, err = openRevocationSignal(dataDir); err != nil {
		s.Close()
		return err
	}
	if s.checkpoints, err = startCheckpointer("file:"+dbPath+"?"+pragmas, s.wturn); err != nil {
		s.Close()
		return fmt.Errorf("open database: %w", err)
	}
	s.reads.maxBytes = DefaultReadCacheBytes
	return nil
}

// readerDriver is the name of the go-sqlite3 driver whose connections
// map mmapBytes of the database file (Options.MmapBytes), registered on
// first use; the plain driver for 0.
func readerDriver(mmapBytes int64) string {
	if mmapBytes <= 0 {
		return "sqlite3"
	}
	name := fmt.Sprintf("sqlite3_sessionhub_mmap_%d", mmapBytes)
	mmapDrivers.Lock()
	defer mmapDrivers.Unlock()
	if !mmapDrivers.registered[name] {
		pragma := fmt.Sprintf("PRAGMA mmap_size = %d", mmapBytes)
		sql.Register(name, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec(pragma, nil)
			return err
		}})
		mmapDrivers.registered[name] = true
	}
	return name
}

var mmapDrivers = struct {
	sync.Mutex
	registered map[string]bool
}{registered: map[string]bool{}}

// maxPreparedStatements bounds GORM's cache of prepared statements per
// pool and the writer's driver cache (least recently used first out):
// the hot statements are a few dozen.
const maxPreparedStatements = 256

// Close closes the database connections.
func (s *Store) Close() error {
	var errs []error
	stmts := []*sql.Stmt{s.genStmt}
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		stmts = append(stmts, st)
	}
	s.stmtMu.Unlock()
	for _, st := range stmts {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.authDB != nil {
		errs = append(errs, s.authDB.Close())
	}
	if s.checkpoints != nil {
		errs = append(errs, s.checkpoints.close())
	}
	if s.revocations != nil {
		errs = append(errs, s.revocations.close())
	}
	// The writer closes last: on SQLite the last connection to close
	// copies the WAL back and removes it, which a read-only one cannot.
	var pools []*gorm.DB
	if s.R != s.W {
		pools = append(pools, s.R)
	}
	pools = append(pools, s.W)
	for _, g := range pools {
		if g == nil {
			continue
		}
		if db, err := g.DB(); err == nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Prepared returns query prepared on the read pool, preparing it on the
// first call; Close closes it. For the few raw-SQL reads on every request,
// where GORM's own cost would show.
func (s *Store) Prepared(query string) (*sql.Stmt, error) {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	rdb, err := s.R.DB()
	if err != nil {
		return nil, err
	}
	st, err := rdb.Prepare(query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[query] = st
	return st, nil
}

// NotFound turns gorm.ErrRecordNotFound into ErrNotFound and keeps other errors.
func NotFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// Write runs fn in a transaction and returns once that transaction has
// committed (or fn's work was rolled back). fn must touch the database
// only through tx. A full disk or database is reported as ErrStorageFull.
//
// On PostgreSQL that is an ordinary SERIALIZABLE transaction, which is run
// again after a conflict with a concurrent one (writePostgres): fn may run
// more than once, so what it changes outside tx (variables it fills, files
// it moves) must allow that. On SQLite
// it runs on the single writer connection: writers queue first come,
// first served, and are committed in groups: whoever gets the write turn
// takes every queued write and runs them in one SQLite transaction, each
// inside its own savepoint, so a failing fn rolls back only its own work
// and gets its own error; then it commits once and answers each (see
// runBatch).
//
// Once it has committed, the write empties the read cache (see readCache).
//
// When ctx carries the audit row of an API request that no write of the
// request has written yet (AuditSlot), fn's savepoint writes it.
func (s *Store) Write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.apiWrite(ctx, fn, nil)
}

// WriteTagged is Write for a write that changes, of what tagged cached
// answers read (CachedTagged), only the records named by tags: it drops
// those answers and the untagged ones, and keeps the answers of other
// records.
func (s *Store) WriteTagged(ctx context.Context, tags []string, fn func(tx *gorm.DB) error) error {
	if tags == nil {
		tags = []string{}
	}
	return s.apiWrite(ctx, fn, tags)
}

// apiWrite is Write and WriteTagged: fn, then the audit row ctx carries
// (withAuditRow), through the queue.
func (s *Store) apiWrite(ctx context.Context, fn func(tx *gorm.DB) error, tags []string) error {
	fn, done := withAuditRow(ctx, fn)
	err := s.queueWrite(ctx, fn, true, tags)
	done(err)
	return err
}

// queueWrite is Write; with invalidates false the write changes nothing
// any cached answer depends on (audit rows), so it alone drops no cached
// answer; with tags not nil it changes only the records they name.
func (s *Store) queueWrite(ctx context.Context, fn func(tx *gorm.DB) error, invalidates bool, tags []string) error {
	if s.dialect == Postgres {
		return s.writePostgres(ctx, fn, invalidates)
	}
	admitted := s.stats.writeQueued()
	defer s.stats.writeQueue.Add(-1)
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &queuedWrite{ctx: ctx, fn: fn, admitted: admitted, invalidates: invalidates, tags: tags, done: make(chan struct{})}
	w.answer, _ = ctx.Value(writeAnswerKey{}).(*WriteAnswer)
	s.wmu.Lock()
	s.wqueue = append(s.wqueue, w)
	s.wmu.Unlock()
	select {
	case s.wturn <- struct{}{}:
		// The writes queued before w are done (their leader held the
		// turn), so w is in the queue until this call takes it.
		func() {
			defer func() { <-s.wturn }()
			s.runQueued()
		}()
	case <-w.done:
	case <-ctx.Done():
		if s.withdraw(w) {
			return ctx.Err()
		}
		// A leader has taken w; it rolls w back once fn returns.
	}
	<-w.done
	if w.panicked != nil {
		panic(w.panicked)
	}
	return w.err
}

// queuedWrite is one write call waiting in the group-commit queue.
type queuedWrite struct {
	ctx         context.Context
	fn          func(tx *gorm.DB) error
	admitted    func()
	invalidates bool
	tags        []string // nil: any record
	answer      *WriteAnswer
	// err and panicked are set before done is closed.
	err      error
	panicked any
	done     chan struct{}
}

// withdraw removes w from the queue if no leader has taken it yet.
func (s *Store) withdraw(w *queuedWrite) bool {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for i, q := range s.wqueue {
		if q == w {
			s.wqueue = append(s.wqueue[:i], s.wqueue[i+1:]...)
			return true
		}
	}
	return false
}

// runQueued runs every queued write; the caller holds the write turn.
func (s *Store) runQueued() {
	s.wmu.Lock()
	batch := s.wqueue
	s.wqueue = nil
	s.wmu.Unlock()
	for len(batch) > 0 {
		batch = s.runBatch(batch)
	}
}

// runBatch runs batch in one transaction, one savepoint per write (none
// for a write alone), commits once, then empties the read cache and
// answers each write. If SQLite
// ended the transaction itself (it may roll the whole transaction back on
// a full disk or an I/O error), the writes that ran are answered with that
// error and the ones not yet run are returned to run in a new transaction.
func (s *Store) runBatch(batch []*queuedWrite) (rest []*queuedWrite) {
	// The transaction and its statements belong to no single caller: an
	// interrupted statement would make SQLite roll back the whole
	// transaction, so a caller that hangs up is skipped before its turn
	// and rolled back to its savepoint after it (runSavepoint).
	ctx := context.WithoutCancel(batch[0].ctx)
	ran := batch
	// A write alone in its batch needs no savepoint (two statements more
	// per write, most writes under a light load): if it fails, its
	// transaction is rolled back instead.
	alone := len(batch) == 1
	err := storageFull(s.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i, w := range batch {
			w.admitted()
			if w.ctx.Err() != nil {
				w.err = w.ctx.Err()
				continue
			}
			w.err, w.panicked = runSavepoint(tx, w, !alone)
			if w.err == nil {
				continue
			}
			if alone {
				w.err = storageFull(w.err)
				return errWriteFailed
			}
			if rb := tx.Exec("ROLLBACK TO w").Error; rb != nil {
				// No savepoint left: SQLite has rolled the transaction
				// back, the earlier writes with it.
				ran, rest = batch[:i+1], batch[i+1:]
				return fmt.Errorf("transaction rolled back by SQLite: %w", w.err)
			}
			if rel := tx.Exec("RELEASE w").Error; rel != nil {
				ran, rest = batch[:i+1], batch[i+1:]
				return rel
			}
			w.err = storageFull(w.err)
		}
		return nil
	}))
	// Dropped after the transaction has ended (committed or not) and
	// before anyone is answered, so each client reads its own write.
	s.dropCached(ran)
	if err == nil {
		s.noteAnswers(ran)
	}
	s.stats.writeBatches.Add(1)
	for _, w := range ran {
		if err != nil && w.err == nil {
			// The commit failed: nothing of the batch is stored.
			w.err = err
		}
		close(w.done)
	}
	return rest
}

// dropCached drops the cached answers the writes may have changed: all
// of them if one write may change any record, else the untagged ones and
// those of the writes' tags.
func (s *Store) dropCached(ran []*queuedWrite) {
	var tags []string
	drop := false
	for _, w := range ran {
		if !w.invalidates {
			continue
		}
		if w.tags == nil {
			s.reads.invalidate()
			return
		}
		drop = true
		tags = append(tags, w.tags...)
	}
	if drop {
		s.reads.invalidateTags(tags)
	}
}

// errWriteFailed rolls back the transaction of a write alone in its batch
// that failed; the write keeps its own error.
var errWriteFailed = errors.New("store: the write failed")

// runSavepoint runs w.fn inside the savepoint "w" (released on success,
// left for the caller to roll back on failure), or without one if
// savepoint is false. A panic in fn is caught and returned, to be raised
// again in w's own goroutine.
func runSavepoint(tx *gorm.DB, w *queuedWrite, savepoint bool) (err error, panicked any) {
	if savepoint {
		if err := tx.Exec("SAVEPOINT w").Error; err != nil {
			return err, nil
		}
	}
	defer func() {
		if p := recover(); p != nil {
			err, panicked = fmt.Errorf("store: write panicked: %v", p), p
		}
	}()
	if err := w.fn(tx); err != nil {
		return err, nil
	}
	if err := w.ctx.Err(); err != nil {
		// The caller hung up during its write: undone, as a transaction
		// of its own would have been, and the error says why.
		return err, nil
	}
	if !savepoint {
		return nil, nil
	}
	return tx.Exec("RELEASE w").Error, nil
}
