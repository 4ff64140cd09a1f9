package server

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Timeout defaults; each is a flag of sessionhub serve.
const (
	// DefaultStallTimeout cuts a request body that sends nothing for this long.
	DefaultStallTimeout = 60 * time.Second
	// DefaultWriteTimeout cuts a response that the client does not take
	// any of for this long.
	DefaultWriteTimeout = 60 * time.Second
	// DefaultIdleTimeout closes a keep-alive connection idle for this long.
	DefaultIdleTimeout = 120 * time.Second
)

// progressDeadlines gives every request deadlines that move with progress
// instead of bounding its whole duration, so a 2 GiB upload or download on
// a slow but steady link finishes, and a stalled one is cut:
//
//   - reading the body: stall from now, extended after reads that return
//     bytes; cleared once the body has been read to its end (the
//     handler may then take its time: net/http's background read on the
//     connection must not hit the deadline and cancel the request);
//   - writing the response: write from now, extended before each write.
//
// Deadlines are moved at most every eighth of their timeout (moving one
// has a cost, and uploads are read in 4 KiB steps), so a stall is cut
// after between 7/8 and all of its timeout. A body whose Content-Length
// is larger than what the client sends is cut the same way. Writers whose
// connection has no deadlines (test recorders) are served without them.
func progressDeadlines(stall, write time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			rc := http.NewResponseController(res.Writer)
			now := time.Now()
			if rc.SetWriteDeadline(now.Add(write)) == nil {
				w := &deadlineWriter{ResponseWriter: res.Writer, rc: rc, timeout: write, set: now}
				res.Writer = w
				defer w.extend() // covers the flush after the handler returns
			}
			r := c.Request()
			if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
				if rc.SetReadDeadline(now.Add(stall)) == nil {
					// net/http decides whether the connection can be reused
					// by looking at the request's own body type afterwards.
					orig := r.Body
					defer func() { r.Body = orig }()
					r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, timeout: stall, set: now}
				}
			}
			return next(c)
		}
	}
}

// deadlineBody extends the connection's read deadline after reads that
// made progress, and clears it at the end of the body.
type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
	set     time.Time // when the deadline was last moved
	done    bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case b.done:
	case errors.Is(err, io.EOF):
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	case n > 0:
		if now := time.Now(); now.Sub(b.set) > b.timeout/8 {
			b.set = now
			_ = b.rc.SetReadDeadline(now.Add(b.timeout))
		}
	}
	return n, err
}

// deadlineWriter extends the connection's write deadline before writes.
type deadlineWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	set     time.Time // when the deadline was last moved
}

func (w *deadlineWriter) extend() {
	if now := time.Now(); now.Sub(w.set) > w.timeout/8 {
		w.set = now
		_ = w.rc.SetWriteDeadline(now.Add(w.timeout))
	}
}

func (w *deadlineWriter) WriteHeader(code int) {
	w.extend()
	w.ResponseWriter.WriteHeader(code)
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(p)
}

// Flush passes flushes on (streamed responses).
func (w *deadlineWriter) Flush() {
	w.extend()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
