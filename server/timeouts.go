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
//   - reading the body: stall from now, extended after each read that
//     returns bytes; cleared once the body has been read to its end (the
//     handler may then take its time: net/http's background read on the
//     connection must not hit the deadline and cancel the request);
//   - writing the response: write from now, extended before each write.
//
// A body whose Content-Length is larger than what the client sends is cut
// the same way. Connections whose deadlines cannot be set (HTTP/2, test
// recorders) are served without them.
func progressDeadlines(stall, write time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			rc := http.NewResponseController(res.Writer)
			if rc.SetWriteDeadline(time.Now().Add(write)) == nil {
				w := &deadlineWriter{ResponseWriter: res.Writer, rc: rc, timeout: write}
				res.Writer = w
				defer w.extend() // covers the flush after the handler returns
			}
			r := c.Request()
			if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
				if rc.SetReadDeadline(time.Now().Add(stall)) == nil {
					// net/http decides whether the connection can be reused
					// by looking at the request's own body type afterwards.
					orig := r.Body
					defer func() { r.Body = orig }()
					r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, timeout: stall}
				}
			}
			return next(c)
		}
	}
}

// deadlineBody extends the connection's read deadline after every read
// that made progress, and clears it at the end of the body.
type deadlineBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
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
		_ = b.rc.SetReadDeadline(time.Now().Add(b.timeout))
	}
	return n, err
}

// deadlineWriter extends the connection's write deadline before each
// write, at most every timeout/8 (setting it has a cost; each write is
// still given at least 7/8 of the timeout).
type deadlineWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	set     time.Time
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
