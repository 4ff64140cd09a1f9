package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// env turns a map into a getenv function; unknown keys are empty.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// runCLI runs one short subcommand (not serve) with a deadline.
func runCLI(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err = run(ctx, args, getenv, &out, &errOut)
	return out.String(), errOut.String(), err
}

// freeAddr returns a 127.0.0.1 address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serveProc is one `sessionhub serve` running in a goroutine.
type serveProc struct {
	addr           string
	stdout, stderr *servertest.SyncBuffer
	cancel         context.CancelFunc
	done           chan error
}

// startServe runs `serve` with args and getenv, and waits until /healthz
// answers on addr. The server is stopped at cleanup if the test did not.
func startServe(t *testing.T, addr string, getenv func(string) string, args ...string) *serveProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serveProc{addr: addr, stdout: &servertest.SyncBuffer{}, stderr: &servertest.SyncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- run(ctx, append([]string{"serve"}, args...), getenv, s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop within 30s")
		}
	})
	client := &http.Client{Timeout: 2 * time.Second}
	// 60 s: under -race on a 2-core machine running other suites, a start
	// (migrations, sweep, first-start admin) took over 20 s.
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("serve exited early: %v\nstderr: %s", err, s.stderr.String())
		default:
		}
		res, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz on %s did not answer 200 within 60s (last error %v)\nstderr: %s", addr, err, s.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop cancels the server's context and returns run's result.
func (s *serveProc) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not return within 30s of cancellation")
		return nil
	}
}

// adminToken extracts the token printed at first start, or "".
func adminToken(stdout string) string {
	for _, f := range strings.Fields(stdout) {
		if strings.HasPrefix(f, store.TokenPrefix) {
			return f
		}
	}
	return ""
}

// tokenOwner opens the data dir (no server may be running on it) and
// returns the email of the token's owner.
func tokenOwner(t *testing.T, dataDir, tok string) (string, error) {
	t.Helper()
	st, err := store.Open(dataDir, server.Tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByToken(context.Background(), tok)
	if err != nil {
		return "", err
	}
	return u.Email, nil
}

func TestUserAddAndTokenCreate(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	noEnv := env(nil)

	out, _, err := runCLI(t, noEnv, "user", "add", "--data", data, "--email", "Alice@Example.org", "--password", "pw-123456")
	if err != nil {
		t.Fatalf("user add: %v", err)
	}
	if !strings.Contains(out, "alice@example.org") {
		t.Errorf("user add printed %q; want it to name alice@example.org", out)
	}

	// token create prints only the token, and the token belongs to the user
	// (the email is matched case-insensitively).
	out, _, err = runCLI(t, noEnv, "token", "create", "--data", data, "--email", "ALICE@example.org")
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	tok := strings.TrimSuffix(out, "\n")
	if !strings.HasPrefix(tok, store.TokenPrefix) || strings.ContainsAny(tok, " \n\t") {
		t.Fatalf("token create printed %q; want exactly one %s... token and a newline", out, store.TokenPrefix)
	}
	if email, err := tokenOwner(t, data, tok); err != nil || email != "alice@example.org" {
		t.Fatalf("UserByToken(printed token) = %q, %v; want alice@example.org", email, err)
	}

	// A second token is different and works too; the first keeps working.
	out2, _, err := runCLI(t, noEnv, "token", "create", "--data", data, "--email", "alice@example.org")
	if err != nil {
		t.Fatalf("second token create: %v", err)
	}
	tok2 := strings.TrimSpace(out2)
	if tok2 == tok {
		t.Fatal("two token create calls printed the same token")
	}
	for _, tk := range []string{tok, tok2} {
		if _, err := tokenOwner(t, data, tk); err != nil {
			t.Errorf("token %s…: %v", tk[:8], err)
		}
	}
	if _, err := tokenOwner(t, data, tok+"x"); !errors.Is(err, store.ErrUnauthorized) {
		t.Errorf("UserByToken(wrong token) err = %v; want ErrUnauthorized", err)
	}

	// SESSIONHUB_DATA stands in for --data.
	envData := env(map[string]string{"SESSIONHUB_DATA": data})
	if _, _, err := runCLI(t, envData, "user", "add", "--email", "bob@example.org"); err != nil {
		t.Fatalf("user add with SESSIONHUB_DATA: %v", err)
	}
	out, _, err = runCLI(t, envData, "token", "create", "--email", "bob@example.org")
	if err != nil {
		t.Fatalf("token create with SESSIONHUB_DATA: %v", err)
	}
	if email, err := tokenOwner(t, data, strings.TrimSpace(out)); err != nil || email != "bob@example.org" {
		t.Fatalf("token from SESSIONHUB_DATA run belongs to %q, %v; want bob@example.org", email, err)
	}
}

func TestCLIErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	noEnv := env(nil)
	if _, _, err := runCLI(t, noEnv, "user", "add", "--data", data, "--email", "carol@example.org"); err != nil {
		t.Fatalf("user add: %v", err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"duplicate user", []string{"user", "add", "--data", data, "--email", "CAROL@example.org"}, "already exists"},
		{"token for unknown email", []string{"token", "create", "--data", data, "--email", "nobody@example.org"}, "no user"},
		{"user add without email", []string{"user", "add", "--data", data}, "--email is required"},
		{"token create without email", []string{"token", "create", "--data", data}, "--email is required"},
		{"user add with a bad email", []string{"user", "add", "--data", data, "--email", "not-an-email"}, "email"},
		{"unknown flag", []string{"user", "add", "--data", data, "--email", "d@example.org", "--bogus"}, "bogus"},
		{"no command", nil, "usage"},
		{"unknown command", []string{"frobnicate"}, "usage"},
		{"serve on an unusable address", []string{"serve", "--data", data, "--addr", "127.0.0.1:not-a-port"}, "not-a-port"},
		{"serve with a negative read cache", []string{"serve", "--data", data, "--read-cache-mib", "-1"}, "read-cache-mib"},
		{"serve with a negative memory map", []string{"serve", "--data", data, "--sqlite-mmap-mib", "-1"}, "sqlite-mmap-mib"},
		{"serve with a memory map past SQLite's", []string{"serve", "--data", data, "--sqlite-mmap-mib", "4096"}, "sqlite-mmap-mib"},
		{"serve with no reader", []string{"serve", "--data", data, "--sqlite-readers", "0"}, "sqlite-readers"},
		{"serve with too many readers", []string{"serve", "--data", data, "--sqlite-readers", "100000"}, "sqlite-readers"},
		{"serve with a bad read cache env", []string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, "SESSIONHUB_READ_CACHE_MIB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := noEnv
			if strings.Contains(tc.name, "env") {
				getenv = env(map[string]string{"SESSIONHUB_READ_CACHE_MIB": "lots"})
			}
			out, _, err := runCLI(t, getenv, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("run %q = %v (stdout %q); want an error containing %q", tc.args, err, out, tc.wantErr)
			}
			if strings.Contains(out, store.TokenPrefix) && tc.args[0] == "token" {
				t.Fatalf("a failed token create printed a token: %q", out)
			}
		})
	}

	// The failed duplicate did not create or change anything: still exactly one carol.
	st, err := store.Open(data, server.Tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int64
	if err := st.R.Model(&store.User{}).Where("email = ?", "carol@example.org").Count(&n).Error; err != nil || n != 1 {
		t.Fatalf("users named carol = %d, %v; want 1", n, err)
	}
}

func TestServeBootstrapsAdminOnce(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "fresh", "data") // serve must create it
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data)
	tok := adminToken(s.stdout.String())
	if tok == "" {
		t.Fatalf("first start printed no admin token; stdout %q", s.stdout.String())
	}
	if !strings.Contains(s.stdout.String(), "admin@localhost") {
		t.Errorf("first start output %q does not name admin@localhost", s.stdout.String())
	}
	if !strings.Contains(s.stderr.String(), "listening") {
		t.Errorf("no structured 'listening' log line on stderr: %q", s.stderr.String())
	}
	// The printed token authenticates API calls; a wrong one does not.
	for _, tc := range []struct {
		tok  string
		want int
	}{{tok, http.StatusOK}, {tok + "x", http.StatusUnauthorized}, {"", http.StatusUnauthorized}} {
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/sessions", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.tok != "" {
			req.Header.Set("Authorization", "Bearer "+tc.tok)
		}
		res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("GET /sessions with token %q… = %d; want %d", tc.tok[:min(len(tc.tok), 8)], res.StatusCode, tc.want)
		}
	}
	// Each request's line reaches stderr while the server runs, at most
	// a flush interval (100 ms) late.
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(s.stderr.String(), `"msg":"request","id"`) < 3 || !strings.Contains(s.stderr.String(), `"uri":"/sessions","status":401`) {
		if time.Now().After(deadline) {
			t.Fatalf("the three requests' log lines did not reach stderr within 5 s: %q", s.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("serve returned %v after cancellation; want nil", err)
	}
	for _, p := range []string{"sessionhub.db", "blobs"} {
		if _, err := os.Stat(filepath.Join(data, p)); err != nil {
			t.Errorf("data dir lacks %s: %v", p, err)
		}
	}
	if email, err := tokenOwner(t, data, tok); err != nil || email != "admin@localhost" {
		t.Fatalf("printed admin token belongs to %q, %v; want admin@localhost", email, err)
	}
	if out, _, err := runCLI(t, env(nil), "token", "list", "--data", data, "--email", "admin@localhost"); err != nil || !strings.Contains(out, "first start") {
		t.Errorf("token list of admin@localhost = %q, %v; want its token named \"first start\"", out, err)
	}

	// Second start on the same data: no new admin, no token printed.
	addr2 := freeAddr(t)
	s2 := startServe(t, addr2, env(nil), "--addr", addr2, "--data", data)
	if out := s2.stdout.String(); adminToken(out) != "" || strings.Contains(out, "admin@localhost") {
		t.Fatalf("second start printed %q; want no admin token", out)
	}
	if err := s2.stop(t); err != nil {
		t.Fatalf("second serve returned %v", err)
	}
	st, err := store.Open(data, server.Tables()...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.CountUsers(context.Background()); err != nil || n != 1 {
		t.Fatalf("users after two starts = %d, %v; want 1", n, err)
	}
}

func TestServeNoAdminWhenUsersExist(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if _, _, err := runCLI(t, env(nil), "user", "add", "--data", data, "--email", "dave@example.org"); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data)
	if out := s.stdout.String(); adminToken(out) != "" {
		t.Fatalf("serve printed an admin token although a user exists: %q", out)
	}
}

func TestServeFromEnvironment(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "envdata")
	addr := freeAddr(t)
	// No flags: address and data dir come from the environment.
	s := startServe(t, addr, env(map[string]string{"SESSIONHUB_ADDR": addr, "SESSIONHUB_DATA": data}))
	if adminToken(s.stdout.String()) == "" {
		t.Errorf("no admin token printed on first start from env; stdout %q", s.stdout.String())
	}
	if _, err := os.Stat(filepath.Join(data, "sessionhub.db")); err != nil {
		t.Fatalf("SESSIONHUB_DATA not used: %v", err)
	}
	// Flags win over the environment.
	addr2 := freeAddr(t)
	data2 := filepath.Join(t.TempDir(), "flagdata")
	s2 := startServe(t, addr2, env(map[string]string{"SESSIONHUB_ADDR": addr, "SESSIONHUB_DATA": data}), "--addr", addr2, "--data", data2)
	if _, err := os.Stat(filepath.Join(data2, "sessionhub.db")); err != nil {
		t.Fatalf("--data did not win over SESSIONHUB_DATA: %v", err)
	}
	if err := s2.stop(t); err != nil {
		t.Fatal(err)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}

// TestServeGracefulShutdown cancels the server's context while a client is
// half-way through sending a request body, then sends the rest: the server
// must finish that request (201) before run returns, and refuse new
// connections meanwhile.
func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data)
	tok := adminToken(s.stdout.String())
	if tok == "" {
		t.Fatalf("no admin token printed: %q", s.stdout.String())
	}

	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	body := `{"title": "finished during shutdown"}`
	half := len(body) / 2
	// Headers and the first half of the body: the request is being handled
	// (its body is being read) when the shutdown starts.
	if _, err := fmt.Fprintf(conn, "POST /sessions HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", addr, tok, len(body), body[:half]); err != nil {
		t.Fatal(err)
	}
	// Give the server time to read the headers and enter the handler.
	time.Sleep(500 * time.Millisecond)

	s.cancel()
	select {
	case err := <-s.done:
		t.Fatalf("serve returned (%v) while a request was still in flight", err)
	case <-time.After(500 * time.Millisecond):
	}
	if c2, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c2.Close()
		t.Error("server still accepted new connections during shutdown")
	}

	if _, err := io.WriteString(conn, body[half:]); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v", err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || !strings.Contains(string(got), "finished during shutdown") {
		t.Fatalf("in-flight POST /sessions = %d %s; want 201 with the session", res.StatusCode, got)
	}
	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Fatalf("serve returned %v after a graceful shutdown; want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not return after the in-flight request completed")
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("no shutdown log line: %q", s.stderr.String())
	}
}

// A second server on a data directory that one already serves is refused
// (each keeps caches that assume it is the only writer); the short
// commands still work beside a running server.
func TestSecondServeOnSameDataIsRefused(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data)
	_, _, err := runCLI(t, env(nil), "serve", "--addr", "127.0.0.1:0", "--data", data)
	if !errors.Is(err, store.ErrDataDirInUse) || !strings.Contains(err.Error(), "another sessionhub serve") {
		t.Fatalf("second serve on the same data = %v; want ErrDataDirInUse", err)
	}
	if out, _, err := runCLI(t, env(nil), "token", "create", "--data", data, "--email", "admin@localhost"); err != nil || !strings.HasPrefix(out, store.TokenPrefix) {
		t.Fatalf("token create beside a running server = %q, %v", out, err)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	// Once the first has stopped, the directory is free again.
	addr2 := freeAddr(t)
	if err := startServe(t, addr2, env(nil), "--addr", addr2, "--data", data).stop(t); err != nil {
		t.Fatal(err)
	}
}

// TestExportURLTTL checks --export-url-ttl and SESSIONHUB_EXPORT_URL_TTL:
// bad values stop serve; a good one is the lifetime of the URLs handed out.
func TestExportURLTTL(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	for _, tc := range []struct {
		name    string
		getenv  func(string) string
		args    []string
		wantErr string
	}{
		{"zero flag", env(nil), []string{"--export-url-ttl", "0s"}, "export-url-ttl"},
		{"negative flag", env(nil), []string{"--export-url-ttl", "-5m"}, "export-url-ttl"},
		{"bad env", env(map[string]string{"SESSIONHUB_EXPORT_URL_TTL": "soon"}), nil, "SESSIONHUB_EXPORT_URL_TTL"},
	} {
		args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, tc.args...)
		if _, _, err := runCLI(t, tc.getenv, args...); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: %v; want an error containing %q", tc.name, err, tc.wantErr)
		}
	}

	addr := freeAddr(t)
	s := startServe(t, addr, env(map[string]string{"SESSIONHUB_EXPORT_URL_TTL": "1h"}), "--addr", addr, "--data", t.TempDir(), "--export-url-ttl", "90s")
	tok := adminToken(s.stdout.String())
	do := func(method, path string, body io.Reader, ctype string) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return b
	}
	var sess struct {
		ID string `json:"session_id"`
	}
	if err := json.Unmarshal(do("POST", "/sessions", nil, ""), &sess); err != nil {
		t.Fatal(err)
	}
	mp, ctype := servertest.Multipart(t, servertest.UploadFile{Name: "a.txt", ContentType: "text/plain", Data: []byte("a")})
	var up struct {
		Items []struct {
			ID string `json:"attachment_id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(do("POST", "/sessions/"+sess.ID+"/upload-files", bytes.NewReader(mp), ctype), &up); err != nil || len(up.Items) != 1 {
		t.Fatalf("upload: %v %+v", err, up)
	}
	var exp struct {
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal(do("POST", "/attachments/"+up.Items[0].ID+"/export", nil, ""), &exp); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp.ExpiresAt); d < 80*time.Second || d > 91*time.Second {
		t.Errorf("URL expires in %s; want the flag's 90s (over the env's 1h)", d)
	}
}

// serve sets the collector's target to defaultGCPercent and runs
// extraProcs more Ps than the runtime's default, each unless the
// environment gives its variable. Not parallel: both are the process's.
func TestServeSetsTheRuntime(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, knob := range []struct {
		envVar, envValue string
		set              func(int) int // sets a value and returns the one before
		probe            int           // set before serve starts
		want             int           // serve's, without envVar
	}{
		{"GOGC", "150", debug.SetGCPercent, 77, defaultGCPercent},
		{"GOMAXPROCS", "5", runtime.GOMAXPROCS, 7, defaultProcs + extraProcs},
	} {
		for _, fromEnv := range []bool{false, true} {
			envs := map[string]string{"SESSIONHUB_DATA": filepath.Join(t.TempDir(), "data")}
			want := knob.want
			if fromEnv {
				envs[knob.envVar] = knob.envValue
				want = knob.probe // left as the runtime has it
			}
			knob.set(knob.probe)
			addr := freeAddr(t)
			envs["SESSIONHUB_ADDR"] = addr
			s := startServe(t, addr, env(envs))
			got := knob.set(knob.probe)
			if err := s.stop(t); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s with env %v: %d, want %d", knob.envVar, envs, got, want)
			}
		}
	}
}
