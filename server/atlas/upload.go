package atlas

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	"github.com/sessionhub/sessionhub/store"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// Upload limits besides the per-file size (also in the spec).
const (
	maxFilesPerUpload = 1000
	maxFileNameLen    = 255 // characters
	maxMediaTypeLen   = 255
)

// uploadField is the multipart field whose parts become attachments; parts
// with other names are skipped.
const uploadField = "files"

// UploadFiles streams each "files" part of the multipart body into a staged
// blob (a temp file, or an object in the bucket; memory does not grow with
// file size), then turns them all into attachments of the session in one
// transaction. Any failure leaves no attachment and no blob behind.
func (h *Handlers) UploadFiles(ctx context.Context, req atlasapi.UploadFilesRequestObject) (atlasapi.UploadFilesResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	sessionID := req.SessionId.String()
	// 404 before reading a possibly huge body.
	if err := h.db.CheckSession(ctx, u.ID, sessionID); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, errNotMultipart
	}
	var files []atlasdb.NewAttachment
	defer func() {
		for _, f := range files {
			f.Blob.Discard()
		}
	}()
	for i := 0; ; {
		part, err := req.Body.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &badMultipartError{err}
		}
		if part.FormName() != uploadField {
			continue // NextPart skips the rest of it
		}
		field := fmt.Sprintf("%s[%d]", uploadField, i)
		i++
		if len(files) == maxFilesPerUpload {
			return nil, store.Invalid(uploadField, fmt.Sprintf("at most %d files per request", maxFilesPerUpload))
		}
		name, msg := cleanFileName(part.FileName())
		if msg != "" {
			return nil, store.Invalid(field, msg)
		}
		blob, err := h.store.StageBlob(ctx, partReader{part}, h.maxUploadBytes)
		if err != nil {
			return nil, err
		}
		files = append(files, atlasdb.NewAttachment{Name: name, Type: mediaType(part.Header.Get("Content-Type"), blob.Head), Blob: blob})
	}
	if len(files) == 0 {
		return nil, store.Invalid(uploadField, "at least one file is required in the files field")
	}
	atts, err := h.db.AddAttachments(ctx, u, sessionID, files)
	if err != nil {
		return nil, err
	}
	return atlasapi.UploadFiles201JSONResponse{Items: attachmentsOut(atts), Count: len(atts)}, nil
}

// partReader marks errors reading a part (a truncated or malformed body)
// as the client's fault.
type partReader struct{ r io.Reader }

func (p partReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		err = &badMultipartError{err}
	}
	return n, err
}

// cleanFileName strips any directory (slashes and backslashes) from a part's
// file name. It returns a message when nothing usable is left.
func cleanFileName(raw string) (name, msg string) {
	if i := strings.LastIndexAny(raw, `/\`); i >= 0 {
		raw = raw[i+1:]
	}
	name = strings.TrimSpace(raw)
	switch {
	case !utf8.ValidString(name):
		return "", "the file name must be UTF-8"
	case name == "" || name == "." || name == "..":
		return "", "each file needs a file name"
	case utf8.RuneCountInString(name) > maxFileNameLen:
		return "", fmt.Sprintf("the file name must be at most %d characters", maxFileNameLen)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", "the file name must not contain control characters"
	}
	return name, ""
}

// mediaType is the part's declared media type when it is well-formed, else
// what the first bytes look like.
func mediaType(declared string, head []byte) string {
	if declared != "" && len(declared) <= maxMediaTypeLen {
		if mt, params, err := mime.ParseMediaType(declared); err == nil {
			return mime.FormatMediaType(mt, params)
		}
	}
	return http.DetectContentType(head)
}
