package server

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the flush goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogBufferWritesLinesTogether(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	b := NewLogBuffer(&out, time.Hour) // no periodic flush in this test
	b.Write([]byte("one\n"))
	b.Write([]byte("two\n"))
	if got := out.String(); got != "" {
		t.Fatalf("lines written before a flush: %q", got)
	}
	b.Flush()
	if got := out.String(); got != "one\ntwo\n" {
		t.Fatalf("after Flush: %q", got)
	}
	// A full buffer goes out at once.
	big := strings.Repeat("x", logBufferMax-1) + "\n"
	b.Write([]byte(big))
	if got := out.String(); got != "one\ntwo\n"+big {
		t.Fatalf("a full buffer waited: %d bytes out", len(got))
	}
	b.Write([]byte("three\n"))
	b.Close()
	if got := out.String(); !strings.HasSuffix(got, big+"three\n") {
		t.Fatalf("Close left lines behind: %q", got[len(got)-10:])
	}
	b.Write([]byte("four\n"))
	if got := out.String(); !strings.HasSuffix(got, "three\nfour\n") {
		t.Fatalf("a write after Close waited: %q", got[len(got)-10:])
	}
	b.Close()
}

func TestLogBufferFlushesEveryInterval(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	b := NewLogBuffer(&out, 10*time.Millisecond)
	defer b.Close()
	b.Write([]byte("line\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "line\n" {
		if time.Now().After(deadline) {
			t.Fatalf("line not written within 5 s: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
