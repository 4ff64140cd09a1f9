// Package pgtest runs a throwaway PostgreSQL cluster for tests: initdb into
// a temp dir, the server on a unix socket in that dir (no TCP port), one
// cluster per test binary, a fresh database per test copied from a
// prepared template. It uses the binaries of Debian's postgresql package
// (/usr/lib/postgresql/N/bin, or PGTEST_BIN); without them the tests that
// ask for a database are skipped with a message saying so.
//
// A package whose tests use it stops the cluster in TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// The server also dies with the test binary (parent-death signal), so a
// test binary killed by its timeout leaves no server behind.
package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// EnvDB is the environment variable that selects the database of the
// tests that run against either: "postgres" runs them on PostgreSQL,
// anything else (or unset) on SQLite.
const EnvDB = "SESSIONHUB_TEST_DB"

// Enabled reports whether the tests run against PostgreSQL (EnvDB).
func Enabled() bool { return os.Getenv(EnvDB) == "postgres" }

// startTimeout bounds initdb and the server's start; stopTimeout its stop.
const (
	startTimeout = 60 * time.Second
	stopTimeout  = 20 * time.Second
)

// superuser is the cluster's superuser name (initdb -U).
const superuser = "sessionhub"

var (
	mu        sync.Mutex
	running   *cluster
	startErr  error
	started   bool
	templates = map[string]string{} // template key → template database name
	databases int
)

type cluster struct {
	dir     string // data dir and socket dir's parent
	sockDir string
	cmd     *exec.Cmd
	exited  chan struct{}
	admin   *sql.DB // connected to the "postgres" database
}

// Main runs the tests of m and then stops the cluster if one was started;
// its result is m.Run's exit code.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		if err := running.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop:", err)
		}
		running = nil
	}
	return code
}

// BinDir returns the directory of initdb and postgres: PGTEST_BIN, or the
// newest /usr/lib/postgresql/N/bin; "" when there is none.
func BinDir() string {
	if d := os.Getenv("PGTEST_BIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			return ""
		}
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	return ""
}

// Database returns the URL of a new, empty-but-prepared database for t:
// a copy of the template named key, which prepare (given the template's
// URL) fills once per test binary (e.g. by running the migrations), or of
// template0 when prepare is nil. The test is skipped when PostgreSQL's
// binaries are absent, and fails when the cluster does not start.
func Database(t testing.TB, key string, prepare func(url string) error) string {
	t.Helper()
	c, err := get()
	if errors.Is(err, errNoBinaries) {
		t.Skip("pgtest: PostgreSQL binaries not found (install Debian's postgresql package or set PGTEST_BIN); skipping the PostgreSQL run")
	}
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	tmpl := "template0"
	if prepare != nil {
		name, ok := templates[key]
		if !ok {
			name = fmt.Sprintf("tmpl_%d", len(templates)+1)
			if err := c.exec("CREATE DATABASE " + name + " TEMPLATE template0"); err != nil {
				t.Fatalf("pgtest: %v", err)
			}
			if err := prepare(c.url(name)); err != nil {
				t.Fatalf("pgtest: prepare template %q: %v", key, err)
			}
			templates[key] = name
		}
		tmpl = name
	}
	databases++
	name := fmt.Sprintf("test_%d", databases)
	if err := c.exec("CREATE DATABASE " + name + " TEMPLATE " + tmpl); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return c.url(name)
}

var errNoBinaries = errors.New("no PostgreSQL binaries")

// get starts the cluster on the first call.
func get() (*cluster, error) {
	mu.Lock()
	defer mu.Unlock()
	if !started {
		started = true
		running, startErr = start()
	}
	return running, startErr
}

func (c *cluster) url(db string) string {
	return (&url.URL{Scheme: "postgres", User: url.User(superuser), Path: "/" + db,
		RawQuery: url.Values{"host": {c.sockDir}, "sslmode": {"disable"}}.Encode()}).String()
}

func (c *cluster) exec(q string) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	_, err := c.admin.ExecContext(ctx, q)
	return err
}

// start runs initdb and the server. As root (initdb refuses root) both run
// as the "postgres" system user, or "nobody", owning the temp dir.
func start() (*cluster, error) {
	bin := BinDir()
	if bin == "" {
		return nil, errNoBinaries
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: dir, sockDir: filepath.Join(dir, "s"), exited: make(chan struct{})}
	fail := func(err error) (*cluster, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := os.Mkdir(c.sockDir, 0o700); err != nil {
		return fail(err)
	}
	cred, err := runAs(dir)
	if err != nil {
		return fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	pgdata := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", pgdata, "-U", superuser,
		"--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var out bytes.Buffer
	initdb.Stdout, initdb.Stderr = &out, &out
	if err := initdb.Run(); err != nil {
		return fail(fmt.Errorf("initdb: %v\n%s", err, out.String()))
	}
	// No TCP listener; durability off (a throwaway cluster).
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", pgdata, "-k", c.sockDir,
		"-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB")
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	logf, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return fail(err)
	}
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	if err := c.cmd.Start(); err != nil {
		logf.Close()
		return fail(fmt.Errorf("start postgres: %w", err))
	}
	go func() { c.cmd.Wait(); logf.Close(); close(c.exited) }()
	c.admin, err = sql.Open("pgx", c.url("postgres"))
	if err != nil {
		c.stop()
		return nil, err
	}
	for {
		err := c.admin.PingContext(ctx)
		if err == nil {
			return c, nil
		}
		select {
		case <-c.exited:
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			c.stop()
			return nil, fmt.Errorf("postgres exited at start:\n%s", log)
		case <-ctx.Done():
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			c.stop()
			return nil, fmt.Errorf("postgres not ready after %v (%v):\n%s", startTimeout, err, log)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// runAs returns the credential to run PostgreSQL with (nil: as this
// process) and hands dir to that user.
func runAs(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var u *user.User
	var err error
	for _, name := range []string{"postgres", "nobody"} {
		if u, err = user.Lookup(name); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("running as root, and no user to run PostgreSQL as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	err = filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, uid, gid)
	})
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// stop shuts the server down (fast shutdown, then SIGKILL after
// stopTimeout) and removes the temp dir.
func (c *cluster) stop() error {
	if c.admin != nil {
		c.admin.Close()
	}
	var err error
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(stopTimeout):
			syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
			<-c.exited
			err = fmt.Errorf("postgres did not stop within %v; killed", stopTimeout)
		}
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}
