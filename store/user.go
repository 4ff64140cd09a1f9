package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// User is an account. Email is the login name and is unique (case-folded).
type User struct {
	ID           uint   `gorm:"primaryKey"`
	Email        string `gorm:"uniqueIndex;not null"`
	PasswordHash string
	CreatedAt    time.Time
}

// Token is a personal access token. Only its SHA-256 is stored.
type Token struct {
	ID        uint   `gorm:"primaryKey"`
	UserID    uint   `gorm:"index;not null"`
	User      User   `gorm:"constraint:OnDelete:CASCADE"`
	Hash      string `gorm:"uniqueIndex;not null"`
	CreatedAt time.Time
}

// TokenPrefix starts every personal access token so it is easy to spot.
const TokenPrefix = "shp_"

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser adds a user. An empty password leaves the account without
// password login (tokens only). ErrConflict when the email is taken.
func (s *Store) CreateUser(ctx context.Context, email, password string) (*User, error) {
	u := &User{Email: NormalizeEmail(email)}
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return nil, Invalid("email", "Enter a valid email address.")
	}
	if password != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = string(h)
	}
	err := s.W.WithContext(ctx).Create(u).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, ErrConflict
	}
	return u, err
}

// CountUsers returns how many accounts exist.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.R.WithContext(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// UserByEmail finds a user; ErrNotFound when there is none.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := s.R.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&u).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// CheckPassword returns the user when email and password match, else ErrUnauthorized.
func (s *Store) CheckPassword(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		// Spend the same time as a real comparison.
		_ = bcrypt.CompareHashAndPassword([]byte("$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3ZQbZ6dIRfYlWp9tJ6f4Xz6"), []byte(password))
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, ErrUnauthorized
	}
	return u, nil
}

// CreateToken makes a new personal access token for the user and returns it
// in clear text; it cannot be read back later.
func (s *Store) CreateToken(ctx context.Context, userID uint) (string, error) {
	return createToken(s.W.WithContext(ctx), userID)
}

// createToken is CreateToken on db, which may be a transaction on the
// writer (the writer has one connection, so a nested s.W call would wait forever).
func createToken(db *gorm.DB, userID uint) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := TokenPrefix + hex.EncodeToString(b)
	if err := db.Create(&Token{UserID: userID, Hash: hashToken(tok)}).Error; err != nil {
		return "", err
	}
	return tok, nil
}

// tokenCacheTTL is how long a verified token is trusted without asking the
// database again. Tokens cannot be revoked through any API yet, so this
// only bounds how long a token deleted by hand keeps working.
const tokenCacheTTL = 30 * time.Second

// tokenCacheMax bounds the cache; when full it is emptied.
const tokenCacheMax = 10000

type cachedUser struct {
	user    User
	expires time.Time
}

// tokenCache remembers recently verified tokens (by hash), so the token
// lookup, done on every authenticated request, mostly skips SQLite.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedUser
}

func (c *tokenCache) get(hash string, now time.Time) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.After(e.expires) {
		return User{}, false
	}
	return e.user, true
}

func (c *tokenCache) put(hash string, u User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= tokenCacheMax {
		c.m = make(map[string]cachedUser)
	}
	c.m[hash] = cachedUser{user: u, expires: now.Add(tokenCacheTTL)}
}

// UserByToken returns the owner of a token, or ErrUnauthorized. Verified
// tokens are cached for tokenCacheTTL; unknown ones are never cached.
func (s *Store) UserByToken(ctx context.Context, tok string) (*User, error) {
	h := hashToken(tok)
	now := time.Now()
	if u, ok := s.tokens.get(h, now); ok {
		s.stats.tokenHits.Add(1)
		return &u, nil
	}
	s.stats.tokenMisses.Add(1)
	var u User
	err := s.R.WithContext(ctx).
		Joins("JOIN tokens ON tokens.user_id = users.id").
		Where("tokens.hash = ?", h).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrUnauthorized
	}
	if err != nil {
		return nil, err
	}
	s.tokens.put(h, u, now)
	return &u, nil
}
