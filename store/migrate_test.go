package store

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

	"github.com/sessionhub/sessionhub/store/pgtest"
)

// The migrations are numbered 1, 2, … in order: Migrate applies
// migrations[have:] after version have.
func TestMigrationsNumberedInOrder(t *testing.T) {
	for i, m := range migrations {
		if m.Version != i+1 || m.Name == "" || m.up == nil {
			t.Fatalf("migrations[%d] = version %d %q: want version %d with a name and a step", i, m.Version, m.Name, i+1)
		}
	}
}

// A fresh database gets every migration, once; a second Migrate applies
// nothing.
func TestMigrateFresh(t *testing.T) {
	t.Parallel()
	st := openTestStore(t)
	ctx := context.Background()
	var rows []schemaMigration
	if err := st.R.Order("version").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != SchemaVersion || rows[0].Version != 1 || rows[len(rows)-1].Version != SchemaVersion || rows[0].AppliedAt.IsZero() {
		t.Fatalf("schema_migrations after Open = %+v; want versions 1..%d", rows, SchemaVersion)
	}
	again, err := st.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Migrate = %v, %v; want nothing applied", again, err)
	}
	// The store works on the migrated schema.
	if _, err := st.CreateUser(ctx, "m@example.org", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "M@example.org", ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate user: err = %v; want ErrConflict", err)
	}
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
	if err := old.Create(&User{Email: "old@example.org"}).Error; err != nil {
		t.Fatal(err)
	}
	if db, _ := old.DB(); db != nil {
		db.Close()
	}

	st, err := OpenWith(Options{DataDir: dir})
	var se *SchemaError
	if !errors.As(err, &se) || se.Have != 0 || se.Want != SchemaVersion {
		t.Fatalf("OpenWith without Migrate on an unversioned database: %v; want a SchemaError 0 → %d", err, SchemaVersion)
	}
	if st != nil {
		st.Close()
	}
	st, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UserByEmail(context.Background(), "old@example.org"); err != nil {
		t.Fatalf("the old database's user after the upgrade: %v", err)
	}
	var rows []schemaMigration
	if err := st.R.Order("version").Find(&rows).Error; err != nil || len(rows) != SchemaVersion {
		t.Fatalf("schema_migrations = %+v (%v); want %d rows", rows, err, SchemaVersion)
	}
	if applied, err := st.Migrate(context.Background()); err != nil || len(applied) != 0 {
		t.Fatalf("Migrate after the upgrade = %v, %v; want nothing", applied, err)
	}
}

// Migrate reports the baseline of an unversioned database as existing.
func TestMigrateReportsExistingBaseline(t *testing.T) {
	t.Parallel()
	st := openTestStore(t)
	ctx := context.Background()
	// Back to an unversioned database of the old code.
	if err := st.W.Migrator().DropTable(&schemaMigration{}, &sharedSecret{}); err != nil {
		t.Fatal(err)
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != SchemaVersion || !applied[0].Existing || applied[0].Version != 1 {
		t.Fatalf("Migrate on an unversioned database = %+v; want 1 (existing) … %d", applied, SchemaVersion)
	}
}

// A schema newer than the code knows is refused by Open, with or without
// Migrate, naming both versions; nothing is changed.
func TestNewerSchemaRefused(t *testing.T) {
	t.Parallel()
	o := Options{DataDir: t.TempDir(), Migrate: true}
	if pgtest.Enabled() {
		o.DatabaseURL = pgtest.Database(t, "migrated", migratedTemplate)
	}
	st, err := OpenWith(o)
	if err != nil {
		t.Fatal(err)
	}
	future := schemaMigration{Version: SchemaVersion + 1, Name: "from the future"}
	if err := st.W.Create(&future).Error; err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, migrate := range []bool{true, false} {
		o.Migrate = migrate
		st, err := OpenWith(o)
		var se *SchemaError
		if !errors.As(err, &se) || se.Have != SchemaVersion+1 || se.Want != SchemaVersion {
			if st != nil {
				st.Close()
			}
			t.Fatalf("Open (Migrate %v) on a newer schema: %v; want a SchemaError %d > %d", migrate, err, SchemaVersion+1, SchemaVersion)
		}
	}
}

// On PostgreSQL without Migrate, a database behind the code is refused
// with the command to run; Migrate then brings it up to date.
func TestPostgresOpenRequiresMigrate(t *testing.T) {
	t.Parallel()
	url := pgtest.Database(t, "", nil) // empty
	o := Options{DataDir: t.TempDir(), DatabaseURL: url}
	_, err := OpenWith(o)
	var se *SchemaError
	if !errors.As(err, &se) || se.Have != 0 {
		t.Fatalf("Open without Migrate on an empty database: %v; want a SchemaError from 0", err)
	}
	o.Migrate = true
	st, err := OpenWith(o)
	if err != nil {
		t.Fatal(err)
	}
	if st.Dialect() != Postgres {
		t.Fatalf("Dialect = %q", st.Dialect())
	}
	st.Close()
	o.Migrate = false
	st, err = OpenWith(o)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}

// On PostgreSQL the export-URL key is a row of the database: two stores
// (two nodes) on one database sign with the same key, and no key file
// is written.
func TestPostgresExportKeyShared(t *testing.T) {
	t.Parallel()
	url := pgtest.Database(t, "migrated", migratedTemplate)
	var keys [2][]byte
	for i := range keys {
		st, err := OpenWith(Options{DataDir: t.TempDir(), DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		if keys[i], err = st.AtlasExportKey(); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	if len(keys[0]) != atlasExportKeyBytes || string(keys[0]) != string(keys[1]) {
		t.Fatalf("keys of two nodes: %x, %x; want the same %d bytes", keys[0], keys[1], atlasExportKeyBytes)
	}
}

var updateSchema = flag.Bool("update-schema", false, "rewrite testdata/schema-sqlite.sql from the migrated schema")

// The migrated SQLite schema is the one in testdata/schema-sqlite.sql. A
// model changed without a migration fails here: a new database would get
// the change (version 1 is AutoMigrate of the models) but an existing one
// would not. Append a migration to migrations, then rewrite the file with
// go test ./store/ -run TestSchemaSnapshot -update-schema.
func TestSchemaSnapshot(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Described through SQLite's pragmas, in a fixed order (GORM writes a
	// table's foreign keys in map order).
	var lines []string
	for _, q := range []string{
		`SELECT 'table ' || m.name || ': ' || p.name || ' ' || p.type || (CASE WHEN p."notnull" THEN ' NOT NULL' ELSE '' END) || coalesce(' DEFAULT ' || p.dflt_value, '') || (CASE WHEN p.pk > 0 THEN ' PK' || p.pk ELSE '' END)
			FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`,
		`SELECT 'fk ' || m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' ON DELETE ' || f.on_delete
			FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f."from"`,
		`SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`,
	} {
		var out []string
		if err := st.R.Raw(q).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		lines = append(lines, out...)
	}
	got := fmt.Sprintf("-- schema version %d (store/migrate.go), as SQLite describes it\n%s\n", SchemaVersion, strings.Join(lines, "\n"))
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
