package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"
)

type failAfter struct{ left int }

func (w *failAfter) Write(p []byte) (int, error) {
	if w.left -= len(p); w.left < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestCopyHashing(t *testing.T) {
	for _, size := range []int{0, 1, copyHashBufSize, copyHashBufSize + 1, copyHashBufs*copyHashBufSize*3 + 7} {
		data := bytes.Repeat([]byte("0123456789abcdefg"), size/17+1)[:size]
		var out bytes.Buffer
		n, sum, err := copyHashing(&out, bytes.NewReader(data))
		want := sha256.Sum256(data)
		if err != nil || n != int64(size) || !bytes.Equal(out.Bytes(), data) || !bytes.Equal(sum, want[:]) {
			t.Fatalf("size %d: n=%d err=%v, copy equal=%v, hash equal=%v", size, n, err, bytes.Equal(out.Bytes(), data), bytes.Equal(sum, want[:]))
		}
	}
	_, _, err := copyHashing(&failAfter{left: copyHashBufSize}, io.LimitReader(zeroReader{}, 10*copyHashBufSize))
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("write error: got %v, want disk full", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestSweepBlobsEvery: the periodic sweep removes a file no
// attachment row points to and reports it.
func TestSweepBlobsEvery(t *testing.T) {
	st, err := Open(t.TempDir(), Tables{1: {&attachmentRow{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := st.atlasBlobDir()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(dir, "6f1c2d3e-0000-4000-8000-000000000001")
	if err := os.WriteFile(orphan, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	reported := make(chan int, 10)
	done := make(chan struct{})
	go func() {
		st.SweepBlobsEvery(ctx, 10*time.Millisecond, time.Hour, func(n int, err error) {
			if err == nil {
				reported <- n
			}
		})
		close(done)
	}()
	select {
	case n := <-reported:
		if n != 1 {
			t.Errorf("sweep reported %d removed; want 1", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the periodic sweep did not run")
	}
	cancel()
	<-done
	if _, err := os.Stat(orphan); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("orphan blob still there: %v", err)
	}
}

// attachmentRow is as much of an Atlas attachment's row (package
// store/atlas) as the sweep reads: the id that names its blob.
type attachmentRow struct {
	ID string `gorm:"primaryKey;type:text"`
}

func (attachmentRow) TableName() string { return "atlas_attachments" }

// TestSweepSparesUncommittedRename: a file renamed into place inside a
// transaction that has not committed yet has no visible row; the sweep
// waits for the write turn instead of taking it for a leftover.
func TestSweepSparesUncommittedRename(t *testing.T) {
	st, err := Open(t.TempDir(), Tables{1: {&attachmentRow{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := t.Context()
	if err := os.MkdirAll(st.atlasBlobDir(), 0o750); err != nil {
		t.Fatal(err)
	}
	id := "6f1c2d3e-0000-4000-8000-000000000002"
	renamed, commit := make(chan struct{}), make(chan struct{})
	txDone := make(chan error, 1)
	go func() {
		txDone <- st.Write(ctx, func(tx *gorm.DB) error {
			a := attachmentRow{ID: id}
			if err := tx.Create(&a).Error; err != nil {
				return err
			}
			if err := os.WriteFile(st.atlasBlobPath(id), []byte("x"), 0o600); err != nil {
				return err
			}
			close(renamed)
			<-commit
			return nil
		})
	}()
	<-renamed
	swept := make(chan int, 1)
	go func() {
		n, err := st.SweepBlobs(ctx, 0)
		if err != nil {
			t.Error(err)
		}
		swept <- n
	}()
	select {
	case n := <-swept:
		t.Fatalf("the sweep finished (%d removed) while a transaction held the write turn", n)
	case <-time.After(200 * time.Millisecond):
	}
	close(commit)
	if err := <-txDone; err != nil {
		t.Fatal(err)
	}
	if n := <-swept; n != 0 {
		t.Errorf("sweep removed %d files; want 0", n)
	}
	if _, err := os.Stat(st.atlasBlobPath(id)); err != nil {
		t.Errorf("committed attachment's file: %v", err)
	}
}
