package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// migration is one numbered step of the schema: GORM's AutoMigrate of the
// models that the core and each API's Tables list under its version, then
// the Steps they list under it. It
// runs inside the transaction that records it, so a failing step leaves
// nothing behind (both SQLite and PostgreSQL have transactional DDL).
type migration struct {
	Version int
	Name    string
}

// Tables are an API's part of the schema, for Options.Tables: for each
// migration version, the models whose tables that step creates or changes.
// Version 1 lists every model the API had when migrations started to be
// versioned (see migrations). An API that adds a step appends it to
// migrations (its version and name) and lists its models here under it,
// and any Step the models' AutoMigrate does not cover.
type Tables map[int][]any

// Step is DDL that a migration runs after AutoMigrate of its version's
// models, for what AutoMigrate does not do (it never drops an index). A
// Step in Tables is not a model. Version 1 already makes the newest
// models, and createMissingTables runs every Step of an API whose tables
// it creates, so a Step must leave a database that has nothing to change
// as it is (drop only what exists, create only what is missing).
type Step func(tx *gorm.DB) error

// splitSteps separates the Steps among a version's entries from its models.
func splitSteps(entries []any) (models []any, steps []Step) {
	for _, e := range entries {
		if st, ok := e.(Step); ok {
			steps = append(steps, st)
		} else {
			models = append(models, e)
		}
	}
	return models, steps
}

// coreTables are the core's own tables.
var coreTables = Tables{
	1: {&User{}, &Token{}, &authState{}, &WebSession{}, &AuditEvent{}},
	2: {&sharedSecret{}},
	3: {&pendingBlob{}},
}

// migrations is the schema's history, oldest first; versions count up
// from 1 without gaps. Append new steps; never edit or reorder applied ones.
//
// Version 1 is the schema as it was before migrations were versioned,
// made the way it was made then: GORM's AutoMigrate of the models, per
// dialect. That keeps existing SQLite databases and new ones (on either
// database) identical without a hand-written copy of every table's DDL for
// two dialects, and it is what the old code ran at every start, so running
// it over a database that code created (found by Migrate: tables but no
// schema_migrations) changes nothing there and only records the version.
// Because the models keep changing, version 1 on a new database already
// has their newest columns; later steps must therefore be safe to run on
// such a database (AutoMigrate of the changed model, or DDL guarded by
// Migrator().HasColumn / HasTable), so that old and new databases end up
// the same.
var migrations = []migration{
	{Version: 1, Name: "baseline schema"},
	{Version: 2, Name: "shared secrets table"},
	{Version: 3, Name: "pending blobs table"},
	{Version: 4, Name: "brainstem personal attributes, resources and taxonomies"},
	{Version: 5, Name: "brainstem modules: behavior, data acquisition, manipulation, procedure"},
	{Version: 6, Name: "brainstem logs: procedure log, subject log"},
	{Version: 7, Name: "brainstem modules: the session's list order index covers creation and id"},
	{Version: 8, Name: "brainstem sessions: the name mirrored into the session-project links, with its index and triggers"},
}

// stepModels are the models migration version v AutoMigrates: the core's
// first, then each API's in the order of Options.Tables.
func (s *Store) stepModels(v int) []any {
	m := append([]any(nil), coreTables[v]...)
	for _, t := range s.tables {
		m = append(m, t[v]...)
	}
	return m
}

// checkTables refuses Tables that name a version no migration has.
func checkTables(tables []Tables) error {
	for _, t := range tables {
		for v := range t {
			if v < 1 || v > SchemaVersion {
				return fmt.Errorf("store: tables listed for migration %d, which does not exist (versions 1 to %d)", v, SchemaVersion)
			}
		}
	}
	return nil
}

// SchemaVersion is the schema version this code reads and writes.
var SchemaVersion = migrations[len(migrations)-1].Version

// schemaMigration is a row of schema_migrations: one applied migration.
type schemaMigration struct {
	Version   int       `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"not null"`
	AppliedAt time.Time `gorm:"not null"`
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// AppliedMigration is a migration that Migrate applied.
type AppliedMigration struct {
	Version int
	Name    string
	// Existing is set on version 1 when the database already had the
	// baseline tables (made before migrations were versioned).
	Existing bool
}

// SchemaError says the database's schema is not the one this code knows.
type SchemaError struct {
	// Have is the database's version, Want this code's (SchemaVersion).
	Have, Want int
}

// Error says what to do about it.
func (e *SchemaError) Error() string {
	if e.Have > e.Want {
		return fmt.Sprintf("the database schema is at version %d, newer than this sessionhub knows (version %d): run a sessionhub release that knows version %d, or restore a backup made with this one", e.Have, e.Want, e.Have)
	}
	return fmt.Sprintf("the database schema is at version %d, this sessionhub needs version %d: run `sessionhub migrate` first", e.Have, e.Want)
}

// migrationLockID is the PostgreSQL advisory lock that makes concurrent
// Migrate calls (several nodes starting at once) run one after the other.
const migrationLockID = 0x5e55_1011_0001

// Migrate applies the migrations the database has not had yet, in one
// transaction, and returns them (none when the schema is current). A
// database with a newer schema than this code knows is left alone and
// reported as a *SchemaError.
func (s *Store) Migrate(ctx context.Context) ([]AppliedMigration, error) {
	var applied []AppliedMigration
	err := s.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLockID).Error; err != nil {
				return err
			}
		}
		have, existing, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		if have > SchemaVersion {
			return &SchemaError{Have: have, Want: SchemaVersion}
		}
		if have == SchemaVersion {
			return s.createMissingTables(tx)
		}
		if err := tx.AutoMigrate(&schemaMigration{}); err != nil {
			return err
		}
		for _, m := range migrations[have:] {
			models, steps := splitSteps(s.stepModels(m.Version))
			if err := tx.AutoMigrate(models...); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
			for _, step := range steps {
				if err := step(tx); err != nil {
					return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
				}
			}
			row := schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("record migration %d: %w", m.Version, err)
			}
			applied = append(applied, AppliedMigration{Version: m.Version, Name: m.Name, Existing: m.Version == 1 && existing})
		}
		return s.createMissingTables(tx)
	})
	var se *SchemaError
	if errors.As(err, &se) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return applied, nil
}

// createMissingTables creates the tables of s.tables that the database
// lacks although its schema is current: those of an API whose tables were
// not handed to the store when the migrations ran (a database opened with
// the core's tables only records every version, and no later migration
// would create them). Each is created as version 1 creates the newest
// models, so the schema ends up as a fresh database's.
//
// Then the Steps of each such API run, oldest first: what they add
// besides tables (triggers) must be there too, and a Step leaves a
// database that needs nothing from it as it is.
func (s *Store) createMissingTables(tx *gorm.DB) error {
	m := tx.Migrator()
	var missing []any
	var steps []Step
	for _, t := range s.tables {
		lacking := false
		for v := 1; v <= SchemaVersion; v++ {
			models, _ := splitSteps(t[v])
			for _, model := range models {
				if !m.HasTable(model) {
					lacking = true
					if !slices.Contains(missing, model) {
						missing = append(missing, model)
					}
				}
			}
		}
		for v := 1; lacking && v <= SchemaVersion; v++ {
			_, st := splitSteps(t[v])
			steps = append(steps, st...)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := tx.AutoMigrate(missing...); err != nil {
		return fmt.Errorf("create the missing tables: %w", err)
	}
	for _, step := range steps {
		if err := step(tx); err != nil {
			return fmt.Errorf("create the missing tables: %w", err)
		}
	}
	return nil
}

// checkSchema fails with a *SchemaError unless the schema is at SchemaVersion.
func (s *Store) checkSchema(ctx context.Context) error {
	have, _, err := schemaVersion(s.R.WithContext(ctx))
	if err != nil {
		return err
	}
	if have != SchemaVersion {
		return &SchemaError{Have: have, Want: SchemaVersion}
	}
	return nil
}

// schemaVersion reads the newest applied version; 0 for a database
// without schema_migrations, with existing set when it has the tables of
// the code before versioned migrations (its users table).
func schemaVersion(db *gorm.DB) (version int, existing bool, err error) {
	m := db.Migrator()
	if !m.HasTable(&schemaMigration{}) {
		return 0, m.HasTable(&User{}), nil
	}
	var v *int
	if err := db.Model(&schemaMigration{}).Select("MAX(version)").Scan(&v).Error; err != nil {
		return 0, false, err
	}
	if v == nil {
		return 0, m.HasTable(&User{}), nil
	}
	return *v, false, nil
}
