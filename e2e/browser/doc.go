// Package browser holds end-to-end tests of sessionhub's pages in a real
// headless Chromium, driven with chromedp: the device-login page driven by
// the official BrainSTEM Python client, and Swagger UI at /docs/. The tests
// run only when SESSIONHUB_BROWSER names the Chromium binary (`make test`
// sets it and installs Debian's chromium when it is missing); a failing test
// leaves a screenshot of the page in tmp/browser/ (or SESSIONHUB_ARTIFACTS).
package browser
