package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cliProcess runs the sessionhub command with args in another process.
func cliProcess(t *testing.T, args ...string) (string, error) {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+string(raw))
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		err = fmt.Errorf("%v: %s", err, ee.Stderr)
	}
	return string(out), err
}

// get sends GET path with a token and returns the status and body.
func get(t *testing.T, addr, path, tok string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// TestTokenCLIBesideServer: tokens created, listed and revoked by the CLI
// in another process while a server runs; a revocation takes effect on
// the server's next request although the token sits in its token cache.
func TestTokenCLIBesideServer(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data, "--token-ttl", "1h")
	if adminToken(s.stdout.String()) == "" {
		t.Fatalf("no admin token printed: %q", s.stdout.String())
	}
	if _, err := cliProcess(t, "user", "add", "--data", data, "--email", "ana@example.org"); err != nil {
		t.Fatal(err)
	}
	out, err := cliProcess(t, "token", "create", "--data", data, "--email", "ana@example.org", "--name", "matlab rig", "--ttl", "48h")
	if err != nil {
		t.Fatal(err)
	}
	byID := strings.TrimSpace(out)
	out, err = cliProcess(t, "token", "create", "--data", data, "--email", "ana@example.org")
	if err != nil {
		t.Fatal(err)
	}
	bySecret := strings.TrimSpace(out)
	for _, tok := range []string{byID, bySecret} {
		if code, body := get(t, addr, "/api/private/users/tokens/", tok); code != http.StatusOK {
			t.Fatalf("fresh token: %d %s", code, body)
		}
	}

	out, err = cliProcess(t, "token", "list", "--data", data, "--email", "ANA@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, byID) || strings.Contains(out, bySecret) || !strings.Contains(out, byID[:10]+"…") ||
		!strings.Contains(out, `"matlab rig"`) || !strings.Contains(out, `"cli `) || strings.Count(out, "never") != 1 {
		t.Fatalf("token list:\n%s", out)
	}
	m := regexp.MustCompile(`(?m)^(\d+)\s+"matlab rig"`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no id for matlab rig in:\n%s", out)
	}

	if _, err := cliProcess(t, "token", "revoke", "--data", data, "--id", m[1]); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, addr, "/api/private/users/tokens/", byID); code != http.StatusUnauthorized || !strings.Contains(body, "Invalid token.") {
		t.Errorf("token revoked by id in another process: %d %s", code, body)
	}
	if code, _ := get(t, addr, "/api/private/users/tokens/", bySecret); code != http.StatusOK {
		t.Errorf("the other token stopped working: %d", code)
	}
	if _, err := cliProcess(t, "token", "revoke", "--data", data, "--token", bySecret); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, addr, "/api/private/stem/session/", bySecret); code != http.StatusUnauthorized {
		t.Errorf("token revoked by secret in another process: %d %s", code, body)
	}
	if _, err := cliProcess(t, "token", "revoke", "--data", data, "--token", bySecret); err == nil || !strings.Contains(err.Error(), "no such token") {
		t.Errorf("revoking twice: %v", err)
	}
}

func TestTokenCLIErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	noEnv := env(nil)
	if _, _, err := runCLI(t, noEnv, "user", "add", "--data", data, "--email", "carol@example.org"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"token"}, "usage"},
		{[]string{"token", "delete"}, "usage"},
		{[]string{"token", "list", "--data", data}, "--email is required"},
		{[]string{"token", "list", "--data", data, "--email", "nobody@example.org"}, "no user"},
		{[]string{"token", "revoke", "--data", data}, "exactly one of --id and --token"},
		{[]string{"token", "revoke", "--data", data, "--id", "1", "--token", "shp_x"}, "exactly one"},
		{[]string{"token", "revoke", "--data", data, "--id", "999"}, "no such token"},
		{[]string{"token", "create", "--data", data, "--email", "carol@example.org", "--ttl", "-1h"}, "--ttl"},
		{[]string{"token", "create", "--data", data, "--email", "carol@example.org", "extra"}, "unexpected"},
		{[]string{"serve", "--data", data, "--token-ttl", "soon"}, "--token-ttl"},
		{[]string{"serve", "--data", data, "--throttle-login-addr", "10"}, "BURST/INTERVAL"},
		{[]string{"serve", "--data", data, "--throttle-device-addr", "0/1s"}, "BURST/INTERVAL"},
	} {
		out, _, err := runCLI(t, noEnv, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("run %q = %v (stdout %q); want an error containing %q", tc.args, err, out, tc.wantErr)
		}
	}
}

func TestParseLimit(t *testing.T) {
	for in, want := range map[string]string{"10/6s": "10/6s", "5/1m": "5/1m0s", "off": "off", "0": "off"} {
		l, err := parseLimit(in)
		if err != nil || formatLimit(l) != want {
			t.Errorf("parseLimit(%q) = %v, %v; formats as %q, want %q", in, l, err, formatLimit(l), want)
		}
	}
}

// TestServeThrottleFlags: the --throttle-* flags (and their environment
// variables) set the limits of the running server.
func TestServeThrottleFlags(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	startServe(t, addr, env(map[string]string{"SESSIONHUB_THROTTLE_DEVICE_ADDR": "1/1h"}),
		"--addr", addr, "--data", t.TempDir(), "--throttle-login-addr", "2/1h")
	post := func(path, body string) (int, string) {
		res, err := http.Post("http://"+addr+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Retry-After") + " " + string(b)
	}
	for i := range 3 {
		code, body := post("/api/token/", `{"username": "x@example.org", "password": "nope"}`)
		if want := []int{401, 401, 429}[i]; code != want {
			t.Errorf("attempt %d: %d %s, want %d", i+1, code, body, want)
		}
	}
	for i := range 2 {
		code, body := post("/api/auth/device/", `{}`)
		if want := []int{200, 429}[i]; code != want {
			t.Errorf("device start %d: %d %s, want %d", i+1, code, body, want)
		}
	}
}
