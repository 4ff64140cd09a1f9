package browser_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// TestDeviceLogin runs two device logins of the official BrainSTEM client
// (brainstem-python-api-tools from PyPI, in the project's .venv) against one
// server and answers them on the sign-in page in Chromium, as a user does
// with the printed instructions: open verification_uri, type the code, email
// and password. The first gets a wrong password (the page says so and keeps
// the request), then is approved, and the client's poll receives a token
// that it uses to load the seeded session; the second is denied, and the
// client stops with access_denied and caches no token.
//
// Elements relied on: #code, #email, #password, the submit buttons
// button[name=action][value=approve|deny], [role=alert] for the error,
// [aria-label="user code"] for the code being approved, and the class ok or
// bad on the h1 of the result page.
func TestDeviceLogin(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	python := officialClient(t)
	env := servertest.New(t, server.Config{})
	seed(t, env, env.AddUser(email, password))

	approved := startLogin(t, python, env.Srv.URL)
	denied := startLogin(t, python, env.Srv.URL)
	if want := env.Srv.URL + "/account/authorize/"; approved.uri != want {
		t.Fatalf("the client was told to open %s, want %s", approved.uri, want)
	}
	if approved.code == denied.code {
		t.Fatalf("two logins got the same code %s", approved.code)
	}

	// A wrong password: the form comes back with the error, the code being
	// approved and the email already filled in.
	signIn(b, approved, password+"-wrong", "approve", `[role="alert"]`)
	if got, want := b.textOf(`[role="alert"]`), "Invalid email or password."; got != want {
		t.Errorf("after a wrong password the page says %q, want %q", got, want)
	}
	if got := b.textOf(`[aria-label="user code"]`); got != approved.code {
		t.Errorf("after a wrong password the page shows the code %q, want %q", got, approved.code)
	}
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	shown, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("email")))
	cancel()
	if err != nil || shown != email {
		t.Errorf("after a wrong password the email field holds %q (%v), want %q", shown, err, email)
	}

	b.run("approve with the right password",
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`button[name="action"][value="approve"]`)),
		chromedp.WaitVisible(chromedp.CSS("h1.ok, h1.bad")))
	if got := b.textOf("h1"); got != "Approved" {
		t.Fatalf("after approving the page title is %q, want Approved; page:\n%s", got, b.text())
	}
	if got, want := b.textOf("main p"), "The device is signed in as "+email+"."; !strings.Contains(got, want) {
		t.Errorf("after approving the page says %q, want it to contain %q", got, want)
	}

	signIn(b, denied, password, "deny", "h1.ok, h1.bad")
	if got := b.textOf("h1"); got != "Denied" {
		t.Fatalf("after denying the page title is %q, want Denied; page:\n%s", got, b.text())
	}
	if got, want := b.textOf("main p"), "The sign-in request was denied."; !strings.Contains(got, want) {
		t.Errorf("after denying the page says %q, want it to contain %q", got, want)
	}

	// The approved client's poll got a token, cached it and loaded the session with it.
	out, errOut, err := approved.wait()
	if err != nil {
		t.Fatalf("the approved client failed: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	var loaded struct {
		Status int `json:"status"`
		Body   struct {
			Sessions []struct {
				Name string `json:"name"`
			} `json:"sessions"`
		} `json:"body"`
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &loaded); err != nil {
		t.Fatalf("the approved client's last line is not its load result: %v\n%s", err, out)
	}
	if loaded.Status != http.StatusOK || len(loaded.Body.Sessions) != 1 || loaded.Body.Sessions[0].Name != brainstemSession {
		t.Errorf("the approved client loaded %+v, want status 200 and the session %q", loaded, brainstemSession)
	}
	token := approved.cachedToken(t)
	if token == "" {
		t.Fatal("the approved client cached no token")
	}
	res := env.Do("GET", "/api/private/stem/session/", token, nil)
	servertest.CheckSpec(t, "brainstem", "GET", "/api/private/stem/session/", res)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), brainstemSession) {
		t.Errorf("the cached token loads sessions with status %d: %s", res.StatusCode, res.Body)
	}

	// The denied client got no token.
	out, errOut, err = denied.wait()
	if err == nil {
		t.Fatalf("the denied client succeeded:\n%s", out)
	}
	if !strings.Contains(errOut, "access_denied") {
		t.Errorf("the denied client stopped without saying access_denied: %v\n%s", err, errOut)
	}
	if tok := denied.cachedToken(t); tok != "" {
		t.Errorf("the denied client cached a token %q", tok)
	}
}

// signIn answers a login on the page at its verification_uri, as a user
// does with the client's instructions, and waits for the element waitFor of
// the page that answers.
func signIn(b *browser, l *login, password, action, waitFor string) {
	b.t.Helper()
	b.run(action+" "+l.code,
		chromedp.Navigate(l.uri),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), l.code),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`button[name="action"][value="`+action+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(waitFor)))
}

// officialClient is the Python interpreter of the project's virtual
// environment (.venv at the repository root, made by `make venv`) or
// SESSIONHUB_PYTHON, checked to import the official client.
func officialClient(t *testing.T) string {
	t.Helper()
	python := os.Getenv("SESSIONHUB_PYTHON")
	if python == "" {
		var err error
		if python, err = filepath.Abs(filepath.Join("..", "..", ".venv", "bin", "python")); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(python, "-c", "import brainstem_api_tools").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import the official client (brainstem-python-api-tools, installed into .venv by `make venv`): %v\n%s", python, err, out)
	}
	return python
}

// login is one run of testdata/device_login.py: the official client with no
// cached token, in a HOME of its own.
type login struct {
	home      string
	uri, code string // from the client's instructions
	stdout    *servertest.SyncBuffer
	stderr    *servertest.SyncBuffer
	exited    chan error
}

var instructions = regexp.MustCompile(`(?m)^Open (\S+) and enter: (\S+)$`)

// startLogin starts the client and waits for its instructions.
func startLogin(t *testing.T, python, url string) *login {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", "device_login.py"))
	if err != nil {
		t.Fatal(err)
	}
	l := &login{home: t.TempDir(), stdout: &servertest.SyncBuffer{}, stderr: &servertest.SyncBuffer{}, exited: make(chan error, 1)}
	cmd := exec.Command(python, script)
	cmd.Env = append(os.Environ(),
		"HOME="+l.home,
		"SESSIONHUB_URL="+url,
		"PYTHONUNBUFFERED=1",
		"PYTHONDONTWRITEBYTECODE=1",
	)
	cmd.Stdout, cmd.Stderr = l.stdout, l.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { l.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		l.exited <- <-l.exited
	})
	deadline := time.After(stepTimeout)
	for {
		if m := instructions.FindStringSubmatch(l.stdout.String()); m != nil {
			l.uri, l.code = m[1], m[2]
			return l
		}
		select {
		case err := <-l.exited:
			l.exited <- err
			t.Fatalf("the client exited before printing its instructions: %v\nstdout:\n%s\nstderr:\n%s", err, l.stdout, l.stderr)
		case <-deadline:
			t.Fatalf("the client printed no instructions within %s\nstdout:\n%s\nstderr:\n%s", stepTimeout, l.stdout, l.stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// wait waits for the client to exit (it polls every 5 s) and returns its
// output and exit error.
func (l *login) wait() (stdout, stderr string, err error) {
	select {
	case err = <-l.exited:
		l.exited <- err
	case <-time.After(stepTimeout):
		err = errors.New("still running after " + stepTimeout.String())
	}
	return l.stdout.String(), l.stderr.String(), err
}

// cachedToken is the token the client saved in its HOME ("" when none),
// checked to be readable by its owner only.
func (l *login) cachedToken(t *testing.T) string {
	t.Helper()
	file := filepath.Join(l.home, ".config", "brainstem", "token")
	fi, err := os.Stat(file)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", file, fi.Mode().Perm())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}
