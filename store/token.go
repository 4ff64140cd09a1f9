package store

// Personal access tokens: their lifecycle (name, expiry, last use,
// revocation) and the cache that spares most requests the token lookup.
//
// Revocation takes effect at once, also for a revocation made by another
// process on the same database (the CLI beside a running server): every
// revocation increments a generation number in the auth_states table in the
// same transaction that deletes the token. Each authenticated request gets
// that number before it trusts the token cache (on SQLite from the
// database only after a revocation: revocationSignal); a changed number
// empties the cache, so the next lookup goes to the tokens table and finds
// the token gone.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Token is a personal access token. Only its SHA-256 and its first
// characters (Prefix, for recognising it in lists) are stored.
type Token struct {
	ID         uint   `gorm:"primaryKey"`
	UserID     uint   `gorm:"index;not null"`
	User       User   `gorm:"constraint:OnDelete:CASCADE"`
	Hash       string `gorm:"uniqueIndex;not null"`
	Prefix     string `gorm:"not null;default:''"`
	Name       string `gorm:"not null;default:''"`
	CreatedAt  time.Time
	ExpiresAt  *time.Time `gorm:"index"` // nil: never expires
	LastUsedAt *time.Time // updated at most once per LastUsedResolution
}

// Expired reports whether the token has an expiry that is not after now.
func (t *Token) Expired(now time.Time) bool { return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) }

// authState is a one-row table (ID 1) of counters other processes on the
// same database must see; TokenGeneration grows with every revocation.
type authState struct {
	ID              uint `gorm:"primaryKey"`
	TokenGeneration int64
}

// TableName pins the table name.
func (authState) TableName() string { return "auth_states" }

// ErrTokenExpired is the ErrUnauthorized of a token past its expiry.
var ErrTokenExpired = fmt.Errorf("%w: token expired", ErrUnauthorized)

// Token names and prefixes.
const (
	// MaxTokenName bounds a token's name (longer names are cut).
	MaxTokenName = 100
	// tokenPrefixLen is how much of a token is kept in clear: "shp_" and
	// 6 of its 48 hex digits.
	tokenPrefixLen = len(TokenPrefix) + 6
)

// LastUsedResolution is how stale a token's LastUsedAt may be: the use of a
// token writes its time at most this often, not on every request.
const LastUsedResolution = time.Minute

// NewToken describes a token to create.
type NewToken struct {
	UserID uint
	Name   string        // cut to MaxTokenName runes
	TTL    time.Duration // > 0: the token expires after TTL; else never
}

// CreateToken makes a new unnamed, non-expiring personal access token for
// the user and returns it in clear text; it cannot be read back later.
func (s *Store) CreateToken(ctx context.Context, userID uint) (string, error) {
	tok, _, err := s.CreateNamedToken(ctx, NewToken{UserID: userID})
	return tok, err
}

// CreateNamedToken makes a token as described by n and returns it in clear
// text (shown once) with its stored row.
func (s *Store) CreateNamedToken(ctx context.Context, n NewToken) (string, *Token, error) {
	var tok string
	var row *Token
	err := s.Write(ctx, func(tx *gorm.DB) error {
		var err error
		tok, row, err = CreateTokenTx(tx, n)
		return err
	})
	return tok, row, err
}

// CreateTokenTx is CreateNamedToken on db, which may be a transaction on the
// writer (a Write function's tx: the writer has one connection, so a
// nested s.W call would wait forever).
func CreateTokenTx(db *gorm.DB, n NewToken) (string, *Token, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	tok := TokenPrefix + hex.EncodeToString(b)
	name := strings.TrimSpace(n.Name)
	if r := []rune(name); len(r) > MaxTokenName {
		name = string(r[:MaxTokenName])
	}
	now := time.Now().UTC()
	row := &Token{UserID: n.UserID, Hash: HashToken(tok), Prefix: tok[:tokenPrefixLen], Name: name, CreatedAt: now}
	if n.TTL > 0 {
		exp := now.Add(n.TTL)
		row.ExpiresAt = &exp
	}
	if err := db.Create(row).Error; err != nil {
		return "", nil, err
	}
	return tok, row, nil
}

// ListTokens returns the user's tokens, newest first, expired ones included.
func (s *Store) ListTokens(ctx context.Context, userID uint) ([]Token, error) {
	var out []Token
	err := s.R.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// RevokeToken deletes the token with this id if it belongs to userID
// (userID 0: whoever owns it, for the CLI). ErrNotFound otherwise. It takes
// effect on the next request of every process on this database.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID uint) error {
	return s.revoke(ctx, func(tx *gorm.DB) *gorm.DB {
		q := tx.Where("id = ?", tokenID)
		if userID != 0 {
			q = q.Where("user_id = ?", userID)
		}
		return q
	})
}

// RevokeTokenSecret deletes the token given in clear text; ErrNotFound if
// there is none.
func (s *Store) RevokeTokenSecret(ctx context.Context, tok string) error {
	return s.revoke(ctx, func(tx *gorm.DB) *gorm.DB { return tx.Where("hash = ?", HashToken(tok)) })
}

func (s *Store) revoke(ctx context.Context, where func(*gorm.DB) *gorm.DB) error {
	err := s.Write(ctx, func(tx *gorm.DB) error {
		res := where(tx).Delete(&Token{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return bumpTokenGeneration(tx)
	})
	if err != nil {
		return err
	}
	s.tokens.clear()
	if s.revocations != nil {
		if err := s.revocations.signal(); err != nil {
			return fmt.Errorf("token revoked, but running servers may accept it for up to %v: %w", tokenCacheTTL, err)
		}
	}
	return nil
}

// bumpTokenGeneration tells every process that cached tokens may be gone.
func bumpTokenGeneration(tx *gorm.DB) error {
	return tx.Exec(`INSERT INTO auth_states (id, token_generation) VALUES (1, 1)
		ON CONFLICT(id) DO UPDATE SET token_generation = auth_states.token_generation + 1`).Error
}

// tokenGeneration returns the revocation generation (0 before the first
// revocation). It runs on every authenticated request: on SQLite it reads
// it only after a revocation (revocationSignal).
func (s *Store) tokenGeneration(ctx context.Context) (int64, error) {
	if s.revocations != nil {
		return s.revocations.generation(ctx, s.readTokenGeneration)
	}
	return s.readTokenGeneration(ctx)
}

// readTokenGeneration reads the revocation generation. It skips GORM: a
// statement prepared once on the read pool.
func (s *Store) readTokenGeneration(ctx context.Context) (int64, error) {
	var gen int64
	err := s.genStmt.QueryRowContext(ctx).Scan(&gen)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return gen, err
}

// tokenCacheTTL bounds how long a verified token is trusted without asking
// the tokens table again. Revocations do not wait for it (see the top of
// this file); it only bounds how long a token deleted by hand keeps working.
const tokenCacheTTL = 30 * time.Second

// tokenCacheMax bounds the cache; when full it is emptied.
const tokenCacheMax = 10000

type cachedToken struct {
	user      User
	tokenID   uint
	expiresAt *time.Time
	lastUsed  time.Time // when LastUsedAt was last written (or read)
	cachedAt  time.Time
}

// tokenCache remembers recently verified tokens (by hash), so the token
// lookup, done on every authenticated request, mostly skips the join. gen
// is the revocation generation its entries were verified under.
type tokenCache struct {
	mu  sync.Mutex
	gen int64
	m   map[string]cachedToken
}

// get returns the entry of hash if it was verified under generation gen
// and is younger than tokenCacheTTL. A newer gen empties the cache.
func (c *tokenCache) get(hash string, gen int64, now time.Time) (cachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		if gen > c.gen {
			c.m, c.gen = nil, gen
		}
		return cachedToken{}, false
	}
	e, ok := c.m[hash]
	if !ok || now.Sub(e.cachedAt) >= tokenCacheTTL {
		return cachedToken{}, false
	}
	return e, true
}

// put keeps e unless the cache has moved on to a newer generation.
func (c *tokenCache) put(hash string, gen int64, e cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.gen {
		return
	}
	if gen > c.gen {
		c.m, c.gen = nil, gen
	}
	if c.m == nil || len(c.m) >= tokenCacheMax {
		c.m = make(map[string]cachedToken)
	}
	c.m[hash] = e
}

// touched records that LastUsedAt of hash was written at t.
func (c *tokenCache) touched(hash string, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[hash]; ok {
		e.lastUsed = t
		c.m[hash] = e
	}
}

func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

// UserByToken returns the owner of a token; ErrTokenExpired for a token
// past its expiry and ErrUnauthorized for an unknown (or revoked) one.
// Verified tokens are cached (see tokenCache); unknown ones never are. The
// token's LastUsedAt is written at most once per LastUsedResolution.
func (s *Store) UserByToken(ctx context.Context, tok string) (*User, error) {
	h := HashToken(tok)
	now := time.Now()
	gen, err := s.tokenGeneration(ctx)
	if err != nil {
		return nil, err
	}
	e, ok := s.tokens.get(h, gen, now)
	if ok {
		s.stats.tokenHits.Add(1)
	} else {
		s.stats.tokenMisses.Add(1)
		var row Token
		err := s.R.WithContext(ctx).Preload("User").Where("hash = ?", h).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrUnauthorized
		}
		if err != nil {
			return nil, err
		}
		e = cachedToken{user: row.User, tokenID: row.ID, expiresAt: row.ExpiresAt, cachedAt: now}
		if row.LastUsedAt != nil {
			e.lastUsed = *row.LastUsedAt
		}
		s.tokens.put(h, gen, e)
	}
	if e.expiresAt != nil && !now.Before(*e.expiresAt) {
		return nil, ErrTokenExpired
	}
	if now.Sub(e.lastUsed) >= LastUsedResolution {
		// Straight on the writer, not through s.write: a last-use time is
		// no reason to empty the read cache.
		if err := s.W.WithContext(ctx).Model(&Token{}).Where("id = ?", e.tokenID).
			Update("last_used_at", now.UTC()).Error; err != nil {
			return nil, err
		}
		s.tokens.touched(h, now)
	}
	u := e.user
	return &u, nil
}
