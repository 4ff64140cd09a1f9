// Command sessionhub serves the Atlas sessions API and the BrainSTEM STEM
// session API over one SQLite database (or PostgreSQL with --db), and
// manages its users and tokens.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sessionhub:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  sessionhub serve [--addr 127.0.0.1:8080] [--data ./data] [--db postgres://…] [--max-upload-bytes N]
                   [--max-request-bytes N] [--min-free-bytes N]
                   [--stall-timeout D] [--write-timeout D] [--idle-timeout D]
                   [--token-ttl 0] [--throttle-… BURST/INTERVAL]
                   [--admin-addr 127.0.0.1:9090] [--shutdown-timeout 30s]
                   [--blobs s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R&secure=false]
  sessionhub migrate (--data DIR | --db postgres://…)
  sessionhub copy --from sqlite://DIR --to postgres://… (--blobs s3://… | --data DIR) [--replace]
  sessionhub backup --data DIR --out FILE.tar.gz
  sessionhub restore --from FILE.tar.gz --data NEWDIR
  sessionhub audit --data DIR [--since 24h|2026-01-02T15:04:05Z]
  sessionhub user add --data DIR --email E [--password P] [--staff]
  sessionhub user set-staff --data DIR --email E [--off]
  sessionhub import --data DIR --model species|strain|supplier --file F.json
  sessionhub token create --data DIR --email E [--name N] [--ttl 720h]
  sessionhub token list --data DIR --email E
  sessionhub token revoke --data DIR (--id N | --token shp_...)`

// run parses the command line and runs one subcommand until ctx is done.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	switch {
	case len(args) >= 1 && args[0] == "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case len(args) >= 1 && args[0] == "migrate":
		return migrateCmd(ctx, args[1:], getenv, stdout, stderr)
	case len(args) >= 1 && args[0] == "copy":
		return copyCmd(ctx, args[1:], getenv, stdout, stderr)
	case len(args) >= 2 && args[0] == "user" && args[1] == "add":
		return userAdd(ctx, args[2:], getenv, stdout, stderr)
	case len(args) >= 2 && args[0] == "user" && args[1] == "set-staff":
		return userSetStaff(ctx, args[2:], getenv, stdout, stderr)
	case len(args) >= 1 && args[0] == "import":
		return importCmd(ctx, args[1:], getenv, stdout, stderr)
	case len(args) >= 1 && args[0] == "token":
		return tokenCmd(ctx, args[1:], getenv, stdout, stderr)
	case len(args) >= 1 && (args[0] == "backup" || args[0] == "restore" || args[0] == "audit"):
		return opsCommand(ctx, args[0], args[1:], getenv, stdout, stderr)
	default:
		return errors.New(usage)
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// envInt is the integer in environment variable key, or def when it is unset.
func envInt(getenv func(string) string, key string, def int64) (int64, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return n, nil
}

// envDuration is the duration in environment variable key (as "90s"), or def when it is unset.
func envDuration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return d, nil
}

// limitFlags are serve's flags for request sizes, free space and timeouts.
type limitFlags struct {
	maxRequest, minFree              *int64
	stallTimeout, writeTimeout, idle *time.Duration
}

func addLimitFlags(fs *flag.FlagSet, getenv func(string) string) (*limitFlags, error) {
	defReq, err1 := envInt(getenv, "SESSIONHUB_MAX_REQUEST_BYTES", server.DefaultMaxRequestBytes)
	defFree, err2 := envInt(getenv, "SESSIONHUB_MIN_FREE_BYTES", store.DefaultMinFreeBytes)
	defStall, err3 := envDuration(getenv, "SESSIONHUB_STALL_TIMEOUT", server.DefaultStallTimeout)
	defWrite, err4 := envDuration(getenv, "SESSIONHUB_WRITE_TIMEOUT", server.DefaultWriteTimeout)
	defIdle, err5 := envDuration(getenv, "SESSIONHUB_IDLE_TIMEOUT", server.DefaultIdleTimeout)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return nil, err
	}
	return &limitFlags{
		maxRequest:   fs.Int64("max-request-bytes", defReq, "size limit of a whole upload request (all its files) in bytes (env SESSIONHUB_MAX_REQUEST_BYTES)"),
		minFree:      fs.Int64("min-free-bytes", defFree, "uploads are refused with 507 while the data dir's disk has less free space than this; 0 turns the check off (env SESSIONHUB_MIN_FREE_BYTES)"),
		stallTimeout: fs.Duration("stall-timeout", defStall, "a request body that sends nothing for this long is cut (env SESSIONHUB_STALL_TIMEOUT)"),
		writeTimeout: fs.Duration("write-timeout", defWrite, "a response the client takes nothing of for this long is cut (env SESSIONHUB_WRITE_TIMEOUT)"),
		idle:         fs.Duration("idle-timeout", defIdle, "an idle keep-alive connection is closed after this long (env SESSIONHUB_IDLE_TIMEOUT)"),
	}, nil
}

func (l *limitFlags) check() error {
	for name, d := range map[string]time.Duration{"stall-timeout": *l.stallTimeout, "write-timeout": *l.writeTimeout, "idle-timeout": *l.idle} {
		if d <= 0 {
			return fmt.Errorf("--%s %v: want a positive duration", name, d)
		}
	}
	if *l.maxRequest <= 0 || *l.minFree < 0 {
		return fmt.Errorf("--max-request-bytes %d, --min-free-bytes %d: want a positive size and a size of at least 0", *l.maxRequest, *l.minFree)
	}
	return nil
}

func dataFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("data", envOr(getenv, "SESSIONHUB_DATA", "./data"), "data directory (env SESSIONHUB_DATA)")
}

// The SQLite readers' memory map (store.Options.MmapBytes): 1 GiB by
// default; SQLite maps at most 2 GiB on this build.
const (
	defaultMmapMiB = 1024
	maxMmapMiB     = 2048
	// defaultGCPercent is the Go collector's target that serve sets
	// unless the environment gives GOGC: a collection when the heap has
	// grown by 400 % of the live data, not Go's 100 %. A request's
	// garbage is short-lived and the live heap small (the read cache
	// aside), so at 100 % the collector ran several times a second under
	// load: on the bench's uncached workflow read GOGC=400 served about
	// 1.5x the requests at a lower p99 than GOGC=100, for a heap that may
	// grow to five times the live data.
	defaultGCPercent = 400
	// extraProcs is how many Ps (goroutines running Go code at once)
	// serve adds to the runtime's default (one per CPU) unless the
	// environment gives GOMAXPROCS. A SQLite call is a cgo call: once it
	// has run a few tens of µs the runtime hands its P to another
	// goroutine, and when it returns it waits in the global run queue
	// for a free P. With one P per CPU, none is free under load, and a
	// write waits like that after each of its statements while it holds
	// the write turn, so every write queued behind it waits too. On the
	// bench's 2 CPUs a BrainSTEM PATCH in the 90/10 mix took 930 µs on
	// average in the server (p90 3.2 ms) for about 200 µs of CPU; with
	// one more P, 630 µs (p90 1.3 ms), and the mix served about 15 %
	// more requests; GET-only traffic, the Atlas mix and creates served
	// about as many as before (bench/README.md). More Ps did no better.
	extraProcs = 1
	// maxReaders bounds --sqlite-readers: each connection has its own
	// page cache and prepared statements.
	maxReaders = 256
)

// defaultProcs is the runtime's GOMAXPROCS as the process started.
var defaultProcs = runtime.GOMAXPROCS(0)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "SESSIONHUB_ADDR", "127.0.0.1:8080"), "listen address (env SESSIONHUB_ADDR)")
	db := addDatabaseFlags(fs, getenv)
	defMax, err := envInt(getenv, "SESSIONHUB_MAX_UPLOAD_BYTES", server.DefaultMaxUploadBytes)
	if err != nil {
		return err
	}
	maxUpload := fs.Int64("max-upload-bytes", defMax, "per-file upload size limit in bytes (env SESSIONHUB_MAX_UPLOAD_BYTES)")
	defCache, err := envInt(getenv, "SESSIONHUB_READ_CACHE_MIB", store.DefaultReadCacheBytes>>20)
	if err != nil {
		return err
	}
	cacheMiB := fs.Int64("read-cache-mib", defCache, "memory for answers of GET requests kept until the next write, in MiB; 0 turns the cache off (env SESSIONHUB_READ_CACHE_MIB)")
	defMmap, err := envInt(getenv, "SESSIONHUB_SQLITE_MMAP_MIB", defaultMmapMiB)
	if err != nil {
		return err
	}
	mmapMiB := fs.Int64("sqlite-mmap-mib", defMmap, "how much of the SQLite database file the readers map into memory, in MiB; 0 maps nothing (env SESSIONHUB_SQLITE_MMAP_MIB)")
	defReaders, err := envInt(getenv, "SESSIONHUB_SQLITE_READERS", int64(store.DefaultReaders()))
	if err != nil {
		return err
	}
	readers := fs.Int64("sqlite-readers", defReaders, "how many SQLite reads run at once (reader connections); the default is one per CPU, at least 2 (env SESSIONHUB_SQLITE_READERS)")
	blobs := fs.String("blobs", getenv("SESSIONHUB_BLOBS"), "where attachments' bytes go: empty for the data dir, or s3://BUCKET[/PREFIX]?endpoint=HOST:PORT[&region=R][&secure=false] with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (env SESSIONHUB_BLOBS)")
	applyAuthFlags := authFlags(fs, getenv)
	limits, err := addLimitFlags(fs, getenv)
	if err != nil {
		return err
	}
	ops, err := addOpsFlags(fs, getenv)
	if err != nil {
		return err
	}
	exportTTL := fs.Duration("export-url-ttl", server.DefaultExportURLTTL, "lifetime of Atlas export URLs, e.g. 15m or 1h (env SESSIONHUB_EXPORT_URL_TTL)")
	if v := getenv("SESSIONHUB_EXPORT_URL_TTL"); v != "" {
		if err := fs.Set("export-url-ttl", v); err != nil {
			return fmt.Errorf("SESSIONHUB_EXPORT_URL_TTL=%q: %w", v, err)
		}
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := limits.check(); err != nil {
		return err
	}
	if err := ops.check(); err != nil {
		return err
	}
	cfg := server.Config{MaxUploadBytes: *maxUpload, MaxRequestBytes: *limits.maxRequest, ExportURLTTL: *exportTTL,
		StallTimeout: *limits.stallTimeout, WriteTimeout: *limits.writeTimeout}
	if err := applyAuthFlags(&cfg); err != nil {
		return err
	}
	if *exportTTL <= 0 {
		return fmt.Errorf("--export-url-ttl %s: want a positive duration", *exportTTL)
	}
	if *cacheMiB < 0 || *cacheMiB > 1<<20 {
		return fmt.Errorf("--read-cache-mib %d: want 0 to %d", *cacheMiB, 1<<20)
	}
	if *mmapMiB < 0 || *mmapMiB > maxMmapMiB {
		return fmt.Errorf("--sqlite-mmap-mib %d: want 0 to %d", *mmapMiB, maxMmapMiB)
	}
	if *readers < 1 || *readers > maxReaders {
		return fmt.Errorf("--sqlite-readers %d: want 1 to %d", *readers, maxReaders)
	}
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if getenv("GOMAXPROCS") == "" {
		// Fixed from here on: a CPU limit changed while the server runs
		// is no longer followed.
		runtime.GOMAXPROCS(defaultProcs + extraProcs)
	}
	// The request lines wait in a buffer; the server's own lines go
	// through it at once, after the request lines written before them.
	requests := server.NewLogBuffer(stderr, 100*time.Millisecond)
	defer requests.Close()
	log := slog.New(slog.NewJSONHandler(requests.Direct(), nil))

	if err := db.check(); err != nil {
		return err
	}
	// On SQLite one server owns the data directory (its caches assume it
	// is the only writer) and a crash's leftovers in the blob directory
	// can be swept at once. On PostgreSQL several nodes share the database:
	// no lock, and only leftovers older than an upload may stall are swept.
	startupGrace := time.Duration(0)
	if db.postgres() {
		startupGrace = *limits.stallTimeout
	} else {
		unlock, err := store.LockDataDir(*db.data)
		if err != nil {
			return err
		}
		defer unlock()
	}
	opts := db.options()
	opts.MmapBytes = *mmapMiB << 20
	opts.Readers = int(*readers)
	st, err := store.OpenWith(opts)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, m := range st.Migrated() {
		log.Info("migrated the database", "version", m.Version, "name", m.Name, "existing_tables", m.Existing)
	}
	if db.postgres() {
		log.Info("PostgreSQL mode: no read cache (--read-cache-mib is ignored), no data-directory lock", "data", *db.data)
	}
	st.SetReadCacheBytes(int(*cacheMiB) << 20)
	st.SetMinFreeBytes(*limits.minFree)
	if *blobs != "" {
		b, err := store.OpenS3Blobs(ctx, *blobs, getenv, *maxUpload)
		if err != nil {
			return err
		}
		st.SetBlobs(b)
	}
	// Under the data-dir lock no other process writes the blob store (a
	// bucket prefix given to --blobs belongs to this one sessionhub):
	// every upload temp file and every file without an attachment row is
	// what a crash left. While serving, the same is swept every 10 stall
	// timeouts, sparing uploads in progress.
	if n, err := st.SweepBlobs(ctx, startupGrace); err != nil || n > 0 {
		log.Info("swept crash leftovers from the blob directory", "removed", n, "error", err)
	}
	sweepCtx, stopSweep := context.WithCancel(ctx)
	defer stopSweep()
	go st.SweepBlobsEvery(sweepCtx, 10**limits.stallTimeout, *limits.stallTimeout, func(n int, err error) {
		log.Info("swept the blob directory", "removed", n, "error", err)
	})
	if err := bootstrapAdmin(ctx, st, stdout); err != nil {
		return err
	}
	metrics, stopAdmin, err := ops.startAdmin(st, log, *limits.minFree)
	if err != nil {
		return err
	}
	defer stopAdmin()
	cfg.Metrics = metrics
	cfg.RequestLog = slog.New(server.NewRequestLineHandler(requests))
	e, err := server.New(st, log, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	g := newGraceful(e)
	srv := &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: *limits.idle, BaseContext: g.baseContext}
	log.Info("listening", "addr", "http://"+ln.Addr().String(), "data", *db.data, "database", string(st.Dialect()), "blobs", st.Blobs().Describe())
	return g.serve(ctx, srv, ln, *ops.shutdownTimeout, log)
}

// bootstrapAdmin creates admin@localhost and prints a token for it when the
// database has no users yet, so a fresh server is usable at once.
func bootstrapAdmin(ctx context.Context, st *store.Store, stdout io.Writer) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	u, err := st.CreateUser(ctx, "admin@localhost", "")
	if errors.Is(err, store.ErrConflict) {
		return nil // another node sharing the database made it first
	}
	if err != nil {
		return err
	}
	tok, _, err := st.CreateNamedToken(ctx, store.NewToken{UserID: u.ID, Name: "first start"})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user admin@localhost; its API token (shown once):\n%s\n", tok)
	return nil
}

func userAdd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := addDatabaseFlags(fs, getenv)
	email := fs.String("email", "", "email address (login name)")
	password := fs.String("password", "", "password for the sign-in page and /api/token/ (optional)")
	staff := fs.Bool("staff", false, "the user may write the global BrainSTEM tables (species, strains, suppliers)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("user add: --email is required")
	}
	st, err := db.open()
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, *email, *password)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("user add: %s already exists", store.NormalizeEmail(*email))
	}
	if err != nil {
		return err
	}
	if *staff {
		if err := st.SetStaff(ctx, u.Email, true); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created staff user %s\n", u.Email)
		return nil
	}
	fmt.Fprintf(stdout, "created user %s\n", u.Email)
	return nil
}
