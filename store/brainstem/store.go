// Package brainstem is the BrainSTEM API's persistence over the store
// core: the model registry, the tables (bs_*), the typed list queries and
// the writes with their permission rules, and the device login.
package brainstem

import "github.com/sessionhub/sessionhub/store"

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
// baseline, as version 1 already creates the newest models.
func Tables() store.Tables {
	return store.Tables{
		1: append(append(brainstemModels(), bsModuleModels()...), bsLogModels()...),
		4: attributeModels(),
		5: bsModuleModels(),
		6: bsLogModels(),
	}
}
