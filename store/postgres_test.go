package store

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// A write that PostgreSQL aborts for a serialization conflict on every
// attempt ends as ErrBusy (the APIs' 503, "try again"), not as an
// unknown error (a 500), after postgresWriteAttempts runs.
func TestEndlessConflictIsBusy(t *testing.T) {
	t.Parallel()
	st := openTestStore(t)
	if st.Dialect() != Postgres {
		t.Skip("serialization conflicts are PostgreSQL's; SQLite has one writer")
	}
	runs := 0
	err := st.Write(context.Background(), func(tx *gorm.DB) error {
		runs++
		return &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
	if runs != postgresWriteAttempts {
		t.Errorf("fn ran %d times, want %d", runs, postgresWriteAttempts)
	}
}
