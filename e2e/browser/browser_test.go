package browser_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sessionhub/sessionhub/server/servertest"
)

// stepTimeout bounds one step (a navigation, a click and what it waits for).
const stepTimeout = 30 * time.Second

// browser is one headless Chromium with one tab, for one test.
type browser struct {
	t       *testing.T
	tab     context.Context        // lives until the test ends
	console *servertest.SyncBuffer // console messages and uncaught exceptions
}

// newBrowser starts Chromium for t, or skips t when SESSIONHUB_BROWSER is
// unset (plain `go test ./...`); `make test` sets it, so there a missing
// browser is a failure. When t fails, a screenshot of the tab is written to
// the artifacts dir and its path logged, with the page's console output.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := os.Getenv("SESSIONHUB_BROWSER")
	if path == "" {
		t.Skip("SESSIONHUB_BROWSER is not set; `make test` sets it to /usr/bin/chromium (make browser installs it)")
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("SESSIONHUB_BROWSER=%s: %v (install Chromium with `make browser`)", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// No connections of its own: the machine's network is closed.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 1024),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{t: t, console: &servertest.SyncBuffer{}}
	var cancelTab context.CancelFunc
	b.tab, cancelTab = chromedp.NewContext(alloc, chromedp.WithErrorf(func(format string, args ...any) {
		fmt.Fprintf(b.console, "chromedp: "+format+"\n", args...)
	}))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first call starts the browser, which lives as long as the context
	// of that call: no timeout here.
	err := chromedp.Listen(b.tab, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			fmt.Fprintf(b.console, "console.%s: %s\n", ev.Type, strings.Join(args, " "))
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			if d.Exception != nil {
				fmt.Fprintf(b.console, "exception: %s\n", d.Exception.Description)
			} else {
				fmt.Fprintf(b.console, "exception: %s (%s:%d)\n", d.Text, d.URL, d.LineNumber)
			}
		}
	})
	if err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	b.watch()
	return b
}

// watch removes the screenshot of an earlier run of b.t and takes a new one
// if b.t fails.
func (b *browser) watch() {
	if file, err := screenshotFile(b.t); err == nil {
		_ = os.Remove(file)
	}
	b.t.Cleanup(func() {
		if b.t.Failed() {
			b.screenshot()
		}
	})
}

// run performs one step within stepTimeout and fails the test if it does not finish.
func (b *browser) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s (within %s): %v\npage text:\n%s", step, stepTimeout, err, b.text())
	}
}

// text is the visible text of the page, for failure messages.
func (b *browser) text() string {
	ctx, cancel := context.WithTimeout(b.tab, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return s
}

// screenshotFile is where a failure of t leaves its screenshot:
// <artifacts>/<test name>.png, with the artifacts dir SESSIONHUB_ARTIFACTS
// or tmp/browser/ at the repository root (gitignored).
func screenshotFile(t *testing.T) (string, error) {
	dir := os.Getenv("SESSIONHUB_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "tmp", "browser")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name(), "_")+".png"), nil
}

// screenshot writes the whole page to screenshotFile and logs where, with
// the page's URL and console output.
func (b *browser) screenshot() {
	file, err := screenshotFile(b.t)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(file), 0o755)
	}
	if err != nil {
		b.t.Logf("no screenshot: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(b.tab, 10*time.Second)
	defer cancel()
	url, _ := chromedp.Run(ctx, chromedp.Location())
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("no screenshot: %v", err)
	} else if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("no screenshot: %v", err)
	} else {
		b.t.Logf("screenshot of %s: %s", url, file)
	}
	if c := b.console.String(); c != "" {
		b.t.Logf("browser console:\n%s", c)
	}
}

// textOf is the visible text of the first element that the CSS selector
// matches, waiting for it up to stepTimeout.
func (b *browser) textOf(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v\npage text:\n%s", sel, err, b.text())
	}
	return strings.TrimSpace(s)
}
