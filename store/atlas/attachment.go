package atlas

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// AttachmentFilter narrows Attachments. Zero fields do not filter.
type AttachmentFilter struct {
	// SessionID keeps attachments linked into this session, which must be
	// one of the caller's (another user's session matches nothing).
	SessionID string
	// Type keeps attachments of exactly this media type.
	Type string
	// CreatedAfter keeps attachments created at or after it.
	CreatedAfter *time.Time
	// CreatedBefore keeps attachments created strictly before it.
	CreatedBefore *time.Time
}

// AttachmentPatch is the input of UpdateAttachment. Fields whose
// Set flag is false (or that are nil, for IsVisible) stay unchanged; a Set
// field with a nil value is cleared.
type AttachmentPatch struct {
	SetTitle       bool
	Title          *string
	SetDescription bool
	Description    *string
	SetCitation    bool
	Citation       *string
	IsVisible      *bool
}

// readableAttachments restricts db to the attachments userID may see:
// those they uploaded and those linked into one of their sessions.
func readableAttachments(db *gorm.DB, userID uint) *gorm.DB {
	return db.Where("atlas_attachments.created_by_id = ? OR EXISTS (SELECT 1 FROM atlas_session_attachments l JOIN atlas_sessions s ON s.id = l.session_id WHERE l.attachment_id = atlas_attachments.id AND s.owner_id = ?)", userID, userID)
}

// Attachments returns one page of the attachments userID may see that
// match f, newest first (ties broken by id), and how many match in all.
func (s *Store) Attachments(ctx context.Context, userID uint, f AttachmentFilter, limit, offset int) ([]Attachment, int64, error) {
	q := readableAttachments(s.core.R.WithContext(ctx).Model(&Attachment{}), userID)
	if f.SessionID != "" {
		q = q.Where("EXISTS (SELECT 1 FROM atlas_session_attachments l JOIN atlas_sessions s ON s.id = l.session_id WHERE l.attachment_id = atlas_attachments.id AND l.session_id = ? AND s.owner_id = ?)", f.SessionID, userID)
	}
	if f.Type != "" {
		q = q.Where("atlas_attachments.type = ?", f.Type)
	}
	if f.CreatedAfter != nil {
		q = q.Where("atlas_attachments.created_at >= ?", f.CreatedAfter.UTC())
	}
	if f.CreatedBefore != nil {
		q = q.Where("atlas_attachments.created_at < ?", f.CreatedBefore.UTC())
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	list := []Attachment{}
	err := q.Session(&gorm.Session{}).Order("atlas_attachments.created_at DESC").Order("atlas_attachments.id DESC").
		Limit(limit).Offset(offset).Find(&list).Error
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// Attachment returns the attachment id if userID may see it (see
// Attachments); else store.ErrNotFound.
func (s *Store) Attachment(ctx context.Context, userID uint, id string) (*Attachment, error) {
	return readableAttachment(s.core.R.WithContext(ctx), userID, id)
}

// UpdateAttachment applies p to the attachment id, which userID must
// be able to see (else store.ErrNotFound). precondition, when not nil, is called
// with the attachment as it is before the change, in the same transaction;
// its error aborts the update and is returned.
func (s *Store) UpdateAttachment(ctx context.Context, userID uint, id string, p AttachmentPatch, precondition func(*Attachment) error) (*Attachment, error) {
	var a *Attachment
	err := s.core.Write(ctx, func(tx *gorm.DB) error {
		var err error
		if a, err = readableAttachment(tx, userID, id); err != nil {
			return err
		}
		if precondition != nil {
			if err := precondition(a); err != nil {
				return err
			}
		}
		if p.SetTitle {
			a.Title = p.Title
		}
		if p.SetDescription {
			a.Description = p.Description
		}
		if p.SetCitation {
			a.Citation = p.Citation
		}
		if p.IsVisible != nil {
			a.IsVisible = *p.IsVisible
		}
		return tx.Model(a).Select("title", "description", "citation", "is_visible").Updates(map[string]any{
			"title": a.Title, "description": a.Description, "citation": a.Citation, "is_visible": a.IsVisible,
		}).Error
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
