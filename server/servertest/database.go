package servertest

import (
	"os"
	"testing"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
	"github.com/sessionhub/sessionhub/store/pgtest"
)

// OpenStore opens a fresh, migrated store for t, closed at its end: on
// SQLite in a temp dir, or, with SESSIONHUB_TEST_DB=postgres, on a new
// database of the throwaway PostgreSQL cluster of package pgtest (blobs
// still in a temp dir). A package whose tests use it calls pgtest.Main
// from its TestMain, so the cluster stops when its tests end.
func OpenStore(t testing.TB) *store.Store {
	t.Helper()
	o := store.Options{DataDir: t.TempDir(), Migrate: true, Tables: server.Tables()}
	if pgtest.Enabled() {
		o.DatabaseURL = pgtest.Database(t, "migrated", migratedTemplate)
	}
	st, err := store.OpenWith(o)
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
	st, err := store.OpenWith(store.Options{DataDir: dir, DatabaseURL: url, Migrate: true, Tables: server.Tables()})
	if err != nil {
		return err
	}
	return st.Close()
}
