package store

import (
	"os"
	"testing"

	"github.com/sessionhub/sessionhub/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openTestStore opens a fresh store on the database the tests run against:
// SQLite in a temp dir, or with SESSIONHUB_TEST_DB=postgres a new database
// of the throwaway PostgreSQL cluster (pgtest). Closed at the test's end.
func openTestStore(t testing.TB) *Store {
	t.Helper()
	o := Options{DataDir: t.TempDir(), Migrate: true}
	if pgtest.Enabled() {
		o.DatabaseURL = pgtest.Database(t, "migrated", migratedTemplate)
	}
	st, err := OpenWith(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// migratedTemplate fills a template database with the migrated schema.
func migratedTemplate(url string) error {
	dir, err := os.MkdirTemp("", "pgtemplate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := OpenWith(Options{DataDir: dir, DatabaseURL: url, Migrate: true})
	if err != nil {
		return err
	}
	return st.Close()
}
