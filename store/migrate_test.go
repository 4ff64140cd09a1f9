package store

import (
	"context"
	"errors"
	"testing"

	"github.com/sessionhub/sessionhub/store/pgtest"
)

// The migrations are numbered 1, 2, … in order: Migrate applies
// migrations[have:] after version have.
func TestMigrationsNumberedInOrder(t *testing.T) {
	for i, m := range migrations {
		if m.Version != i+1 || m.Name == "" {
			t.Fatalf("migrations[%d] = version %d %q: want version %d with a name", i, m.Version, m.Name, i+1)
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
		if keys[i], err = st.ExportKey(); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	if len(keys[0]) != atlasExportKeyBytes || string(keys[0]) != string(keys[1]) {
		t.Fatalf("keys of two nodes: %x, %x; want the same %d bytes", keys[0], keys[1], atlasExportKeyBytes)
	}
}
