package brainstem_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server/servertest"
)

// TestOfficialPythonClient builds the sessionhub binary, serves it on a free
// 127.0.0.1 port with a fresh data dir, and runs testdata/test_client.py
// (pytest) with the official BrainSTEM Python client as published
// (brainstem-python-api-tools, pinned in testdata/requirements.txt),
// unmodified, against it: CRUD, filters, sort, include, load_all, convenience
// loaders, error paths, the public portal, the `brainstem` CLI and the device
// login. The client and pytest come from the project's virtual environment
// (`make venv`): the python named by SESSIONHUB_PYTHON, else .venv/bin/python
// at the repository root. Set SESSIONHUB_SKIP_PYTHON=1 to skip it; otherwise
// a missing venv is a failure.
func TestOfficialPythonClient(t *testing.T) {
	t.Parallel()
	if os.Getenv("SESSIONHUB_SKIP_PYTHON") == "1" {
		t.Skip("SESSIONHUB_SKIP_PYTHON=1")
	}
	python := venvPython(t)

	bin := buildSessionhub(t)
	data := t.TempDir()
	addr := freeAddr(t)
	url := "http://" + addr + "/"

	cli := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("sessionhub %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	const (
		email, password   = "alice@example.org", "alice-pw-123"
		email2, password2 = "bob@example.org", "bob-pw-456"
	)
	cli("user", "add", "--data", data, "--email", email, "--password", password, "--staff")
	cli("user", "add", "--data", data, "--email", email2, "--password", password2)
	token := cli("token", "create", "--data", data, "--email", email)
	token2 := cli("token", "create", "--data", data, "--email", email2)

	serverLog := startServer(t, bin, addr, data)

	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE",
		"--basetemp", filepath.Join(t.TempDir(), "pytest"), filepath.Join(testdata, "test_client.py"))
	cmd.Dir = testdata
	cmd.Env = append(os.Environ(),
		"PYTHONDONTWRITEBYTECODE=1",
		"PYTHONUNBUFFERED=1",
		"SESSIONHUB_URL="+url,
		"SESSIONHUB_TOKEN="+token,
		"SESSIONHUB_TOKEN2="+token2,
		"SESSIONHUB_EMAIL="+email,
		"SESSIONHUB_PASSWORD="+password,
		"SESSIONHUB_EMAIL2="+email2,
		"BRAINSTEM_API_TOKEN=", // the CLI must not pick up a developer's token
	)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		t.Log(sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("pytest failed: %v\nlast server log lines:\n%s", err, serverLog.Tail(40))
	}
}

// venvPython returns the python of the project's virtual environment
// (SESSIONHUB_PYTHON, else .venv/bin/python at the repository root) after
// checking that it can import the official client and pytest.
func venvPython(t *testing.T) string {
	t.Helper()
	python := os.Getenv("SESSIONHUB_PYTHON")
	if python == "" {
		p, err := filepath.Abs(filepath.Join("..", "..", ".venv", "bin", "python"))
		if err != nil {
			t.Fatal(err)
		}
		python = p
	}
	if _, err := os.Stat(python); err != nil {
		t.Fatalf("the official client's suite needs the project's virtual environment: run `make venv` "+
			"(or `make test`), or point SESSIONHUB_PYTHON at a python with testdata/requirements.txt installed "+
			"(SESSIONHUB_SKIP_PYTHON=1 skips it): %v", err)
	}
	if out, err := exec.Command(python, "-c", "import brainstem_api_tools, pytest, requests").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import the official client and pytest: run `make venv` to (re)install "+
			"testdata/requirements.txt: %v\n%s", python, err, out)
	}
	return python
}

// buildSessionhub compiles the module's main package into a temp dir, with
// -race when this test binary has it (so the build cache is shared).
func buildSessionhub(t *testing.T) string {
	t.Helper()
	goBin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(goBin); os.Getenv("GOROOT") == "" || err != nil {
		p, err := exec.LookPath("go")
		if err != nil {
			t.Fatal("the go command is needed to build sessionhub: ", err)
		}
		goBin = p
	}
	args := []string{"build", "-o", filepath.Join(t.TempDir(), "sessionhub")}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				args = append(args, "-race")
			}
		}
	}
	args = append(args, "github.com/sessionhub/sessionhub")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, goBin, args...).CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return args[2]
}

// freeAddr returns a 127.0.0.1 address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs `sessionhub serve` until the test ends and waits for
// /healthz. The server is interrupted (graceful shutdown) and then killed
// if it does not stop.
func startServer(t *testing.T, bin, addr, data string) *servertest.SyncBuffer {
	t.Helper()
	logs := &servertest.SyncBuffer{}
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", data)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Error("sessionhub did not stop within 10s of SIGINT; killed")
		}
	})
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("sessionhub serve exited early: %v\n%s", err, logs.Tail(40))
		default:
		}
		res, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return logs
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not answer within 30s: %v\n%s", err, logs.Tail(40))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
