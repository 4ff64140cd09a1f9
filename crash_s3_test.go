//go:build unix

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server/servertest"
)

// TestKill9MidUploadOnS3 runs serve with --blobs on a SeaweedFS bucket and
// SIGKILLs it while two uploads are under way: one stalled inside its
// first file (an incomplete multipart upload in the bucket) and one whose
// first file is stored but whose second stalls (a complete object that no
// row names yet). After a restart neither is visible through the API, the
// startup sweep has removed the object and aborted the multipart upload,
// and the acknowledged upload still downloads, with ranges.
func TestKill9MidUploadOnS3(t *testing.T) {
	if testing.Short() {
		t.Skip("starts SeaweedFS and kills server processes")
	}
	s3 := servertest.StartS3(t)
	bucket := s3.Bucket(t)
	data := t.TempDir()
	args := []string{"--blobs", s3.URL(bucket)}
	c := startChild(t, data, s3.Environ(), args...)
	tok := adminToken(c.stdout.String())
	if tok == "" {
		t.Fatalf("no admin token printed: %q", c.stdout.String())
	}
	client := &http.Client{Timeout: 30 * time.Second}
	st, body, err := apiCall(client, http.MethodPost, c.url("/sessions"), tok, strings.NewReader(`{}`))
	var sess struct {
		ID string `json:"session_id"`
	}
	if err != nil || st != http.StatusCreated || json.Unmarshal(body, &sess) != nil {
		t.Fatalf("create session: %d %s %v", st, body, err)
	}
	payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	acked, st, err := uploadOne(client, "http://"+c.addr, tok, sess.ID, payload)
	if err != nil || st != http.StatusCreated {
		t.Fatalf("upload: %d %v", st, err)
	}

	// 9 MiB of one file: more than a part (8 MiB), so the multipart
	// upload exists and has a part; then nothing more.
	stop := make(chan struct{})
	defer close(stop)
	go stalledS3Upload(c.addr, tok, sess.ID, [][]byte{bytes.Repeat([]byte("p"), 9<<20)}, stop)
	// A whole small first file, then the start of a second one.
	go stalledS3Upload(c.addr, tok, sess.ID, [][]byte{[]byte("first file, stored"), []byte("second")}, stop)
	deadline := time.Now().Add(60 * time.Second)
	for {
		objects, uploads := s3.Objects(t, bucket)
		if len(objects) == 2 && len(uploads) == 2 {
			break // the acknowledged file, the stored first file; both uploads' multipart
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stalled uploads did not reach the bucket: objects %v, incomplete uploads %v", objects, uploads)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.kill(t)
	if objects, uploads := s3.Objects(t, bucket); len(objects) != 2 || len(uploads) == 0 {
		t.Fatalf("after the kill: objects %v, incomplete uploads %v; want leftovers to sweep", objects, uploads)
	}

	c = startChild(t, data, s3.Environ(), args...)
	objects, uploads := s3.Objects(t, bucket)
	if want := []string{"atlas/" + acked}; !slices.Equal(objects, want) || len(uploads) != 0 {
		t.Errorf("after the restart's sweep: objects %v, incomplete uploads %v; want %v and none", objects, uploads, want)
	}
	st, body, err = apiCall(client, http.MethodGet, c.url("/sessions/"+sess.ID), tok, nil)
	var got struct {
		Attachments []struct {
			ID string `json:"attachment_id"`
		} `json:"attachments"`
	}
	if err != nil || st != http.StatusOK || json.Unmarshal(body, &got) != nil || len(got.Attachments) != 1 || got.Attachments[0].ID != acked {
		t.Errorf("session after the restart: %d %s %v; want only the acknowledged attachment", st, body, err)
	}
	content := c.url("/sessions/" + sess.ID + "/attachments/" + acked + "/content")
	if st, body, err := apiCall(client, http.MethodGet, content, tok, nil); err != nil || st != http.StatusOK || sha256.Sum256(body) != sha256.Sum256(payload) {
		t.Errorf("acknowledged upload: %d, %d bytes, %v; want 200 with its bytes", st, len(body), err)
	}
	req, _ := http.NewRequest(http.MethodGet, content, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Range", "bytes=16-31,1048575-")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusPartialContent || !strings.HasPrefix(res.Header.Get("Content-Type"), "multipart/byteranges") {
		t.Errorf("two ranges: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// stalledS3Upload sends a multipart body declaring more than it sends:
// every file of files whole but the last, which is left open, and then
// nothing more until stop.
func stalledS3Upload(addr, tok, session string, files [][]byte, stop <-chan struct{}) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return
	}
	defer conn.Close()
	const boundary = "stalleds3boundary"
	var b bytes.Buffer
	for i, f := range files {
		if i > 0 {
			b.WriteString("\r\n")
		}
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f%d.bin\"\r\n\r\n", boundary, i)
		b.Write(f)
	}
	fmt.Fprintf(conn, "POST /sessions/%s/upload-files HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n",
		session, addr, tok, boundary, b.Len()+1<<20)
	_, _ = conn.Write(b.Bytes())
	<-stop
}
