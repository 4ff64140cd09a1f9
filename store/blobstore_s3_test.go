package store_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// TestS3BlobsSweepAndRanges, on a real SeaweedFS (skipped without
// SESSIONHUB_WEED): ranged reads through Seek; a file over the limit
// leaves nothing in the bucket; the sweep spares what is younger than its
// grace period and the uploads of this process, and removes an object
// without a row and an incomplete multipart upload.
func TestS3BlobsSweepAndRanges(t *testing.T) {
	s3 := servertest.StartS3(t)
	ctx := t.Context()
	st, err := store.Open(t.TempDir(), tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs := s3.Blobs(t, 1<<20)
	st.SetBlobs(blobs)
	list := func() (names []string, staged int) {
		t.Helper()
		if err := blobs.List(ctx, func(b store.BlobInfo) {
			names = append(names, b.Name)
			if b.Staged {
				staged++
			}
		}); err != nil {
			t.Fatal(err)
		}
		return names, staged
	}

	// Ranged reads.
	data := bytes.Repeat([]byte("0123456789"), 100)
	live, err := st.StageBlob(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Discard()
	if live.Size != int64(len(data)) {
		t.Errorf("staged size %d", live.Size)
	}
	names, _ := list()
	if len(names) != 1 {
		t.Fatalf("blobs after one upload: %v", names)
	}
	r, err := blobs.Open(ctx, names[0])
	if err != nil {
		t.Fatal(err)
	}
	if end, err := r.Seek(0, io.SeekEnd); err != nil || end != int64(len(data)) {
		t.Errorf("Seek end = %d, %v", end, err)
	}
	if _, err := r.Seek(995, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if tail, err := io.ReadAll(r); err != nil || string(tail) != "56789" {
		t.Errorf("read from 995: %q, %v", tail, err)
	}
	r.Close()
	if _, err := blobs.Open(ctx, uuid.NewString()); err != store.ErrNotFound {
		t.Errorf("open of a missing blob: %v; want ErrNotFound", err)
	}

	// Over the limit: refused, nothing left (the multipart upload aborted).
	if _, err := st.StageBlob(ctx, bytes.NewReader(make([]byte, 1<<20+1)), 1<<20); err != store.ErrBlobTooLarge {
		t.Errorf("upload over the limit: %v", err)
	}
	if names, staged := list(); len(names) != 1 || staged != 0 {
		t.Errorf("blobs after a refused upload: %v", names)
	}

	// Leftovers: an object without a row, and an incomplete upload.
	orphan, err := blobs.Create(ctx, uuid.NewString())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := orphan.Write([]byte("no row")); err != nil {
		t.Fatal(err)
	}
	if err := orphan.Close(); err != nil {
		t.Fatal(err)
	}
	half, err := blobs.Create(ctx, uuid.NewString())
	if err != nil {
		t.Fatal(err)
	}
	defer half.Abort()
	go func() { _, _ = half.Write([]byte("half")) }() // the multipart upload starts and waits for more
	for {
		if _, staged := list(); staged == 1 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("no incomplete upload listed")
		case <-time.After(50 * time.Millisecond):
		}
	}
	if n, err := st.SweepBlobs(ctx, 1<<40); err != nil || n != 0 {
		t.Errorf("sweep of fresh blobs removed %d, %v; want none", n, err)
	}
	if n, err := st.SweepBlobs(ctx, 0); err != nil || n != 2 {
		t.Errorf("sweep removed %d, %v; want the orphan object and the incomplete upload", n, err)
	}
	if names, staged := list(); len(names) != 1 || staged != 0 {
		t.Errorf("after the sweep: %v; want only the upload in progress", names)
	}
	live.Discard()
	if names, _ := list(); len(names) != 0 {
		t.Errorf("after Discard: %v", names)
	}
}
