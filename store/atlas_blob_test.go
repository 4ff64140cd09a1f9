package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
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
