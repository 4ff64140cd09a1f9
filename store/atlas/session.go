package atlas

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/sessionhub/sessionhub/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DefaultSessionTitle is the title of a session created without one.
const DefaultSessionTitle = "New Atlas session"

// NewSession is the input of CreateSession.
type NewSession struct {
	// Title defaults to DefaultSessionTitle when nil.
	Title *string
	// AttachmentIDs are existing attachments to link into the new session.
	// Each must be readable by the owner (see CreateSession).
	AttachmentIDs []string
}

// SessionPatch is the input of UpdateSession. Fields whose Set
// flag is false (or that are nil, for Starred) stay unchanged.
type SessionPatch struct {
	SetTitle       bool
	Title          *string
	SetDescription bool
	Description    *string
	Starred        *bool
}

// atlasNow is the Atlas tables' clock: UTC, microsecond precision (what SQLite keeps).
func atlasNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// SessionTag is the read-cache tag of session id (store.Store.CachedTagged):
// its owner's view of it with its attachments. Creating and updating a
// session change nothing else a tagged answer reads; every other write
// of Atlas records drops every cached answer.
func SessionTag(id string) string { return "atlas/session/" + id }

// CreateSession creates a session owned by owner and links the given
// attachments into it, all in one transaction. An attachment is readable
// when the owner uploaded it or it is linked to one of the owner's
// sessions; any other id gives a store.ValidationError naming
// attachments[i].attachment_id and nothing is created.
func (s *Store) CreateSession(ctx context.Context, owner *store.User, in NewSession) (*Session, []Attachment, error) {
	title := DefaultSessionTitle
	if in.Title != nil {
		title = *in.Title
	}
	sess := &Session{
		ID:        uuid.NewString(),
		OwnerID:   owner.ID,
		Title:     &title,
		CreatedBy: owner.Email,
		CreatedAt: atlasNow(),
	}
	var atts []Attachment
	store.NoteCreated(ctx, sess.ID)
	err := s.core.WriteTagged(ctx, []string{SessionTag(sess.ID)}, func(tx *gorm.DB) error {
		atts = atts[:0] // from the start when PostgreSQL runs it again
		verr := &store.ValidationError{Fields: map[string][]string{}}
		seen := map[string]bool{}
		for i, id := range in.AttachmentIDs {
			field := fmt.Sprintf("attachments[%d].attachment_id", i)
			if seen[id] {
				verr.Fields[field] = append(verr.Fields[field], "Duplicate attachment.")
				continue
			}
			seen[id] = true
			a, err := readableAttachment(tx, owner.ID, id)
			if errors.Is(err, store.ErrNotFound) {
				verr.Fields[field] = append(verr.Fields[field], "No such attachment.")
				continue
			}
			if err != nil {
				return err
			}
			atts = append(atts, *a)
		}
		if len(verr.Fields) > 0 {
			return verr
		}
		if err := tx.Omit(clause.Associations).Create(sess).Error; err != nil {
			return err
		}
		for _, a := range atts {
			if err := tx.Omit(clause.Associations).Create(&SessionAttachment{SessionID: sess.ID, AttachmentID: a.ID}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return sess, atts, nil
}

// readableAttachment finds an attachment that userID uploaded or that
// is linked to one of userID's sessions.
func readableAttachment(db *gorm.DB, userID uint, id string) (*Attachment, error) {
	var a Attachment
	err := db.Where("id = ?", id).
		Where("created_by_id = ? OR EXISTS (SELECT 1 FROM atlas_session_attachments l JOIN atlas_sessions s ON s.id = l.session_id WHERE l.attachment_id = atlas_attachments.id AND s.owner_id = ?)", userID, userID).
		Take(&a).Error
	if err != nil {
		return nil, store.NotFound(err)
	}
	return &a, nil
}

// Sessions returns one page of ownerID's sessions, newest first (ties
// broken by id), and the total number of their sessions.
func (s *Store) Sessions(ctx context.Context, ownerID uint, limit, offset int) ([]Session, int64, error) {
	db := s.core.R.WithContext(ctx)
	var total int64
	if err := db.Model(&Session{}).Where("owner_id = ?", ownerID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var list []Session
	err := db.Where("owner_id = ?", ownerID).
		Order("created_at DESC").Order("id DESC").
		Limit(limit).Offset(offset).Find(&list).Error
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// Session returns ownerID's session id with its attachments (in the
// order they were linked). Another user's session is store.ErrNotFound.
func (s *Store) Session(ctx context.Context, ownerID uint, id string) (*Session, []Attachment, error) {
	// The hot read: one prepared statement scanned by hand (no GORM
	// reflection), which also tells whether the attachments query is
	// needed at all.
	stmt, err := s.core.Prepared(atlasSessionQuery)
	if err != nil {
		return nil, nil, err
	}
	sess, hasAttachments, err := scanSession(stmt.QueryRowContext(ctx, id, ownerID))
	if err != nil || !hasAttachments {
		return sess, []Attachment{}, err
	}
	atts, err := atlasSessionAttachments(s.core.R.WithContext(ctx), id)
	if err != nil {
		return nil, nil, err
	}
	return sess, atts, nil
}

// scanSession scans a row of atlasSessionQuery; store.ErrNotFound when
// there is none.
func scanSession(row *sql.Row) (*Session, bool, error) {
	var sess Session
	var hasAttachments bool
	err := row.Scan(&sess.ID, &sess.OwnerID,
		&sess.Title, &sess.Description, &sess.CreatedBy, &sess.CreatedAt, &sess.StarredAt, &hasAttachments)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, store.ErrNotFound
	}
	if err != nil {
		return nil, false, err
	}
	return &sess, hasAttachments, nil
}

// ownedSessionIn is ownedSession with its attachments, in a write's
// transaction: atlasSessionQuery on the writer's cached statement, and the
// attachments query only when there are any.
func ownedSessionIn(tx *gorm.DB, ownerID uint, id string) (*Session, []Attachment, error) {
	sess, hasAttachments, err := scanSession(tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, atlasSessionQuery, id, ownerID))
	if err != nil || !hasAttachments {
		return sess, []Attachment{}, err
	}
	atts, err := atlasSessionAttachments(tx, id)
	if err != nil {
		return nil, nil, err
	}
	return sess, atts, nil
}

// atlasSessionQuery is Session's statement: the columns of
// Session in field order, and whether any attachment is linked.
// Numbered parameters: SQLite binds them in order, PostgreSQL needs them.
const atlasSessionQuery = `SELECT id, owner_id, title, description, created_by, created_at, starred_at,
	EXISTS (SELECT 1 FROM atlas_session_attachments l WHERE l.session_id = atlas_sessions.id)
	FROM atlas_sessions WHERE id = $1 AND owner_id = $2`

func ownedSession(db *gorm.DB, ownerID uint, id string) (*Session, error) {
	var sess Session
	if err := db.Where("id = ? AND owner_id = ?", id, ownerID).Take(&sess).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return &sess, nil
}

func atlasSessionAttachments(db *gorm.DB, sessionID string) ([]Attachment, error) {
	atts := []Attachment{}
	err := db.Joins("JOIN atlas_session_attachments l ON l.attachment_id = atlas_attachments.id").
		Where("l.session_id = ?", sessionID).Order("l.id").Find(&atts).Error
	return atts, err
}

// SessionPrecondition is checked in the transaction of a change to a
// session, with the session and its attachments as they are before it; its
// error aborts the change and is returned (an If-Match that fails).
type SessionPrecondition func(*Session, []Attachment) error

// checkSession runs pre, if any, on session id as it is in tx.
func checkSession(tx *gorm.DB, sess *Session, pre SessionPrecondition) error {
	if pre == nil {
		return nil
	}
	atts, err := atlasSessionAttachments(tx, sess.ID)
	if err != nil {
		return err
	}
	return pre(sess, atts)
}

// UpdateSession applies p to ownerID's session id and returns the
// result with its attachments. Starring a starred session keeps its
// StarredAt; unstarring clears it. pre may be nil.
func (s *Store) UpdateSession(ctx context.Context, ownerID uint, id string, p SessionPatch, pre SessionPrecondition) (*Session, []Attachment, error) {
	var sess *Session
	var atts []Attachment
	err := s.core.WriteTagged(ctx, []string{SessionTag(id)}, func(tx *gorm.DB) error {
		var err error
		// The attachments are read before the change; it changes none.
		if sess, atts, err = ownedSessionIn(tx, ownerID, id); err != nil {
			return err
		}
		if pre != nil {
			if err := pre(sess, atts); err != nil {
				return err
			}
		}
		if p.SetTitle {
			sess.Title = p.Title
		}
		if p.SetDescription {
			sess.Description = p.Description
		}
		if p.Starred != nil {
			switch {
			case *p.Starred && sess.StarredAt == nil:
				t := atlasNow()
				sess.StarredAt = &t
			case !*p.Starred:
				sess.StarredAt = nil
			}
		}
		return tx.Exec("UPDATE atlas_sessions SET title = ?, description = ?, starred_at = ? WHERE id = ?",
			sess.Title, sess.Description, sess.StarredAt, id).Error
	})
	if err != nil {
		return nil, nil, err
	}
	return sess, atts, nil
}

// DeleteSession deletes ownerID's session id. Its attachments that no
// other session links to are deleted too; their bytes are removed after the
// transaction commits. pre may be nil.
func (s *Store) DeleteSession(ctx context.Context, ownerID uint, id string, pre SessionPrecondition) error {
	var orphans []string
	err := s.core.Write(ctx, func(tx *gorm.DB) error {
		sess, err := ownedSession(tx, ownerID, id)
		if err != nil {
			return err
		}
		if err := checkSession(tx, sess, pre); err != nil {
			return err
		}
		err = tx.Model(&SessionAttachment{}).Where("session_id = ?", id).
			Where("NOT EXISTS (SELECT 1 FROM atlas_session_attachments o WHERE o.attachment_id = atlas_session_attachments.attachment_id AND o.session_id <> ?)", id).
			Pluck("attachment_id", &orphans).Error
		if err != nil {
			return err
		}
		if err := tx.Where("session_id = ?", id).Delete(&SessionAttachment{}).Error; err != nil {
			return err
		}
		if len(orphans) > 0 {
			if err := tx.Where("id IN ?", orphans).Delete(&Attachment{}).Error; err != nil {
				return err
			}
		}
		return tx.Where("id = ?", id).Delete(&Session{}).Error
	})
	if err != nil {
		return err
	}
	s.core.RemoveBlobs(orphans)
	return nil
}

// RemoveAttachment unlinks attachmentID from ownerID's session
// sessionID. When no session links to it any more, the attachment is
// deleted and its bytes removed after the transaction commits. pre, when
// not nil, is called with the attachment in the same transaction; its
// error aborts the removal and is returned.
func (s *Store) RemoveAttachment(ctx context.Context, ownerID uint, sessionID, attachmentID string, pre func(*Attachment) error) error {
	orphan := false
	err := s.core.Write(ctx, func(tx *gorm.DB) error {
		if _, err := ownedSession(tx, ownerID, sessionID); err != nil {
			return err
		}
		if pre != nil {
			var a Attachment
			if err := tx.Where("id = ?", attachmentID).Take(&a).Error; err != nil {
				return store.NotFound(err)
			}
			if err := pre(&a); err != nil {
				return err
			}
		}
		res := tx.Where("session_id = ? AND attachment_id = ?", sessionID, attachmentID).Delete(&SessionAttachment{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.ErrNotFound
		}
		var links int64
		if err := tx.Model(&SessionAttachment{}).Where("attachment_id = ?", attachmentID).Count(&links).Error; err != nil {
			return err
		}
		if links > 0 {
			return nil
		}
		orphan = true
		return tx.Where("id = ?", attachmentID).Delete(&Attachment{}).Error
	})
	if err != nil {
		return err
	}
	if orphan {
		s.core.RemoveBlobs([]string{attachmentID})
	}
	return nil
}

// CheckSession returns store.ErrNotFound unless ownerID has the session id.
func (s *Store) CheckSession(ctx context.Context, ownerID uint, id string) error {
	_, err := ownedSession(s.core.R.WithContext(ctx), ownerID, id)
	return err
}
