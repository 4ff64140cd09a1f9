//go:build unix

package admin

import "syscall"

// freeBytes is the space available to unprivileged users on dir's file
// system; ok is false when it cannot be measured.
func freeBytes(dir string) (int64, bool) {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return 0, false
	}
	return int64(fs.Bavail) * int64(fs.Bsize), true
}
