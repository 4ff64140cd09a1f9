package brainstem

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"
)

// The tokens page (/private/users/tokens/), the BrainSTEM MATLAB client's
// fallback when the device login fails: a signed-in user (see pages.go)
// lists their personal access tokens, creates one (its secret shown once,
// with a copy button) and revokes them.

const tokensPath = "/private/users/tokens/"

// tokensView is the data of one rendering of the tokens page.
type tokensView struct {
	pageView
	Tokens     []tokenRow
	NewToken   string // the secret of a token just created
	TTLChoices []ttlChoice
}

type tokenRow struct {
	ID                              uint
	Name, Prefix, Created, LastUsed string
	Expires                         string
	Expired                         bool
}

type ttlChoice struct {
	Value, Label string
	Selected     bool
}

// ttlChoices are the expiries offered, in seconds ("0": never); the
// server's token TTL is preselected when it is one of them, else "never"
// (and the server's own TTL is offered first).
func ttlChoices(serverTTL time.Duration) []ttlChoice {
	out := []ttlChoice{{"0", "Never", false}, {"604800", "In 7 days", false}, {"2592000", "In 30 days", false},
		{"7776000", "In 90 days", false}, {"31536000", "In a year", false}}
	want := strconv.FormatInt(int64(serverTTL/time.Second), 10)
	for i := range out {
		if out[i].Value == want {
			out[i].Selected = true
			return out
		}
	}
	return append([]ttlChoice{{want, "After " + serverTTL.String() + " (server default)", true}}, out...)
}

func (p *pages) renderTokens(c echo.Context, status int, nonce string, v tokensView) error {
	v.Here, v.Wide = tokensPath, true
	if v.Title == "" {
		v.Title = "Personal access tokens"
	}
	return renderPage(c, tokensTmpl, status, nonce, v)
}

// tokensPage renders the signed-in user's page with the list of tokens.
func (p *pages) tokensPage(c echo.Context, status int, u *store.User, csrf string, v tokensView) error {
	rows, err := p.st.ListTokens(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	v.SignedIn, v.Email, v.CSRF = true, u.Email, csrf
	v.TTLChoices = ttlChoices(p.h.tokenTTL)
	for _, t := range rows {
		r := tokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Created: pageTime(&t.CreatedAt),
			LastUsed: pageTime(t.LastUsedAt), Expires: pageTime(t.ExpiresAt), Expired: t.Expired(now)}
		if t.LastUsedAt == nil {
			r.LastUsed = "never"
		}
		if t.ExpiresAt == nil {
			r.Expires = "never"
		} else if r.Expired {
			r.Expires = "expired " + r.Expires
		}
		if r.Name == "" {
			r.Name = "(unnamed)"
		}
		v.Tokens = append(v.Tokens, r)
	}
	nonce := ""
	if v.NewToken != "" {
		if nonce, err = newNonce(); err != nil {
			return err
		}
		v.Nonce = nonce
	}
	return p.renderTokens(c, status, nonce, v)
}

func pageTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func tokensSignIn(email, errMsg string) tokensView {
	return tokensView{pageView: pageView{Title: "Sign in to manage your tokens", Email: email, Error: errMsg, SignInForm: true}}
}

// showTokens renders the sign-in form or the signed-in user's tokens.
func (p *pages) showTokens(c echo.Context) error {
	u, csrf, err := p.session(c)
	if err != nil {
		return err
	}
	if u == nil {
		return p.renderTokens(c, http.StatusOK, "", tokensSignIn("", ""))
	}
	return p.tokensPage(c, http.StatusOK, u, csrf, tokensView{})
}

// submitTokens signs in (action=signin), or, for a signed-in user with the
// session's CSRF token, creates (action=create: name, ttl seconds) or
// revokes (action=revoke: id) a token.
func (p *pages) submitTokens(c echo.Context) error {
	refuse := func(status int, msg string) error {
		return p.renderTokens(c, status, "", tokensView{pageView: pageView{Title: "Request refused", Class: "bad", Message: msg}})
	}
	if ok, err := readForm(c, refuse); !ok {
		return err
	}
	req := c.Request()
	f := req.PostForm
	if f.Get("action") == "signin" {
		email := strings.TrimSpace(f.Get("email"))
		_, _, err := p.signIn(c, email, f.Get("password"))
		if status, msg, ok := signInFailure(c, err); ok {
			return p.renderTokens(c, status, "", tokensSignIn(email, msg))
		}
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, tokensPath)
	}
	u, csrf, err := p.session(c)
	if err != nil {
		return err
	}
	if u == nil {
		return p.renderTokens(c, http.StatusUnauthorized, "", tokensSignIn("", "Sign in first."))
	}
	if !validCSRF(req, csrf) {
		return refuse(http.StatusForbidden, "This form has expired. Reload the page and try again.")
	}
	ctx := req.Context()
	switch f.Get("action") {
	case "create":
		secs, err := strconv.ParseInt(f.Get("ttl"), 10, 64)
		if err != nil || secs < 0 || secs > 10*365*24*3600 {
			return p.tokensPage(c, http.StatusBadRequest, u, csrf, tokensView{pageView: pageView{Error: "Choose when the token expires."}})
		}
		n, err := p.h.newToken(u.ID, f.Get("name"), &secs)
		if err != nil {
			return p.tokensPage(c, http.StatusBadRequest, u, csrf, tokensView{pageView: pageView{Error: "Give the token a name of at most 100 characters."}})
		}
		secret, _, err := p.st.CreateNamedToken(ctx, n)
		if err != nil {
			return err
		}
		return p.tokensPage(c, http.StatusOK, u, csrf, tokensView{NewToken: secret})
	case "revoke":
		id, err := strconv.ParseUint(f.Get("id"), 10, 32)
		if err == nil {
			err = p.st.RevokeToken(ctx, u.ID, uint(id))
		}
		if errors.Is(err, store.ErrNotFound) || id == 0 {
			return p.tokensPage(c, http.StatusNotFound, u, csrf, tokensView{pageView: pageView{Error: "You have no such token."}})
		}
		if err != nil {
			return p.tokensPage(c, http.StatusBadRequest, u, csrf, tokensView{pageView: pageView{Error: "You have no such token."}})
		}
		return p.tokensPage(c, http.StatusOK, u, csrf, tokensView{pageView: pageView{Message: "Token revoked. It no longer works."}})
	}
	return p.tokensPage(c, http.StatusBadRequest, u, csrf, tokensView{pageView: pageView{Error: "Choose Create or Revoke."}})
}
