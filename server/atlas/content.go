package atlas

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// GetAttachmentContent serves an attachment's bytes with Range and
// conditional request support.
func (h *Handlers) GetAttachmentContent(ctx context.Context, req atlasapi.GetAttachmentContentRequestObject) (atlasapi.GetAttachmentContentResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a, f, err := h.db.OpenAttachment(ctx, u.ID, req.SessionId.String(), req.AttachmentId.String())
	if err != nil {
		return nil, err
	}
	p := req.Params
	return contentResponse{att: a, file: f, headers: contentHeaders{Range: p.Range, IfRange: p.IfRange, IfNoneMatch: p.IfNoneMatch}}, nil
}

// contentHeaders are the request headers a download honours.
type contentHeaders struct {
	Range, IfRange, IfNoneMatch *string
}

// contentResponse writes the bytes with http.ServeContent, which answers
// 200, 206 (one or several ranges), 304 or 416 from the request headers the
// spec declares (Range, If-Range, If-None-Match).
type contentResponse struct {
	att     *atlasdb.Attachment
	file    io.ReadSeekCloser
	headers contentHeaders
}

// VisitGetAttachmentContentResponse implements atlasapi.GetAttachmentContentResponseObject.
func (r contentResponse) VisitGetAttachmentContentResponse(w http.ResponseWriter) error {
	return r.write(w)
}

// VisitDownloadExportedAttachmentResponse implements atlasapi.DownloadExportedAttachmentResponseObject.
func (r contentResponse) VisitDownloadExportedAttachmentResponse(w http.ResponseWriter) error {
	return r.write(w)
}

func (r contentResponse) write(w http.ResponseWriter) error {
	defer r.file.Close()
	req := &http.Request{Method: http.MethodGet, Header: http.Header{}}
	for name, v := range map[string]*string{"Range": r.headers.Range, "If-Range": r.headers.IfRange, "If-None-Match": r.headers.IfNoneMatch} {
		if v != nil {
			req.Header.Set(name, *v)
		}
	}
	// A range of a unit other than bytes is ignored (RFC 9110 section
	// 14.2): the whole content, not the 416 http.ServeContent would send.
	if rg := req.Header.Get("Range"); rg != "" && !strings.HasPrefix(rg, "bytes=") {
		req.Header.Del("Range")
	}
	h := w.Header()
	h.Set("Content-Type", r.att.Type)
	h.Set("Content-Disposition", contentDisposition(r.att.Name))
	h.Set("ETag", `"`+r.att.SHA256+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	// Never run uploaded HTML or SVG in this origin, even if opened inline.
	h.Set("Content-Security-Policy", "sandbox")
	http.ServeContent(&problemWriter{ResponseWriter: w}, req, "", time.Time{}, r.file)
	return nil
}

// problemWriter turns the plain-text error bodies of http.ServeContent
// (416) into problem details, through problemFor: the response has begun
// when they happen, so they cannot be returned to HandleError.
type problemWriter struct {
	http.ResponseWriter
	failed bool
}

func (w *problemWriter) WriteHeader(code int) {
	if code < http.StatusBadRequest {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.failed = true
	for _, k := range []string{"ETag", "Content-Disposition", "X-Content-Type-Options", "Content-Security-Policy"} {
		w.Header().Del(k)
	}
	err := error(echo.NewHTTPError(code))
	if code == http.StatusRequestedRangeNotSatisfiable {
		err = errRangeNotSatisfiable
	}
	writeProblem(w.ResponseWriter, problemFor(err))
}

func (w *problemWriter) Write(b []byte) (int, error) {
	if w.failed {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// contentDisposition is "attachment" with the name as an RFC 6266/8187
// filename* and an ASCII fallback.
func contentDisposition(name string) string {
	var ascii, enc strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	const hex = "0123456789ABCDEF"
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			enc.WriteByte(b)
		} else {
			enc.WriteByte('%')
			enc.WriteByte(hex[b>>4])
			enc.WriteByte(hex[b&15])
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + enc.String()
}

// isAttrChar reports whether b may appear unencoded in an RFC 8187 value.
func isAttrChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
