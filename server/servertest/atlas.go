package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/store"
)

// UploadFile is one part of a multipart/form-data body. Field defaults to
// "files"; an empty ContentType sends the part without one.
type UploadFile struct {
	Field       string
	Name        string
	ContentType string
	Data        []byte
}

// Multipart encodes files as a multipart/form-data body and returns it with
// its Content-Type.
func Multipart(t *testing.T, files ...UploadFile) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range files {
		field := f.Field
		if field == "" {
			field = "files"
		}
		h := textproto.MIMEHeader{}
		disp := `form-data; name="` + field + `"`
		if f.Name != "" {
			disp += `; filename="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.Name) + `"`
		}
		h.Set("Content-Disposition", disp)
		if f.ContentType != "" {
			h.Set("Content-Type", f.ContentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pw.Write(f.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// AtlasUpload posts files to /sessions/{sessionID}/upload-files as tok.
func (e *Env) AtlasUpload(tok, sessionID string, files ...UploadFile) *Response {
	e.t.Helper()
	body, ctype := Multipart(e.t, files...)
	return e.Do(http.MethodPost, "/sessions/"+sessionID+"/upload-files", tok, bytes.NewReader(body), "Content-Type", ctype)
}

// AtlasSession creates a session as tok with the given JSON body (nil for
// none) and returns its id, failing the test unless the answer is 201.
func (e *Env) AtlasSession(tok string, body any) string {
	e.t.Helper()
	res := e.Do(http.MethodPost, "/sessions", tok, body)
	if res.StatusCode != http.StatusCreated {
		e.t.Fatalf("create session: %d %s", res.StatusCode, res.Body)
	}
	var s struct {
		ID string `json:"session_id"`
	}
	res.JSON(e.t, &s)
	return s.ID
}

// BlobFiles lists every blob of the store (SetBlobs), as "atlas/NAME":
// attachments' bytes and staged uploads (temp files, incomplete multipart
// uploads).
func (e *Env) BlobFiles() []string {
	e.t.Helper()
	var out []string
	err := e.Store.Blobs().List(context.Background(), func(b store.BlobInfo) {
		out = append(out, path.Join("atlas", b.Name))
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// CheckProblem fails the test unless res is an RFC 9457 problem of spec
// NAME's Problem schema with the response's status. Use it for responses
// that no operation of the spec documents (405 on an undeclared method).
func CheckProblem(t *testing.T, name string, res *Response) {
	t.Helper()
	sr := loadSpec(t, name)
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("problem Content-Type = %q", ct)
	}
	var v any
	if err := json.Unmarshal(res.Body, &v); err != nil {
		t.Fatalf("problem body %s: %v", res.Body, err)
	}
	schema := sr.doc.Components.Schemas["Problem"]
	if schema == nil {
		t.Fatalf("%s spec has no Problem schema", name)
	}
	if err := schema.Value.VisitJSON(v); err != nil {
		t.Errorf("problem body %s: %v", res.Body, err)
	}
	if m, ok := v.(map[string]any); ok && m["status"] != float64(res.StatusCode) {
		t.Errorf("problem status %v, response status %d", m["status"], res.StatusCode)
	}
}
