package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"gorm.io/gorm"
)

// WebSession is a browser's sign-in on the server's own pages (the device
// approval page and the tokens page), kept in a cookie. Only the SHA-256
// of the cookie value is stored; CSRF is the token the session's forms
// must carry.
type WebSession struct {
	ID        uint      `gorm:"primaryKey"`
	Hash      string    `gorm:"uniqueIndex;not null"`
	UserID    uint      `gorm:"index;not null"`
	User      User      `gorm:"constraint:OnDelete:CASCADE"`
	CSRF      string    `gorm:"not null"`
	ExpiresAt time.Time `gorm:"index;not null"`
	CreatedAt time.Time
}

// TableName pins the table name.
func (WebSession) TableName() string { return "web_sessions" }

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// CreateWebSession signs userID in for ttl and returns the cookie value
// (shown once) and the session's CSRF token. Expired sessions are deleted
// on the way.
func (s *Store) CreateWebSession(ctx context.Context, userID uint, ttl time.Duration) (cookie, csrf string, err error) {
	if cookie, err = randomHex(32); err != nil {
		return "", "", err
	}
	if csrf, err = randomHex(32); err != nil {
		return "", "", err
	}
	now := time.Now().UTC()
	err = s.Write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("expires_at < ?", now).Delete(&WebSession{}).Error; err != nil {
			return err
		}
		return tx.Create(&WebSession{Hash: HashToken(cookie), UserID: userID, CSRF: csrf,
			ExpiresAt: now.Add(ttl), CreatedAt: now}).Error
	})
	return cookie, csrf, err
}

// WebSessionUser returns the signed-in user of a cookie value and the
// session's CSRF token; ErrUnauthorized when the session is unknown or
// has expired.
func (s *Store) WebSessionUser(ctx context.Context, cookie string) (*User, string, error) {
	if cookie == "" {
		return nil, "", ErrUnauthorized
	}
	var ws WebSession
	err := s.R.WithContext(ctx).Preload("User").Where("hash = ?", HashToken(cookie)).Take(&ws).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, "", ErrUnauthorized
	}
	if err != nil {
		return nil, "", err
	}
	if !time.Now().Before(ws.ExpiresAt) {
		return nil, "", ErrUnauthorized
	}
	return &ws.User, ws.CSRF, nil
}

// DeleteWebSession signs a cookie out (nothing happens for an unknown one).
func (s *Store) DeleteWebSession(ctx context.Context, cookie string) error {
	return s.Write(ctx, func(tx *gorm.DB) error {
		return tx.Where("hash = ?", HashToken(cookie)).Delete(&WebSession{}).Error
	})
}
