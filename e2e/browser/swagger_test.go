package browser_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// TestSwaggerUI uses the API docs at /docs/ as a reader does: for each spec,
// pick it in the top bar, press Authorize and paste a token, open the list
// of sessions, "Try it out", Execute, and read a 200 with the seeded session
// in the response panel.
//
// Elements relied on (Swagger UI 5, embedded by swgui): the spec selector
// `.topbar select`, `.scheme-container button.authorize`, the modal's
// `.auth-container input` and its Authorize/Logout and Close buttons, the
// operation blocks `#operations-<tag>-<operationId>`, `.try-out__btn`,
// `.execute`, and the live response's `.response-col_status` and
// `.response-col_description .microlight`.
func TestSwaggerUI(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	env := servertest.New(t, server.Config{})
	token := env.AddUser(email, password)
	seed(t, env, token)

	b.run("load /docs/",
		chromedp.Navigate(env.Srv.URL+"/docs/"),
		chromedp.WaitVisible(chromedp.CSS(".topbar select")),
		chromedp.WaitVisible(chromedp.CSS(".information-container .title")))

	for _, spec := range []struct {
		name, title, operation, want string
	}{
		{"atlas", "Atlas sessions API", "operations-sessions-listSessions", atlasSessionTitle},
		{"brainstem", "BrainSTEM STEM session API", "operations-Session-listSessions", brainstemSession},
	} {
		t.Run(spec.name, func(t *testing.T) {
			b := b.on(t)
			op := "#" + spec.operation
			b.run("pick "+spec.name, chromedp.Evaluate[chromedp.Void](`(() => {
				const s = document.querySelector(".topbar select");
				const o = [...s.options].find(o => o.textContent.trim() === `+jsString(spec.name)+`);
				s.value = o.value;
				s.dispatchEvent(new Event("change", {bubbles: true}));
			})()`),
				chromedp.WaitVisible(chromedp.CSS(op)))
			if got := b.textOf(".information-container .title"); !strings.HasPrefix(got, spec.title) {
				t.Fatalf("picked %s, the page shows %q", spec.name, got)
			}

			b.authorize(token)

			b.run("open "+spec.operation, chromedp.Click(chromedp.CSS(op+" .opblock-summary-control")),
				chromedp.WaitVisible(chromedp.CSS(op+" .try-out__btn")))
			if strings.TrimSpace(b.textOf(op+" .try-out__btn")) == "Try it out" {
				b.run("try it out", chromedp.Click(chromedp.CSS(op+" .try-out__btn")))
			}
			b.run("execute", chromedp.Click(chromedp.CSS(op+" .execute")),
				chromedp.WaitVisible(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")))
			if got := b.textOf(op + " .live-responses-table tbody .response-col_status"); got != "200" {
				t.Errorf("%s answered %s in the response panel, want 200:\n%s", spec.operation, got, b.textOf(op+" .live-responses-table"))
			}
			if body := b.textOf(op + " .live-responses-table tbody .response-col_description .microlight"); !strings.Contains(body, spec.want) {
				t.Errorf("the response panel of %s does not show %q:\n%s", spec.operation, spec.want, body)
			}
		})
	}
}

// authorize opens the Authorize dialog, logs out of a token that Swagger UI
// kept from before (persistAuthorization), pastes token and closes the dialog.
func (b *browser) authorize(token string) {
	b.t.Helper()
	b.run("open the Authorize dialog", chromedp.Click(chromedp.CSS(".scheme-container button.authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux .auth-container")))
	if strings.TrimSpace(b.textOf(".modal-ux .auth-btn-wrapper button")) == "Logout" {
		b.run("log out of the kept token", chromedp.Click(chromedp.CSS(".modal-ux .auth-btn-wrapper button")),
			chromedp.WaitVisible(chromedp.CSS(".modal-ux .auth-container input")))
	}
	b.run("paste the token",
		chromedp.SendKeys(chromedp.CSS(".modal-ux .auth-container input"), token),
		chromedp.Click(chromedp.CSS(".modal-ux .auth-btn-wrapper button.authorize")),
		chromedp.WaitVisible(chromedp.CSS(".modal-ux .auth-btn-wrapper button.btn-done")))
	if got := strings.TrimSpace(b.textOf(".modal-ux .auth-btn-wrapper button")); got != "Logout" {
		b.t.Fatalf("after Authorize the dialog offers %q, want Logout", got)
	}
	b.run("close the Authorize dialog", chromedp.Click(chromedp.CSS(".modal-ux button.btn-done")),
		chromedp.WaitNotPresent(chromedp.CSS(".modal-ux")))
}

// on is b for the subtest t, which shares its tab (screenshots then carry
// the subtest's name).
func (b *browser) on(t *testing.T) *browser {
	c := *b
	c.t = t
	c.watch()
	return &c
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
