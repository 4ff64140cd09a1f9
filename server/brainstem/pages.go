package brainstem

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/server/mount"
	"github.com/sessionhub/sessionhub/store"
)

// The server's own HTML pages outside the spec: the device approval page
// (/account/authorize/, authorize_page.go) and the tokens page
// (/private/users/tokens/, tokens_page.go). Both share one sign-in: e-mail
// and password (throttled per address and per account, like
// /api/token/) start a web session kept in an HttpOnly, SameSite=Lax
// cookie for webSessionTTL.
//
// CSRF: every form of a signed-in page carries the session's CSRF token,
// compared in constant time; POSTs whose Origin names another host are
// refused first; the sign-in form itself needs the password. The pages
// cannot be framed, are never cached, and run no script but the tokens
// page's copy button (allowed by a per-response nonce).

//go:embed layout.html
var layoutHTML string

//go:embed authorize.html
var authorizeHTML string

//go:embed tokens.html
var tokensHTML string

var (
	layoutTmpl    = template.Must(template.New("layout").Parse(layoutHTML))
	authorizeTmpl = template.Must(template.Must(layoutTmpl.Clone()).Parse(authorizeHTML))
	tokensTmpl    = template.Must(template.Must(layoutTmpl.Clone()).Parse(tokensHTML))
)

// Web sessions.
const (
	sessionCookie = "sessionhub_session"
	webSessionTTL = 12 * time.Hour
	// maxPageForm bounds the POST body of the pages' forms.
	maxPageForm = 16 << 10
)

// pageView is what the layout shows around a page's content.
type pageView struct {
	Title, Class, Message, Error string
	Wide                         bool
	SignedIn                     bool
	Email                        string // the signed-in user, or the e-mail typed into the sign-in form
	CSRF                         string
	Here                         string // this page's path, where sign-out returns to
	Nonce                        string // of the page's script, if any
	SignInForm                   bool
}

type pages struct {
	st        *store.Store
	h         *Handlers
	throttles *auth.Throttles
}

// registerPages mounts the device approval page, the tokens page and the
// sign-out of both. Register calls it.
func registerPages(e *mount.API, d Deps, h *Handlers) {
	p := &pages{st: d.Store, h: h, throttles: h.throttles}
	for _, path := range []string{"/account/authorize/", "/account/authorize"} {
		e.GET(path, p.showAuthorize)
		e.POST(path, p.submitAuthorize)
	}
	for _, path := range []string{"/private/users/tokens/", "/private/users/tokens"} {
		e.GET(path, p.showTokens)
		e.POST(path, p.submitTokens)
	}
	e.POST("/account/logout/", p.logout)
}

// session is the signed-in user of the request's cookie and the session's
// CSRF token; a nil user when there is none (or it has expired).
func (p *pages) session(c echo.Context) (*store.User, string, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil {
		return nil, "", nil
	}
	u, csrf, err := p.st.WebSessionUser(c.Request().Context(), ck.Value)
	if errors.Is(err, store.ErrUnauthorized) {
		return nil, "", nil
	}
	return u, csrf, err
}

// validCSRF compares the form's CSRF token with the session's.
func validCSRF(r *http.Request, want string) bool {
	got := r.PostForm.Get("csrf")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// signIn checks e-mail and password (after the throttle) and starts a web
// session, setting its cookie. Errors: *auth.Throttled, store.ErrUnauthorized.
func (p *pages) signIn(c echo.Context, email, password string) (*store.User, string, error) {
	req := c.Request()
	done, err := p.throttles.Login(auth.ClientAddr(req), store.NormalizeEmail(email))
	if err != nil {
		return nil, "", err
	}
	u, err := p.st.CheckPassword(req.Context(), email, password)
	done(err == nil)
	if err != nil {
		return nil, "", err
	}
	cookie, csrf, err := p.st.CreateWebSession(req.Context(), u.ID, webSessionTTL)
	if err != nil {
		return nil, "", err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: cookie, Path: "/", MaxAge: int(webSessionTTL / time.Second),
		HttpOnly: true, Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode})
	return u, csrf, nil
}

// signInFailure words a failed sign-in: 429 (with Retry-After set on the
// response) for a throttled attempt, 401 for bad credentials. ok is false
// for any other error, which the caller returns.
func signInFailure(c echo.Context, err error) (status int, msg string, ok bool) {
	var te *auth.Throttled
	switch {
	case errors.As(err, &te):
		c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(te.Seconds()))
		return http.StatusTooManyRequests, te.Message(), true
	case errors.Is(err, store.ErrUnauthorized):
		return http.StatusUnauthorized, "Invalid email or password.", true
	}
	return 0, "", false
}

// logout ends the web session (its CSRF token required) and goes back to
// the page named by next.
func (p *pages) logout(c echo.Context) error {
	req := c.Request()
	if !sameOrigin(req) {
		return c.String(http.StatusForbidden, "This form can only be sent from this site.")
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxPageForm)
	if err := req.ParseForm(); err != nil {
		return c.String(http.StatusBadRequest, "The form could not be read.")
	}
	_, csrf, err := p.session(c)
	if err != nil {
		return err
	}
	if csrf != "" && validCSRF(req, csrf) {
		ck, _ := c.Cookie(sessionCookie)
		if err := p.st.DeleteWebSession(req.Context(), ck.Value); err != nil {
			return err
		}
		c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
			Secure: c.Scheme() == "https", SameSite: http.SameSiteLaxMode})
	}
	next := req.PostForm.Get("next")
	if next != "/private/users/tokens/" {
		next = "/account/authorize/"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// sameOrigin refuses POSTs whose Origin header names another host. Browsers
// send Origin on cross-site form posts; its absence (curl, old browsers) is
// allowed because the forms need a password or a CSRF token anyway.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get(echo.HeaderOrigin)
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// readForm applies sameOrigin and reads a bounded form; a false result
// means the answer (403 or 400, rendered by refuse) has been written.
func readForm(c echo.Context, refuse func(status int, msg string) error) (bool, error) {
	req := c.Request()
	if !sameOrigin(req) {
		return false, refuse(http.StatusForbidden, "This form can only be sent from this site.")
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxPageForm)
	if err := req.ParseForm(); err != nil {
		return false, refuse(http.StatusBadRequest, "The form could not be read.")
	}
	return true, nil
}

func newNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawStdEncoding.EncodeToString(b), nil
}

// renderPage writes a page with the security headers every page carries.
func renderPage(c echo.Context, t *template.Template, status int, nonce string, v any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return err
	}
	script := ""
	if nonce != "" {
		script = "; script-src 'nonce-" + nonce + "'"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderXFrameOptions, "DENY")
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	// Not no-referrer: under that policy browsers send "Origin: null" with a
	// form's POST, which sameOrigin refuses. same-origin still sends no Referer
	// (with the ?session= id) to any other site.
	h.Set(echo.HeaderReferrerPolicy, "same-origin")
	h.Set(echo.HeaderContentSecurityPolicy,
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"+script)
	return c.HTMLBlob(status, buf.Bytes())
}
