package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openFilesUnder lists this process's open files under dir (the server
// runs in-process in these tests).
func openFilesUnder(t *testing.T, dir string) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	var out []string
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(target, dir) {
			out = append(out, target)
		}
	}
	return out
}

// rawRequest opens a connection to addr and writes head (request line,
// headers, blank line) and the first part of a body.
func rawRequest(t *testing.T, addr, head string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	return conn
}

// waitCut reads from conn until the server answers and closes it; it
// fails if that takes longer than within. It returns the status.
func waitCut(t *testing.T, conn net.Conn, within time.Duration) int {
	t.Helper()
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(within))
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	status := 0
	if err == nil {
		status = res.StatusCode
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection still open %v after a stalled body (read: %v)", time.Since(start).Round(time.Millisecond), err)
	}
	return status
}

func newSession(t *testing.T, addr, tok string) string {
	t.Helper()
	st, body, err := apiCall(&http.Client{Timeout: 10 * time.Second}, http.MethodPost, "http://"+addr+"/sessions", tok, strings.NewReader(`{}`))
	var s struct {
		ID string `json:"session_id"`
	}
	if err != nil || st != http.StatusCreated || json.Unmarshal(body, &s) != nil {
		t.Fatalf("create session: %d %s %v", st, body, err)
	}
	return s.ID
}

// TestStalledBodiesAreCut: with --stall-timeout 300ms, bodies that stop
// arriving (an upload, a JSON body with a lying Content-Length, on both
// APIs) are answered 408 and their connection closed within a second or
// so; the upload's temp file is removed and no file stays open.
func TestStalledBodiesAreCut(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data, "--stall-timeout", "300ms")
	tok := adminToken(s.stdout.String())
	session := newSession(t, addr, tok)

	const boundary = "b0undary"
	part := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"files\"; filename=\"s.bin\"\r\n\r\n", boundary) + strings.Repeat("s", 100<<10)
	for _, tc := range []struct{ name, head string }{
		{"upload", fmt.Sprintf("POST /sessions/%s/upload-files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n%s",
			session, tok, boundary, 10<<20, part)},
		{"atlas JSON with a lying length", fmt.Sprintf("POST /sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"title\": \"x", tok)},
		{"brainstem JSON with a lying length", fmt.Sprintf("POST /api/private/stem/project/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"name\": \"x", tok)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := rawRequest(t, addr, tc.head)
			if st := waitCut(t, conn, 5*time.Second); st != http.StatusRequestTimeout {
				t.Errorf("stalled body answered %d; want 408", st)
			}
		})
	}
	blobs := filepath.Join(data, "blobs", "atlas")
	if entries, _ := os.ReadDir(blobs); len(entries) != 0 {
		t.Errorf("blob dir after a cut upload: %v", entries)
	}
	if open := openFilesUnder(t, blobs); len(open) != 0 {
		t.Errorf("files still open after a cut upload: %v", open)
	}
}

// TestSlowSteadyUploadSucceeds: an upload that sends a little every 250ms
// for 3s (three times the stall timeout in all) is not cut.
func TestSlowSteadyUploadSucceeds(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data, "--stall-timeout", "1s")
	tok := adminToken(s.stdout.String())
	session := newSession(t, addr, tok)
	var buf bytes.Buffer
	rd, ctype := multipartBody(&buf, bytes.Repeat([]byte("slow"), 2500))
	body, _ := io.ReadAll(rd)
	pr, pw := io.Pipe()
	go func() {
		// A piece every 250 ms: a quarter of the stall timeout, so that a
		// busy machine's scheduling hiccups cannot look like a stall.
		for i := 0; i < len(body); i += len(body) / 12 {
			time.Sleep(250 * time.Millisecond)
			if _, err := pw.Write(body[i:min(i+len(body)/12, len(body))]); err != nil {
				return
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/sessions/"+session+"/upload-files", pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+tok)
	start := time.Now()
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("slow but steady upload = %d %s after %v; want 201", res.StatusCode, got, time.Since(start))
	}
	if took := time.Since(start); took < 2*time.Second {
		t.Fatalf("the upload took %v; the test meant it to be slow", took)
	}
}

// TestIdleKeepAliveClosed: with --idle-timeout 300ms a keep-alive
// connection with no next request is closed by the server.
func TestIdleKeepAliveClosed(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	startServe(t, addr, env(nil), "--addr", addr, "--data", t.TempDir(), "--idle-timeout", "300ms")
	conn := rawRequest(t, addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	start := time.Now()
	if st := waitCut(t, conn, 5*time.Second); st != http.StatusOK {
		t.Fatalf("GET /healthz = %d", st)
	}
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("connection closed after %v; want it kept alive for the idle timeout", took)
	}
}

// TestServeLimitFlagErrors: bad sizes and durations, from flags or the
// environment, stop serve before it starts.
func TestServeLimitFlagErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	for _, tc := range []struct {
		env     map[string]string
		args    []string
		wantErr string
	}{
		{nil, []string{"--stall-timeout", "0s"}, "--stall-timeout"},
		{nil, []string{"--idle-timeout", "-1s"}, "--idle-timeout"},
		{nil, []string{"--write-timeout", "soon"}, "write-timeout"},
		{nil, []string{"--max-request-bytes", "0"}, "--max-request-bytes"},
		{nil, []string{"--min-free-bytes", "-1"}, "--min-free-bytes"},
		{map[string]string{"SESSIONHUB_STALL_TIMEOUT": "60"}, nil, "SESSIONHUB_STALL_TIMEOUT"},
		{map[string]string{"SESSIONHUB_MIN_FREE_BYTES": "64M"}, nil, "SESSIONHUB_MIN_FREE_BYTES"},
	} {
		args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, tc.args...)
		if _, _, err := runCLI(t, env(tc.env), args...); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("serve %v with env %v = %v; want an error naming %s", tc.args, tc.env, err, tc.wantErr)
		}
	}
}

// TestStalledDownloadIsCut: with --write-timeout 1s, a client that
// stops reading a 24 MiB download has its connection cut, while one that
// reads gets every byte.
func TestStalledDownloadIsCut(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", t.TempDir(), "--write-timeout", "1s")
	tok := adminToken(s.stdout.String())
	session := newSession(t, addr, tok)
	const size = 24 << 20
	client := &http.Client{Timeout: 60 * time.Second}
	id, st, err := uploadOne(client, "http://"+addr, tok, session, bytes.Repeat([]byte("d"), size))
	if err != nil || st != http.StatusCreated {
		t.Fatalf("upload: %d %v", st, err)
	}
	path := "/sessions/" + session + "/attachments/" + id + "/content"
	if st, body, err := apiCall(client, http.MethodGet, "http://"+addr+path, tok, nil); err != nil || st != http.StatusOK || len(body) != size {
		t.Fatalf("download by a reading client: %d, %d bytes, %v", st, len(body), err)
	}
	conn := rawRequest(t, addr, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", path, tok))
	time.Sleep(4 * time.Second) // read nothing: the kernel buffers fill, the server's writes block
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	n, err := io.Copy(io.Discard, conn)
	if n >= size {
		t.Fatalf("a client that stopped reading got all %d bytes (%v); want the connection cut", n, err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server neither sent the rest nor closed the connection: %v after %d bytes", err, n)
	}
}

// uploadOne posts one file; it returns the new attachment's id on 201.
func uploadOne(client *http.Client, base, tok, session string, data []byte) (string, int, error) {
	var buf bytes.Buffer
	body, ctype := multipartBody(&buf, data)
	req, err := http.NewRequest(http.MethodPost, base+"/sessions/"+session+"/upload-files", body)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := client.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer res.Body.Close()
	var out struct {
		Items []struct {
			ID string `json:"attachment_id"`
		} `json:"items"`
	}
	if res.StatusCode != http.StatusCreated {
		return "", res.StatusCode, nil
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Items) != 1 {
		return "", res.StatusCode, fmt.Errorf("upload answer: %v %+v", err, out)
	}
	return out.Items[0].ID, res.StatusCode, nil
}

// multipartBody writes a one-file multipart body into buf.
func multipartBody(buf *bytes.Buffer, data []byte) (io.Reader, string) {
	const boundary = "crashtestboundary0123456789"
	fmt.Fprintf(buf, "--%s\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n", boundary)
	buf.Write(data)
	fmt.Fprintf(buf, "\r\n--%s--\r\n", boundary)
	return buf, "multipart/form-data; boundary=" + boundary
}

// apiCall sends a request with tok and returns the status and body.
func apiCall(client *http.Client, method, url, tok string, body io.Reader) (int, []byte, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}
