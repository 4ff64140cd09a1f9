package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"
)

func TestWriteWaitsForItsTurn(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	noop := func(*gorm.DB) error { return nil }

	st.wturn <- struct{}{} // another writer holds the turn
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := st.write(ctx, noop); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("write while the turn is taken: err = %v, want DeadlineExceeded", err)
	}

	order := make(chan int, 3)
	done := make(chan error, 3)
	for i := range 3 {
		go func() {
			done <- st.write(context.Background(), func(*gorm.DB) error { order <- i; return nil })
		}()
		time.Sleep(50 * time.Millisecond) // let writer i queue before i+1
	}
	<-st.wturn // the other writer is done
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for want := range 3 {
		if got := <-order; got != want {
			t.Fatalf("writer %d ran in place %d: writers must run in arrival order", got, want)
		}
	}
}

// A client that hangs up during a write transaction: the
// transaction is rolled back (nothing written) and the error says why
// (context.Canceled, which the server logs as 499), not sql.ErrTxDone.
func TestWriteCanceledMidway(t *testing.T) {
	t.Parallel()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.CreateUser(context.Background(), "w@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&AtlasSession{ID: "11111111-1111-1111-1111-111111111111", OwnerID: u.ID, CreatedBy: u.Email, CreatedAt: time.Now()}).Error; err != nil {
			return err
		}
		// The client hangs up after the last statement, before the commit;
		// database/sql rolls back asynchronously, and the commit then
		// fails with sql.ErrTxDone.
		cancel()
		time.Sleep(100 * time.Millisecond)
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("write = %v; want context.Canceled", err)
	}
	var n int64
	if err := s.R.Model(&AtlasSession{}).Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("%d sessions after a canceled write (%v); want 0", n, err)
	}
}

func TestIsStorageFull(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{ErrStorageFull, true},
		{fmt.Errorf("write blob: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), true},
		{syscall.EFBIG, true},
		{errors.New("database or disk is full"), false}, // text a client could send, not the driver's error
		{errors.New("disk quota"), false},
	} {
		if got := IsStorageFull(tc.err); got != tc.want {
			t.Errorf("IsStorageFull(%v) = %v; want %v", tc.err, got, tc.want)
		}
	}
}
