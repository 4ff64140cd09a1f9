package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// AuditEvent is one write that succeeded through an API: who made it, when,
// which operation on which record, and for updates the names of the fields
// sent. Rows are only ever appended.
type AuditEvent struct {
	ID uint `gorm:"primaryKey;autoIncrement" json:"id"`
	// At is when the write was answered (UTC).
	At time.Time `gorm:"not null;index" json:"at"`
	// UserID and UserEmail name the authenticated caller; nil and "" for an
	// anonymous request (a password login, a device-login poll).
	UserID    *uint  `json:"user_id"`
	UserEmail string `gorm:"not null;default:''" json:"user"`
	// API is "atlas" or "brainstem"; Operation the spec's operationId (or
	// "METHOD route" for routes outside the specs, the sign-in page).
	API       string `gorm:"not null" json:"api"`
	Operation string `gorm:"not null" json:"operation"`
	Method    string `gorm:"not null" json:"method"`
	Route     string `gorm:"not null" json:"route"`
	// RecordID is the record the operation addressed (the last path
	// parameter), or the one it created when the path has none.
	RecordID string `gorm:"not null;default:''" json:"record_id"`
	// Created lists the ids of records the write created (JSON array).
	Created string `gorm:"not null;default:'[]'" json:"-"`
	// Fields lists the top-level fields of an update's body (JSON array).
	Fields    string `gorm:"not null;default:'[]'" json:"-"`
	Status    int    `gorm:"not null" json:"status"`
	RequestID string `gorm:"not null;default:''" json:"request_id"`
}

// TableName pins the table name.
func (AuditEvent) TableName() string { return "audit_events" }

// AppendAudit appends ev through the single writer, committed in a group
// with the writes queued beside it (see write), without emptying the read
// cache (no answer depends on the audit table).
func (s *Store) AppendAudit(ctx context.Context, ev *AuditEvent) error {
	return s.queueWrite(ctx, func(tx *gorm.DB) error { return tx.Create(ev).Error }, false, nil)
}

// AuditSince calls fn with every audit event at or after since, oldest
// first, reading in batches.
func (s *Store) AuditSince(ctx context.Context, since time.Time, fn func(*AuditEvent) error) error {
	var batch []AuditEvent
	var ferr error
	err := s.R.WithContext(ctx).Where("at >= ?", since.UTC()).Order("id").
		FindInBatches(&batch, 500, func(tx *gorm.DB, _ int) error {
			for i := range batch {
				if ferr = fn(&batch[i]); ferr != nil {
					return ferr
				}
			}
			return nil
		}).Error
	if ferr != nil {
		return ferr
	}
	return err
}
