package brainstem

import (
	"context"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// listSessions answers both portals' session lists.
func (h *Handlers) listSessions(ctx context.Context, p pageParams) (response, error) {
	return listRecords(ctx, h, p, "session", "sessions", h.st.ListBSSessions)
}

// getSession answers both portals' session detail.
func (h *Handlers) getSession(ctx context.Context, id string) (response, error) {
	return getRecord(ctx, h, "session", id, h.st.GetBSSession)
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
	in, err := sessionCreateInput(req.Body)
	if err != nil {
		return nil, err
	}
	r := requestFrom(ctx)
	rec, err := h.st.CreateBSSession(ctx, r.userID(), in)
	if err != nil {
		return nil, err
	}
	return created(detail("session", rec, r)), nil
}

// ReplaceSession replaces a session's writable fields (PUT).
func (h *Handlers) ReplaceSession(ctx context.Context, req brainstemapi.ReplaceSessionRequestObject) (brainstemapi.ReplaceSessionResponseObject, error) {
	in, err := sessionCreateInput(req.Body)
	if err != nil {
		return nil, err
	}
	return h.updateSession(ctx, req.Id.String(), in)
}

// UpdateSession changes the fields sent (PATCH).
func (h *Handlers) UpdateSession(ctx context.Context, req brainstemapi.UpdateSessionRequestObject) (brainstemapi.UpdateSessionResponseObject, error) {
	in, err := sessionPatchInput(req.Body)
	if err != nil {
		return nil, err
	}
	return h.updateSession(ctx, req.Id.String(), in)
}

// updateSession writes in (from a PUT or a PATCH body) to session id.
func (h *Handlers) updateSession(ctx context.Context, id string, in store.BSSessionInput) (response, error) {
	r := requestFrom(ctx)
	rec, err := h.st.UpdateBSSession(ctx, r.userID(), id, in)
	if err != nil {
		return response{}, err
	}
	return ok(detail("session", rec, r)), nil
}

// DeleteSession deletes a session (204).
func (h *Handlers) DeleteSession(ctx context.Context, req brainstemapi.DeleteSessionRequestObject) (brainstemapi.DeleteSessionResponseObject, error) {
	if err := h.st.DeleteBSSession(ctx, requestFrom(ctx).userID(), req.Id.String()); err != nil {
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
