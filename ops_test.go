package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

	"github.com/sessionhub/sessionhub/store"
)

// mustCall sends one request to a running serve and returns status and body.
func mustCall(t *testing.T, method, url, tok string, body io.Reader, ctype string) (int, []byte) {
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
	code, b := mustCall(t, http.MethodPost, base+"/sessions", tok, strings.NewReader(fmt.Sprintf(`{"title":%q}`, title)), "application/json")
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

	if code, b := mustCall(t, http.MethodGet, "http://"+adminAddr+"/metrics", "", nil, ""); code != 200 ||
		!strings.Contains(string(b), `sessionhub_http_requests_total{api="atlas",method="POST",route="/sessions",status="201"} 1`) {
		t.Fatalf("admin /metrics = %d %s", code, b)
	}
	if code, _ := mustCall(t, http.MethodGet, "http://"+addr+"/metrics", "", nil, ""); code != http.StatusNotFound {
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

// uploaded is an acknowledged upload: the session, the attachment and the
// sha256 of the bytes sent.
type uploaded struct {
	session, attachment, sha string
	acked                    time.Time
}

// uploadLoadFile creates a session and uploads one file to it.
func uploadLoadFile(t *testing.T, base, tok string, i int) (uploaded, error) {
	data := []byte(fmt.Sprintf("file %d %s", i, strings.Repeat("z", i%5000)))
	id := createAtlasSession(t, base, tok, fmt.Sprintf("load %d", i))
	body, ctype := multipartFile(t, fmt.Sprintf("f%d.txt", i), data)
	code, b := mustCall(t, http.MethodPost, base+"/sessions/"+id+"/upload-files", tok, bytes.NewReader(body), ctype)
	if code != http.StatusCreated {
		return uploaded{}, fmt.Errorf("upload: %d %s", code, b)
	}
	var res struct {
		Items []struct {
			ID string `json:"attachment_id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &res); err != nil || len(res.Items) != 1 {
		return uploaded{}, fmt.Errorf("upload answer %s: %v", b, err)
	}
	sum := sha256.Sum256(data)
	return uploaded{id, res.Items[0].ID, hex.EncodeToString(sum[:]), time.Now()}, nil
}

// checkDownload fails unless the attachment downloads with the given sha256.
func checkDownload(t *testing.T, base, tok string, u uploaded) {
	t.Helper()
	code, b := mustCall(t, http.MethodGet, base+"/sessions/"+u.session+"/attachments/"+u.attachment+"/content", tok, nil, "")
	sum := sha256.Sum256(b)
	if code != http.StatusOK || hex.EncodeToString(sum[:]) != u.sha {
		t.Errorf("restored attachment %s of session %s: %d, sha256 %x; want 200 with %s", u.attachment, u.session, code, sum, u.sha)
	}
}

// A backup taken while uploads and deletes go on restores into a new
// directory that serves every write acknowledged before the backup began,
// whose sessions are whole (each attachment downloads with its hash), and
// whose archive verifies; a tampered archive and a non-empty target are refused.
func TestBackupRestoreUnderLoad(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data)
	base := "http://" + addr
	tok := adminToken(s.stdout.String())

	// Sessions deleted during the load: their blobs vanish around the backup.
	var doomed []uploaded
	for i := range 20 {
		u, err := uploadLoadFile(t, base, tok, 100000+i)
		if err != nil {
			t.Fatal(err)
		}
		doomed = append(doomed, u)
	}

	type deletion struct {
		u            uploaded
		start, acked time.Time
	}
	var (
		acked   = make(chan uploaded, 10000)
		deleted = make(chan deletion, 100)
		stop    = make(chan struct{})
		done    = make(chan error, 2)
	)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			u, err := uploadLoadFile(t, base, tok, i)
			if err != nil {
				done <- err
				return
			}
			acked <- u
		}
	}()
	go func() {
		for _, u := range doomed {
			select {
			case <-stop:
				done <- nil
				return
			case <-time.After(40 * time.Millisecond):
			}
			start := time.Now()
			if code, b := mustCall(t, http.MethodDelete, base+"/sessions/"+u.session, tok, nil, ""); code != http.StatusNoContent {
				done <- fmt.Errorf("delete: %d %s", code, b)
				return
			}
			deleted <- deletion{u, start, time.Now()}
		}
		<-stop
		done <- nil
	}()

	time.Sleep(400 * time.Millisecond)
	out := filepath.Join(t.TempDir(), "backup.tar.gz")
	backupStart := time.Now()
	stdout, _, err := runCLI(t, env(nil), "backup", "--data", data, "--out", out)
	backupEnd := time.Now()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	close(acked)
	close(deleted)
	t.Logf("%s (took %v)", strings.TrimSpace(stdout), backupEnd.Sub(backupStart))
	if !strings.Contains(stdout, "writes paused for") {
		t.Errorf("backup output %q does not say how long writes were paused", stdout)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	stdout, _, err = runCLI(t, env(nil), "restore", "--from", out, "--data", restored)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if !strings.Contains(stdout, "verified") {
		t.Errorf("restore output %q", stdout)
	}
	addr2 := freeAddr(t)
	startServe(t, addr2, env(nil), "--addr", addr2, "--data", restored)
	base2 := "http://" + addr2

	before, after := 0, 0
	for u := range acked {
		if u.acked.Before(backupStart) {
			before++
			checkDownload(t, base2, tok, u)
		} else {
			after++
		}
	}
	if before == 0 || after == 0 {
		t.Fatalf("%d uploads acknowledged before the backup, %d after; want some of each", before, after)
	}
	dels := map[string]deletion{}
	for d := range deleted {
		dels[d.u.session] = d
	}
	for _, u := range doomed {
		d, wasDeleted := dels[u.session]
		code, _ := mustCall(t, http.MethodGet, base2+"/sessions/"+u.session, tok, nil, "")
		switch {
		case wasDeleted && d.acked.Before(backupStart):
			if code != http.StatusNotFound {
				t.Errorf("session deleted before the backup is in it (%d)", code)
			}
		case !wasDeleted || d.start.After(backupEnd):
			if code != http.StatusOK {
				t.Errorf("session deleted after the backup is missing (%d)", code)
			}
			checkDownload(t, base2, tok, u)
		case code == http.StatusOK: // deleted while the backup ran: whole or absent
			checkDownload(t, base2, tok, u)
		}
	}

	// Refused: a non-empty target, a tampered archive, a foreign member.
	if _, _, err := runCLI(t, env(nil), "restore", "--from", out, "--data", restored); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("restore into a non-empty dir = %v", err)
	}
	for name, edit := range map[string]func(hdr *tar.Header, body []byte) []byte{
		"tampered blob": func(hdr *tar.Header, body []byte) []byte {
			if strings.HasPrefix(hdr.Name, "blobs/") {
				body[0] ^= 1
			}
			return body
		},
		"foreign member": func(hdr *tar.Header, body []byte) []byte {
			if strings.HasPrefix(hdr.Name, "blobs/") {
				hdr.Name = "blobs/atlas/../../escape"
			}
			return body
		},
		"changed row count": func(hdr *tar.Header, body []byte) []byte {
			if hdr.Name == "manifest.json" {
				return bytes.Replace(body, []byte(`"atlas_sessions": `), []byte(`"atlas_sessions": 1`), 1)
			}
			return body
		},
	} {
		bad := rewriteArchive(t, out, edit)
		target := filepath.Join(t.TempDir(), "target")
		_, _, err := runCLI(t, env(nil), "restore", "--from", bad, "--data", target)
		if !errors.Is(err, store.ErrBadBackup) {
			t.Errorf("%s: restore = %v; want ErrBadBackup", name, err)
		}
		if _, serr := os.Stat(target); !errors.Is(serr, os.ErrNotExist) {
			t.Errorf("%s: a refused restore left %s behind", name, target)
		}
	}
}

// rewriteArchive copies a .tar.gz backup through edit (which may change a
// member's header and body) into a new one and returns its path.
func rewriteArchive(t *testing.T, from string, edit func(*tar.Header, []byte) []byte) string {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		body = edit(hdr, body)
		hdr.Size = int64(len(body))
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	p := filepath.Join(t.TempDir(), "bad.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// audit prints the trail of a running server's data dir as JSON lines.
func TestAuditCommand(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data)
	base := "http://" + addr
	tok := adminToken(s.stdout.String())
	id := createAtlasSession(t, base, tok, "audited")
	if code, b := mustCall(t, http.MethodPut, base+"/sessions/"+id, tok, strings.NewReader(`{"description":"d"}`), "application/json"); code != 200 {
		t.Fatalf("update: %d %s", code, b)
	}

	out, _, err := runCLI(t, env(nil), "audit", "--data", data, "--since", "1h")
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("audit printed %d lines; want 2:\n%s", len(lines), out)
	}
	var ev struct {
		ID        int       `json:"id"`
		At        time.Time `json:"at"`
		User      string    `json:"user"`
		API       string    `json:"api"`
		Operation string    `json:"operation"`
		RecordID  string    `json:"record_id"`
		Fields    []string  `json:"fields"`
		Created   []string  `json:"created"`
		RequestID string    `json:"request_id"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.User != "admin@localhost" || ev.API != "atlas" || ev.Operation != "updateSession" || ev.RecordID != id ||
		len(ev.Fields) != 1 || ev.Fields[0] != "description" || ev.RequestID == "" || time.Since(ev.At) > time.Minute {
		t.Errorf("audit line %s", lines[1])
	}
	since := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	if out, _, err := runCLI(t, env(nil), "audit", "--data", data, "--since", since); err != nil || out != "" {
		t.Errorf("audit --since the future = %q, %v; want nothing", out, err)
	}
	if _, _, err := runCLI(t, env(nil), "audit", "--data", data, "--since", "yesterday"); err == nil {
		t.Error("audit --since yesterday: no error")
	}
}

func TestOpsCommandErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--data", data, "--shutdown-timeout", "-1s"}, "--shutdown-timeout"},
		{[]string{"serve", "--data", data, "--admin-addr", "256.0.0.1:1"}, "--admin-addr"},
		{[]string{"backup", "--data", data}, "--out is required"},
		{[]string{"backup", "--data", filepath.Join(data, "none"), "--out", filepath.Join(data, "b.tar")}, "no database"},
		{[]string{"restore", "--data", filepath.Join(data, "new")}, "--from is required"},
		{[]string{"restore", "--from", filepath.Join(data, "missing.tar"), "--data", filepath.Join(data, "new")}, "missing.tar"},
		{[]string{"audit", "--data", data, "--since", "-5m"}, "--since"},
	} {
		_, _, err := runCLI(t, env(nil), c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v = %v; want an error naming %q", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "new")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed restore left its target behind")
	}
}
