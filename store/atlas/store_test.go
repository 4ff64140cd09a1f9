package atlas

import (
	"os"
	"testing"

	"github.com/sessionhub/sessionhub/store"
	"github.com/sessionhub/sessionhub/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openTestStore opens an Atlas store for t, closed at its end: on SQLite
// in a temp dir, or with SESSIONHUB_TEST_DB=postgres on a new database of
// the throwaway PostgreSQL cluster.
func openTestStore(t testing.TB) *Store {
	t.Helper()
	o := store.Options{DataDir: t.TempDir(), Migrate: true, Tables: []store.Tables{Tables()}}
	if pgtest.Enabled() {
		o.DatabaseURL = pgtest.Database(t, "", nil)
	}
	core, err := store.OpenWith(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	return New(core)
}
