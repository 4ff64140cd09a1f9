package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"

	"github.com/oapi-codegen/nullable"

	"github.com/sessionhub/sessionhub/e2e/clients/go/gen/atlasclient"
)

// upload is one file of the multipart request.
type upload struct {
	name, contentType string
	data              []byte
}

// multipartFiles builds one multipart/form-data body with a "files" part per
// file: oapi-codegen generates only UploadFilesWithBody for it.
func multipartFiles(files []upload) (contentType string, body *bytes.Buffer, err error) {
	body = &bytes.Buffer{}
	w := multipart.NewWriter(body)
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files"; filename=%q`, f.name))
		h.Set("Content-Type", f.contentType)
		part, err := w.CreatePart(h)
		if err != nil {
			return "", nil, err
		}
		if _, err := part.Write(f.data); err != nil {
			return "", nil, err
		}
	}
	return w.FormDataContentType(), body, w.Close()
}

func atlas(ctx context.Context, base, token string) error {
	c, err := atlasclient.NewClientWithResponses(base, atlasclient.WithRequestEditorFn(bearer(token)))
	if err != nil {
		return err
	}

	title := "Cortex recordings (Go)"
	created, err := c.CreateSessionWithResponse(ctx, atlasclient.CreateSessionRequest{Title: &title})
	if err != nil {
		return err
	}
	if err := expect("create", created.StatusCode(), created.Body, http.StatusCreated); err != nil {
		return err
	}
	s := created.JSON201
	if got, _ := s.SessionTitle.Get(); got != title || s.IsStarred || len(s.Attachments) != 0 {
		return fmt.Errorf("create: got %+v", s)
	}
	id := s.SessionId

	list, err := c.ListSessionsWithResponse(ctx, &atlasclient.ListSessionsParams{})
	if err != nil {
		return err
	}
	if err := expect("list", list.StatusCode(), list.Body, http.StatusOK); err != nil {
		return err
	}
	if found := findSummary(list.JSON200.Items, id); found == nil || list.JSON200.Count < 1 {
		return fmt.Errorf("list: session %s not in %s", id, list.Body)
	}

	// Optimistic concurrency: the ETag of a GET goes back in If-Match, so
	// the PUT changes the session only while nobody else has.
	before, err := c.GetSessionWithResponse(ctx, id)
	if err != nil {
		return err
	}
	if err := expect("get before put", before.StatusCode(), before.Body, http.StatusOK); err != nil {
		return err
	}
	etag := before.HTTPResponse.Header.Get("ETag")
	if etag == "" {
		return fmt.Errorf("get before put: no ETag header")
	}
	starred := true
	put, err := c.UpdateSessionWithResponse(ctx, id, &atlasclient.UpdateSessionParams{IfMatch: &etag}, atlasclient.UpdateSessionRequest{
		Starred:     &starred,
		Description: nullable.NewNullableWithValue("Two probes"),
	})
	if err != nil {
		return err
	}
	if err := expect("put", put.StatusCode(), put.Body, http.StatusOK); err != nil {
		return err
	}
	if desc, _ := put.JSON200.SessionDescription.Get(); !put.JSON200.IsStarred || !put.JSON200.StarredAt.IsSpecified() || desc != "Two probes" {
		return fmt.Errorf("put: got %s", put.Body)
	}
	// The same ETag again is stale now: 412, and nothing changes.
	stale, err := c.UpdateSessionWithResponse(ctx, id, &atlasclient.UpdateSessionParams{IfMatch: &etag}, atlasclient.UpdateSessionRequest{
		Description: nullable.NewNullableWithValue("stale"),
	})
	if err != nil {
		return err
	}
	if err := expect("put with a stale If-Match", stale.StatusCode(), stale.Body, http.StatusPreconditionFailed); err != nil {
		return err
	}

	files := []upload{
		{"notes.txt", "text/plain", []byte("hello, atlas\n")},
		{"spikes.bin", "application/octet-stream", []byte{0, 1, 2, 253, 254, 255, '\r', '\n'}},
	}
	contentType, body, err := multipartFiles(files)
	if err != nil {
		return err
	}
	up, err := c.UploadFilesWithBodyWithResponse(ctx, id, contentType, body)
	if err != nil {
		return err
	}
	if err := expect("upload", up.StatusCode(), up.Body, http.StatusCreated); err != nil {
		return err
	}
	if up.JSON201.Count != 2 || up.JSON201.Items[0].AttachmentName != "notes.txt" || up.JSON201.Items[1].AttachmentName != "spikes.bin" {
		return fmt.Errorf("upload: got %s", up.Body)
	}

	got, err := c.GetSessionWithResponse(ctx, id)
	if err != nil {
		return err
	}
	if err := expect("get", got.StatusCode(), got.Body, http.StatusOK); err != nil {
		return err
	}
	if n := len(got.JSON200.Attachments); n != 2 {
		return fmt.Errorf("get: %d attachments, want 2: %s", n, got.Body)
	}
	if desc, _ := got.JSON200.SessionDescription.Get(); desc != "Two probes" {
		return fmt.Errorf("get: the PUT with a stale If-Match changed the description: %s", got.Body)
	}
	bin := got.JSON200.Attachments[1]
	if bin.AttachmentName != "spikes.bin" || bin.AttachmentType != "application/octet-stream" {
		return fmt.Errorf("get: second attachment %+v", bin)
	}

	content, err := c.GetAttachmentContentWithResponse(ctx, id, bin.AttachmentId, nil)
	if err != nil {
		return err
	}
	if err := expect("download", content.StatusCode(), content.Body, http.StatusOK); err != nil {
		return err
	}
	if !bytes.Equal(content.Body, files[1].data) {
		return fmt.Errorf("download: got %q, want %q", content.Body, files[1].data)
	}

	rm, err := c.RemoveAttachmentWithResponse(ctx, id, bin.AttachmentId, nil)
	if err != nil {
		return err
	}
	if err := expect("delete attachment", rm.StatusCode(), rm.Body, http.StatusNoContent); err != nil {
		return err
	}
	if again, err := c.GetSessionWithResponse(ctx, id); err != nil {
		return err
	} else if len(again.JSON200.Attachments) != 1 || again.JSON200.Attachments[0].AttachmentName != "notes.txt" {
		return fmt.Errorf("after delete attachment: %s", again.Body)
	}

	del, err := c.DeleteSessionWithResponse(ctx, id, nil)
	if err != nil {
		return err
	}
	if err := expect("delete", del.StatusCode(), del.Body, http.StatusNoContent); err != nil {
		return err
	}
	gone, err := c.GetSessionWithResponse(ctx, id)
	if err != nil {
		return err
	}
	return expect("get after delete", gone.StatusCode(), gone.Body, http.StatusNotFound)
}

func findSummary(items []atlasclient.SessionSummary, id atlasclient.SessionID) *atlasclient.SessionSummary {
	for i := range items {
		if items[i].SessionId == id {
			return &items[i]
		}
	}
	return nil
}
