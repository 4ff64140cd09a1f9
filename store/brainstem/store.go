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
// modules' list order index (7).
func Tables() store.Tables {
	return store.Tables{
		1: append(append(brainstemModels(), bsModuleModels()...), bsLogModels()...),
		4: attributeModels(),
		5: bsModuleModels(),
		6: bsLogModels(),
		7: {&Behavior{}, &DataAcquisition{}, &Manipulation{}, store.Step(dropSessionOrderIndexes)},
	}
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
