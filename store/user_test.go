package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUserByTokenCache(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	tokens := map[string]string{}
	for _, email := range []string{"a@example.org", "b@example.org"} {
		u, err := st.CreateUser(ctx, email, "")
		if err != nil {
			t.Fatal(err)
		}
		if tokens[email], err = st.CreateToken(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 2 { // the second round is served from the cache
		for email, tok := range tokens {
			u, err := st.UserByToken(ctx, tok)
			if err != nil || u.Email != email {
				t.Fatalf("round %d: UserByToken(%s's token) = %v, %v", round, email, u, err)
			}
		}
	}
	if _, err := st.UserByToken(ctx, TokenPrefix+"nope"); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("unknown token: err = %v, want ErrUnauthorized", err)
	}
	if _, ok := st.tokens.get(hashToken(TokenPrefix+"nope"), time.Now()); ok {
		t.Fatal("an unknown token was cached")
	}
	if _, ok := st.tokens.get(hashToken(tokens["a@example.org"]), time.Now().Add(tokenCacheTTL+time.Second)); ok {
		t.Fatal("a cached token outlived tokenCacheTTL")
	}
}
