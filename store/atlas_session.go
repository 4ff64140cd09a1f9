package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DefaultAtlasSessionTitle is the title of a session created without one.
const DefaultAtlasSessionTitle = "New Atlas session"

// NewAtlasSession is the input of CreateAtlasSession.
type NewAtlasSession struct {
	// Title defaults to DefaultAtlasSessionTitle when nil.
	Title *string
	// AttachmentIDs are existing attachments to link into the new session.
	// Each must be readable by the owner (see CreateAtlasSession).
	AttachmentIDs []string
}

// AtlasSessionPatch is the input of UpdateAtlasSession. Fields whose Set
// flag is false (or that are nil, for Starred) stay unchanged.
type AtlasSessionPatch struct {
	SetTitle       bool
	Title          *string
	SetDescription bool
	Description    *string
	Starred        *bool
}

// atlasNow is the Atlas tables' clock: UTC, microsecond precision (what SQLite keeps).
func atlasNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// CreateAtlasSession creates a session owned by owner and links the given
// attachments into it, all in one transaction. An attachment is readable
// when the owner uploaded it or it is linked to one of the owner's
// sessions; any other id gives a ValidationError naming
// attachments[i].attachment_id and nothing is created.
func (s *Store) CreateAtlasSession(ctx context.Context, owner *User, in NewAtlasSession) (*AtlasSession, []AtlasAttachment, error) {
	title := DefaultAtlasSessionTitle
	if in.Title != nil {
		title = *in.Title
	}
	sess := &AtlasSession{
		ID:        uuid.NewString(),
		OwnerID:   owner.ID,
		Title:     &title,
		CreatedBy: owner.Email,
		CreatedAt: atlasNow(),
	}
	var atts []AtlasAttachment
	err := s.Write(ctx, func(tx *gorm.DB) error {
		atts = atts[:0] // from the start when PostgreSQL runs it again
		verr := &ValidationError{Fields: map[string][]string{}}
		seen := map[string]bool{}
		for i, id := range in.AttachmentIDs {
			field := fmt.Sprintf("attachments[%d].attachment_id", i)
			if seen[id] {
				verr.Fields[field] = append(verr.Fields[field], "Duplicate attachment.")
				continue
			}
			seen[id] = true
			a, err := readableAtlasAttachment(tx, owner.ID, id)
			if errors.Is(err, ErrNotFound) {
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
			if err := tx.Omit(clause.Associations).Create(&AtlasSessionAttachment{SessionID: sess.ID, AttachmentID: a.ID}).Error; err != nil {
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

// readableAtlasAttachment finds an attachment that userID uploaded or that
// is linked to one of userID's sessions.
func readableAtlasAttachment(db *gorm.DB, userID uint, id string) (*AtlasAttachment, error) {
	var a AtlasAttachment
	err := db.Where("id = ?", id).
		Where("created_by_id = ? OR EXISTS (SELECT 1 FROM atlas_session_attachments l JOIN atlas_sessions s ON s.id = l.session_id WHERE l.attachment_id = atlas_attachments.id AND s.owner_id = ?)", userID, userID).
		Take(&a).Error
	if err != nil {
		return nil, NotFound(err)
	}
	return &a, nil
}

// AtlasSessions returns one page of ownerID's sessions, newest first (ties
// broken by id), and the total number of their sessions.
func (s *Store) AtlasSessions(ctx context.Context, ownerID uint, limit, offset int) ([]AtlasSession, int64, error) {
	db := s.R.WithContext(ctx)
	var total int64
	if err := db.Model(&AtlasSession{}).Where("owner_id = ?", ownerID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var list []AtlasSession
	err := db.Where("owner_id = ?", ownerID).
		Order("created_at DESC").Order("id DESC").
		Limit(limit).Offset(offset).Find(&list).Error
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// AtlasSession returns ownerID's session id with its attachments (in the
// order they were linked). Another user's session is ErrNotFound.
func (s *Store) AtlasSession(ctx context.Context, ownerID uint, id string) (*AtlasSession, []AtlasAttachment, error) {
	// The hot read: one prepared statement scanned by hand (no GORM
	// reflection), which also tells whether the attachments query is
	// needed at all.
	var sess AtlasSession
	var hasAttachments bool
	err := s.atlasSessionStmt.QueryRowContext(ctx, id, ownerID).Scan(&sess.ID, &sess.OwnerID,
		&sess.Title, &sess.Description, &sess.CreatedBy, &sess.CreatedAt, &sess.StarredAt, &hasAttachments)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	if !hasAttachments {
		return &sess, []AtlasAttachment{}, nil
	}
	atts, err := atlasSessionAttachments(s.R.WithContext(ctx), id)
	if err != nil {
		return nil, nil, err
	}
	return &sess, atts, nil
}

// atlasSessionQuery is AtlasSession's statement: the columns of
// AtlasSession in field order, and whether any attachment is linked.
// Numbered parameters: SQLite binds them in order, PostgreSQL needs them.
const atlasSessionQuery = `SELECT id, owner_id, title, description, created_by, created_at, starred_at,
	EXISTS (SELECT 1 FROM atlas_session_attachments l WHERE l.session_id = atlas_sessions.id)
	FROM atlas_sessions WHERE id = $1 AND owner_id = $2`

func ownedAtlasSession(db *gorm.DB, ownerID uint, id string) (*AtlasSession, error) {
	var sess AtlasSession
	if err := db.Where("id = ? AND owner_id = ?", id, ownerID).Take(&sess).Error; err != nil {
		return nil, NotFound(err)
	}
	return &sess, nil
}

func atlasSessionAttachments(db *gorm.DB, sessionID string) ([]AtlasAttachment, error) {
	atts := []AtlasAttachment{}
	err := db.Joins("JOIN atlas_session_attachments l ON l.attachment_id = atlas_attachments.id").
		Where("l.session_id = ?", sessionID).Order("l.id").Find(&atts).Error
	return atts, err
}

// AtlasSessionPrecondition is checked in the transaction of a change to a
// session, with the session and its attachments as they are before it; its
// error aborts the change and is returned (an If-Match that fails).
type AtlasSessionPrecondition func(*AtlasSession, []AtlasAttachment) error

// checkAtlasSession runs pre, if any, on session id as it is in tx.
func checkAtlasSession(tx *gorm.DB, sess *AtlasSession, pre AtlasSessionPrecondition) error {
	if pre == nil {
		return nil
	}
	atts, err := atlasSessionAttachments(tx, sess.ID)
	if err != nil {
		return err
	}
	return pre(sess, atts)
}

// UpdateAtlasSession applies p to ownerID's session id and returns the
// result with its attachments. Starring a starred session keeps its
// StarredAt; unstarring clears it. pre may be nil.
func (s *Store) UpdateAtlasSession(ctx context.Context, ownerID uint, id string, p AtlasSessionPatch, pre AtlasSessionPrecondition) (*AtlasSession, []AtlasAttachment, error) {
	var sess *AtlasSession
	var atts []AtlasAttachment
	err := s.Write(ctx, func(tx *gorm.DB) error {
		var err error
		if sess, err = ownedAtlasSession(tx, ownerID, id); err != nil {
			return err
		}
		if err := checkAtlasSession(tx, sess, pre); err != nil {
			return err
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
		err = tx.Model(sess).Select("title", "description", "starred_at").Updates(map[string]any{
			"title": sess.Title, "description": sess.Description, "starred_at": sess.StarredAt,
		}).Error
		if err != nil {
			return err
		}
		atts, err = atlasSessionAttachments(tx, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return sess, atts, nil
}

// DeleteAtlasSession deletes ownerID's session id. Its attachments that no
// other session links to are deleted too; their bytes are removed after the
// transaction commits. pre may be nil.
func (s *Store) DeleteAtlasSession(ctx context.Context, ownerID uint, id string, pre AtlasSessionPrecondition) error {
	var orphans []string
	err := s.Write(ctx, func(tx *gorm.DB) error {
		sess, err := ownedAtlasSession(tx, ownerID, id)
		if err != nil {
			return err
		}
		if err := checkAtlasSession(tx, sess, pre); err != nil {
			return err
		}
		err = tx.Model(&AtlasSessionAttachment{}).Where("session_id = ?", id).
			Where("NOT EXISTS (SELECT 1 FROM atlas_session_attachments o WHERE o.attachment_id = atlas_session_attachments.attachment_id AND o.session_id <> ?)", id).
			Pluck("attachment_id", &orphans).Error
		if err != nil {
			return err
		}
		if err := tx.Where("session_id = ?", id).Delete(&AtlasSessionAttachment{}).Error; err != nil {
			return err
		}
		if len(orphans) > 0 {
			if err := tx.Where("id IN ?", orphans).Delete(&AtlasAttachment{}).Error; err != nil {
				return err
			}
		}
		return tx.Where("id = ?", id).Delete(&AtlasSession{}).Error
	})
	if err != nil {
		return err
	}
	s.removeAtlasBlobs(orphans)
	return nil
}

// RemoveAtlasAttachment unlinks attachmentID from ownerID's session
// sessionID. When no session links to it any more, the attachment is
// deleted and its bytes removed after the transaction commits. pre, when
// not nil, is called with the attachment in the same transaction; its
// error aborts the removal and is returned.
func (s *Store) RemoveAtlasAttachment(ctx context.Context, ownerID uint, sessionID, attachmentID string, pre func(*AtlasAttachment) error) error {
	orphan := false
	err := s.Write(ctx, func(tx *gorm.DB) error {
		if _, err := ownedAtlasSession(tx, ownerID, sessionID); err != nil {
			return err
		}
		if pre != nil {
			var a AtlasAttachment
			if err := tx.Where("id = ?", attachmentID).Take(&a).Error; err != nil {
				return NotFound(err)
			}
			if err := pre(&a); err != nil {
				return err
			}
		}
		res := tx.Where("session_id = ? AND attachment_id = ?", sessionID, attachmentID).Delete(&AtlasSessionAttachment{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		var links int64
		if err := tx.Model(&AtlasSessionAttachment{}).Where("attachment_id = ?", attachmentID).Count(&links).Error; err != nil {
			return err
		}
		if links > 0 {
			return nil
		}
		orphan = true
		return tx.Where("id = ?", attachmentID).Delete(&AtlasAttachment{}).Error
	})
	if err != nil {
		return err
	}
	if orphan {
		s.removeAtlasBlobs([]string{attachmentID})
	}
	return nil
}

// CheckAtlasSession returns ErrNotFound unless ownerID has the session id.
func (s *Store) CheckAtlasSession(ctx context.Context, ownerID uint, id string) error {
	_, err := ownedAtlasSession(s.R.WithContext(ctx), ownerID, id)
	return err
}
