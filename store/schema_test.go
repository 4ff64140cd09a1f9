package store_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/sessionhub/sessionhub/store"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// The tests of the whole schema: the core's tables and every API's, as
// the server opens them.

// tables are the APIs' tables, in the order the server passes them.
func tables() []store.Tables { return []store.Tables{atlasdb.Tables(), bsdb.Tables()} }

// models are every table's model, as the code before versioned
// migrations listed them: version 1's.
func models() []any {
	var m []any
	for _, t := range append([]store.Tables{store.CoreTables()}, tables()...) {
		m = append(m, t[1]...)
	}
	return m
}

// A data directory made by the code before versioned migrations (GORM's
// AutoMigrate at every start, no schema_migrations table) is recognised
// as the baseline: its rows stay, version 1 is recorded as existing, the
// later migrations are applied.
func TestMigrateUpgradesUnversionedSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// What store.Open did before: AutoMigrate over the models.
	old, err := gorm.Open(sqlite.Open("file:"+filepath.Join(dir, "sessionhub.db")+"?_foreign_keys=on"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.AutoMigrate(models()...); err != nil {
		t.Fatal(err)
	}
	if err := old.Create(&store.User{Email: "old@example.org"}).Error; err != nil {
		t.Fatal(err)
	}
	if db, _ := old.DB(); db != nil {
		db.Close()
	}

	st, err := store.OpenWith(store.Options{DataDir: dir, Tables: tables()})
	var se *store.SchemaError
	if !errors.As(err, &se) || se.Have != 0 || se.Want != store.SchemaVersion {
		t.Fatalf("OpenWith without Migrate on an unversioned database: %v; want a SchemaError 0 → %d", err, store.SchemaVersion)
	}
	if st != nil {
		st.Close()
	}
	st, err = store.Open(dir, tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UserByEmail(context.Background(), "old@example.org"); err != nil {
		t.Fatalf("the old database's user after the upgrade: %v", err)
	}
	var rows []int
	if err := st.R.Raw("SELECT version FROM schema_migrations ORDER BY version").Scan(&rows).Error; err != nil || len(rows) != store.SchemaVersion {
		t.Fatalf("schema_migrations = %v (%v); want %d rows", rows, err, store.SchemaVersion)
	}
	if applied, err := st.Migrate(context.Background()); err != nil || len(applied) != 0 {
		t.Fatalf("Migrate after the upgrade = %v, %v; want nothing", applied, err)
	}
}

var updateSchema = flag.Bool("update-schema", false, "rewrite testdata/schema-sqlite.sql from the migrated schema")

// The migrated SQLite schema is the one in testdata/schema-sqlite.sql. A
// model changed without a migration fails here: a new database would get
// the change (version 1 is AutoMigrate of the models) but an existing one
// would not. Append a migration to migrations, then rewrite the file with
// go test ./store/ -run TestSchemaSnapshot -update-schema.
func TestSchemaSnapshot(t *testing.T) {
	st, err := store.Open(t.TempDir(), tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := fmt.Sprintf("-- schema version %d (store/migrate.go), as SQLite describes it\n%s\n", store.SchemaVersion, describeSchema(t, st))
	const path = "testdata/schema-sqlite.sql"
	if *updateSchema {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("the migrated schema differs from %s.\nIf a model changed, append a migration to store/migrate.go (existing databases get nothing else), then run\n  go test ./store/ -run TestSchemaSnapshot -update-schema\ngot:\n%s", path, got)
	}
}

// describeSchema lists st's SQLite tables, columns, foreign keys,
// indexes and triggers through SQLite's pragmas, in a fixed order (GORM writes a
// table's foreign keys in map order).
func describeSchema(t *testing.T, st *store.Store) string {
	t.Helper()
	var lines []string
	for _, q := range []string{
		`SELECT 'table ' || m.name || ': ' || p.name || ' ' || p.type || (CASE WHEN p."notnull" THEN ' NOT NULL' ELSE '' END) || coalesce(' DEFAULT ' || p.dflt_value, '') || (CASE WHEN p.pk > 0 THEN ' PK' || p.pk ELSE '' END)
			FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`,
		`SELECT 'fk ' || m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' ON DELETE ' || f.on_delete
			FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f."from"`,
		`SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`,
		`SELECT sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`,
	} {
		var out []string
		if err := st.R.Raw(q).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		lines = append(lines, out...)
	}
	return strings.Join(lines, "\n")
}

// A data directory migrated by a store opened with the core's tables only
// (every version recorded, no API table created) gets the APIs' tables
// when it is opened with them, exactly as a fresh one has them.
func TestOpenCreatesTheTablesAnEarlierOpenLacked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	core, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	core.Close()
	st := openAsFresh(t, dir, "after a core-only open")
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "late@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := atlasdb.New(st).CreateSession(ctx, u, atlasdb.NewSession{}); err != nil {
		t.Fatalf("a write to a created table: %v", err)
	}
}

// A database at schema version 6 (the modules' session order indexes on
// (session_id, sort_order)) migrates to a fresh database's schema: version
// 7 creates the covering list indexes and drops the old ones, and its rows
// stay.
func TestMigrateVersion7ReplacesTheModuleOrderIndexes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := store.Open(dir, tables()...)
	if err != nil {
		t.Fatal(err)
	}
	// Back to version 6 as it was made: the old indexes, not the new.
	for _, table := range []string{"bs_behaviors", "bs_dataacquisitions", "bs_manipulations"} {
		for _, q := range []string{
			"DROP INDEX idx_" + table + "_session_list",
			"CREATE INDEX idx_" + table + "_session_order ON " + table + "(session_id, sort_order)",
		} {
			if err := st.W.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.W.Exec("DELETE FROM schema_migrations WHERE version >= 7").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(context.Background(), "kept@example.org", ""); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = openAsFresh(t, dir, "after migrating version 6")
	if _, err := st.UserByEmail(context.Background(), "kept@example.org"); err != nil {
		t.Fatalf("a row of the version 6 database: %v", err)
	}
}

// A database at schema version 7 (links without the session's name)
// migrates to a fresh database's schema: version 8 adds the name's copy
// with its index and triggers and fills it from the sessions.
func TestMigrateVersion8MirrorsSessionNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := store.Open(dir, tables()...)
	if err != nil {
		t.Fatal(err)
	}
	const p, s1, s2 = "a0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000002"
	for _, q := range []string{
		// Back to version 7 as it was made.
		"DROP TRIGGER bs_session_projects_name",
		"DROP TRIGGER bs_session_projects_name_moved",
		"DROP TRIGGER bs_sessions_name_links",
		"DROP INDEX idx_bs_session_projects_project_name",
		"ALTER TABLE bs_session_projects DROP COLUMN session_name",
		"DELETE FROM schema_migrations WHERE version = 8",
		"INSERT INTO bs_projects (id, name, created_at, updated_at) VALUES ('" + p + "', 'P', '2025-01-01', '2025-01-01')",
		"INSERT INTO bs_sessions (id, name, created_at, updated_at) VALUES ('" + s1 + "', 'Rat 1', '2025-01-01', '2025-01-01'), ('" + s2 + "', 'Rat 2', '2025-01-01', '2025-01-01')",
		"INSERT INTO bs_session_projects (session_id, project_id) VALUES ('" + s1 + "', '" + p + "'), ('" + s2 + "', '" + p + "')",
	} {
		if err := st.W.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	st.Close()

	st = openAsFresh(t, dir, "after migrating version 7")
	var names []string
	if err := st.R.Raw("SELECT session_name FROM bs_session_projects ORDER BY session_id").Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names) != "[Rat 1 Rat 2]" {
		t.Fatalf("the links' session names after the migration: %q", names)
	}
}

// openAsFresh opens the data directory dir with every API's tables and
// fails the test unless its schema is a fresh database's; the store is
// closed at cleanup.
func openAsFresh(t *testing.T, dir, what string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, tables()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fresh, err := store.Open(t.TempDir(), tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if got, want := describeSchema(t, st), describeSchema(t, fresh); got != want {
		t.Fatalf("schema %s:\n%s\nwant a fresh database's:\n%s", what, got, want)
	}
	return st
}
