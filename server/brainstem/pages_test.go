package brainstem_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
)

// browser is a client with a cookie jar that does not follow redirects,
// for the server's HTML pages.
type browser struct {
	t   *testing.T
	env *servertest.Env
	c   *http.Client
}

func newBrowser(t *testing.T, env *servertest.Env) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *env.Srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{t: t, env: env, c: &c}
}

func (b *browser) do(req *http.Request) *servertest.Response {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &servertest.Response{Response: res, Body: body}
}

func (b *browser) get(path string) *servertest.Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.env.Srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form; headers are name, value pairs.
func (b *browser) post(path string, form url.Values, headers ...string) *servertest.Response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.env.Srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// signIn posts the sign-in form of page and expects the redirect to next.
func (b *browser) signIn(page, email, password, next string, extra ...string) {
	b.t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "action": {"signin"}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	res := b.post(page, form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != next {
		b.t.Fatalf("sign in: %d to %q, want 303 to %q: %s", res.StatusCode, res.Header.Get("Location"), next, res.Body)
	}
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "sessionhub_session" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge <= 0 {
		b.t.Fatalf("session cookie %+v", ck)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of a signed-in page.
func csrf(t *testing.T, res *servertest.Response) string {
	t.Helper()
	m := csrfField.FindSubmatch(res.Body)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", res.Body)
	}
	return string(m[1])
}

// checkThrottledPage expects a 429 page in DRF's wording with Retry-After.
func checkThrottledPage(t *testing.T, res *servertest.Response) {
	t.Helper()
	checkPage(t, res, http.StatusTooManyRequests, "Request was throttled. Expected available in ")
	if ra := res.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
}
