package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// IsPostgresURL reports whether u names a PostgreSQL database
// (postgres://… or postgresql://…).
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// postgresMaxConns bounds the connections one process opens.
const postgresMaxConns = 20

// openPostgres opens one pool (through pgx) that serves as both W and R.
func (s *Store) openPostgres(url string) error {
	if !IsPostgresURL(url) {
		return fmt.Errorf("database URL %q: want postgres://… or postgresql://…", redactURL(url))
	}
	s.dialect = Postgres
	// TranslateError turns unique and foreign-key violations (SQLSTATE
	// 23505, 23503) into gorm.ErrDuplicatedKey / gorm.ErrForeignKeyViolated,
	// as on SQLite. pgx caches prepared statements itself, so GORM's
	// PrepareStmt is not needed. Times are kept to the microsecond (what
	// PostgreSQL stores) so that a row read back equals the row written.
	cfg := &gorm.Config{TranslateError: true, Logger: logger.Discard,
		NowFunc: func() time.Time { return time.Now().Round(time.Microsecond) }}
	db, err := gorm.Open(postgres.Open(url), cfg)
	if err != nil {
		return fmt.Errorf("open database %s: %w", redactURL(url), err)
	}
	pool, err := db.DB()
	if err != nil {
		return err
	}
	pool.SetMaxOpenConns(postgresMaxConns)
	pool.SetMaxIdleConns(postgresMaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	s.W, s.R = db, db
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pool.PingContext(ctx); err != nil {
		s.Close()
		return fmt.Errorf("connect to %s: %w", redactURL(url), err)
	}
	return nil
}

// redactURL hides the password of a database URL for messages.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	at := strings.LastIndex(rest, "@")
	slash := strings.Index(rest, "/")
	if at < 0 || (slash >= 0 && at > slash) {
		return u
	}
	if user, _, hasPass := strings.Cut(rest[:at], ":"); hasPass {
		return scheme + "://" + user + ":xxxxx" + rest[at:]
	}
	return u
}

// postgresWriteAttempts bounds how often writePostgres runs a write whose
// transaction PostgreSQL aborted for a conflict with a concurrent one.
const postgresWriteAttempts = 20

// writePostgres is Write on PostgreSQL: fn in an ordinary transaction at
// isolation level SERIALIZABLE, so that the checks a write makes before
// changing rows (If-Match preconditions, "is any other session still
// linking this attachment") hold at its commit, as they do under SQLite's
// single writer. When PostgreSQL aborts the transaction for a conflict
// with a concurrent one (SQLSTATE 40001, or a deadlock, 40P01), fn runs
// again in a new transaction, up to postgresWriteAttempts times: its
// effects outside tx must allow that. Uniqueness and references are
// enforced by constraints, whose violations GORM translates
// (openPostgres). A caller that hangs up during fn gets its context's
// error and nothing is stored.
func (s *Store) writePostgres(ctx context.Context, fn func(tx *gorm.DB) error, invalidates bool) error {
	admitted := s.stats.writeQueued()
	defer s.stats.writeQueue.Add(-1)
	if err := ctx.Err(); err != nil {
		return err
	}
	admitted()
	var err error
	for attempt := 1; ; attempt++ {
		err = s.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := fn(tx); err != nil {
				return err
			}
			return ctx.Err()
		}, &sql.TxOptions{Isolation: sql.LevelSerializable})
		if !retryable(err) || attempt == postgresWriteAttempts || ctx.Err() != nil {
			break
		}
		// A short random pause, growing with the attempts (at most 50 ms),
		// so that the transactions that collided do not collide again at once.
		time.Sleep(time.Duration(min(attempt, 10)) * time.Duration(1+rand.IntN(5)) * time.Millisecond)
	}
	if err != nil && ctx.Err() != nil && (errors.Is(err, sql.ErrTxDone) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		err = ctx.Err()
	}
	if invalidates {
		s.reads.invalidate()
	}
	s.stats.writeBatches.Add(1)
	if retryable(err) {
		err = fmt.Errorf("%w: %v", ErrBusy, err)
	}
	return postgresNUL(postgresFull(storageFull(err)))
}

// postgresFull turns PostgreSQL's "disk full" (SQLSTATE 53100) into
// ErrStorageFull, as storageFull does for SQLite's.
func postgresFull(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "53100" {
		return fmt.Errorf("%w: %v", ErrStorageFull, err)
	}
	return err
}

// postgresNUL turns PostgreSQL's refusal of a NUL character in text
// (SQLSTATE 22021; SQLite stores it) into a ValidationError with Django
// REST framework's message, instead of a 500.
func postgresNUL(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "22021" {
		return Invalid("non_field_errors", "Null characters are not allowed.")
	}
	return err
}

// retryable reports whether PostgreSQL aborted a transaction for a
// conflict with a concurrent one, which running it again may not meet.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}
