package atlas

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// ListAttachments lists one page of the attachments the caller may see,
// filtered, newest first.
func (h *Handlers) ListAttachments(ctx context.Context, req atlasapi.ListAttachmentsRequestObject) (atlasapi.ListAttachmentsResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	f, key := attachmentFilter(req.Params)
	limit, offset := page(req.Params.Limit, req.Params.Offset)
	key.Set("limit", strconv.Itoa(limit))
	key.Set("offset", strconv.Itoa(offset))
	body, err := h.store.Cached(attachmentListKey(u.ID, key.Encode()), func() ([]byte, error) {
		atts, total, err := h.db.Attachments(ctx, u.ID, f, limit, offset)
		if err != nil {
			return nil, err
		}
		return encode(atlasapi.AttachmentList{Items: attachmentsOut(atts), Count: int(total)})
	})
	if err != nil {
		return nil, err
	}
	return list(body), nil
}

// attachmentFilter maps the list's filters to the store's, and to their
// canonical form for the cache key.
func attachmentFilter(p atlasapi.ListAttachmentsParams) (atlasdb.AttachmentFilter, url.Values) {
	var f atlasdb.AttachmentFilter
	key := url.Values{}
	if p.SessionId != nil {
		f.SessionID = p.SessionId.String()
		key.Set("session_id", f.SessionID)
	}
	if p.AttachmentType != nil {
		f.Type = *p.AttachmentType
		key.Set("attachment_type", f.Type)
	}
	if p.CreatedAfter != nil {
		f.CreatedAfter = p.CreatedAfter
		key.Set("created_after", p.CreatedAfter.UTC().Format(time.RFC3339Nano))
	}
	if p.CreatedBefore != nil {
		f.CreatedBefore = p.CreatedBefore
		key.Set("created_before", p.CreatedBefore.UTC().Format(time.RFC3339Nano))
	}
	return f, key
}

// GetAttachment returns one attachment the caller may see, with its ETag.
func (h *Handlers) GetAttachment(ctx context.Context, req atlasapi.GetAttachmentRequestObject) (atlasapi.GetAttachmentResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id := req.AttachmentUuid.String()
	body, err := h.store.Cached(attachmentKey(u.ID, id), func() ([]byte, error) {
		a, err := h.db.Attachment(ctx, u.ID, id)
		if err != nil {
			return nil, err
		}
		return encode(attachmentOut(a))
	})
	if err != nil {
		return nil, err
	}
	return record(body), nil
}

// UpdateAttachment changes the metadata fields present in the body.
func (h *Handlers) UpdateAttachment(ctx context.Context, req atlasapi.UpdateAttachmentRequestObject) (atlasapi.UpdateAttachmentResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	a, err := h.db.UpdateAttachment(ctx, u.ID, req.AttachmentUuid.String(), attachmentPatch(req.Body), attachmentPrecondition(req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	body, err := encode(attachmentOut(a))
	if err != nil {
		return nil, err
	}
	return record(body), nil
}

// attachmentPrecondition checks If-Match (nil when absent) against the
// attachment's GET representation in the write transaction.
func attachmentPrecondition(ifMatch *string) func(*atlasdb.Attachment) error {
	if ifMatch == nil {
		return nil
	}
	return func(a *atlasdb.Attachment) error {
		return precondition(ifMatch, func() ([]byte, error) { return encode(attachmentOut(a)) })()
	}
}
