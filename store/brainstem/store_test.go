package brainstem

import "github.com/sessionhub/sessionhub/store"

// openStore opens a core store in dir with the BrainSTEM tables and
// returns the BrainSTEM store over it.
func openStore(dir string) (*Store, error) {
	core, err := store.Open(dir, Tables())
	if err != nil {
		return nil, err
	}
	return New(core), nil
}
