// Package brainstem is the BrainSTEM API's persistence over the store
// core: the model registry, the tables (bs_*), the typed list queries and
// the writes with their permission rules, and the device login.
package brainstem

import (
	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"
)

// Store reads and writes the BrainSTEM tables of a core store: its reads
// go to the core's read pool, its writes through the core's write queue.
type Store struct {
	core *store.Store
}

// New returns the BrainSTEM store over core, which must have been opened
// with Tables among its Options.Tables.
func New(core *store.Store) *Store { return &Store{core: core} }

// Tables are the BrainSTEM tables for store.Options.Tables, by migration
// version: the baseline (1), the personal attributes, resources and
// taxonomies (4), the modules (5) and the logs (6), both also in the
// baseline, as version 1 already creates the newest models, and the
// modules' list order index (7), and the session name mirrored into the
// session-project links (8).
func Tables() store.Tables {
	return store.Tables{
		1: append(append(brainstemModels(), bsModuleModels()...), bsLogModels()...),
		4: attributeModels(),
		5: bsModuleModels(),
		6: bsLogModels(),
		7: {&Behavior{}, &DataAcquisition{}, &Manipulation{}, store.Step(dropSessionOrderIndexes)},
		8: {&SessionProject{}, store.Step(sessionNameMirror)},
	}
}

// sessionNameMirror fills bs_session_projects.session_name from the
// sessions and installs the triggers that keep it equal to the session's
// name: a new or re-pointed link takes its session's name, a renamed
// session passes its name to its links. Whatever writes the tables (the
// API, an import, a copy, another tool), the mirror cannot drift. It
// changes nothing in a database that has it (a Step).
func sessionNameMirror(tx *gorm.DB) error {
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		stmts = []string{
			`UPDATE bs_session_projects l SET session_name = s.name FROM bs_sessions s
			  WHERE s.id = l.session_id AND l.session_name <> s.name`,
			`CREATE OR REPLACE FUNCTION bs_session_projects_name() RETURNS trigger LANGUAGE plpgsql AS $$
			 BEGIN
			   NEW.session_name := COALESCE((SELECT name FROM bs_sessions WHERE id = NEW.session_id), '');
			   RETURN NEW;
			 END $$`,
			`CREATE OR REPLACE TRIGGER bs_session_projects_name BEFORE INSERT OR UPDATE ON bs_session_projects
			  FOR EACH ROW EXECUTE FUNCTION bs_session_projects_name()`,
			`CREATE OR REPLACE FUNCTION bs_sessions_name_links() RETURNS trigger LANGUAGE plpgsql AS $$
			 BEGIN
			   UPDATE bs_session_projects SET session_name = NEW.name WHERE session_id = NEW.id;
			   RETURN NEW;
			 END $$`,
			`CREATE OR REPLACE TRIGGER bs_sessions_name_links AFTER UPDATE OF name ON bs_sessions
			  FOR EACH ROW EXECUTE FUNCTION bs_sessions_name_links()`,
		}
	} else {
		stmts = []string{
			`UPDATE bs_session_projects SET session_name = (SELECT name FROM bs_sessions WHERE id = session_id)
			  WHERE session_name IS NOT (SELECT name FROM bs_sessions WHERE id = session_id)
			    AND EXISTS (SELECT 1 FROM bs_sessions WHERE id = session_id)`,
			`CREATE TRIGGER IF NOT EXISTS bs_session_projects_name AFTER INSERT ON bs_session_projects
			  WHEN NEW.session_name IS NOT (SELECT name FROM bs_sessions WHERE id = NEW.session_id) BEGIN
			   UPDATE bs_session_projects SET session_name = COALESCE((SELECT name FROM bs_sessions WHERE id = NEW.session_id), '')
			    WHERE session_id = NEW.session_id AND project_id = NEW.project_id;
			 END`,
			`CREATE TRIGGER IF NOT EXISTS bs_session_projects_name_moved AFTER UPDATE OF session_id, session_name ON bs_session_projects
			  WHEN NEW.session_name IS NOT (SELECT name FROM bs_sessions WHERE id = NEW.session_id) BEGIN
			   UPDATE bs_session_projects SET session_name = COALESCE((SELECT name FROM bs_sessions WHERE id = NEW.session_id), '')
			    WHERE session_id = NEW.session_id AND project_id = NEW.project_id;
			 END`,
			`CREATE TRIGGER IF NOT EXISTS bs_sessions_name_links AFTER UPDATE OF name ON bs_sessions BEGIN
			   UPDATE bs_session_projects SET session_name = NEW.name WHERE session_id = NEW.id;
			 END`,
		}
	}
	for _, q := range stmts {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

// dropSessionOrderIndexes drops the behaviors', data acquisitions' and
// manipulations' (session_id, sort_order) indexes of versions 5 and 6:
// version 7's idx_bs_*_session_list (session_id, sort_order, created_at,
// id) covers the session's ordered id list of each, so that reading it
// sorts nothing, and makes them redundant.
func dropSessionOrderIndexes(tx *gorm.DB) error {
	m := tx.Migrator()
	for _, t := range []struct {
		model any
		index string
	}{
		{&Behavior{}, "idx_bs_behaviors_session_order"},
		{&DataAcquisition{}, "idx_bs_dataacquisitions_session_order"},
		{&Manipulation{}, "idx_bs_manipulations_session_order"},
	} {
		if m.HasIndex(t.model, t.index) {
			if err := m.DropIndex(t.model, t.index); err != nil {
				return err
			}
		}
	}
	return nil
}
