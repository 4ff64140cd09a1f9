package server

import (
	"io"
	"sync"
	"time"
)

// LogBuffer gathers the request log's lines and writes them to w together,
// every interval or when logBufferMax bytes are waiting, instead of one
// write (a system call) per request, which was 5 % of the CPU of a cached
// answer. A line may reach w up to one interval late; Close writes what is
// left. Lines that must not wait go through Direct.
type LogBuffer struct {
	w   io.Writer
	mu  sync.Mutex
	buf []byte
	// closed: Close ran, and writes go straight to w.
	closed bool
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

// logBufferMax is how many bytes of lines wait at most.
const logBufferMax = 64 << 10

// NewLogBuffer starts a LogBuffer writing to w every interval.
func NewLogBuffer(w io.Writer, interval time.Duration) *LogBuffer {
	b := &LogBuffer{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.Flush()
			case <-b.stop:
				return
			}
		}
	}()
	return b
}

// Write keeps p (one or more whole lines) for the next flush. It never
// fails: a failed flush is the writer's business, as it is for an
// unbuffered log.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if b.closed || len(b.buf) >= logBufferMax {
		b.flushLocked()
	}
	return len(p), nil
}

// Flush writes the waiting lines.
func (b *LogBuffer) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *LogBuffer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	_, _ = b.w.Write(b.buf)
	b.buf = b.buf[:0]
}

// Direct is a writer for the lines that must not wait (the server's own
// log): each of its writes first writes the lines waiting in b, then its
// own, at once. So every line reaches w in the order it was written,
// whichever of the two took it.
func (b *LogBuffer) Direct() io.Writer { return directWriter{b} }

type directWriter struct{ b *LogBuffer }

func (d directWriter) Write(p []byte) (int, error) {
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	d.b.flushLocked()
	return d.b.w.Write(p)
}

// Close stops the periodic flush and writes what is left; later writes go
// straight through.
func (b *LogBuffer) Close() error {
	b.once.Do(func() {
		close(b.stop)
		<-b.done
		b.mu.Lock()
		defer b.mu.Unlock()
		b.closed = true
		b.flushLocked()
	})
	return nil
}
