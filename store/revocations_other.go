//go:build !linux

package store

import (
	"os"
	"time"
)

// signalState is what tells a changed signal file: its size (it only
// grows) and its time.
type signalState struct {
	size  int64
	mtime time.Time
}

// stateOf returns the state of the file at path (f is not used here: the
// open file's name cannot be checked portably).
func stateOf(_ *os.File, path string) (signalState, bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return signalState{}, false, err
	}
	return signalState{fi.Size(), fi.ModTime()}, true, nil
}
