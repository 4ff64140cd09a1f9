package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"syscall"
)

// ErrStorageFull means there is no room for a write: the disk is full
// (ENOSPC on a file, SQLITE_FULL in the database), a file-size limit was
// hit, or free space is below the floor set with SetMinFreeBytes.
var ErrStorageFull = errors.New("store: insufficient storage")

// DefaultMinFreeBytes is the default free-space floor below which uploads
// are refused (64 MiB): the database and its write-ahead log keep room to
// record deletes that free space again.
const DefaultMinFreeBytes int64 = 64 << 20

// SetMinFreeBytes sets the free-space floor of the blob directory's file
// system below which CheckFreeSpace (and so every upload) answers
// ErrStorageFull; 0 (the default) turns the check off.
func (s *Store) SetMinFreeBytes(n int64) { s.minFreeBytes.Store(max(n, 0)) }

// CheckFreeSpace returns ErrStorageFull when writing need more bytes would
// leave less than the floor free on the blob directory's file system. It
// costs one statfs(2); where free space cannot be measured it passes.
func (s *Store) CheckFreeSpace(need int64) error {
	floor := s.minFreeBytes.Load()
	if floor == 0 {
		return nil
	}
	free, ok := freeBytes(s.BlobDir)
	if !ok {
		return nil
	}
	if free-max(need, 0) < floor {
		return fmt.Errorf("%w: %d bytes free, %d needed, floor %d", ErrStorageFull, free, need, floor)
	}
	return nil
}

// FreeBytes is the space available to unprivileged users on the blob
// directory's file system; ok is false where it cannot be measured.
func (s *Store) FreeBytes() (free int64, ok bool) { return freeBytes(s.BlobDir) }

// IsStorageFull reports whether err says there is no room to write:
// ErrStorageFull, or an error of the disk (ENOSPC, EDQUOT, EFBIG) or of
// SQLite (SQLITE_FULL) that a store method passed on unmarked.
func IsStorageFull(err error) bool {
	return errors.Is(err, ErrStorageFull) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG) ||
		isSQLiteFull(err)
}

// sqliteDriver is the package path of the SQLite driver's error type.
// That type exists only in cgo builds, so errors are recognised by the
// package of their type and SQLite's text for SQLITE_FULL; the text alone
// could come from a request (a value quoted in a validation error).
const (
	sqliteDriver      = "github.com/mattn/go-sqlite3"
	sqliteFullMessage = "database or disk is full"
)

// isSQLiteFull reports whether err's chain holds the driver's SQLITE_FULL.
func isSQLiteFull(err error) bool {
	if err == nil {
		return false
	}
	if t := reflect.TypeOf(err); t.PkgPath() == sqliteDriver && strings.Contains(err.Error(), sqliteFullMessage) {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return isSQLiteFull(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if isSQLiteFull(e) {
				return true
			}
		}
	}
	return false
}

// storageFull marks err with ErrStorageFull when it says the disk or the
// database is full, and returns other errors unchanged.
func storageFull(err error) error {
	if err == nil || errors.Is(err, ErrStorageFull) || !IsStorageFull(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrStorageFull, err)
}
