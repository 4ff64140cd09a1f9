package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "a@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateUser(ctx, "b@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	long, row, err := st.CreateNamedToken(ctx, NewToken{UserID: u.ID, Name: "  laptop  ", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if row.Name != "laptop" || row.Prefix != long[:len(row.Prefix)] || len(row.Prefix) != len(TokenPrefix)+6 ||
		row.ExpiresAt == nil || row.ExpiresAt.Sub(row.CreatedAt) != time.Hour {
		t.Errorf("created row %+v", row)
	}
	short, _, err := st.CreateNamedToken(ctx, NewToken{UserID: u.ID, TTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, short); err != nil {
		t.Fatalf("fresh short token: %v", err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := st.UserByToken(ctx, short); !errors.Is(err, ErrTokenExpired) || !errors.Is(err, ErrUnauthorized) {
		t.Errorf("expired token (cached): %v", err)
	}

	// Last use is written on first use, then not again within LastUsedResolution.
	if _, err := st.UserByToken(ctx, long); err != nil {
		t.Fatal(err)
	}
	list, err := st.ListTokens(ctx, u.ID)
	if err != nil || len(list) != 2 || list[0].Prefix != short[:len(list[0].Prefix)] {
		t.Fatalf("list %+v %v", list, err)
	}
	if list[1].LastUsedAt == nil {
		t.Fatal("last use not recorded")
	}
	first := *list[1].LastUsedAt
	if _, err := st.UserByToken(ctx, long); err != nil {
		t.Fatal(err)
	}
	list, _ = st.ListTokens(ctx, u.ID)
	if !list[1].LastUsedAt.Equal(first) {
		t.Errorf("last use rewritten within %v: %v then %v", LastUsedResolution, first, list[1].LastUsedAt)
	}

	// Only the owner (or userID 0) revokes.
	if err := st.RevokeToken(ctx, other.ID, row.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke someone else's token: %v", err)
	}
	if _, err := st.UserByToken(ctx, long); err != nil {
		t.Errorf("token after a refused revoke: %v", err)
	}

	// A revocation by another Store on the same database (another
	// process: the CLI) takes effect on the next lookup, cache or not.
	cli, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if err := cli.RevokeTokenSecret(ctx, long); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UserByToken(ctx, long); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("token revoked by another process still works: %v", err)
	}
	if err := cli.RevokeTokenSecret(ctx, long); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke twice: %v", err)
	}
}

func TestWebSession(t *testing.T) {
	t.Parallel()
	st := openTestStore(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "a@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	cookie, csrf, err := st.CreateWebSession(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, gotCSRF, err := st.WebSessionUser(ctx, cookie)
	if err != nil || got.ID != u.ID || gotCSRF != csrf {
		t.Fatalf("session user %v %q %v", got, gotCSRF, err)
	}
	if _, _, err := st.WebSessionUser(ctx, cookie+"x"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("unknown cookie: %v", err)
	}
	short, _, err := st.CreateWebSession(ctx, u.ID, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if _, _, err := st.WebSessionUser(ctx, short); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("expired session: %v", err)
	}
	if err := st.DeleteWebSession(ctx, cookie); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.WebSessionUser(ctx, cookie); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("signed-out session: %v", err)
	}
}
