package store

import (
	"os"
	"syscall"
)

// signalState is what tells a changed signal file: which file it is, its
// size (it only grows) and its time.
type signalState struct {
	dev, ino, size, mtime int64
}

// stateOf returns the state of the open file f, and whether it still has
// a name (false once removed or replaced).
func stateOf(f *os.File, _ string) (signalState, bool, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(int(f.Fd()), &st); err != nil {
		return signalState{}, false, err
	}
	return signalState{int64(st.Dev), int64(st.Ino), st.Size, st.Mtim.Nano()}, st.Nlink > 0, nil
}
