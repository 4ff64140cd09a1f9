//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ErrDataDirInUse means another server already serves the data directory.
var ErrDataDirInUse = errors.New("store: data directory in use")

// LockDataDir takes the data directory for one server process (creating
// it if needed) until release is called or the process ends. Servers keep
// caches that assume they are the only writer of the database (verified
// tokens, answers of reads), so a second server on the same directory is
// refused with ErrDataDirInUse. Short commands (user add, token create)
// do not take the lock.
func LockDataDir(dataDir string) (release func() error, err error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dataDir, "serve.lock"), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: another sessionhub serve is using %s", ErrDataDirInUse, dataDir)
		}
		return nil, fmt.Errorf("lock data dir: %w", err)
	}
	return f.Close, nil
}
