package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

// databaseFlags are the flags that say where the database is: SQLite in
// the data directory (the default) or PostgreSQL (--db).
type databaseFlags struct {
	data, db *string
}

func addDatabaseFlags(fs *flag.FlagSet, getenv func(string) string) *databaseFlags {
	return &databaseFlags{
		data: dataFlag(fs, getenv),
		db:   fs.String("db", getenv("SESSIONHUB_DB"), "PostgreSQL database URL (postgres://user:password@host:5432/name?sslmode=disable); empty: SQLite in the data directory (env SESSIONHUB_DB)"),
	}
}

// postgres reports whether the database is PostgreSQL.
func (f *databaseFlags) postgres() bool { return *f.db != "" }

func (f *databaseFlags) check() error {
	if f.postgres() && !store.IsPostgresURL(*f.db) {
		return errors.New("--db: want a postgres:// or postgresql:// URL (leave it empty for SQLite in --data)")
	}
	return nil
}

// options says how to open the database. SQLite migrates on open (one
// process owns the data directory, and a fresh clone must just run);
// PostgreSQL, shared by several nodes, is migrated by `sessionhub migrate`
// only, and a database behind this code is refused.
func (f *databaseFlags) options() store.Options {
	return store.Options{DataDir: *f.data, DatabaseURL: *f.db, Migrate: !f.postgres(), Tables: server.Tables()}
}

// open opens the store for a short command.
func (f *databaseFlags) open() (*store.Store, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return store.OpenWith(f.options())
}

// where names the database for messages, without a password.
func (f *databaseFlags) where() string {
	if f.postgres() {
		return "PostgreSQL"
	}
	return "SQLite in " + *f.data
}

// migrateCmd runs `migrate [--data DIR] [--db URL]`: applies the pending
// migrations and prints them. On SQLite it takes the data-directory lock,
// so it does not run beside a server.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := addDatabaseFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected arguments %q", fs.Args())
	}
	if err := db.check(); err != nil {
		return err
	}
	if !db.postgres() {
		unlock, err := store.LockDataDir(*db.data)
		if err != nil {
			return err
		}
		defer unlock()
	}
	o := db.options()
	o.Migrate = true
	st, err := store.OpenWith(o)
	if err != nil {
		return err
	}
	defer st.Close()
	applied := st.Migrated()
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "%s: schema already at version %d, nothing to do\n", db.where(), store.SchemaVersion)
		return nil
	}
	for _, m := range applied {
		if m.Existing {
			fmt.Fprintf(stdout, "%s: recorded the existing tables as version %d (%s)\n", db.where(), m.Version, m.Name)
			continue
		}
		fmt.Fprintf(stdout, "%s: applied version %d (%s)\n", db.where(), m.Version, m.Name)
	}
	fmt.Fprintf(stdout, "%s: schema at version %d\n", db.where(), store.SchemaVersion)
	return nil
}
