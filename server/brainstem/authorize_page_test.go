package brainstem_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// addCheapUser adds a user whose password hash has bcrypt's minimum cost,
// so that sign-in tests stay fast under the race detector.
func addCheapUser(t *testing.T, env *servertest.Env, email, password string) {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Store.W.Create(&store.User{Email: email, PasswordHash: string(h)}).Error; err != nil {
		t.Fatal(err)
	}
}

type deviceStartBody struct {
	SessionID               string `json:"session_id"`
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
}

func startDevice(t *testing.T, env *servertest.Env, client string) deviceStartBody {
	t.Helper()
	res := env.Do(http.MethodPost, "/api/auth/device/", "", map[string]string{"client_name": client})
	servertest.CheckSpec(t, "brainstem", http.MethodPost, "/api/auth/device/", res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("start device login: %d %s", res.StatusCode, res.Body)
	}
	var d deviceStartBody
	res.JSON(t, &d)
	return d
}

func pollDevice(t *testing.T, env *servertest.Env, code string) map[string]string {
	t.Helper()
	res := env.Do(http.MethodPost, "/api/auth/device/token/", "", map[string]string{"device_code": code})
	servertest.CheckSpec(t, "brainstem", http.MethodPost, "/api/auth/device/token/", res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("poll: %d %s", res.StatusCode, res.Body)
	}
	var out map[string]string
	res.JSON(t, &out)
	return out
}

// postForm sends the sign-in form like a browser.
func postForm(env *servertest.Env, path string, form url.Values, headers ...string) *servertest.Response {
	h := append([]string{"Content-Type", "application/x-www-form-urlencoded"}, headers...)
	return env.Do(http.MethodPost, path, "", strings.NewReader(form.Encode()), h...)
}

func checkPage(t *testing.T, res *servertest.Response, status int, contains ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("status %d, want %d: %s", res.StatusCode, status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("content type %q", ct)
	}
	for k, v := range map[string]string{"Cache-Control": "no-store", "X-Frame-Options": "DENY"} {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	for _, s := range contains {
		if !strings.Contains(string(res.Body), s) {
			t.Errorf("page lacks %q:\n%s", s, res.Body)
		}
	}
}

func TestAuthorizePageApprove(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	addCheapUser(t, env, "ana@example.org", "correct horse")
	d := startDevice(t, env, "brainstem-python")
	u, err := url.Parse(d.VerificationURIComplete)
	if err != nil || u.Path != "/account/authorize/" || u.Query().Get("session") != d.SessionID {
		t.Fatalf("verification_uri_complete %q", d.VerificationURIComplete)
	}
	b := newBrowser(t, env)

	// Anonymous: a sign-in form carrying the code, nothing about the request.
	res := b.get(u.RequestURI())
	checkPage(t, res, http.StatusOK, `name="code" value="`+d.SessionID+`"`, `id="email"`, `id="password"`, `value="signin"`)
	for _, secret := range []string{d.UserCode, "brainstem-python", "Approve"} {
		if strings.Contains(string(res.Body), secret) {
			t.Errorf("the anonymous page shows %q", secret)
		}
	}
	form := url.Values{"code": {d.SessionID}, "email": {"ana@example.org"}, "password": {"wrong"}, "action": {"signin"}}
	res = b.post("/account/authorize/", form)
	checkPage(t, res, http.StatusUnauthorized, "Invalid email or password", `value="ana@example.org"`)
	if strings.Contains(string(res.Body), d.UserCode) {
		t.Error("a failed sign-in shows the user code")
	}

	// Signed in: the request's code, then Approve with the session's CSRF token.
	b.signIn("/account/authorize/", " ANA@example.org ", "correct horse", "/account/authorize/?code="+d.SessionID, "code", d.SessionID)
	res = b.get("/account/authorize/?code=" + d.SessionID)
	checkPage(t, res, http.StatusOK, d.UserCode, "brainstem-python", "Approve", "Deny", "Signed in as <strong>ana@example.org</strong>")
	token := csrf(t, res)
	approve := url.Values{"code": {d.SessionID}, "action": {"approve"}}
	checkPage(t, b.post("/account/authorize/", approve), http.StatusForbidden, "form has expired")
	approve.Set("csrf", "not-"+token)
	checkPage(t, b.post("/account/authorize/", approve), http.StatusForbidden, "form has expired")
	approve.Set("csrf", token)
	checkPage(t, b.post("/account/authorize/", approve, "Origin", "https://evil.example"), http.StatusForbidden, "only be sent from this site")
	// Without the cookie the CSRF token is worth nothing.
	checkPage(t, postForm(env, "/account/authorize/", approve), http.StatusUnauthorized, "Sign in first")
	if st := pollDevice(t, env, d.DeviceCode); st["status"] != "authorization_pending" {
		t.Errorf("after refused approvals: %v", st)
	}
	checkPage(t, b.post("/account/authorize/", approve, "Origin", env.Srv.URL), http.StatusOK, "Approved", "terminal")

	st := pollDevice(t, env, d.DeviceCode)
	if st["status"] != "success" || st["token"] == "" {
		t.Fatalf("poll after approval: %v", st)
	}
	me, err := env.Store.UserByToken(context.Background(), st["token"])
	if err != nil || me.Email != "ana@example.org" {
		t.Errorf("token user %v %v", me, err)
	}
	list := env.Do(http.MethodGet, "/api/private/users/tokens/", st["token"], nil)
	if !strings.Contains(string(list.Body), `"name":"device login `) || !strings.Contains(string(list.Body), `(brainstem-python)"`) {
		t.Errorf("device login token not named: %s", list.Body)
	}
	if st := pollDevice(t, env, d.DeviceCode); st["error"] != "already_used" {
		t.Errorf("second poll: %v", st)
	}
	// The page now says so instead of offering the form again.
	checkPage(t, b.get(u.RequestURI()), http.StatusBadRequest, "already approved")
	checkPage(t, b.post("/account/authorize/", approve), http.StatusBadRequest, "already approved")

	// Signing out ends the session: the page asks to sign in again.
	res = b.post("/account/logout/", url.Values{"csrf": {token}, "next": {"/account/authorize/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/authorize/" {
		t.Fatalf("sign out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	checkPage(t, b.get(u.RequestURI()), http.StatusOK, `value="signin"`)
}

// TestAuthorizePageOneStep: e-mail and password sent with approve or deny
// (what scripts and the official client's suite do) decide at once; the
// password is checked before the code is looked up.
func TestAuthorizePageOneStep(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	addCheapUser(t, env, "bo@example.org", "pw-bo")
	d := startDevice(t, env, "")
	typed := strings.ToLower(strings.ReplaceAll(d.UserCode, "-", ""))

	form := url.Values{"code": {typed}, "email": {"bo@example.org"}, "password": {"pw-bo"}, "action": {"deny"}}
	checkPage(t, postForm(env, "/account/authorize/", form), http.StatusOK, "Denied")
	if st := pollDevice(t, env, d.DeviceCode); st["error"] != "access_denied" {
		t.Errorf("poll after deny: %v", st)
	}
	form.Set("action", "approve")
	checkPage(t, postForm(env, "/account/authorize/", form), http.StatusBadRequest, "denied")
	if st := pollDevice(t, env, d.DeviceCode); st["error"] != "access_denied" {
		t.Errorf("approve after deny changed the answer: %v", st)
	}

	d2 := startDevice(t, env, "")
	form = url.Values{"code": {d2.SessionID}, "email": {"bo@example.org"}, "password": {"pw-bo"}, "action": {"approve"}}
	checkPage(t, postForm(env, "/account/authorize", form, "Origin", env.Srv.URL), http.StatusOK, "Approved")
	if st := pollDevice(t, env, d2.DeviceCode); st["status"] != "success" {
		t.Errorf("poll after one-step approve: %v", st)
	}
}

// TestAuthorizePageTypedCode: a signed-in user without a link types the code.
func TestAuthorizePageTypedCode(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	addCheapUser(t, env, "cy@example.org", "pw-cy")
	d := startDevice(t, env, "")
	b := newBrowser(t, env)
	checkPage(t, b.get("/account/authorize/"), http.StatusOK, `id="code"`, `value="signin"`)
	b.signIn("/account/authorize/", "cy@example.org", "pw-cy", "/account/authorize/")
	checkPage(t, b.get("/account/authorize/"), http.StatusOK, `id="code"`, "Enter the code", `method="get"`)
	typed := strings.ToLower(strings.ReplaceAll(d.UserCode, "-", ""))
	res := b.get("/account/authorize/?code=" + typed)
	checkPage(t, res, http.StatusOK, d.UserCode, `name="code" value="`+d.SessionID+`"`)
	checkPage(t, b.post("/account/authorize/", url.Values{"code": {typed}, "action": {"deny"}, "csrf": {csrf(t, res)}}), http.StatusOK, "Denied")
}

// TestAuthorizePageMistypedCode: a code mistyped into the sign-in form
// leads, once signed in, to the code field again (filled in for
// correction), not to a dead end; the request stays pending and the right
// code then shows it.
func TestAuthorizePageMistypedCode(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	addCheapUser(t, env, "cy@example.org", "pw-cy")
	d := startDevice(t, env, "")
	typo := "ZZZZ-2222"
	if d.UserCode == typo {
		typo = "YYYY-3333"
	}
	b := newBrowser(t, env)
	next := "/account/authorize/?" + url.Values{"code": {typo}}.Encode()
	b.signIn("/account/authorize/", "cy@example.org", "pw-cy", next, "code", typo)
	res := b.get(next)
	checkPage(t, res, http.StatusBadRequest, `role="alert"`, "No sign-in request has that code. Check the code shown in your terminal and enter it again.",
		`<form method="get" action="/account/authorize/">`, `id="code" name="code" type="text" value="`+typo+`"`, `id="continue"`, `id="sign-out"`)
	if strings.Contains(string(res.Body), "Start the login again") {
		t.Errorf("a mistyped code sends the user back to the terminal:\n%s", res.Body)
	}
	if st := pollDevice(t, env, d.DeviceCode); st["status"] != "authorization_pending" {
		t.Errorf("a mistyped code changed the request: %v", st)
	}
	res = b.get("/account/authorize/?" + url.Values{"code": {d.UserCode}}.Encode())
	checkPage(t, res, http.StatusOK, `aria-label="user code">`+d.UserCode+"<", `value="approve"`)
}

// TestAuthorizePageNoOracle: before sign-in, the page answers alike for
// real and made-up codes, so it cannot be used to guess them.
func TestAuthorizePageNoOracle(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{Throttle: auth.ThrottleConfig{Off: true}}) // many wrong passwords
	addCheapUser(t, env, "di@example.org", "pw-di")
	d := startDevice(t, env, "secret-client")
	fakeSession := "0b9c2f0e-1d7a-4c55-9a52-3f7e8d0c1b2a"
	page := func(res *servertest.Response, key string) string {
		return strings.ReplaceAll(string(res.Body), key, "KEY")
	}
	var first string
	for i, key := range []string{d.UserCode, "ZZZZ-2222", d.SessionID, fakeSession} {
		for _, param := range []string{"code", "session"} {
			res := env.Do(http.MethodGet, "/account/authorize/?"+param+"="+url.QueryEscape(key), "", nil)
			checkPage(t, res, http.StatusOK)
			if i == 0 && param == "code" {
				first = page(res, key)
			} else if got := page(res, key); got != first {
				t.Errorf("?%s=%s answers differently from a real code:\n%s\nvs\n%s", param, key, got, first)
			}
		}
	}
	// A wrong password answers alike too, whatever the code.
	var firstBad string
	for i, key := range []string{d.UserCode, "ZZZZ-2222", d.SessionID, fakeSession} {
		for _, action := range []string{"signin", "approve"} {
			form := url.Values{"code": {key}, "email": {"di@example.org"}, "password": {"wrong"}, "action": {action}}
			res := postForm(env, "/account/authorize/", form)
			checkPage(t, res, http.StatusUnauthorized, "Invalid email or password")
			if got := page(res, key); i == 0 && action == "signin" {
				firstBad = got
			} else if got != firstBad {
				t.Errorf("wrong password with code %q, %s answers differently:\n%s\nvs\n%s", key, action, got, firstBad)
			}
		}
	}
}

func TestAuthorizePageErrors(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	addCheapUser(t, env, "cy@example.org", "pw-cy")
	d := startDevice(t, env, `<script>alert("x")</script>`)
	ok := url.Values{"code": {d.UserCode}, "email": {"cy@example.org"}, "password": {"pw-cy"}, "action": {"approve"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range ok {
			f[key] = vals
		}
		f.Set(k, v)
		return f
	}
	b := newBrowser(t, env)
	b.signIn("/account/authorize/", "cy@example.org", "pw-cy", "/account/authorize/")

	// The client name is escaped.
	res := b.get("/account/authorize/?session=" + d.SessionID)
	checkPage(t, res, http.StatusOK, "&lt;script&gt;")
	if strings.Contains(string(res.Body), "<script>") {
		t.Error("client name rendered unescaped")
	}

	checkPage(t, b.get("/account/authorize/?code=ZZZZ-2222"), http.StatusBadRequest, "No sign-in request has that code", `id="continue"`, `value="ZZZZ-2222"`)
	res = b.get("/account/authorize/?code=" + strings.Repeat("Z", 17))
	checkPage(t, res, http.StatusBadRequest, "No sign-in request has that code", `id="code" name="code" type="text" value=""`)
	checkPage(t, b.get("/account/authorize/?session=not-a-uuid"), http.StatusBadRequest, "does not exist")
	checkPage(t, postForm(env, "/account/authorize/", with("code", "ZZZZ-2222")), http.StatusBadRequest, "No sign-in request has the code ZZZZ-2222")
	checkPage(t, postForm(env, "/account/authorize/", with("code", "")), http.StatusBadRequest, "Enter the code")
	checkPage(t, postForm(env, "/account/authorize/", with("action", "maybe")), http.StatusBadRequest, "Approve or Deny")
	checkPage(t, postForm(env, "/account/authorize/", with("email", "nobody@example.org")), http.StatusUnauthorized, "Invalid email or password")
	checkPage(t, postForm(env, "/account/authorize/", ok, "Origin", "https://evil.example"), http.StatusForbidden, "only be sent from this site")
	checkPage(t, postForm(env, "/account/authorize/", url.Values{"pad": {strings.Repeat("x", 64<<10)}}), http.StatusBadRequest, "could not be read")
	if st := pollDevice(t, env, d.DeviceCode); st["status"] != "authorization_pending" {
		t.Errorf("a refused form changed the request: %v", st)
	}

	// An expired request.
	old, err := bsdb.New(env.Store).StartDeviceAuth(context.Background(), "", 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	checkPage(t, b.get("/account/authorize/?session="+old.SessionID), http.StatusBadRequest, "expired")
	checkPage(t, postForm(env, "/account/authorize/", with("code", old.UserCode)), http.StatusBadRequest, "expired")
}

// TestAuthorizePageThrottled: failed sign-ins are limited per client
// address and per account (429 with Retry-After, DRF's wording), and a
// throttled attempt fails even with the right password.
func TestAuthorizePageThrottled(t *testing.T) {
	t.Parallel()
	t.Run("per address", func(t *testing.T) {
		t.Parallel()
		env := servertest.New(t, server.Config{Throttle: auth.ThrottleConfig{LoginPerAddr: auth.Limit{Every: time.Hour, Burst: 3}}})
		addCheapUser(t, env, "ed@example.org", "pw-ed")
		for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
			form := url.Values{"email": {email}, "password": {"x"}, "action": {"signin"}}
			checkPage(t, postForm(env, "/account/authorize/", form), http.StatusUnauthorized, "Invalid email or password")
		}
		form := url.Values{"email": {"ed@example.org"}, "password": {"pw-ed"}, "action": {"signin"}}
		checkThrottledPage(t, postForm(env, "/account/authorize/", form))
		form.Set("action", "approve")
		checkThrottledPage(t, postForm(env, "/account/authorize/", form))
		// The tokens page shares the limit, and so does /api/token/.
		form.Set("action", "signin")
		checkThrottledPage(t, postForm(env, "/private/users/tokens/", form))
		res := env.Do(http.MethodPost, "/api/token/", "", map[string]string{"username": "ed@example.org", "password": "pw-ed"})
		servertest.CheckSpec(t, "brainstem", http.MethodPost, "/api/token/", res)
		if res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("/api/token/ after throttled sign-ins: %d %s", res.StatusCode, res.Body)
		}
	})
	t.Run("per account", func(t *testing.T) {
		t.Parallel()
		env := servertest.New(t, server.Config{Throttle: auth.ThrottleConfig{LoginPerAccount: auth.Limit{Every: time.Hour, Burst: 2}}})
		addCheapUser(t, env, "fa@example.org", "pw-fa")
		addCheapUser(t, env, "ga@example.org", "pw-ga")
		b := newBrowser(t, env)
		// Successful sign-ins do not count.
		for range 3 {
			b.signIn("/account/authorize/", "fa@example.org", "pw-fa", "/account/authorize/")
		}
		bad := url.Values{"email": {"FA@example.org"}, "password": {"x"}, "action": {"signin"}}
		for range 2 {
			checkPage(t, postForm(env, "/account/authorize/", bad), http.StatusUnauthorized, "Invalid email or password")
		}
		bad.Set("password", "pw-fa")
		checkThrottledPage(t, postForm(env, "/account/authorize/", bad))
		// Another account from the same address is not affected.
		b.signIn("/account/authorize/", "ga@example.org", "pw-ga", "/account/authorize/")
	})
}
