package store

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// The writer's commits never checkpoint: the store's own goroutine copies
// the WAL back into the database file, and under writes that never pause
// it still makes the WAL start over, so the file does not grow forever.
func TestCheckpointsRunBesideTheWriter(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenWith(Options{DataDir: dir, Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var auto int
	if err := s.W.Raw("PRAGMA wal_autocheckpoint").Scan(&auto).Error; err != nil || auto != 0 {
		t.Fatalf("the writer's wal_autocheckpoint: %d (%v), want 0", auto, err)
	}
	const restart = 64 // frames (pages)
	s.checkpoints.restart.Store(restart)
	if err := s.W.Exec("CREATE TABLE scratch (v TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	size := func(name string) int64 {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	db0 := size("sessionhub.db")
	// The WAL header's first salt changes each time the WAL starts over.
	wal, err := os.Open(filepath.Join(dir, "sessionhub.db-wal"))
	if err != nil {
		t.Fatal(err)
	}
	defer wal.Close()
	salt := func() uint32 {
		var hdr [32]byte
		if _, err := wal.ReadAt(hdr[:], 0); err != nil {
			t.Fatal(err)
		}
		return binary.BigEndian.Uint32(hdr[16:20])
	}
	// Writes without a pause for two seconds: twenty checkpoint rounds.
	row := strings.Repeat("x", 3000) // about a page a row
	var wrote, restarts int
	last := salt()
	for start := time.Now(); time.Since(start) < 2*time.Second; wrote++ {
		err := s.Write(context.Background(), func(tx *gorm.DB) error {
			return tx.Exec("INSERT INTO scratch (v) VALUES (?)", row).Error
		})
		if err != nil {
			t.Fatal(err)
		}
		if now := salt(); now != last {
			restarts, last = restarts+1, now
		}
	}
	t.Logf("%d restarts, %d rows", restarts, wrote)
	if restarts < 5 {
		t.Errorf("the WAL started over %d times in 2 s of writes (%d rows of a page each), want 5 or more", restarts, wrote)
	}
	deadline := time.Now().Add(5 * time.Second)
	for size("sessionhub.db") < db0+int64(wrote)*3000 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is %d bytes (%d before %d rows of 3,000 bytes): the WAL was not copied back", size("sessionhub.db"), db0, wrote)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Closing the store folds the WAL into the database file and removes it:
// the writer, which may, closes after the read-only connections.
func TestCloseRemovesTheWAL(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenWith(Options{DataDir: dir, Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.W.Exec("CREATE TABLE scratch (v TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.R.Raw("SELECT count(*) FROM scratch").Scan(&n).Error; err != nil { // a reader opens
		t.Fatal(err)
	}
	if err := s.Write(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO scratch (v) VALUES ('kept')").Error
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sessionhub.db-wal")); !os.IsNotExist(err) {
		t.Fatalf("the WAL after Close: %v", err)
	}
	s, err = OpenWith(Options{DataDir: dir, Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v string
	if err := s.R.Raw("SELECT v FROM scratch").Scan(&v).Error; err != nil || v != "kept" {
		t.Fatalf("after reopening: %q, %v", v, err)
	}
}
