package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// TestShutdownWritesRequestLinesBeforeItsLastLine: request lines wait in
// the request log's buffer; serve's log, which writes through it
// (LogBuffer.Direct), puts those of the requests finished before the
// shutdown before its first line ("shutting down"), and those of the
// requests finished during it before its last line ("shut down"), both
// when they finish in time and when they are cut. Before, they came out
// after the last line, when the buffer was closed.
func TestShutdownWritesRequestLinesBeforeItsLastLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		timeout  time.Duration
		lastLine string
	}{
		{"finished", 10 * time.Second, "msg=\"shut down\""},
		{"cut", 50 * time.Millisecond, "msg=\"shut down; cut requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out servertest.SyncBuffer
			// Flushed only by the log's lines: an hour is longer than the test.
			requests := server.NewLogBuffer(&out, time.Hour)
			defer requests.Close()
			log := slog.New(slog.NewTextHandler(requests.Direct(), nil))
			entered, release := make(chan struct{}), make(chan struct{})
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/before" {
					io.WriteString(requests, "request line of /before\n") // before the answer, as the request logger does
					w.WriteHeader(http.StatusNoContent)
					return
				}
				close(entered)
				select {
				case <-release:
				case <-r.Context().Done():
				}
				w.WriteHeader(http.StatusNoContent)
				io.WriteString(requests, "request line of "+r.URL.Path+"\n")
			})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			g := newGraceful(h)
			srv := &http.Server{Handler: g, BaseContext: g.baseContext}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- g.serve(ctx, srv, ln, tc.timeout, log) }()

			// A request finished before the shutdown.
			res, err := http.Get("http://" + ln.Addr().String() + "/before")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			got := make(chan error, 1)
			go func() {
				res, err := http.Get("http://" + ln.Addr().String() + "/in-flight")
				if err == nil {
					res.Body.Close()
				}
				got <- err
			}()
			<-entered
			cancel()
			if tc.name == "finished" {
				time.Sleep(100 * time.Millisecond) // the shutdown has begun
				close(release)
				if err := <-got; err != nil {
					t.Fatalf("in-flight request: %v", err)
				}
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("serve = %v; want nil", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not return")
			}
			s := out.String()
			if before, first := strings.Index(s, "request line of /before"), strings.Index(s, `msg="shutting down`); before < 0 || first < 0 || before > first {
				t.Fatalf("log:\n%s\nwant the line of the request before the shutdown before its first line", s)
			}
			line, last := strings.Index(s, "request line of /in-flight"), strings.Index(s, tc.lastLine)
			if line < 0 || last < 0 || line > last {
				t.Fatalf("log:\n%s\nwant the request's line before %s", s, tc.lastLine)
			}
		})
	}
}
