//go:build unix

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // database/sql driver for checking the data dir beside a running server

	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store/pgtest"
)

// The test binary doubles as the sessionhub binary: with childArgsEnv set,
// TestMain runs `run` with those arguments (a JSON list) instead of the
// tests, so a test can start a real server process and SIGKILL it, or run
// a CLI command beside a running server (cliProcess).
const (
	childArgsEnv  = "SESSIONHUB_TEST_CHILD_ARGS"
	childFsizeEnv = "SESSIONHUB_TEST_CHILD_FSIZE" // RLIMIT_FSIZE of the child in bytes
)

func TestMain(m *testing.M) {
	if args := os.Getenv(childArgsEnv); args != "" {
		os.Exit(runChild(args))
	}
	os.Exit(pgtest.Main(m)) // stops the PostgreSQL cluster of the tests that use one
}

func runChild(argsJSON string) int {
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		fmt.Fprintln(os.Stderr, "child args:", err)
		return 2
	}
	if v := os.Getenv(childFsizeEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err == nil {
			err = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child fsize:", err)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sessionhub:", err)
		return 1
	}
	return 0
}

// childServe is `sessionhub serve` in its own process.
type childServe struct {
	cmd            *exec.Cmd
	addr, data     string
	stdout, stderr *servertest.SyncBuffer
	done           chan error
}

// startChild starts serve on data in a new process (extraEnv added to its
// environment) and waits until /healthz answers: by then the startup
// sweep has run.
func startChild(t *testing.T, data string, extraEnv []string, args ...string) *childServe {
	t.Helper()
	addr := freeAddr(t)
	argsJSON, _ := json.Marshal(append([]string{"serve", "--addr", addr, "--data", data}, args...))
	c := &childServe{addr: addr, data: data, stdout: &servertest.SyncBuffer{}, stderr: &servertest.SyncBuffer{}, done: make(chan error, 1)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(append(os.Environ(), childArgsEnv+"="+string(argsJSON)), extraEnv...)
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(func() { c.kill(t) })
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-c.done:
			c.done <- err
			t.Fatalf("child serve exited early: %v\nstderr: %s", err, c.stderr.String())
		default:
		}
		if res, err := client.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("child serve on %s did not answer within 60s\nstderr: %s", addr, c.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill SIGKILLs the child (if it still runs) and waits for it.
func (c *childServe) kill(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case err := <-c.done:
		c.done <- err
	case <-time.After(30 * time.Second):
		t.Error("child did not die within 30s of SIGKILL")
	}
}

func (c *childServe) url(path string) string { return "http://" + c.addr + path }

// checkDataDir fails unless the blob directory holds exactly one file per
// attachment row (no upload temp file, no file without a row, no row
// without a file) and SQLite's integrity check passes. It reads the
// database beside the running server, read-only.
func checkDataDir(t *testing.T, data string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "sessionhub.db")+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v", ok, err)
	}
	rows, err := db.Query("SELECT id FROM atlas_attachments")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want[id] = true
	}
	rows.Close()
	entries, err := os.ReadDir(filepath.Join(data, "blobs", "atlas"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), ".upload-"):
			t.Errorf("upload temp file left: %s", e.Name())
		case !want[e.Name()]:
			t.Errorf("blob without an attachment row: %s", e.Name())
		}
		delete(want, e.Name())
	}
	for id := range want {
		t.Errorf("attachment %s has no file", id)
	}
}

// TestKill9LeavesNoLeftovers runs a few cycles of: start a server process,
// check the data dir (no temp file, no blob without a row, integrity ok)
// and that every acknowledged upload downloads with its bytes and every
// acknowledged delete stays deleted, then concurrent uploads (some of them
// stalled half-way, so temp files exist) and deletes, then SIGKILL.
func TestKill9LeavesNoLeftovers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	t.Parallel()
	const cycles = 3
	data := t.TempDir()
	var tok string
	var sessions []string
	// acked: attachment id -> session and SHA-256 of its bytes; gone: acknowledged deletes.
	type file struct {
		session string
		sum     [32]byte
	}
	acked := map[string]file{}
	gone := map[string]string{} // attachment id -> session
	var mu sync.Mutex
	client := &http.Client{Timeout: 30 * time.Second}
	for cycle := 0; ; cycle++ {
		c := startChild(t, data, nil)
		if cycle == 0 {
			tok = adminToken(c.stdout.String())
			if tok == "" {
				t.Fatalf("no admin token printed: %q", c.stdout.String())
			}
			for range 2 {
				st, body, err := apiCall(client, http.MethodPost, c.url("/sessions"), tok, strings.NewReader(`{}`))
				var s struct {
					ID string `json:"session_id"`
				}
				if err != nil || st != http.StatusCreated || json.Unmarshal(body, &s) != nil {
					t.Fatalf("create session: %d %s %v", st, body, err)
				}
				sessions = append(sessions, s.ID)
			}
		}
		checkDataDir(t, data)
		for id, f := range acked {
			st, body, err := apiCall(client, http.MethodGet, c.url("/sessions/"+f.session+"/attachments/"+id+"/content"), tok, nil)
			if err != nil || st != http.StatusOK || sha256.Sum256(body) != f.sum {
				t.Errorf("cycle %d: acknowledged upload %s: %d, %d bytes, %v; want 200 with its bytes", cycle, id, st, len(body), err)
			}
		}
		for id, s := range gone {
			if st, _, err := apiCall(client, http.MethodGet, c.url("/sessions/"+s+"/attachments/"+id+"/content"), tok, nil); err != nil || st != http.StatusNotFound {
				t.Errorf("cycle %d: acknowledged delete of %s: GET = %d, %v; want 404", cycle, id, st, err)
			}
		}
		if t.Failed() || cycle == cycles {
			c.kill(t)
			return
		}

		// Load: uploaders and deleters until the kill, plus stalled uploads.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(cycle), uint64(w)))
				var seed [32]byte
				seed[0], seed[1] = byte(cycle), byte(w)
				fill := rand.NewChaCha8(seed)
				for {
					select {
					case <-stop:
						return
					default:
					}
					if rng.IntN(4) == 0 {
						mu.Lock()
						var id string
						var f file
						for id, f = range acked {
							break
						}
						if id != "" {
							delete(acked, id) // in doubt until acknowledged
						}
						mu.Unlock()
						if id == "" {
							continue
						}
						st, _, err := apiCall(client, http.MethodDelete, c.url("/sessions/"+f.session+"/attachments/"+id), tok, nil)
						if err == nil && st == http.StatusNoContent {
							mu.Lock()
							gone[id] = f.session
							mu.Unlock()
						}
						continue
					}
					payload := make([]byte, 1+rng.IntN(3<<20))
					_, _ = fill.Read(payload)
					s := sessions[rng.IntN(len(sessions))]
					id, st, err := uploadOne(client, "http://"+c.addr, tok, s, payload)
					if err == nil && st == http.StatusCreated {
						mu.Lock()
						acked[id] = file{session: s, sum: sha256.Sum256(payload)}
						mu.Unlock()
					}
				}
			})
		}
		for range 3 {
			wg.Go(func() { stalledUpload(c.addr, tok, sessions[0], stop) })
		}
		time.Sleep(1500 * time.Millisecond)
		c.kill(t)
		close(stop)
		wg.Wait()
		t.Logf("cycle %d: %d uploads and %d deletes acknowledged so far", cycle, len(acked)+len(gone), len(gone))
		if n := len(acked); n == 0 && cycle == 0 {
			t.Fatal("no upload was acknowledged in the first cycle; the load did not run")
		}
	}
}

// stalledUpload sends the start of an upload that declares 1 MiB and
// then sends nothing more until stop, so the server holds a temp file.
func stalledUpload(addr, tok, session string, stop <-chan struct{}) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return
	}
	defer conn.Close()
	const boundary = "stalledboundary"
	head := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"files\"; filename=\"s.bin\"\r\n\r\n", boundary)
	fmt.Fprintf(conn, "POST /sessions/%s/upload-files HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n%s%s",
		session, addr, tok, boundary, 1<<20, head, strings.Repeat("s", 64<<10))
	<-stop
}

// TestUploadOnFullDisk runs the server with a 4 MiB file-size limit
// (RLIMIT_FSIZE; writes past it fail with EFBIG as on a full disk): an
// upload larger than that is 507 in problem+json with no file left
// behind, and the server goes on serving uploads that fit.
func TestUploadOnFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	t.Parallel()
	data := t.TempDir()
	c := startChild(t, data, []string{childFsizeEnv + "=" + strconv.Itoa(4<<20)})
	tok := adminToken(c.stdout.String())
	client := &http.Client{Timeout: 30 * time.Second}
	st, body, err := apiCall(client, http.MethodPost, c.url("/sessions"), tok, strings.NewReader(`{}`))
	var s struct {
		ID string `json:"session_id"`
	}
	if err != nil || st != http.StatusCreated || json.Unmarshal(body, &s) != nil {
		t.Fatalf("create session: %d %s %v", st, body, err)
	}
	var buf bytes.Buffer
	rd, ctype := multipartBody(&buf, bytes.Repeat([]byte("x"), 5<<20))
	req, _ := http.NewRequest(http.MethodPost, c.url("/sessions/"+s.ID+"/upload-files"), rd)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusInsufficientStorage || res.Header.Get("Content-Type") != "application/problem+json" || !bytes.Contains(body, []byte(`"status":507`)) {
		t.Fatalf("5 MiB upload with a 4 MiB file limit = %d %s; want a 507 problem\nstderr: %s", res.StatusCode, body, c.stderr.Tail(2000))
	}
	if id, st, err := uploadOne(client, "http://"+c.addr, tok, s.ID, []byte("fits")); err != nil || st != http.StatusCreated || id == "" {
		t.Fatalf("small upload after a full disk = %d, %v", st, err)
	}
	checkDataDir(t, data)
}

// TestKill9KeepsAcknowledgedGroupCommits runs a few cycles of: start a
// server process, check that every acknowledged create and update is
// stored (an update not yet acknowledged at the kill may or may not be),
// then 16 clients creating and updating Atlas sessions at once, so that the
// single writer commits them in groups, and SIGKILL in the middle of that.
func TestKill9KeepsAcknowledgedGroupCommits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	t.Parallel()
	const cycles = 3
	data := t.TempDir()
	var tok string
	type state struct {
		acked   *string  // last acknowledged description (nil: none yet)
		pending []string // sent after it, not acknowledged: any may have committed
	}
	sessions := map[string]*state{} // acknowledged creates
	var mu sync.Mutex
	client := &http.Client{Timeout: 30 * time.Second}
	for cycle := 0; ; cycle++ {
		c := startChild(t, data, nil)
		if cycle == 0 {
			if tok = adminToken(c.stdout.String()); tok == "" {
				t.Fatalf("no admin token printed: %q", c.stdout.String())
			}
		}
		stored := storedDescriptions(t, data)
		for id, s := range sessions {
			got, ok := stored[id]
			switch {
			case !ok:
				t.Errorf("cycle %d: acknowledged create of %s is lost", cycle, id)
			case !sameString(got, s.acked) && (got == nil || !slices.Contains(s.pending, *got)):
				t.Errorf("cycle %d: session %s has description %v; want the acknowledged %v (or one of the unacknowledged %q)",
					cycle, id, deref(got), deref(s.acked), s.pending)
			}
			if ok {
				s.acked, s.pending = got, nil
			}
		}
		if t.Failed() || cycle == cycles {
			c.kill(t)
			return
		}

		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				var mine []string
				for k := 0; ; k++ {
					select {
					case <-stop:
						return
					default:
					}
					if k%2 == 0 || len(mine) == 0 {
						st, body, err := apiCall(client, http.MethodPost, c.url("/sessions"), tok, strings.NewReader(`{"title":"gc"}`))
						var s struct {
							ID string `json:"session_id"`
						}
						if err == nil && st == http.StatusCreated && json.Unmarshal(body, &s) == nil {
							mu.Lock()
							sessions[s.ID] = &state{}
							mu.Unlock()
							mine = append(mine, s.ID)
						}
						continue
					}
					id := mine[k%len(mine)]
					v := fmt.Sprintf("c%d w%d k%d", cycle, w, k)
					mu.Lock()
					sessions[id].pending = append(sessions[id].pending, v)
					mu.Unlock()
					st, _, err := apiCall(client, http.MethodPut, c.url("/sessions/"+id), tok, strings.NewReader(`{"description":"`+v+`"}`))
					if err == nil && st == http.StatusOK {
						mu.Lock()
						sessions[id].acked, sessions[id].pending = &v, nil
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(1500 * time.Millisecond)
		c.kill(t)
		close(stop)
		wg.Wait()
		t.Logf("cycle %d: %d creates acknowledged so far", cycle, len(sessions))
		if len(sessions) == 0 {
			t.Fatal("no create was acknowledged; the load did not run")
		}
	}
}

// storedDescriptions reads every Atlas session's description beside the
// running server (read-only).
func storedDescriptions(t *testing.T, data string) map[string]*string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "sessionhub.db")+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT id, description FROM atlas_sessions")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string]*string{}
	for rows.Next() {
		var id string
		var d sql.NullString
		if err := rows.Scan(&id, &d); err != nil {
			t.Fatal(err)
		}
		if d.Valid {
			m[id] = &d.String
		} else {
			m[id] = nil
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

func sameString(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}
