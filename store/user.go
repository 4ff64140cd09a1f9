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
	// Staff users may write the global BrainSTEM tables (species, strains, suppliers).
	Staff     bool `gorm:"not null;default:false"`
	CreatedAt time.Time
}

// TokenPrefix starts every personal access token so it is easy to spot.
const TokenPrefix = "shp_"

// HashToken is the form a token secret is stored and looked up in (hex
// SHA-256): secrets themselves are never stored.
func HashToken(tok string) string {
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
		return nil, NotFound(err)
	}
	return &u, nil
}

// CheckPassword returns the user when email and password match, else
// ErrUnauthorized. Every call does one bcrypt comparison at the default
// cost: unknown accounts and accounts without a password are compared
// against a dummy hash, so the answer time does not tell them apart from
// accounts with a password.
func (s *Store) CheckPassword(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if u == nil || u.PasswordHash == "" {
		_ = s.compareHash(dummyHash(), []byte(password))
		return nil, ErrUnauthorized
	}
	if s.compareHash([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, ErrUnauthorized
	}
	return u, nil
}

// dummyHash is a bcrypt hash at the default cost of a random password
// nobody knows, made once; CheckPassword compares against it when there
// is no real hash.
var dummyHash = sync.OnceValue(func() []byte {
	pw := make([]byte, 32)
	_, _ = rand.Read(pw)
	h, err := bcrypt.GenerateFromPassword(pw, bcrypt.DefaultCost)
	if err != nil {
		panic("store: bcrypt dummy hash: " + err.Error())
	}
	return h
})

// SetStaff turns the staff flag of the user with email on or off;
// ErrNotFound when there is no such user.
func (s *Store) SetStaff(ctx context.Context, email string, staff bool) error {
	return s.Write(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&User{}).Where("email = ?", NormalizeEmail(email)).Update("staff", staff)
		if res.Error == nil && res.RowsAffected == 0 {
			return ErrNotFound
		}
		return res.Error
	})
}
