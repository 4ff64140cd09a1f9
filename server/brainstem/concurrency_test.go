package brainstem_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sessionhub/sessionhub/store"
)

// TestConcurrentCreates: creates racing on one project all succeed, each
// record once. On PostgreSQL writes are SERIALIZABLE transactions that run
// again after a conflict with a concurrent one (store/postgres.go), so a
// create must be safe to run twice: a retried create that kept the id of
// its rolled-back first run would look for itself and answer 404.
func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	f := newSubjectFixture(t)
	f.id["Rat2"] = f.create(owner, "/api/private/stem/subject/", "subject", map[string]any{
		"name": "Rat2", "projects": []string{f.id["Lab"]}, "strain": f.id["Wistar"], "sex": "F"})
	const n = 6
	for _, c := range []struct {
		path, key string
		body      func(i int) map[string]any
	}{
		{"/api/private/stem/breeding/", "breeding", func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("Pair %d", i), "project": f.id["Lab"], "mother": f.id["Rat2"], "father": f.id["Rat1"]}
		}},
		{"/api/private/stem/collection/", "collection", func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("Day %d", i), "project": f.id["Lab"], "sessions": []string{f.id["S1"]}}
		}},
		{"/api/private/stem/cohort/", "cohort", func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("Cohort %d", i), "project": f.id["Lab"]}
		}},
		{"/api/private/stem/session/", "session", func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("Racing %d", i), "projects": []string{f.id["Lab"]}}
		}},
	} {
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res := f.do(owner, "POST", c.path, c.body(i)); res.StatusCode != http.StatusCreated {
					t.Errorf("POST %s #%d: %d %s", c.path, i, res.StatusCode, res.Body)
				}
			}()
		}
		wg.Wait()
		filter := "filter{project}=" + f.id["Lab"]
		if c.key == "session" {
			filter = "filter{name.startswith}=Racing"
		}
		if list := f.must(owner, "GET", c.path+"?"+filter, nil, http.StatusOK); list["count"].(float64) != n {
			t.Errorf("%s: %v records after %d concurrent creates, want %d", c.path, list["count"], n, n)
		}
	}
}

// TestNULInAWrite: a NUL character in a text field is refused with DRF's
// message where the database cannot store it (PostgreSQL), and stored
// where it can (SQLite); never a 500.
func TestNULInAWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, body := range []map[string]any{{"name": "a\x00b"}, {"name": "Lab 2", "description": "x\x00"}} {
		res := f.do(owner, "POST", "/api/private/stem/project/", body)
		switch {
		case res.StatusCode == http.StatusCreated && f.env.Store.Dialect() == store.SQLite:
		case res.StatusCode == http.StatusBadRequest && strings.Contains(string(res.Body), "Null characters are not allowed."):
		default:
			t.Errorf("POST a project %q: %d %s", body, res.StatusCode, res.Body)
		}
	}
}
