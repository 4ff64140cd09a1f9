package atlas

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

var errStale = errors.New("stale")

// Concurrent changes of one session, each checking in its transaction
// that the session is as it read it (an If-Match), then changing it: on
// either database exactly one wins and the others see the change, as with
// SQLite's single writer. On PostgreSQL that takes SERIALIZABLE
// transactions run again after a conflict (writePostgres).
func TestConcurrentPreconditionsOneWins(t *testing.T) {
	t.Parallel()
	st := openTestStore(t)
	ctx := context.Background()
	u, err := st.core.CreateUser(ctx, "c@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	v0 := "v0"
	sess, _, err := st.CreateSession(ctx, u, NewSession{Title: &v0})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			title := fmt.Sprintf("v%d", i+1)
			_, _, errs[i] = st.UpdateSession(ctx, u.ID, sess.ID, SessionPatch{SetTitle: true, Title: &title},
				func(s *Session, _ []Attachment) error {
					if s.Title == nil || *s.Title != "v0" {
						return errStale
					}
					return nil
				})
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, errStale):
			t.Errorf("writer %d: %v; want success or the failed precondition", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d concurrent If-Match updates succeeded; want exactly 1", won, n)
	}
}
