package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
)

// listSessions answers both portals' session lists.
func (h *Handlers) listSessions(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "session", "sessions", h.db.ListSessions)
}

// getSession answers both portals' session detail.
func (h *Handlers) getSession(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "session", id, h.db.GetSession)
}

// ListSessions lists the sessions of the caller's projects.
func (h *Handlers) ListSessions(ctx context.Context, req brainstemapi.ListSessionsRequestObject) (brainstemapi.ListSessionsResponseObject, error) {
	return h.listSessions(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// PublicListSessions lists the sessions of public projects.
func (h *Handlers) PublicListSessions(ctx context.Context, req brainstemapi.PublicListSessionsRequestObject) (brainstemapi.PublicListSessionsResponseObject, error) {
	return h.listSessions(ctx, pageOf(req.Params.Limit, req.Params.Offset))
}

// GetSession returns one session of the caller's projects.
func (h *Handlers) GetSession(ctx context.Context, req brainstemapi.GetSessionRequestObject) (brainstemapi.GetSessionResponseObject, error) {
	return h.getSession(ctx, req.Id.String())
}

// PublicGetSession returns one session of a public project.
func (h *Handlers) PublicGetSession(ctx context.Context, req brainstemapi.PublicGetSessionRequestObject) (brainstemapi.PublicGetSessionResponseObject, error) {
	return h.getSession(ctx, req.Id.String())
}

// CreateSession creates a session (201).
func (h *Handlers) CreateSession(ctx context.Context, req brainstemapi.CreateSessionRequestObject) (brainstemapi.CreateSessionResponseObject, error) {
	return createRecord(ctx, h, "session", req.Body, h.db.GetSession)
}

// ReplaceSession replaces a session's writable fields (PUT).
func (h *Handlers) ReplaceSession(ctx context.Context, req brainstemapi.ReplaceSessionRequestObject) (brainstemapi.ReplaceSessionResponseObject, error) {
	return changeSession(ctx, h, req.Id.String(), req.Body, true)
}

// UpdateSession changes the fields sent (PATCH).
func (h *Handlers) UpdateSession(ctx context.Context, req brainstemapi.UpdateSessionRequestObject) (brainstemapi.UpdateSessionResponseObject, error) {
	return changeSession(ctx, h, req.Id.String(), req.Body, false)
}

// DeleteSession deletes a session (204).
func (h *Handlers) DeleteSession(ctx context.Context, req brainstemapi.DeleteSessionRequestObject) (brainstemapi.DeleteSessionResponseObject, error) {
	if err := deleteRecord(ctx, h, "session", req.Id.String()); err != nil {
		return nil, err
	}
	return brainstemapi.DeleteSession204Response{}, nil
}

// dedupe returns ids without repeats, keeping the first occurrence.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
