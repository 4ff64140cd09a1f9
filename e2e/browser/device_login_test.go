package browser_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// TestDeviceLogin runs three device logins of the official BrainSTEM client
// (brainstem-python-api-tools from PyPI, in the project's .venv) against one
// server and answers them in Chromium, each in the two steps a user goes
// through: sign in (the sign-in form shows no request to an anonymous
// visitor), then check the code shown and approve or deny it.
//
//   - headless, as a user does with the printed instructions: open
//     verification_uri, type the code, email and a wrong password (the page
//     says so, keeps the code and the email and approves nothing), then the
//     right password; the page shows the client's code: approve;
//   - headless again, denied: the client stops with access_denied and caches
//     no token;
//   - the client opening the browser itself (webbrowser, through $BROWSER) at
//     verification_uri_complete: sign in, the page shows the code of that
//     request: approve.
//
// Between logins the user signs out. Signed in, the page without a code asks
// for one (#continue); a mistyped code comes back for correction with an
// alert, a code already approved says so.
//
// An approved client's poll receives a token, which it caches and uses to
// load the seeded session.
//
// Elements relied on: #code, #email, #password and #sign-in of the sign-in
// form, [role=alert] for its error, [aria-label="user code"] for the code
// being decided and its buttons button[name=action][value=approve|deny],
// #sign-out, #continue of the code form, and the class ok or bad on the h1
// of the result page.
func TestDeviceLogin(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	python := officialClient(t)
	env := servertest.New(t, server.Config{})
	seed(t, env, env.AddUser(email, password))

	typed := startLogin(t, python, env.Srv.URL, headless)
	denied := startLogin(t, python, env.Srv.URL, headless)
	opened := startLogin(t, python, env.Srv.URL, opensBrowser)
	if want := env.Srv.URL + "/account/authorize/"; typed.uri != want {
		t.Fatalf("the client was told to open %s, want %s", typed.uri, want)
	}
	if typed.code == denied.code {
		t.Fatalf("two logins got the same code %s", typed.code)
	}

	// A wrong password: the sign-in form comes back with the error, the
	// email filled in and the typed code kept (hidden: the page shows no
	// request before sign-in), and the request is still pending.
	signIn(b, typed.uri, typed.code, password+"-wrong", `[role="alert"]`)
	if got, want := b.textOf(`[role="alert"]`), "Invalid email or password."; got != want {
		t.Errorf("after a wrong password the page says %q, want %q", got, want)
	}
	if n := b.count(`[aria-label="user code"], button[name="action"][value="approve"], #sign-out`); n != 0 {
		t.Errorf("after a wrong password the page shows a code, an Approve button or Sign out (%d elements); page:\n%s", n, b.text())
	}
	if got := b.eval(`document.querySelector('form input[name="code"]')?.value ?? "(no code field)"`); got != typed.code {
		t.Errorf("after a wrong password the form carries the code %q, want %q", got, typed.code)
	}
	if got := b.eval(`document.getElementById("email")?.value ?? "(no email field)"`); got != email {
		t.Errorf("after a wrong password the email field holds %q, want %q", got, email)
	}
	wantStatus(t, env, typed.code, bsdb.DevicePending)

	b.run("sign in with the right password",
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.CSS(`[aria-label="user code"]`)))
	if got := b.textOf(`[aria-label="user code"]`); got != typed.code {
		t.Errorf("signed in, the page shows the code %q, want the client's %q", got, typed.code)
	}
	if got := b.textOf(".who"); !strings.Contains(got, email) {
		t.Errorf("signed in, the page says %q, want it to name %s", got, email)
	}
	decide(b, "approve")
	b.wantResult("Approved", "The device is signed in as "+email+".")
	signOut(b)

	signIn(b, denied.uri, denied.code, password, `[aria-label="user code"]`)
	if got := b.textOf(`[aria-label="user code"]`); got != denied.code {
		t.Errorf("signed in, the page shows the code %q, want the client's %q", got, denied.code)
	}
	decide(b, "deny")
	b.wantResult("Denied", "The sign-in request was denied.")
	signOut(b)

	// The page the client opened names the request: after sign-in it shows
	// that request's code.
	if !strings.HasPrefix(opened.uri, env.Srv.URL+"/account/authorize/?session=") {
		t.Fatalf("the client opened %s, want the sign-in page with ?session=", opened.uri)
	}
	u, err := url.Parse(opened.uri)
	if err != nil {
		t.Fatal(err)
	}
	req, err := bsdb.New(env.Store).LookupDeviceAuth(context.Background(), u.Query().Get("session"))
	if err != nil {
		t.Fatalf("the request the client opened: %v", err)
	}
	if req.UserCode == typed.code || req.UserCode == denied.code {
		t.Fatalf("the opened request has the code %s of another login", req.UserCode)
	}
	signIn(b, opened.uri, "", password, `[aria-label="user code"]`)
	if got := b.textOf(`[aria-label="user code"]`); got != req.UserCode {
		t.Errorf("signed in, the page the client opened shows the code %q, want its request's %q", got, req.UserCode)
	}
	decide(b, "approve")
	b.wantResult("Approved", "The device is signed in as "+email+".")

	// Signed in, the page asks for a code; a mistyped one is given back
	// for correction, one already approved says so.
	typo := "ZZZZ-2222"
	if typo == typed.code || typo == denied.code || typo == req.UserCode {
		typo = "YYYY-3333"
	}
	b.run("type a wrong code into the code form",
		chromedp.Navigate(typed.uri),
		chromedp.WaitVisible(chromedp.ID("continue")),
		chromedp.SendKeys(chromedp.ID("code"), typo),
		chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.CSS(`[role="alert"]`)))
	if got, want := b.textOf(`[role="alert"]`), "No sign-in request has that code. Check the code shown in your terminal and enter it again."; got != want {
		t.Errorf("after a wrong code the page says %q, want %q", got, want)
	}
	if got := b.eval(`document.getElementById("code")?.value ?? "(no code field)"`); got != typo {
		t.Errorf("after a wrong code the code field holds %q, want %q", got, typo)
	}
	b.eval(`document.getElementById("code").value = ""`)
	b.run("correct it to a decided code",
		chromedp.SendKeys(chromedp.ID("code"), typed.code),
		chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.CSS("h1.ok, h1.bad")))
	b.wantResult("Already approved", "This sign-in request was already approved.")

	for name, l := range map[string]*login{"typed": typed, "opened": opened} {
		t.Run(name, func(t *testing.T) { wantApproved(t, env, l) })
	}

	// The denied client got no token.
	out, errOut, err := denied.wait()
	if err == nil {
		t.Fatalf("the denied client succeeded:\n%s", out)
	}
	if !strings.Contains(errOut, "access_denied") {
		t.Errorf("the denied client stopped without saying access_denied: %v\n%s", err, errOut)
	}
	if tok := denied.cachedToken(t); tok != "" {
		t.Errorf("the denied client cached a token %q", tok)
	}
	wantStatus(t, env, denied.code, bsdb.DeviceDenied)
}

// signIn opens uri signed out, fills in the sign-in form (the code field
// only when code is not empty: the page the client opened carries its
// request) and waits for the element waitFor of the page that answers.
func signIn(b *browser, uri, code, password, waitFor string) {
	b.t.Helper()
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(uri),
		chromedp.WaitVisible(chromedp.ID("sign-in")),
	}
	if code != "" {
		actions = append(actions, chromedp.SendKeys(chromedp.ID("code"), code))
	}
	actions = append(actions,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("sign-in")),
		chromedp.WaitVisible(chromedp.CSS(waitFor)))
	b.run("sign in at "+uri, actions...)
}

// decide clicks Approve or Deny (action approve|deny) for the code shown
// and waits for the result page.
func decide(b *browser, action string) {
	b.t.Helper()
	b.run(action+" "+b.textOf(`[aria-label="user code"]`),
		chromedp.Click(chromedp.CSS(`button[name="action"][value="`+action+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("h1.ok, h1.bad")))
}

// signOut signs out and waits for the sign-in form it returns to.
func signOut(b *browser) {
	b.t.Helper()
	b.run("sign out",
		chromedp.Click(chromedp.ID("sign-out")),
		chromedp.WaitVisible(chromedp.ID("sign-in")))
	if n := b.count(`#sign-out`); n != 0 {
		b.t.Errorf("after signing out the page still offers to sign out; page:\n%s", b.text())
	}
}

// wantStatus fails t unless the request with this code has the status want.
func wantStatus(t *testing.T, env *servertest.Env, code, want string) {
	t.Helper()
	req, err := bsdb.New(env.Store).LookupDeviceAuth(context.Background(), code)
	if err != nil {
		t.Fatalf("look up %s: %v", code, err)
	}
	if req.Status != want {
		t.Errorf("the request %s is %q, want %q", code, req.Status, want)
	}
}

// eval is the string value of a JavaScript expression on the page.
func (b *browser) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// count is the number of elements that the CSS selector matches now.
func (b *browser) count(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// wantResult fails the test unless the page is the result page with this
// title and a paragraph containing message.
func (b *browser) wantResult(title, message string) {
	b.t.Helper()
	if got := b.textOf("h1"); got != title {
		b.t.Fatalf("the page title is %q, want %q; page:\n%s", got, title, b.text())
	}
	if got := b.textOf("main p"); !strings.Contains(got, message) {
		b.t.Errorf("the %s page says %q, want it to contain %q", title, got, message)
	}
}

// wantApproved checks that the approved client l got a token from its poll,
// cached it (mode 0600) and loaded the seeded session with it, and that the
// token works.
func wantApproved(t *testing.T, env *servertest.Env, l *login) {
	t.Helper()
	out, errOut, err := l.wait()
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
	token := l.cachedToken(t)
	if token == "" {
		t.Fatal("the approved client cached no token")
	}
	res := env.Do("GET", "/api/private/stem/session/", token, nil)
	servertest.CheckSpec(t, "brainstem", "GET", "/api/private/stem/session/", res)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(res.Body), brainstemSession) {
		t.Errorf("the cached token loads sessions with status %d: %s", res.StatusCode, res.Body)
	}
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
	uri, code string // from the client's instructions (headless), or the URI it opened
	stdout    *servertest.SyncBuffer
	stderr    *servertest.SyncBuffer
	exited    chan error
}

// How the client hands the login to the user.
const (
	headless     = true  // prints verification_uri and the code
	opensBrowser = false // opens verification_uri_complete through $BROWSER
)

var instructions = regexp.MustCompile(`(?m)^Open (\S+) and enter: (\S+)$`)

// startLogin starts the client and waits for its instructions (headless)
// or for the URI it opens: $BROWSER is a script that records it.
func startLogin(t *testing.T, python, url string, headless bool) *login {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", "device_login.py"))
	if err != nil {
		t.Fatal(err)
	}
	l := &login{home: t.TempDir(), stdout: &servertest.SyncBuffer{}, stderr: &servertest.SyncBuffer{}, exited: make(chan error, 1)}
	opened := filepath.Join(l.home, "opened")
	opener := filepath.Join(l.home, "open-browser")
	if err := os.WriteFile(opener, []byte("#!/bin/sh\nprintf '%s\\n' \"$1\" > \""+opened+"\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{script}
	if headless {
		args = append(args, "--headless")
	}
	cmd := exec.Command(python, args...)
	cmd.Env = append(os.Environ(),
		"HOME="+l.home,
		"BROWSER="+opener+" %s",
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
		if m := instructions.FindStringSubmatch(l.stdout.String()); headless && m != nil {
			l.uri, l.code = m[1], m[2]
			return l
		}
		if uri, err := os.ReadFile(opened); !headless && err == nil && strings.HasSuffix(string(uri), "\n") {
			l.uri = strings.TrimSpace(string(uri))
			return l
		}
		select {
		case err := <-l.exited:
			l.exited <- err
			t.Fatalf("the client exited before printing its instructions: %v\nstdout:\n%s\nstderr:\n%s", err, l.stdout, l.stderr)
		case <-deadline:
			t.Fatalf("the client gave no instructions and opened no browser within %s\nstdout:\n%s\nstderr:\n%s", stepTimeout, l.stdout, l.stderr)
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
