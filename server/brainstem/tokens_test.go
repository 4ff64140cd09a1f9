package brainstem_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/server/servertest"
)

const tokensAPI = "/api/private/users/tokens/"

type apiToken struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Prefix   string  `json:"prefix"`
	Created  string  `json:"created"`
	LastUsed *string `json:"last_used"`
	Expires  *string `json:"expires"`
	Expired  bool    `json:"expired"`
	Key      string  `json:"key"`
}

// do sends a BrainSTEM request and checks the answer against the spec.
func do(t *testing.T, env *servertest.Env, method, path, token string, body any) *servertest.Response {
	t.Helper()
	res := env.Do(method, path, token, body)
	servertest.CheckSpec(t, "brainstem", method, path, res)
	return res
}

func wantStatus(t *testing.T, res *servertest.Response, status int, body string) {
	t.Helper()
	if res.StatusCode != status || (body != "" && strings.TrimSpace(string(res.Body)) != body) {
		t.Fatalf("got %d %s, want %d %s", res.StatusCode, res.Body, status, body)
	}
}

func listTokens(t *testing.T, env *servertest.Env, token string) []apiToken {
	t.Helper()
	res := do(t, env, http.MethodGet, tokensAPI, token, nil)
	wantStatus(t, res, http.StatusOK, "")
	var out struct {
		Tokens []apiToken `json:"tokens"`
	}
	res.JSON(t, &out)
	return out.Tokens
}

func TestTokensAPI(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	ana := env.AddUser("ana@example.org", "")
	bo := env.AddUser("bo@example.org", "")

	wantStatus(t, do(t, env, http.MethodGet, tokensAPI, "", nil), http.StatusUnauthorized,
		`{"detail":"Authentication credentials were not provided."}`)
	wantStatus(t, do(t, env, http.MethodPost, tokensAPI, ana, map[string]any{"name": "  "}), http.StatusBadRequest,
		`{"name":["This field may not be blank."]}`)
	wantStatus(t, do(t, env, http.MethodPost, tokensAPI, ana, map[string]any{}), http.StatusBadRequest, "")
	wantStatus(t, do(t, env, http.MethodPost, tokensAPI, ana, map[string]any{"name": "x", "expires_in": -1}), http.StatusBadRequest, "")

	res := do(t, env, http.MethodPost, tokensAPI, ana, map[string]any{"name": "MATLAB", "expires_in": 3600})
	wantStatus(t, res, http.StatusCreated, "")
	var created struct{ Token apiToken }
	res.JSON(t, &created)
	tok := created.Token
	if tok.Name != "MATLAB" || !strings.HasPrefix(tok.Key, tok.Prefix) || len(tok.Prefix) != 10 || tok.Expires == nil || tok.Expired {
		t.Fatalf("created %+v", tok)
	}
	// The new token works; the list shows it by prefix, never the secret.
	list := listTokens(t, env, tok.Key)
	if len(list) != 2 || list[0].ID != tok.ID || list[0].Key != "" || list[0].LastUsed == nil || list[1].Expires != nil {
		t.Fatalf("list %+v", list)
	}
	if body := do(t, env, http.MethodGet, tokensAPI, ana, nil).Body; strings.Contains(string(body), tok.Key) {
		t.Fatal("the list shows a secret")
	}
	if got := listTokens(t, env, bo); len(got) != 1 || got[0].ID == tok.ID {
		t.Errorf("bo sees %+v", got)
	}

	// Revocation: someone else's token is not found; one's own goes at once
	// (the token was just used, so it sat in the token cache).
	path := tokensAPI + strconv.FormatInt(tok.ID, 10) + "/"
	wantStatus(t, do(t, env, http.MethodDelete, path, bo, nil), http.StatusNotFound, `{"detail":"Not found."}`)
	for _, id := range []string{"999999", "0", "-1", "abc", "1.5", "4294967296", "99999999999999999999"} {
		wantStatus(t, env.Do(http.MethodDelete, tokensAPI+id+"/", ana, nil), http.StatusNotFound, `{"detail":"Not found."}`)
	}
	wantStatus(t, do(t, env, http.MethodPost, tokensAPI, ana, map[string]any{"name": "x", "expires_in": 315360001}), http.StatusBadRequest, "")
	wantStatus(t, do(t, env, http.MethodDelete, path, ana, nil), http.StatusNoContent, "")
	wantStatus(t, do(t, env, http.MethodGet, tokensAPI, tok.Key, nil), http.StatusUnauthorized, `{"detail":"Invalid token."}`)
	wantStatus(t, do(t, env, http.MethodGet, "/api/private/stem/session/", tok.Key, nil), http.StatusUnauthorized, `{"detail":"Invalid token."}`)
	wantStatus(t, do(t, env, http.MethodDelete, path, ana, nil), http.StatusNotFound, `{"detail":"Not found."}`)
	// A token may revoke itself.
	self := list[1]
	wantStatus(t, do(t, env, http.MethodDelete, tokensAPI+strconv.FormatInt(self.ID, 10)+"/", ana, nil), http.StatusNoContent, "")
	wantStatus(t, do(t, env, http.MethodGet, tokensAPI, ana, nil), http.StatusUnauthorized, `{"detail":"Invalid token."}`)
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{TokenTTL: time.Second})
	addCheapUser(t, env, "ana@example.org", "pw")
	res := do(t, env, http.MethodPost, "/api/token/", "", map[string]string{"username": "ana@example.org", "password": "pw"})
	wantStatus(t, res, http.StatusOK, "")
	var login struct{ Token string }
	res.JSON(t, &login)
	list := listTokens(t, env, login.Token)
	if len(list) != 1 || !strings.HasPrefix(list[0].Name, "login "+time.Now().UTC().Format("2006-01-02")) || list[0].Expires == nil {
		t.Fatalf("login token %+v", list)
	}
	// expires_in 0: never, whatever the server's TTL.
	res = do(t, env, http.MethodPost, tokensAPI, login.Token, map[string]any{"name": "forever", "expires_in": 0})
	wantStatus(t, res, http.StatusCreated, "")
	var forever struct{ Token apiToken }
	res.JSON(t, &forever)
	if forever.Token.Expires != nil {
		t.Errorf("expires_in 0 gave %v", *forever.Token.Expires)
	}

	time.Sleep(1100 * time.Millisecond)
	wantStatus(t, do(t, env, http.MethodGet, tokensAPI, login.Token, nil), http.StatusUnauthorized, `{"detail":"Token has expired."}`)
	wantStatus(t, do(t, env, http.MethodGet, "/api/public/stem/session/", login.Token, nil), http.StatusUnauthorized, `{"detail":"Token has expired."}`)
	list = listTokens(t, env, forever.Token.Key)
	if len(list) != 2 || !list[1].Expired {
		t.Errorf("after expiry %+v", list)
	}
}

// TestObtainTokenThrottled: /api/token/ limits failed attempts per client
// address and per account, 429 with Retry-After in DRF's shape, and a
// throttled attempt fails even with the right password.
func TestObtainTokenThrottled(t *testing.T) {
	t.Parallel()
	attempt := func(env *servertest.Env, email, pw string) *servertest.Response {
		return do(t, env, http.MethodPost, "/api/token/", "", map[string]string{"username": email, "password": pw})
	}
	throttled := func(t *testing.T, res *servertest.Response) {
		t.Helper()
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("got %d %s, want 429", res.StatusCode, res.Body)
		}
		secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || secs < 1 {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		wantStatus(t, res, http.StatusTooManyRequests, fmt.Sprintf(`{"detail":"Request was throttled. Expected available in %d seconds."}`, secs))
	}
	t.Run("per address", func(t *testing.T) {
		t.Parallel()
		env := servertest.New(t, server.Config{Throttle: auth.ThrottleConfig{LoginPerAddr: auth.Limit{Every: time.Hour, Burst: 3}}})
		addCheapUser(t, env, "ana@example.org", "pw")
		for i := range 3 {
			wantStatus(t, attempt(env, fmt.Sprintf("u%d@example.org", i), "x"), http.StatusUnauthorized, "")
		}
		throttled(t, attempt(env, "ana@example.org", "pw"))
		throttled(t, attempt(env, "new@example.org", "x"))
	})
	t.Run("per account", func(t *testing.T) {
		t.Parallel()
		env := servertest.New(t, server.Config{Throttle: auth.ThrottleConfig{LoginPerAccount: auth.Limit{Every: time.Hour, Burst: 2}}})
		addCheapUser(t, env, "ana@example.org", "pw")
		addCheapUser(t, env, "bo@example.org", "pw")
		for range 3 { // successes do not count
			wantStatus(t, attempt(env, "ana@example.org", "pw"), http.StatusOK, "")
		}
		for range 2 {
			wantStatus(t, attempt(env, " Ana@Example.org", "wrong"), http.StatusUnauthorized, "")
		}
		throttled(t, attempt(env, "ana@example.org", "pw"))
		wantStatus(t, attempt(env, "bo@example.org", "pw"), http.StatusOK, "")
	})
}

func TestStartDeviceAuthThrottled(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{Throttle: auth.ThrottleConfig{DevicePerAddr: auth.Limit{Every: time.Hour, Burst: 3}}})
	for range 3 {
		startDevice(t, env, "x")
	}
	res := do(t, env, http.MethodPost, "/api/auth/device/", "", map[string]string{"client_name": "x"})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		!strings.HasPrefix(string(res.Body), `{"detail":"Request was throttled. Expected available in `) {
		t.Fatalf("4th start: %d %v %s", res.StatusCode, res.Header, res.Body)
	}
	var n int64
	if err := env.Store.R.Table("bs_device_auths").Count(&n).Error; err != nil || n != 3 {
		t.Errorf("%d device rows (%v), want 3", n, err)
	}
}

var newTokenField = regexp.MustCompile(`id="new-token" type="text" readonly value="([^"]+)"`)

func TestTokensPage(t *testing.T) {
	t.Parallel()
	env := servertest.New(t, server.Config{})
	addCheapUser(t, env, "ana@example.org", "pw-ana")
	addCheapUser(t, env, "bo@example.org", "pw-bo")
	b := newBrowser(t, env)

	checkPage(t, b.get("/private/users/tokens/"), http.StatusOK, "Sign in to manage your tokens", `id="email"`, `id="password"`)
	checkPage(t, b.get("/private/users/tokens"), http.StatusOK, "Sign in")
	bad := url.Values{"email": {"ana@example.org"}, "password": {"nope"}, "action": {"signin"}}
	checkPage(t, b.post("/private/users/tokens/", bad), http.StatusUnauthorized, "Invalid email or password")
	checkPage(t, b.post("/private/users/tokens/", url.Values{"action": {"create"}, "name": {"x"}, "ttl": {"0"}}), http.StatusUnauthorized, "Sign in first")
	b.signIn("/private/users/tokens/", "ana@example.org", "pw-ana", "/private/users/tokens/")

	res := b.get("/private/users/tokens/")
	checkPage(t, res, http.StatusOK, "no tokens yet", `id="token-name"`, `id="token-ttl"`, "ana@example.org")
	token := csrf(t, res)

	// Create: without or with a wrong CSRF token or from another site nothing happens.
	create := url.Values{"action": {"create"}, "name": {"MATLAB <laptop>"}, "ttl": {"2592000"}}
	checkPage(t, b.post("/private/users/tokens/", create), http.StatusForbidden, "form has expired")
	create.Set("csrf", token+"x")
	checkPage(t, b.post("/private/users/tokens/", create), http.StatusForbidden, "form has expired")
	create.Set("csrf", token)
	checkPage(t, b.post("/private/users/tokens/", create, "Origin", "https://evil.example"), http.StatusForbidden, "only be sent from this site")
	var count int64
	env.Store.R.Table("tokens").Count(&count)
	if count != 0 {
		t.Fatalf("refused forms created %d tokens", count)
	}
	for _, f := range []url.Values{
		{"action": {"create"}, "name": {" "}, "ttl": {"0"}, "csrf": {token}},
		{"action": {"create"}, "name": {"x"}, "ttl": {"-5"}, "csrf": {token}},
		{"action": {"create"}, "name": {strings.Repeat("n", 101)}, "ttl": {"0"}, "csrf": {token}},
		{"action": {"launch"}, "csrf": {token}},
	} {
		checkPage(t, b.post("/private/users/tokens/", f), http.StatusBadRequest, `role="alert"`)
	}

	res = b.post("/private/users/tokens/", create, "Origin", env.Srv.URL)
	checkPage(t, res, http.StatusOK, "shown only this once", `id="copy-token"`, "MATLAB &lt;laptop&gt;")
	m := newTokenField.FindSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no new token on the page:\n%s", res.Body)
	}
	secret := string(m[1])
	// The copy button's script runs by a nonce named in the CSP (compared
	// as the browser reads the attribute: a "+" is written &#43;).
	nonce := regexp.MustCompile(`<script nonce="([^"]+)">`).FindSubmatch(res.Body)
	if nonce == nil || !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'nonce-"+html.UnescapeString(string(nonce[1]))+"'") {
		t.Errorf("script nonce %q, CSP %q", nonce, res.Header.Get("Content-Security-Policy"))
	}
	list := listTokens(t, env, secret)
	if len(list) != 1 || list[0].Name != "MATLAB <laptop>" || list[0].Expires == nil {
		t.Fatalf("created through the page: %+v", list)
	}

	// The list shows the prefix, not the secret again.
	res = b.get("/private/users/tokens/")
	checkPage(t, res, http.StatusOK, list[0].Prefix+"…", "MATLAB &lt;laptop&gt;")
	if strings.Contains(string(res.Body), secret) || strings.Contains(string(res.Body), "script") {
		t.Error("the list shows the secret or a script")
	}

	// bo cannot revoke ana's token through his own page.
	bob := newBrowser(t, env)
	bob.signIn("/private/users/tokens/", "bo@example.org", "pw-bo", "/private/users/tokens/")
	boCSRF := csrf(t, bob.get("/private/users/tokens/"))
	revoke := url.Values{"action": {"revoke"}, "id": {strconv.FormatInt(list[0].ID, 10)}, "csrf": {boCSRF}}
	checkPage(t, bob.post("/private/users/tokens/", revoke), http.StatusNotFound, "no such token")
	if len(listTokens(t, env, secret)) != 1 {
		t.Fatal("bo revoked ana's token")
	}
	// ana's CSRF token does not work with bo's session, nor bo's with ana's.
	revoke.Set("csrf", token)
	checkPage(t, bob.post("/private/users/tokens/", revoke), http.StatusForbidden, "form has expired")
	revoke.Set("csrf", boCSRF)
	checkPage(t, b.post("/private/users/tokens/", revoke), http.StatusForbidden, "form has expired")

	revoke.Set("csrf", token)
	checkPage(t, b.post("/private/users/tokens/", revoke), http.StatusOK, "Token revoked", "no tokens yet")
	wantStatus(t, do(t, env, http.MethodGet, tokensAPI, secret, nil), http.StatusUnauthorized, `{"detail":"Invalid token."}`)

	// Sign out.
	res = b.post("/account/logout/", url.Values{"csrf": {token}, "next": {"/private/users/tokens/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/private/users/tokens/" {
		t.Fatalf("sign out: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	checkPage(t, b.get("/private/users/tokens/"), http.StatusOK, "Sign in to manage your tokens")
}
