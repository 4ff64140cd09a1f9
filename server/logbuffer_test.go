package server

import (
	"bytes"
	"fmt"
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

// A line written through Direct goes out at once, after the lines
// waiting before it; under concurrent writers every line still comes
// after each line its writer wrote before it.
func TestLogBufferDirectKeepsTheOrder(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	b := NewLogBuffer(&out, time.Hour) // no periodic flush in this test
	defer b.Close()
	direct := b.Direct()
	b.Write([]byte("request 1\n"))
	direct.Write([]byte("server 1\n"))
	if got := out.String(); got != "request 1\nserver 1\n" {
		t.Fatalf("after a direct line: %q", got)
	}
	b.Write([]byte("request 2\n"))
	if got := out.String(); got != "request 1\nserver 1\n" {
		t.Fatalf("a request line went out alone: %q", got)
	}
	direct.Write([]byte("server 2\n"))
	if got := out.String(); got != "request 1\nserver 1\nrequest 2\nserver 2\n" {
		t.Fatalf("after a second direct line: %q", got)
	}

	var many lockedBuffer
	b2 := NewLogBuffer(&many, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				b2.Write(fmt.Appendf(nil, "r %d %d\n", g, i))
				b2.Direct().Write(fmt.Appendf(nil, "d %d %d\n", g, i))
			}
		}()
	}
	wg.Wait()
	b2.Close()
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(many.String(), "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "d "); ok && !seen["r "+rest] {
			t.Fatalf("%q came out before its writer's request line", line)
		}
		seen[line] = true
	}
	if len(seen) != 8*200*2 {
		t.Fatalf("%d distinct lines out, want %d", len(seen), 8*200*2)
	}
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
