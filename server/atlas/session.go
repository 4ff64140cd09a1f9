package atlas

import (
	"context"
	"errors"

	"github.com/sessionhub/sessionhub/gen/atlasapi"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/store"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// Default and largest page sizes of ListSessions (also in the spec).
const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// caller is the authenticated user; the authenticate middleware guarantees one.
func caller(ctx context.Context) (*store.User, error) {
	if u := auth.UserFrom(ctx); u != nil {
		return u, nil
	}
	return nil, errors.New("atlas: no authenticated user in context")
}

// page is the page of a list request: the default size when limit is absent.
func page(limit *int, offset *int32) (int, int) {
	l, o := defaultPageSize, 0
	if limit != nil {
		l = min(max(*limit, 1), maxPageSize)
	}
	if offset != nil {
		o = int(max(*offset, 0))
	}
	return l, o
}

// sessionPrecondition checks If-Match (nil when absent) against the
// session's GET representation in the write transaction.
func sessionPrecondition(ifMatch *string) atlasdb.SessionPrecondition {
	if ifMatch == nil {
		return nil
	}
	return func(s *atlasdb.Session, atts []atlasdb.Attachment) error {
		return precondition(ifMatch, func() ([]byte, error) { return encodeSession(s, atts) })()
	}
}

// CreateSession creates a session for the caller.
func (h *Handlers) CreateSession(ctx context.Context, req atlasapi.CreateSessionRequestObject) (atlasapi.CreateSessionResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	s, atts, err := h.db.CreateSession(ctx, u, createInput(req.Body))
	if err != nil {
		return nil, err
	}
	body, err := encodeSession(s, atts)
	if err != nil {
		return nil, err
	}
	return created(body), nil
}

// ListSessions lists one page of the caller's sessions, newest first.
func (h *Handlers) ListSessions(ctx context.Context, req atlasapi.ListSessionsRequestObject) (atlasapi.ListSessionsResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	limit, offset := page(req.Params.Limit, req.Params.Offset)
	body, err := h.store.Cached(listKey(u.ID, limit, offset), func() ([]byte, error) {
		list, total, err := h.db.Sessions(ctx, u.ID, limit, offset)
		if err != nil {
			return nil, err
		}
		return encode(atlasapi.SessionList{Items: summariesOut(list), Count: int(total)})
	})
	if err != nil {
		return nil, err
	}
	return list(body), nil
}

// GetSession returns one of the caller's sessions with its attachments.
func (h *Handlers) GetSession(ctx context.Context, req atlasapi.GetSessionRequestObject) (atlasapi.GetSessionResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id := req.SessionId.String()
	body, err := h.store.CachedTagged(sessionKey(u.ID, id), atlasdb.SessionTag(id), func() ([]byte, error) {
		s, atts, err := h.db.Session(ctx, u.ID, id)
		if err != nil {
			return nil, err
		}
		return encodeSession(s, atts)
	})
	if err != nil {
		return nil, err
	}
	return record(body), nil
}

// UpdateSession changes the fields present in the body.
func (h *Handlers) UpdateSession(ctx context.Context, req atlasapi.UpdateSessionRequestObject) (atlasapi.UpdateSessionResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id := req.SessionId.String()
	// The answer is the session's GET, kept for the editor's next read.
	ctx, answer := store.WithWriteAnswer(ctx)
	s, atts, err := h.db.UpdateSession(ctx, u.ID, id, patchInput(req.Body), sessionPrecondition(req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	body, err := encodeSession(s, atts)
	if err != nil {
		return nil, err
	}
	h.store.KeepWritten(answer, sessionKey(u.ID, id), atlasdb.SessionTag(id), body)
	return record(body), nil
}

// DeleteSession deletes one of the caller's sessions and its unshared attachments.
func (h *Handlers) DeleteSession(ctx context.Context, req atlasapi.DeleteSessionRequestObject) (atlasapi.DeleteSessionResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.db.DeleteSession(ctx, u.ID, req.SessionId.String(), sessionPrecondition(req.Params.IfMatch)); err != nil {
		return nil, err
	}
	return atlasapi.DeleteSession204Response{}, nil
}

// RemoveAttachment unlinks an attachment from one of the caller's sessions.
func (h *Handlers) RemoveAttachment(ctx context.Context, req atlasapi.RemoveAttachmentRequestObject) (atlasapi.RemoveAttachmentResponseObject, error) {
	u, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.db.RemoveAttachment(ctx, u.ID, req.SessionId.String(), req.AttachmentId.String(), attachmentPrecondition(req.Params.IfMatch)); err != nil {
		return nil, err
	}
	return atlasapi.RemoveAttachment204Response{}, nil
}
