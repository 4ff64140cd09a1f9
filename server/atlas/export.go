package atlas

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	"github.com/sessionhub/sessionhub/store"
)

// Export URLs: POST /attachments/{id}/export hands out
// <base>/attachments/{id}/download?expires=<unix>&signature=<sig>, where sig
// is the unpadded base64url HMAC-SHA256, keyed by the server's export key,
// of the attachment id and the expiry. The download needs no token.

// errExportDenied means an export URL is tampered with, expired, or names a
// deleted attachment: 403, saying no more than that.
var errExportDenied = errors.New("atlas: export URL not valid")

// exportSignature signs attachment id until expires.
func exportSignature(key []byte, id string, expires int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("atlas-export\n" + id + "\n" + strconv.FormatInt(expires, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ExportAttachment returns a signed URL that downloads an attachment the
// caller may see, without a token, until it expires.
func (h *Handlers) ExportAttachment(ctx context.Context, req atlasapi.ExportAttachmentRequestObject) (atlasapi.ExportAttachmentResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a, err := h.db.Attachment(ctx, u.ID, req.AttachmentUuid.String())
	if err != nil {
		return nil, err
	}
	expires := time.Now().Add(h.exportTTL).Unix()
	q := url.Values{}
	q.Set("expires", strconv.FormatInt(expires, 10))
	q.Set("signature", exportSignature(h.exportKey, a.ID, expires))
	return atlasapi.ExportAttachment200JSONResponse{
		Url:       baseURL(ctx) + "/attachments/" + a.ID + "/download?" + q.Encode(),
		ExpiresAt: time.Unix(expires, 0).UTC(),
	}, nil
}

// DownloadExportedAttachment serves the bytes of an export URL that is
// intact and not expired, as GetAttachmentContent does.
func (h *Handlers) DownloadExportedAttachment(ctx context.Context, req atlasapi.DownloadExportedAttachmentRequestObject) (atlasapi.DownloadExportedAttachmentResponseObject, error) {
	id, p := req.AttachmentUuid.String(), req.Params
	want := exportSignature(h.exportKey, id, p.Expires)
	if !hmac.Equal([]byte(p.Signature), []byte(want)) || time.Now().Unix() > p.Expires {
		return nil, errExportDenied
	}
	a, f, err := h.db.OpenExportedAttachment(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errExportDenied
	}
	if err != nil {
		return nil, err
	}
	return contentResponse{att: a, file: f, headers: contentHeaders{Range: p.Range, IfRange: p.IfRange, IfNoneMatch: p.IfNoneMatch}}, nil
}

// baseURLKey carries the request's base URL (scheme, host and the base
// path it came in on) to the strict handlers.
type baseURLKey struct{}

// basePathKey is the echo.Context key of the base path a request came in
// on (set by the BasePath group's withBasePath; unset at the spec's paths).
const basePathKey = "atlas.basePath"

// withBasePath is the middleware of the group mounted at base: it records
// the base path for withBaseURL.
func withBasePath(base string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(basePathKey, base)
			return next(c)
		}
	}
}

// baseURL is the base URL of the request in ctx (see withBaseURL).
func baseURL(ctx context.Context) string {
	s, _ := ctx.Value(baseURLKey{}).(string)
	return s
}

// withBaseURL is a strict middleware that puts the request's base URL into
// the context of the export operation, whose answer is an absolute URL on
// the same scheme, host and base path as the request.
func withBaseURL(f atlasapi.StrictHandlerFunc, operationID string) atlasapi.StrictHandlerFunc {
	if operationID != "ExportAttachment" {
		return f
	}
	return func(c echo.Context, request any) (any, error) {
		base := c.Scheme() + "://" + c.Request().Host
		if p, ok := c.Get(basePathKey).(string); ok {
			base += p
		}
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), baseURLKey{}, base)))
		return f(c, request)
	}
}
