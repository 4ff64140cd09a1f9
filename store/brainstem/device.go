package brainstem

// The device login of the BrainSTEM clients: a client starts a request and
// polls with its secret device code while the user signs in on the
// verification page, sees the short user code and approves or denies it.
// Approval makes exactly one personal access token, handed out on the next
// poll.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"
)

// Device login states (DeviceAuth.Status).
const (
	DevicePending  = "pending"
	DeviceApproved = "approved"
	DeviceDenied   = "denied"
	DeviceUsed     = "used"
)

// Poll results of PollDeviceAuth, as the clients expect them.
const (
	DevicePollPending      = "authorization_pending"
	DevicePollSuccess      = "success"
	DevicePollDenied       = "access_denied"
	DevicePollExpired      = "expired_token"
	DevicePollAlreadyUsed  = "already_used"
	DevicePollInvalidGrant = "invalid_grant"
)

// DefaultDeviceTTL is how long a device login request stays valid.
const DefaultDeviceTTL = 15 * time.Minute

// DeviceAuth is one device login request. Only the SHA-256 of the device
// code is stored. UserCode is stored without its dash ("WXYZ2345").
type DeviceAuth struct {
	ID             uint      `gorm:"primaryKey"`
	SessionID      string    `gorm:"type:text;uniqueIndex;not null"`
	DeviceCodeHash string    `gorm:"uniqueIndex;not null"`
	UserCode       string    `gorm:"uniqueIndex;not null"`
	ClientName     string    `gorm:"not null;default:''"`
	Status         string    `gorm:"not null;default:'pending'"`
	UserID         *uint     `gorm:"index"`
	ExpiresAt      time.Time `gorm:"index;not null"`
	CreatedAt      time.Time
}

// TableName pins the table name.
func (DeviceAuth) TableName() string { return "bs_device_auths" }

// DeviceStart is what POST /api/auth/device/ returns.
type DeviceStart struct {
	SessionID  string
	DeviceCode string
	UserCode   string // formatted "WXYZ-2345"
	ExpiresAt  time.Time
}

// DeviceAuthInfo is what the verification page shows about a request.
type DeviceAuthInfo struct {
	SessionID  string
	UserCode   string // formatted "WXYZ-2345"
	ClientName string
	Status     string // DevicePending, DeviceApproved, …
	Expired    bool
	ExpiresAt  time.Time
}

// store.User codes: four consonants and four digits, without the look-alikes
// (no vowels, so no words; no 0/O, 1/I/L).
const (
	userCodeLetters = "BCDFGHJKMNPQRSTVWXZ"
	userCodeDigits  = "23456789"
	maxClientName   = 200
)

func randomFrom(alphabet string, n int) (string, error) {
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b), nil
}

// normalizeUserCode upper-cases a user code and drops dashes and spaces.
func normalizeUserCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(s))
}

// FormatUserCode shows a stored user code as "WXYZ-2345".
func FormatUserCode(code string) string {
	if len(code) != 8 {
		return code
	}
	return code[:4] + "-" + code[4:]
}

func deviceSessionID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// deviceExpiredGrace is how long an expired request is kept, so that its
// client's polls still hear "expired_token" rather than "invalid_grant".
const deviceExpiredGrace = 10 * time.Minute

// StartDeviceAuth opens a device login request valid for ttl (ttl <= 0
// means DefaultDeviceTTL). The returned DeviceCode is the client's secret;
// only its hash is kept. Requests that expired more than deviceExpiredGrace
// ago are deleted on the way, so the table holds only what the creation
// rate (throttled by the server) times TTL plus grace allows.
func (s *Store) StartDeviceAuth(ctx context.Context, clientName string, ttl time.Duration) (*DeviceStart, error) {
	if ttl <= 0 {
		ttl = DefaultDeviceTTL
	}
	clientName = strings.TrimSpace(clientName)
	if r := []rune(clientName); len(r) > maxClientName {
		clientName = string(r[:maxClientName])
	}
	now := time.Now().UTC()
	if err := s.core.W.WithContext(ctx).Where("expires_at < ?", now.Add(-deviceExpiredGrace)).Delete(&DeviceAuth{}).Error; err != nil {
		return nil, err
	}
	for range 5 { // a new random user code on the rare collision
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		deviceCode := hex.EncodeToString(raw)
		letters, err := randomFrom(userCodeLetters, 4)
		if err != nil {
			return nil, err
		}
		digits, err := randomFrom(userCodeDigits, 4)
		if err != nil {
			return nil, err
		}
		sid, err := deviceSessionID()
		if err != nil {
			return nil, err
		}
		row := &DeviceAuth{SessionID: sid, DeviceCodeHash: store.HashToken(deviceCode), UserCode: letters + digits,
			ClientName: clientName, Status: DevicePending, ExpiresAt: now.Add(ttl), CreatedAt: now}
		err = s.core.W.WithContext(ctx).Create(row).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &DeviceStart{SessionID: sid, DeviceCode: deviceCode, UserCode: FormatUserCode(row.UserCode),
			ExpiresAt: row.ExpiresAt}, nil
	}
	return nil, errors.New("store: could not allocate a unique device user code")
}

// PollDeviceAuth returns one of the DevicePoll* results. On
// DevicePollSuccess token is a new personal access token for the approving
// user, named and expiring as tok says (its UserID is ignored); it is created and the request marked used in one writer
// transaction, so concurrent polls hand it out exactly once. Later polls
// get DevicePollAlreadyUsed.
func (s *Store) PollDeviceAuth(ctx context.Context, deviceCode string, tok store.NewToken) (status, token string, err error) {
	if deviceCode == "" {
		return DevicePollInvalidGrant, "", nil
	}
	hash := store.HashToken(deviceCode)
	var d DeviceAuth
	err = s.core.R.WithContext(ctx).Where("device_code_hash = ?", hash).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DevicePollInvalidGrant, "", nil
	}
	if err != nil {
		return "", "", err
	}
	if st := pollStatus(&d); st != DevicePollSuccess {
		return st, "", nil
	}
	// Approved: re-check and hand out the token under the writer lock.
	err = s.core.Write(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("device_code_hash = ?", hash).Take(&d).Error; err != nil {
			return err
		}
		status = pollStatus(&d)
		if status != DevicePollSuccess {
			return nil
		}
		if d.UserID == nil {
			return fmt.Errorf("store: approved device request %d has no user", d.ID)
		}
		var users int64
		if err := tx.Model(&store.User{}).Where("id = ?", *d.UserID).Count(&users).Error; err != nil {
			return err
		}
		if users == 0 { // the approving account was deleted meanwhile
			status = DevicePollDenied
			return tx.Model(&DeviceAuth{}).Where("id = ?", d.ID).Update("status", DeviceDenied).Error
		}
		tok := tok // fn may run again (writePostgres): tok's name is extended once
		tok.UserID = *d.UserID
		if d.ClientName != "" && tok.Name != "" {
			tok.Name += " (" + d.ClientName + ")"
		}
		secret, _, err := store.CreateTokenTx(tx, tok)
		if err != nil {
			return err
		}
		res := tx.Model(&DeviceAuth{}).Where("id = ? AND status = ?", d.ID, DeviceApproved).Update("status", DeviceUsed)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("store: device request %d changed during poll", d.ID)
		}
		token = secret
		return nil
	})
	if err != nil {
		return "", "", err
	}
	return status, token, nil
}

// pollStatus maps a request to its poll answer (DevicePollSuccess for an
// approved, unexpired request whose token has not been collected).
func pollStatus(d *DeviceAuth) string {
	switch {
	case d.Status == DeviceUsed:
		return DevicePollAlreadyUsed
	case time.Now().After(d.ExpiresAt):
		return DevicePollExpired
	case d.Status == DeviceDenied:
		return DevicePollDenied
	case d.Status == DeviceApproved:
		return DevicePollSuccess
	}
	return DevicePollPending
}

// findDeviceAuth looks a request up by session id or user code (any case,
// dash optional).
func findDeviceAuth(db *gorm.DB, sessionOrUserCode string) (*DeviceAuth, error) {
	key := strings.TrimSpace(sessionOrUserCode)
	if key == "" {
		return nil, store.ErrNotFound
	}
	var d DeviceAuth
	var err error
	if sid, ok := parseUUID(key); ok {
		err = db.Where("session_id = ?", sid).Take(&d).Error
	} else {
		err = db.Where("user_code = ?", normalizeUserCode(key)).Take(&d).Error
	}
	if err != nil {
		return nil, store.NotFound(err)
	}
	return &d, nil
}

// LookupDeviceAuth returns what the verification page shows about the
// request with this session id or user code; store.ErrNotFound if there is none.
func (s *Store) LookupDeviceAuth(ctx context.Context, sessionOrUserCode string) (*DeviceAuthInfo, error) {
	d, err := findDeviceAuth(s.core.R.WithContext(ctx), sessionOrUserCode)
	if err != nil {
		return nil, err
	}
	return &DeviceAuthInfo{SessionID: d.SessionID, UserCode: FormatUserCode(d.UserCode), ClientName: d.ClientName,
		Status: d.Status, Expired: time.Now().After(d.ExpiresAt), ExpiresAt: d.ExpiresAt}, nil
}

// DecideDeviceAuth approves or denies the pending request found by session
// id or user code (case-insensitive, dash optional) for user userID.
// store.ErrNotFound if unknown, store.ErrConflict if it is no longer pending or has
// expired.
func (s *Store) DecideDeviceAuth(ctx context.Context, sessionOrUserCode string, userID uint, approve bool) error {
	return s.core.Write(ctx, func(tx *gorm.DB) error {
		d, err := findDeviceAuth(tx, sessionOrUserCode)
		if err != nil {
			return err
		}
		if d.Status != DevicePending || time.Now().After(d.ExpiresAt) {
			return store.ErrConflict
		}
		status := DeviceDenied
		if approve {
			status = DeviceApproved
		}
		return tx.Model(&DeviceAuth{}).Where("id = ? AND status = ?", d.ID, DevicePending).
			Updates(map[string]any{"status": status, "user_id": userID}).Error
	})
}
