package store

import (
	"context"
	"errors"
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
