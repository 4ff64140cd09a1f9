//go:build !unix

package store

import (
	"errors"
	"os"
)

// ErrDataDirInUse means another server already serves the data directory.
var ErrDataDirInUse = errors.New("store: data directory in use")

// LockDataDir creates the data directory. Without flock(2) a second server
// on the same directory is not detected here.
func LockDataDir(dataDir string) (release func() error, err error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, err
	}
	return func() error { return nil }, nil
}
