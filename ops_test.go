package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// apiCall sends one request to a running serve and returns status and body.
func apiCall(t *testing.T, method, url, tok string, body io.Reader, ctype string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// createAtlasSession creates a session on a running serve and returns its id.
func createAtlasSession(t *testing.T, base, tok, title string) string {
	t.Helper()
	code, b := apiCall(t, http.MethodPost, base+"/sessions", tok, strings.NewReader(fmt.Sprintf(`{"title":%q}`, title)), "application/json")
	if code != http.StatusCreated {
		t.Fatalf("create session: %d %s", code, b)
	}
	var s struct {
		ID string `json:"session_id"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

// multipartFile is a one-file multipart body and its Content-Type.
func multipartFile(t *testing.T, name string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	pw, err := w.CreateFormFile("files", name)
	if err != nil {
		t.Fatal(err)
	}
	pw.Write(data)
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// startRawUpload opens a connection and sends an upload's headers and the
// first sent bytes of its body; the caller sends the rest (or not).
func startRawUpload(t *testing.T, addr, tok, sessionID string, body []byte, ctype string, sent int) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := fmt.Fprintf(conn, "POST /sessions/%s/upload-files HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: %s\r\nContent-Length: %d\r\n\r\n", sessionID, addr, tok, ctype, len(body)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(body[:sent]); err != nil {
		t.Fatal(err)
	}
	return conn
}

// uploadTempFiles lists the upload temp files in a data dir's blob directory.
func uploadTempFiles(t *testing.T, data string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(data, "blobs", "atlas", ".upload-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// On SIGTERM (ctx cancelled) the server stops accepting, lets an upload in
// flight finish, cuts one that is still running after --shutdown-timeout
// (its temp file removed) and returns nil; the admin listener served the
// metrics meanwhile.
func TestShutdownWithUploadsInFlight(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr, adminAddr := freeAddr(t), freeAddr(t)
	s := startServe(t, addr, env(map[string]string{"SESSIONHUB_ADMIN_ADDR": adminAddr}),
		"--addr", addr, "--data", data, "--shutdown-timeout", "2s")
	tok := adminToken(s.stdout.String())
	id := createAtlasSession(t, "http://"+addr, tok, "uploads")

	if code, b := apiCall(t, http.MethodGet, "http://"+adminAddr+"/metrics", "", nil, ""); code != 200 ||
		!strings.Contains(string(b), `sessionhub_http_requests_total{api="atlas",method="POST",route="/sessions",status="201"} 1`) {
		t.Fatalf("admin /metrics = %d %s", code, b)
	}
	if code, _ := apiCall(t, http.MethodGet, "http://"+addr+"/metrics", "", nil, ""); code != http.StatusNotFound {
		t.Errorf("public /metrics = %d; want 404", code)
	}

	fastBody, fastType := multipartFile(t, "fast.bin", bytes.Repeat([]byte("f"), 256<<10))
	slowBody, slowType := multipartFile(t, "slow.bin", bytes.Repeat([]byte("s"), 256<<10))
	fast := startRawUpload(t, addr, tok, id, fastBody, fastType, len(fastBody)/2)
	slow := startRawUpload(t, addr, tok, id, slowBody, slowType, len(slowBody)/2)
	deadline := time.Now().Add(10 * time.Second)
	for len(uploadTempFiles(t, data)) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the two uploads did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}

	start := time.Now()
	s.cancel()
	time.Sleep(300 * time.Millisecond)
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("new connections accepted during shutdown")
	}
	if _, err := fast.Write(fastBody[len(fastBody)/2:]); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(fast), nil)
	if err != nil {
		t.Fatalf("in-flight upload got no answer: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated || !strings.Contains(string(b), "fast.bin") {
		t.Fatalf("in-flight upload = %d %s; want 201", res.StatusCode, b)
	}

	select {
	case err := <-s.done:
		s.done <- err
		if err != nil {
			t.Fatalf("serve returned %v; want nil after cutting the slow upload", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return")
	}
	if took := time.Since(start); took < 2*time.Second || took > 15*time.Second {
		t.Errorf("shutdown took %v; want about the 2s timeout", took)
	}
	// The cut connection is closed without a success answer.
	slow.SetReadDeadline(time.Now().Add(5 * time.Second))
	if res, err := http.ReadResponse(bufio.NewReader(slow), nil); err == nil && res.StatusCode < 300 {
		t.Errorf("cut upload answered %d", res.StatusCode)
	}
	if left := uploadTempFiles(t, data); len(left) != 0 {
		t.Errorf("upload temp files left after the shutdown: %v", left)
	}
	if !strings.Contains(s.stderr.String(), `"cut":1`) {
		t.Errorf("no log line about the cut request: %s", s.stderr.String())
	}
	entries, _ := os.ReadDir(filepath.Join(data, "blobs", "atlas"))
	if len(entries) != 1 {
		t.Errorf("blob dir holds %d files; want the fast upload's only", len(entries))
	}
}
