package store

import (
	"context"
	"database/sql"
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
	if err := st.Write(ctx, noop); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("write while the turn is taken: err = %v, want DeadlineExceeded", err)
	}

	order := make(chan int, 3)
	done := make(chan error, 3)
	for i := range 3 {
		go func() {
			done <- st.Write(context.Background(), func(*gorm.DB) error { order <- i; return nil })
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
	s := openTestStore(t)
	u, err := s.CreateUser(context.Background(), "w@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = s.Write(ctx, func(tx *gorm.DB) error {
		if err := tx.Omit("User").Create(&WebSession{Hash: "canceled", UserID: u.ID, CSRF: "x", ExpiresAt: time.Now().Add(time.Hour)}).Error; err != nil {
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
	if err := s.R.Model(&WebSession{}).Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("%d web sessions after a canceled write (%v); want 0", n, err)
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

// Writes queued while another holds the write turn run in one transaction
// (group commit), each in its own savepoint: interleaved successes, Go
// errors after an insert, constraint violations and a panic each get their
// own result, and only the successes' rows are stored.
func TestGroupCommitEachWriteGetsItsOwnResult(t *testing.T) {
	t.Parallel()
	st, err := Open(t.TempDir(), Tables{1: {&attachmentRow{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const n = 8
	boom := errors.New("boom")
	id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
	type result struct {
		i        int
		err      error
		panicked any
	}
	results := make(chan result, n)
	before := st.Stats().WriteTransactions
	st.wturn <- struct{}{} // another writer holds the turn: all n queue
	for i := range n {
		go func() {
			defer func() {
				if p := recover(); p != nil {
					results <- result{i: i, panicked: p}
				}
			}()
			err := st.Write(ctx, func(tx *gorm.DB) error {
				row := attachmentRow{ID: id(i)}
				if err := tx.Create(&row).Error; err != nil {
					return err
				}
				switch {
				case i%4 == 1:
					return boom // after its insert, which must be undone
				case i%4 == 2:
					row2 := row
					return tx.Create(&row2).Error // the same primary key again
				case i == 7:
					panic("write 7 panics")
				}
				return nil
			})
			results <- result{i: i, err: err}
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		st.wmu.Lock()
		queued := len(st.wqueue)
		st.wmu.Unlock()
		if queued == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d writes queued", queued, n)
		}
		time.Sleep(time.Millisecond)
	}
	<-st.wturn
	for range n {
		r := <-results
		var stored int64
		if err := st.R.Model(&attachmentRow{}).Where("id = ?", id(r.i)).Count(&stored).Error; err != nil {
			t.Fatal(err)
		}
		switch {
		case r.i == 7:
			if r.panicked != "write 7 panics" || stored != 0 {
				t.Errorf("write 7: panicked %v, %d rows; want its own panic and no row", r.panicked, stored)
			}
		case r.i%4 == 1:
			if !errors.Is(r.err, boom) || stored != 0 {
				t.Errorf("write %d: %v, %d rows; want boom and no row", r.i, r.err, stored)
			}
		case r.i%4 == 2:
			if !errors.Is(r.err, gorm.ErrDuplicatedKey) || stored != 0 {
				t.Errorf("write %d: %v, %d rows; want ErrDuplicatedKey and no row", r.i, r.err, stored)
			}
		default:
			if r.err != nil || r.panicked != nil || stored != 1 {
				t.Errorf("write %d: %v %v, %d rows; want success and its row", r.i, r.err, r.panicked, stored)
			}
		}
	}
	if got := st.Stats().WriteTransactions - before; got != 1 {
		t.Errorf("%d write transactions for %d queued writes; want 1 (group commit)", got, n)
	}
	// The writer is free again: a later write runs on its own.
	if err := st.Write(ctx, func(tx *gorm.DB) error {
		return tx.Create(&attachmentRow{ID: id(n)}).Error
	}); err != nil {
		t.Fatal(err)
	}
}

// A write alone in its batch runs without a savepoint: when it fails, its
// transaction is rolled back, so its rows go and the error is its own.
func TestALoneWriteIsUndoneWhenItFails(t *testing.T) {
	t.Parallel()
	st, err := Open(t.TempDir(), Tables{1: {&attachmentRow{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id := func(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }
	insert := func(i int, then func(tx *gorm.DB) error) func(tx *gorm.DB) error {
		return func(tx *gorm.DB) error {
			if err := tx.Create(&attachmentRow{ID: id(i)}).Error; err != nil {
				return err
			}
			return then(tx)
		}
	}
	stored := func(i int) int64 {
		var n int64
		if err := st.R.Model(&attachmentRow{}).Where("id = ?", id(i)).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	boom := errors.New("boom")
	bg := context.Background()
	if err := st.Write(bg, insert(1, func(*gorm.DB) error { return boom })); !errors.Is(err, boom) {
		t.Errorf("failing write: %v; want boom", err)
	}
	if err := st.Write(bg, insert(2, func(tx *gorm.DB) error { return tx.Create(&attachmentRow{ID: id(2)}).Error })); !errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Errorf("duplicate key: %v; want ErrDuplicatedKey", err)
	}
	ctx, cancel := context.WithCancel(bg)
	if err := st.Write(ctx, insert(3, func(*gorm.DB) error { cancel(); return nil })); !errors.Is(err, context.Canceled) {
		t.Errorf("caller hung up during its write: %v; want context.Canceled", err)
	}
	func() {
		defer func() {
			if p := recover(); p != "write 4 panics" {
				t.Errorf("panicking write: recovered %v; want its own panic", p)
			}
		}()
		_ = st.Write(bg, insert(4, func(*gorm.DB) error { panic("write 4 panics") }))
	}()
	if err := st.Write(bg, insert(5, func(*gorm.DB) error { return nil })); err != nil {
		t.Fatal(err)
	}
	for i, want := range map[int]int64{1: 0, 2: 0, 3: 0, 4: 0, 5: 1} {
		if got := stored(i); got != want {
			t.Errorf("write %d: %d rows stored; want %d", i, got, want)
		}
	}
}

// GORM's cache of prepared statements is bounded: statements of ever new
// text (a list's SQL varies with its filters) do not pile up.
func TestPreparedStatementsAreBounded(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range maxPreparedStatements + 50 {
		var n int64
		if err := s.R.Raw(fmt.Sprintf("SELECT %d", i)).Scan(&n).Error; err != nil || n != int64(i) {
			t.Fatalf("SELECT %d: %d %v", i, n, err)
		}
	}
	p, ok := s.R.ConnPool.(*gorm.PreparedStmtDB)
	if !ok {
		t.Fatalf("read pool is a %T, not prepared", s.R.ConnPool)
	}
	if n := len(p.Stmts.Keys()); n > maxPreparedStatements {
		t.Fatalf("%d statements kept, max %d", n, maxPreparedStatements)
	}
}

// Options.MmapBytes maps the database file on every reader connection;
// without it nothing is mapped.
func TestReadersMapTheDatabase(t *testing.T) {
	for _, want := range []int64{0, 64 << 20} {
		s, err := OpenWith(Options{DataDir: t.TempDir(), Migrate: true, MmapBytes: want, Readers: 3})
		if err != nil {
			t.Fatal(err)
		}
		rdb, err := s.R.DB()
		if err != nil {
			t.Fatal(err)
		}
		conns := make([]*sql.Conn, 3) // several connections of the pool
		for i := range conns {
			if conns[i], err = rdb.Conn(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range conns {
			var got int64
			if err := c.QueryRowContext(context.Background(), "PRAGMA mmap_size").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("mmap_size %d, want %d", got, want)
			}
			c.Close()
		}
		s.Close()
	}
}

// Options.Readers sizes the SQLite read pool; 0 is DefaultReaders.
func TestReadersSizeTheReadPool(t *testing.T) {
	for readers, want := range map[int]int{0: DefaultReaders(), 1: 1, 7: 7} {
		s, err := OpenWith(Options{DataDir: t.TempDir(), Migrate: true, Readers: readers})
		if err != nil {
			t.Fatal(err)
		}
		rdb, err := s.R.DB()
		if err != nil {
			t.Fatal(err)
		}
		if got := rdb.Stats().MaxOpenConnections; got != want {
			t.Errorf("Readers %d: %d reader connections, want %d", readers, got, want)
		}
		s.Close()
	}
}
