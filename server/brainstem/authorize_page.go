package brainstem

import (
	"bytes"
	_ "embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/store"
)

// The device-login verification page (/account/authorize/): the user signs
// in with email and password, checks the code shown by the client and
// approves or denies the request. It is plain HTML outside the spec.
//
// CSRF: every POST carries the user's password, so a forged cross-site
// form cannot act for a user; requests whose Origin names another host are
// refused as well. The page cannot be framed and is never cached.

//go:embed authorize.html
var authorizeHTML string

var authorizeTmpl = template.Must(template.New("authorize").Parse(authorizeHTML))

// authorizeView is the data of one rendering of the page.
type authorizeView struct {
	Title, Class, Message, Error string
	ShowForm                     bool
	UserCode                     string // the request's code, shown for checking ("" = ask for it)
	CodeValue                    string // the form's code field (session id or typed code)
	ClientName                   string
	Email                        string
}

// maxAuthorizeForm bounds the POST body of the sign-in form.
const maxAuthorizeForm = 16 << 10

type authorizePage struct{ st *store.Store }

// registerAuthorizePage mounts the sign-in page at /account/authorize/ (and
// without the slash). Register calls it.
func registerAuthorizePage(e *echo.Echo, d Deps) {
	p := &authorizePage{st: d.Store}
	for _, path := range []string{"/account/authorize/", "/account/authorize"} {
		e.GET(path, p.show)
		e.POST(path, p.submit)
	}
}

// show renders the form, for the request named by ?session= or ?code= when
// given (400 when that request is unknown, expired or already decided).
func (p *authorizePage) show(c echo.Context) error {
	key := strings.TrimSpace(c.QueryParam("session"))
	if key == "" {
		key = strings.TrimSpace(c.QueryParam("code"))
	}
	if key == "" {
		return render(c, http.StatusOK, authorizeView{Title: "Sign in to approve a device",
			Message: "Enter the code shown in your terminal, then sign in.", ShowForm: true})
	}
	info, err := p.st.LookupDeviceAuth(c.Request().Context(), key)
	if errors.Is(err, store.ErrNotFound) {
		return render(c, http.StatusBadRequest, unusableRequest("This sign-in request does not exist."))
	}
	if err != nil {
		return err
	}
	if v, bad := notPending(info); bad {
		return render(c, http.StatusBadRequest, v)
	}
	return render(c, http.StatusOK, formView(info, "", ""))
}

// submit checks the credentials and approves or denies the request.
func (p *authorizePage) submit(c echo.Context) error {
	req := c.Request()
	if !sameOrigin(req) {
		return render(c, http.StatusForbidden, authorizeView{Title: "Request refused", Class: "bad",
			Message: "This form can only be sent from this site."})
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxAuthorizeForm)
	if err := req.ParseForm(); err != nil {
		return render(c, http.StatusBadRequest, authorizeView{Title: "Bad request", Class: "bad",
			Message: "The form could not be read."})
	}
	code := strings.TrimSpace(req.PostForm.Get("code"))
	email := strings.TrimSpace(req.PostForm.Get("email"))
	password := req.PostForm.Get("password")
	action := req.PostForm.Get("action")
	if action != "approve" && action != "deny" {
		return render(c, http.StatusBadRequest, authorizeView{Title: "Bad request", Class: "bad",
			Message: "Choose Approve or Deny."})
	}
	if code == "" {
		return render(c, http.StatusBadRequest, authorizeView{Title: "Sign in to approve a device",
			Error: "Enter the code shown in your terminal.", ShowForm: true, Email: email})
	}
	ctx := req.Context()
	info, err := p.st.LookupDeviceAuth(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return render(c, http.StatusBadRequest, unusableRequest("No sign-in request has the code "+code+"."))
	}
	if err != nil {
		return err
	}
	if v, bad := notPending(info); bad {
		return render(c, http.StatusBadRequest, v)
	}
	u, err := p.st.CheckPassword(ctx, email, password)
	if errors.Is(err, store.ErrUnauthorized) {
		return render(c, http.StatusUnauthorized, formView(info, email, "Invalid email or password."))
	}
	if err != nil {
		return err
	}
	err = p.st.DecideDeviceAuth(ctx, info.SessionID, u.ID, action == "approve")
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return render(c, http.StatusBadRequest, unusableRequest("This sign-in request has expired or was already answered."))
	}
	if err != nil {
		return err
	}
	if action == "approve" {
		return render(c, http.StatusOK, authorizeView{Title: "Approved", Class: "ok",
			Message: "The device is signed in as " + u.Email + ". You can close this window and go back to your terminal."})
	}
	return render(c, http.StatusOK, authorizeView{Title: "Denied", Class: "bad",
		Message: "The sign-in request was denied. You can close this window and go back to your terminal."})
}

func formView(info *store.DeviceAuthInfo, email, errMsg string) authorizeView {
	return authorizeView{Title: "Approve device sign-in", Error: errMsg, ShowForm: true,
		UserCode: info.UserCode, CodeValue: info.SessionID, ClientName: info.ClientName, Email: email}
}

func unusableRequest(why string) authorizeView {
	return authorizeView{Title: "Sign-in request not usable", Class: "bad",
		Message: why + " Start the login again in your terminal (brainstem login) and use the new code."}
}

// notPending explains why a request can no longer be answered.
func notPending(info *store.DeviceAuthInfo) (authorizeView, bool) {
	switch {
	case info.Status == store.DeviceApproved || info.Status == store.DeviceUsed:
		return authorizeView{Title: "Already approved", Class: "ok",
			Message: "This sign-in request was already approved. You can go back to your terminal."}, true
	case info.Status == store.DeviceDenied:
		return authorizeView{Title: "Already denied", Class: "bad",
			Message: "This sign-in request was denied. Start the login again in your terminal if that was a mistake."}, true
	case info.Expired:
		return unusableRequest("This sign-in request has expired."), true
	}
	return authorizeView{}, false
}

// sameOrigin refuses POSTs whose Origin header names another host. Browsers
// send Origin on cross-site form posts; its absence (curl, old browsers) is
// allowed because the password is required anyway.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get(echo.HeaderOrigin)
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

func render(c echo.Context, status int, v authorizeView) error {
	var buf bytes.Buffer
	if err := authorizeTmpl.Execute(&buf, v); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set(echo.HeaderXFrameOptions, "DENY")
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	// Not no-referrer: under that policy browsers send "Origin: null" with the
	// form's POST, which sameOrigin refuses. same-origin still sends no Referer
	// (with the ?session= id) to any other site.
	h.Set(echo.HeaderReferrerPolicy, "same-origin")
	h.Set(echo.HeaderContentSecurityPolicy,
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	return c.HTMLBlob(status, buf.Bytes())
}
