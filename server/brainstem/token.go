package brainstem

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
)

// ObtainToken exchanges e-mail and password for a new personal access
// token, returned as both "token" (old clients) and "access" (newer docs).
// Every login mints its own token, named "login <date>" and expiring after
// the server's token TTL: a secret cannot be handed out twice, since only
// its hash is stored. Failed attempts are throttled per client address and
// per account; a throttled attempt is refused before the password is checked.
func (h *Handlers) ObtainToken(ctx context.Context, req brainstemapi.ObtainTokenRequestObject) (brainstemapi.ObtainTokenResponseObject, error) {
	done, err := h.throttles.Login(requestFrom(ctx).addr, store.NormalizeEmail(req.Body.Username))
	if err != nil {
		return nil, err
	}
	u, err := h.st.CheckPassword(ctx, req.Body.Username, req.Body.Password)
	done(err == nil)
	if errors.Is(err, store.ErrUnauthorized) || errors.Is(err, store.ErrNotFound) {
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	tok, _, err := h.st.CreateNamedToken(ctx, h.loginToken(u.ID, "login"))
	if err != nil {
		return nil, err
	}
	return brainstemapi.ObtainToken200JSONResponse{Token: tok, Access: tok}, nil
}

// loginToken describes the token a login mints: "<how> <date>", expiring
// after the server's token TTL.
func (h *Handlers) loginToken(userID uint, how string) store.NewToken {
	return store.NewToken{UserID: userID, Name: how + " " + time.Now().UTC().Format("2006-01-02 15:04"), TTL: h.tokenTTL}
}

// ListTokens lists the caller's tokens without their secrets.
func (h *Handlers) ListTokens(ctx context.Context, _ brainstemapi.ListTokensRequestObject) (brainstemapi.ListTokensResponseObject, error) {
	rows, err := h.st.ListTokens(ctx, requestFrom(ctx).userID())
	if err != nil {
		return nil, err
	}
	out := brainstemapi.ListTokens200JSONResponse{Tokens: make([]brainstemapi.PersonalToken, len(rows))}
	now := time.Now()
	for i := range rows {
		out.Tokens[i] = personalToken(&rows[i], now)
	}
	return out, nil
}

// CreateToken makes a token for the caller and shows its secret once.
func (h *Handlers) CreateToken(ctx context.Context, req brainstemapi.CreateTokenRequestObject) (brainstemapi.CreateTokenResponseObject, error) {
	n, err := h.newToken(requestFrom(ctx).userID(), req.Body.Name, req.Body.ExpiresIn)
	if err != nil {
		return nil, err
	}
	secret, row, err := h.st.CreateNamedToken(ctx, n)
	if err != nil {
		return nil, err
	}
	t := personalToken(row, time.Now())
	var out brainstemapi.CreateToken201JSONResponse
	out.Token.Id, out.Token.Name, out.Token.Prefix, out.Token.Created = t.Id, t.Name, t.Prefix, t.Created
	out.Token.Expires, out.Token.LastUsed, out.Token.Expired, out.Token.Key = t.Expires, t.LastUsed, t.Expired, secret
	return out, nil
}

// newToken checks a token request of the API or the tokens page:
// expiresIn nil means the server's TTL, 0 never.
func (h *Handlers) newToken(userID uint, name string, expiresIn *int64) (store.NewToken, error) {
	n := store.NewToken{UserID: userID, Name: name, TTL: h.tokenTTL}
	if len([]rune(name)) > store.MaxTokenName {
		return n, store.Invalid("name", "Ensure this field has no more than 100 characters.")
	}
	if expiresIn != nil {
		n.TTL = time.Duration(*expiresIn) * time.Second
	}
	if strings.TrimSpace(name) == "" {
		return n, store.Invalid("name", msgBlank)
	}
	return n, nil
}

// RevokeToken deletes one of the caller's tokens.
func (h *Handlers) RevokeToken(ctx context.Context, req brainstemapi.RevokeTokenRequestObject) (brainstemapi.RevokeTokenResponseObject, error) {
	if req.TokenId <= 0 || req.TokenId > int64(^uint32(0)) {
		return nil, store.ErrNotFound
	}
	if err := h.st.RevokeToken(ctx, requestFrom(ctx).userID(), uint(req.TokenId)); err != nil {
		return nil, err
	}
	return brainstemapi.RevokeToken204Response{}, nil
}

// personalToken is the API form of a token row.
func personalToken(t *store.Token, now time.Time) brainstemapi.PersonalToken {
	out := brainstemapi.PersonalToken{Id: int64(t.ID), Name: t.Name, Prefix: t.Prefix, Created: t.CreatedAt.UTC(),
		Expired: t.Expired(now), Expires: nullable.NewNullNullable[time.Time](), LastUsed: nullable.NewNullNullable[time.Time]()}
	if t.ExpiresAt != nil {
		out.Expires = nullable.NewNullableWithValue(t.ExpiresAt.UTC())
	}
	if t.LastUsedAt != nil {
		out.LastUsed = nullable.NewNullableWithValue(t.LastUsedAt.UTC())
	}
	return out
}
