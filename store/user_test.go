package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestUserByTokenCache(t *testing.T) {
	st := openTestStore(t)
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
	if _, ok := st.tokens.get(HashToken(TokenPrefix+"nope"), 0, time.Now()); ok {
		t.Fatal("an unknown token was cached")
	}
	if _, ok := st.tokens.get(HashToken(tokens["a@example.org"]), 0, time.Now()); !ok {
		t.Fatal("a verified token was not cached")
	}
	if _, ok := st.tokens.get(HashToken(tokens["a@example.org"]), 0, time.Now().Add(tokenCacheTTL+time.Second)); ok {
		t.Fatal("a cached token outlived tokenCacheTTL")
	}
}

// TestCheckPasswordAlwaysHashes: an account without a password and an
// unknown account cost one bcrypt comparison at the default cost, like an
// account with a password, so the answer time tells none of them apart.
func TestCheckPasswordAlwaysHashes(t *testing.T) {
	st := openTestStore(t)
	ctx := context.Background()
	if _, err := st.CreateUser(ctx, "pw@example.org", "secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, "nopw@example.org", ""); err != nil {
		t.Fatal(err)
	}
	var costs []int
	st.compareHash = func(hash, pw []byte) error {
		c, err := bcrypt.Cost(hash)
		if err != nil {
			t.Errorf("compared against a malformed hash %q: %v", hash, err)
		}
		costs = append(costs, c)
		return bcrypt.CompareHashAndPassword(hash, pw)
	}
	for _, c := range []struct {
		email, pw string
		ok        bool
	}{
		{"pw@example.org", "secret", true},
		{"pw@example.org", "wrong", false},
		{"nopw@example.org", "", false},
		{"nopw@example.org", "anything", false},
		{"nobody@example.org", "secret", false},
	} {
		costs = costs[:0]
		u, err := st.CheckPassword(ctx, c.email, c.pw)
		if c.ok != (err == nil) || (c.ok && u.Email != c.email) || (!c.ok && !errors.Is(err, ErrUnauthorized)) {
			t.Errorf("CheckPassword(%s, %q) = %v, %v", c.email, c.pw, u, err)
		}
		if len(costs) != 1 || costs[0] != bcrypt.DefaultCost {
			t.Errorf("CheckPassword(%s, %q) compared hashes of costs %v, want one at %d", c.email, c.pw, costs, bcrypt.DefaultCost)
		}
	}
}
