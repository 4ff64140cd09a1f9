package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sessionhub/sessionhub/server/admin"
	"github.com/sessionhub/sessionhub/store"
)

// defaultShutdownTimeout is how long in-flight requests may run on after
// SIGTERM before they are cut.
const defaultShutdownTimeout = 30 * time.Second

// opsFlags are serve's flags for the admin listener and shutdown.
type opsFlags struct {
	adminAddr       *string
	shutdownTimeout *time.Duration
}

func addOpsFlags(fs *flag.FlagSet, getenv func(string) string) (*opsFlags, error) {
	defShutdown, err := envDuration(getenv, "SESSIONHUB_SHUTDOWN_TIMEOUT", defaultShutdownTimeout)
	if err != nil {
		return nil, err
	}
	return &opsFlags{
		adminAddr: fs.String("admin-addr", getenv("SESSIONHUB_ADMIN_ADDR"),
			"address of the admin listener (/metrics, /livez, /readyz, /debug/pprof/); empty: none (env SESSIONHUB_ADMIN_ADDR)"),
		shutdownTimeout: fs.Duration("shutdown-timeout", defShutdown,
			"on SIGTERM, how long in-flight requests may finish before they are cut (env SESSIONHUB_SHUTDOWN_TIMEOUT)"),
	}, nil
}

func (o *opsFlags) check() error {
	if *o.shutdownTimeout < 0 {
		return fmt.Errorf("--shutdown-timeout %v: want a duration of at least 0", *o.shutdownTimeout)
	}
	return nil
}

// startAdmin starts the admin listener when --admin-addr is set and returns
// the metrics the public server must fill (nil without a listener) and a
// function that stops the listener.
func (o *opsFlags) startAdmin(st *store.Store, log *slog.Logger, minFree int64) (*admin.Metrics, func(), error) {
	if *o.adminAddr == "" {
		return nil, func() {}, nil
	}
	reg := prometheus.NewRegistry()
	m, err := admin.NewMetrics(reg, st)
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", *o.adminAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("--admin-addr: %w", err)
	}
	srv := &http.Server{
		Handler:           admin.Handler(admin.Deps{Gatherer: reg, Store: st, Log: log, MinFreeBytes: minFree}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	log.Info("admin listening", "addr", "http://"+ln.Addr().String())
	go func() { _ = srv.Serve(ln) }()
	return m, func() { _ = srv.Close() }, nil
}

// graceful counts the requests in its handler and gives them a context
// that ends when a shutdown runs out of time.
type graceful struct {
	h        http.Handler
	inFlight atomic.Int64
	hardStop context.Context
	cut      context.CancelFunc
}

func newGraceful(h http.Handler) *graceful {
	g := &graceful{h: h}
	g.hardStop, g.cut = context.WithCancel(context.Background())
	return g
}

func (g *graceful) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.inFlight.Add(1)
	defer g.inFlight.Add(-1)
	g.h.ServeHTTP(w, r)
}

// baseContext is the http.Server's BaseContext: every request's context
// ends when the shutdown cuts it.
func (g *graceful) baseContext(net.Listener) context.Context { return g.hardStop }

// cutWait bounds how long serve waits for cut requests to clean up (remove
// their temp files) before it returns.
const cutWait = 10 * time.Second

// serve runs srv on ln until ctx ends, then shuts down: no new connections,
// in-flight requests get timeout to finish, and the rest are cut (their
// contexts cancelled, their connections closed) and given a moment to clean
// up. A shutdown, cut or not, returns nil. log writes through the request
// lines' buffer (server.LogBuffer.Direct), so that each request's line
// comes before the shutdown's line that follows the request.
func (g *graceful) serve(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down; finishing in-flight requests", "timeout", timeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if err == nil {
		log.Info("shut down")
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	n := g.inFlight.Load()
	g.cut()
	_ = srv.Close()
	deadline := time.Now().Add(cutWait)
	for g.inFlight.Load() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	log.Warn("shut down; cut requests still running after the shutdown timeout", "cut", n, "not_finished", g.inFlight.Load())
	return nil
}

// opsCommand runs the operator's commands on a data directory.
func opsCommand(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := addDatabaseFlags(fs, getenv)
	data := db.data
	sqliteOnly := func() error {
		if db.postgres() {
			return fmt.Errorf("%s: works on the SQLite data directory; for PostgreSQL use its own tools (pg_dump, pg_restore) and copy the blobs under --data", name)
		}
		return nil
	}
	switch name {
	case "backup":
		out := fs.String("out", "", "archive to write (.tar, or .tar.gz / .tgz to compress)")
		blobs := fs.String("blobs", getenv("SESSIONHUB_BLOBS"), "the serve --blobs of this data dir (env SESSIONHUB_BLOBS); backup refuses when it is not empty")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if err := sqliteOnly(); err != nil {
			return err
		}
		if *out == "" {
			return errors.New("backup: --out is required")
		}
		if *blobs != "" {
			// A backup is the database and every blob, verified on restore;
			// it has no way to copy a bucket consistently with the rows.
			return fmt.Errorf("backup: the attachments of this installation are in %s, not in %s: "+
				"a backup would hold the rows without their bytes, so none is written. "+
				"Back up the bucket with the object store's own tools (versioning, replication) and the database separately; see README, Scaling out", *blobs, *data)
		}
		m, err := store.Backup(ctx, *data, *out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup of %s written to %s: %d tables, %d rows, %d blobs (%d bytes); writes paused for %s\n",
			*data, *out, len(m.Tables), sumRows(m), len(m.Blobs), sumBytes(m), m.WritesPausedFor)
		return nil
	case "restore":
		from := fs.String("from", "", "archive written by sessionhub backup")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if err := sqliteOnly(); err != nil {
			return err
		}
		if *from == "" {
			return errors.New("restore: --from is required")
		}
		m, err := store.Restore(ctx, *from, *data)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored the backup of %s into %s: %d tables, %d rows, %d blobs (%d bytes), all verified against the manifest\n",
			m.CreatedAt.Format(time.RFC3339), *data, len(m.Tables), sumRows(m), len(m.Blobs), sumBytes(m))
		return nil
	default:
		return auditCommand(ctx, fs, db, args, stdout)
	}
}

func sumRows(m *store.Manifest) (n int64) {
	for _, c := range m.Tables {
		n += c
	}
	return n
}

func sumBytes(m *store.Manifest) (n int64) {
	for _, b := range m.Blobs {
		n += b.Size
	}
	return n
}

// auditCommand prints the audit trail as JSON lines, oldest first. It
// reads the data directory directly (beside a running serve): whoever may
// read the data directory is the operator.
func auditCommand(ctx context.Context, fs *flag.FlagSet, db *databaseFlags, args []string, stdout io.Writer) error {
	sinceArg := fs.String("since", "24h", "first event to print: a time (RFC 3339, as 2026-01-02T15:04:05Z) or a duration back from now (as 24h)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	since, err := time.Parse(time.RFC3339, *sinceArg)
	if err != nil {
		d, derr := time.ParseDuration(*sinceArg)
		if derr != nil || d < 0 {
			return fmt.Errorf("audit: --since %q: want an RFC 3339 time or a positive duration", *sinceArg)
		}
		since = time.Now().Add(-d)
	}
	st, err := db.open()
	if err != nil {
		return err
	}
	defer st.Close()
	enc := json.NewEncoder(stdout)
	return st.AuditSince(ctx, since, func(ev *store.AuditEvent) error {
		line := struct {
			*store.AuditEvent
			Fields  []string `json:"fields"`
			Created []string `json:"created"`
		}{AuditEvent: ev}
		if err := errors.Join(json.Unmarshal([]byte(ev.Fields), &line.Fields), json.Unmarshal([]byte(ev.Created), &line.Created)); err != nil {
			return fmt.Errorf("audit event %d: %w", ev.ID, err)
		}
		return enc.Encode(line)
	})
}
