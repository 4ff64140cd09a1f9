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
	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
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

	checkPage(t, env.Do(http.MethodGet, u.RequestURI(), "", nil), http.StatusOK,
		d.UserCode, "brainstem-python", `name="code" value="`+d.SessionID+`"`, "Approve", "Deny")

	form := url.Values{"code": {d.SessionID}, "email": {"ana@example.org"}, "password": {"wrong"}, "action": {"approve"}}
	checkPage(t, postForm(env, "/account/authorize/", form), http.StatusUnauthorized,
		"Invalid email or password", d.UserCode, `value="ana@example.org"`)
	if st := pollDevice(t, env, d.DeviceCode); st["status"] != "authorization_pending" {
		t.Errorf("after a wrong password: %v", st)
	}

	form.Set("password", "correct horse")
	form.Set("email", " ANA@example.org ")
	checkPage(t, postForm(env, "/account/authorize", form, "Origin", env.Srv.URL), http.StatusOK, "Approved", "terminal")

	st := pollDevice(t, env, d.DeviceCode)
	if st["status"] != "success" || st["token"] == "" {
		t.Fatalf("poll after approval: %v", st)
	}
	me, err := env.Store.UserByToken(context.Background(), st["token"])
	if err != nil || me.Email != "ana@example.org" {
		t.Errorf("token user %v %v", me, err)
	}
	if st := pollDevice(t, env, d.DeviceCode); st["error"] != "already_used" {
		t.Errorf("second poll: %v", st)
	}
	// The page now says so instead of offering the form again.
	checkPage(t, env.Do(http.MethodGet, u.RequestURI(), "", nil), http.StatusBadRequest, "already approved")
	checkPage(t, postForm(env, "/account/authorize/", form), http.StatusBadRequest, "already approved")
}

func TestAuthorizePageDenyByTypedCode(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	addCheapUser(t, env, "bo@example.org", "pw-bo")
	d := startDevice(t, env, "")

	checkPage(t, env.Do(http.MethodGet, "/account/authorize/", "", nil), http.StatusOK, `name="code"`, "Enter the code")
	typed := strings.ToLower(strings.ReplaceAll(d.UserCode, "-", ""))
	checkPage(t, env.Do(http.MethodGet, "/account/authorize/?code="+typed, "", nil), http.StatusOK, d.UserCode)

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

	// The client name is escaped.
	res := env.Do(http.MethodGet, "/account/authorize/?session="+d.SessionID, "", nil)
	checkPage(t, res, http.StatusOK, "&lt;script&gt;")
	if strings.Contains(string(res.Body), "<script>") {
		t.Error("client name rendered unescaped")
	}

	checkPage(t, env.Do(http.MethodGet, "/account/authorize/?code=ZZZZ-2222", "", nil), http.StatusBadRequest, "does not exist")
	checkPage(t, env.Do(http.MethodGet, "/account/authorize/?session=not-a-uuid", "", nil), http.StatusBadRequest, "does not exist")
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
	old, err := env.Store.StartDeviceAuth(context.Background(), "", 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	checkPage(t, env.Do(http.MethodGet, "/account/authorize/?session="+old.SessionID, "", nil), http.StatusBadRequest, "expired")
	checkPage(t, postForm(env, "/account/authorize/", with("code", old.UserCode)), http.StatusBadRequest, "expired")
}
