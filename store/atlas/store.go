// Package atlas is the Atlas API's persistence over the store core: the
// sessions, attachments and annotations (tables atlas_*). The bytes of
// attachments are the core's blobs (store.StageBlob, store.Store.Blobs).
package atlas

import "github.com/sessionhub/sessionhub/store"

// Store reads and writes the Atlas tables of a core store: its reads go
// to the core's read pool, its writes through the core's write queue.
type Store struct {
	core *store.Store
}

// New returns the Atlas store over core, which must have been opened with
// Tables among its Options.Tables.
func New(core *store.Store) *Store { return &Store{core: core} }

// Tables are the Atlas tables for store.Options.Tables: all of them are
// in the baseline (migration 1).
func Tables() store.Tables {
	return store.Tables{1: atlasModels()}
}
