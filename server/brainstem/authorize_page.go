package brainstem

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// The device-login verification page (/account/authorize/): the user signs
// in (see pages.go), then sees the code of the request named by ?session=
// or ?code= (or types it), checks it against the client's and approves or
// denies. Requests are looked up only for a signed-in user: an anonymous
// visitor gets the same sign-in form for every code, so the page is no
// oracle for guessing codes. A POST with e-mail and password (no session)
// still approves or denies in one step, the password checked first.

// authorizeView is the data of one rendering of the page.
type authorizeView struct {
	pageView
	CodeForm   bool   // ask a signed-in user for the code
	UserCode   string // the request's code, shown for checking next to Approve/Deny
	CodeValue  string // the code or session id the forms carry
	ClientName string
}

const authorizePath = "/account/authorize/"

// maxRetypedCode bounds an unknown ?code= put back into the code field for
// correction (a code is 8 characters and a dash); longer ones are dropped.
const maxRetypedCode = 16

func (p *pages) renderAuthorize(c echo.Context, status int, v authorizeView) error {
	v.Here = authorizePath
	return renderPage(c, authorizeTmpl, status, "", v)
}

func signInView(code, email, errMsg string) authorizeView {
	return authorizeView{pageView: pageView{Title: "Sign in to approve a device", Error: errMsg, Email: email,
		SignInForm: true, Message: "Sign in with your sessionhub account; then check the code shown in your terminal."},
		CodeValue: code}
}

// deviceKey is the ?session= or ?code= of a GET.
func deviceKey(c echo.Context) string {
	if key := strings.TrimSpace(c.QueryParam("session")); key != "" {
		return key
	}
	return strings.TrimSpace(c.QueryParam("code"))
}

// showAuthorize renders the sign-in form, or for a signed-in user the
// request named by ?session= or ?code= (400 when it is unknown, expired or
// already decided; an unknown ?code= gets the code field again, filled in
// for correction) or a field to type its code.
func (p *pages) showAuthorize(c echo.Context) error {
	key := deviceKey(c)
	u, csrf, err := p.session(c)
	if err != nil {
		return err
	}
	if u == nil {
		return p.renderAuthorize(c, http.StatusOK, signInView(key, "", ""))
	}
	who := pageView{SignedIn: true, Email: u.Email, CSRF: csrf}
	if key == "" {
		who.Title, who.Message = "Approve a device", "Enter the code shown in your terminal."
		return p.renderAuthorize(c, http.StatusOK, authorizeView{pageView: who, CodeForm: true})
	}
	info, err := p.h.db.LookupDeviceAuth(c.Request().Context(), key)
	if errors.Is(err, store.ErrNotFound) && c.QueryParam("session") == "" {
		// Most likely a typo: ask again rather than send the user back to
		// the terminal, whose login is still waiting.
		who.Title, who.Error = "Approve a device", "No sign-in request has that code. Check the code shown in your terminal and enter it again."
		v := authorizeView{pageView: who, CodeForm: true}
		if len(key) <= maxRetypedCode {
			v.CodeValue = key
		}
		return p.renderAuthorize(c, http.StatusBadRequest, v)
	}
	if errors.Is(err, store.ErrNotFound) {
		return p.renderAuthorize(c, http.StatusBadRequest, unusableRequest(who, "This sign-in request does not exist."))
	}
	if err != nil {
		return err
	}
	if v, bad := notPending(who, info); bad {
		return p.renderAuthorize(c, http.StatusBadRequest, v)
	}
	return p.renderAuthorize(c, http.StatusOK, decideView(who, info))
}

// submitAuthorize signs in (action=signin) or approves or denies a request
// (action=approve|deny) for the session's user (CSRF token required) or
// for the e-mail and password sent along.
func (p *pages) submitAuthorize(c echo.Context) error {
	refuse := func(status int, msg string) error {
		return p.renderAuthorize(c, status, authorizeView{pageView: pageView{Title: "Request refused", Class: "bad", Message: msg}})
	}
	if ok, err := readForm(c, refuse); !ok {
		return err
	}
	req := c.Request()
	code := strings.TrimSpace(req.PostForm.Get("code"))
	email := strings.TrimSpace(req.PostForm.Get("email"))
	password := req.PostForm.Get("password")
	action := req.PostForm.Get("action")
	if action != "signin" && action != "approve" && action != "deny" {
		return p.renderAuthorize(c, http.StatusBadRequest, authorizeView{pageView: pageView{Title: "Bad request", Class: "bad",
			Message: "Choose Approve or Deny."}})
	}

	var u *store.User
	var csrf string
	if action == "signin" || password != "" || email != "" {
		var err error
		u, csrf, err = p.signIn(c, email, password)
		if status, msg, ok := signInFailure(c, err); ok {
			return p.renderAuthorize(c, status, signInView(code, email, msg))
		}
		if err != nil {
			return err
		}
		if action == "signin" {
			next := authorizePath
			if code != "" {
				next += "?" + url.Values{"code": {code}}.Encode()
			}
			return c.Redirect(http.StatusSeeOther, next)
		}
	} else {
		var err error
		u, csrf, err = p.session(c)
		if err != nil {
			return err
		}
		if u == nil {
			return p.renderAuthorize(c, http.StatusUnauthorized, signInView(code, "", "Sign in first."))
		}
		if !validCSRF(req, csrf) {
			return refuse(http.StatusForbidden, "This form has expired. Reload the page and try again.")
		}
	}

	who := pageView{SignedIn: true, Email: u.Email, CSRF: csrf}
	if code == "" {
		who.Title, who.Error = "Approve a device", "Enter the code shown in your terminal."
		return p.renderAuthorize(c, http.StatusBadRequest, authorizeView{pageView: who, CodeForm: true})
	}
	ctx := req.Context()
	info, err := p.h.db.LookupDeviceAuth(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return p.renderAuthorize(c, http.StatusBadRequest, unusableRequest(who, "No sign-in request has the code "+code+"."))
	}
	if err != nil {
		return err
	}
	if v, bad := notPending(who, info); bad {
		return p.renderAuthorize(c, http.StatusBadRequest, v)
	}
	err = p.h.db.DecideDeviceAuth(ctx, info.SessionID, u.ID, action == "approve")
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return p.renderAuthorize(c, http.StatusBadRequest, unusableRequest(who, "This sign-in request has expired or was already answered."))
	}
	if err != nil {
		return err
	}
	if action == "approve" {
		who.Title, who.Class = "Approved", "ok"
		who.Message = "The device is signed in as " + u.Email + ". You can close this window and go back to your terminal."
	} else {
		who.Title, who.Class = "Denied", "bad"
		who.Message = "The sign-in request was denied. You can close this window and go back to your terminal."
	}
	return p.renderAuthorize(c, http.StatusOK, authorizeView{pageView: who})
}

func decideView(who pageView, info *bsdb.DeviceAuthInfo) authorizeView {
	who.Title = "Approve device sign-in"
	return authorizeView{pageView: who, UserCode: info.UserCode, CodeValue: info.SessionID, ClientName: info.ClientName}
}

func unusableRequest(who pageView, why string) authorizeView {
	who.Title, who.Class = "Sign-in request not usable", "bad"
	who.Message = why + " Start the login again in your terminal (brainstem login) and use the new code."
	return authorizeView{pageView: who}
}

// notPending explains why a request can no longer be answered.
func notPending(who pageView, info *bsdb.DeviceAuthInfo) (authorizeView, bool) {
	switch {
	case info.Status == bsdb.DeviceApproved || info.Status == bsdb.DeviceUsed:
		who.Title, who.Class = "Already approved", "ok"
		who.Message = "This sign-in request was already approved. You can go back to your terminal."
	case info.Status == bsdb.DeviceDenied:
		who.Title, who.Class = "Already denied", "bad"
		who.Message = "This sign-in request was denied. Start the login again in your terminal if that was a mistake."
	case info.Expired:
		return unusableRequest(who, "This sign-in request has expired."), true
	default:
		return authorizeView{}, false
	}
	return authorizeView{pageView: who}, true
}
