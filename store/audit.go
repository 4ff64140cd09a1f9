package store

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"gorm.io/gorm"
)

// AuditEvent is one write that succeeded through an API: who made it, when,
// which operation on which record, and for updates the names of the fields
// sent. Rows are only ever appended.
type AuditEvent struct {
	ID uint `gorm:"primaryKey;autoIncrement" json:"id"`
	// At is when the write committed, or, for a row written after the
	// write (see AuditSlot), when it was answered (UTC).
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

// An AuditSlot is the audit row of one API request, carried by the
// request's context (WithAuditSlot) to the store's writes: the first of
// them that succeeds writes the row in its own savepoint, so the write and
// its row are committed together or not at all, without a commit of their
// own for the row. The server fills Event before its handler runs.
type AuditSlot struct {
	// Event is the row but for its time, caller and created records.
	Event AuditEvent
	// User names the caller from the context of the write; nil: anonymous.
	User func(ctx context.Context) (id *uint, email string)
	// Creates says the operation creates records: the row then waits for
	// a write that names them (NoteCreated), and one that does not, writes
	// none.
	Creates bool

	mu      sync.Mutex
	created []string
	pending bool // inserted by a write not yet committed
	written bool
}

type auditSlotKey struct{}

// WithAuditSlot returns ctx carrying a.
func WithAuditSlot(ctx context.Context, a *AuditSlot) context.Context {
	return context.WithValue(ctx, auditSlotKey{}, a)
}

func auditSlotOf(ctx context.Context) *AuditSlot {
	a, _ := ctx.Value(auditSlotKey{}).(*AuditSlot)
	return a
}

// NoteCreated names the records that the write running for ctx's request
// creates, the ids its answer gives, in order; each call replaces the
// last (a write that PostgreSQL runs again makes new ids).
func NoteCreated(ctx context.Context, ids ...string) {
	if a := auditSlotOf(ctx); a != nil {
		a.mu.Lock()
		a.created = ids
		a.mu.Unlock()
	}
}

// Written reports whether a write committed the row.
func (a *AuditSlot) Written() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.written
}

// withAuditRow returns fn followed by the insert of the audit row of ctx's
// request, when it has one still to write (see AuditSlot), and a function
// to call with the write's result.
func withAuditRow(ctx context.Context, fn func(tx *gorm.DB) error) (func(tx *gorm.DB) error, func(error)) {
	a := auditSlotOf(ctx)
	if a == nil {
		return fn, func(error) {}
	}
	run := func(tx *gorm.DB) error {
		a.mu.Lock()
		a.pending = false
		a.mu.Unlock()
		if err := fn(tx); err != nil {
			return err
		}
		return a.insert(ctx, tx)
	}
	done := func(err error) {
		a.mu.Lock()
		a.written = a.written || (err == nil && a.pending)
		a.pending = false
		a.mu.Unlock()
	}
	return run, done
}

// insertAuditSQL is the row's insert, run on the transaction's
// connection as it is: through GORM's Exec, parsing it and building the
// statement again was a third of the insert's cost (about 10 µs per
// write). insertAuditSQLPostgres is the same with PostgreSQL's
// placeholders.
const (
	insertAuditSQL = `INSERT INTO audit_events (at, user_id, user_email, api, operation, method, route,
record_id, created, fields, status, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertAuditSQLPostgres = `INSERT INTO audit_events (at, user_id, user_email, api, operation, method, route,
record_id, created, fields, status, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
)

func (a *AuditSlot) insert(ctx context.Context, tx *gorm.DB) error {
	a.mu.Lock()
	created, skip := a.created, a.written || (a.Creates && len(a.created) == 0)
	a.mu.Unlock()
	if skip {
		return nil
	}
	ev := a.Event
	ev.At = tx.NowFunc().UTC()
	if a.User != nil {
		ev.UserID, ev.UserEmail = a.User(ctx)
	}
	if created == nil {
		created = []string{}
	} else if ev.RecordID == "" {
		ev.RecordID = created[0]
	}
	list, err := json.Marshal(created)
	if err != nil {
		return err
	}
	if ev.Fields == "" {
		ev.Fields = "[]"
	}
	text := insertAuditSQL
	if tx.Dialector.Name() == "postgres" {
		text = insertAuditSQLPostgres
	}
	if _, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, text, ev.At, ev.UserID, ev.UserEmail,
		ev.API, ev.Operation, ev.Method, ev.Route, ev.RecordID, string(list), ev.Fields, ev.Status, ev.RequestID); err != nil {
		return err
	}
	a.mu.Lock()
	a.pending = true
	a.mu.Unlock()
	return nil
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
