package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// AtlasAttachmentFilter narrows AtlasAttachments. Zero fields do not filter.
type AtlasAttachmentFilter struct {
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

// AtlasAttachmentPatch is the input of UpdateAtlasAttachment. Fields whose
// Set flag is false (or that are nil, for IsVisible) stay unchanged; a Set
// field with a nil value is cleared.
type AtlasAttachmentPatch struct {
	SetTitle       bool
	Title          *string
	SetDescription bool
	Description    *string
	SetCitation    bool
	Citation       *string
	IsVisible      *bool
}

// readableAtlasAttachments restricts db to the attachments userID may see:
// those they uploaded and those linked into one of their sessions.
func readableAtlasAttachments(db *gorm.DB, userID uint) *gorm.DB {
	return db.Where("atlas_attachments.created_by_id = ? OR EXISTS (SELECT 1 FROM atlas_session_attachments l JOIN atlas_sessions s ON s.id = l.session_id WHERE l.attachment_id = atlas_attachments.id AND s.owner_id = ?)", userID, userID)
}

// AtlasAttachments returns one page of the attachments userID may see that
// match f, newest first (ties broken by id), and how many match in all.
func (s *Store) AtlasAttachments(ctx context.Context, userID uint, f AtlasAttachmentFilter, limit, offset int) ([]AtlasAttachment, int64, error) {
	q := readableAtlasAttachments(s.R.WithContext(ctx).Model(&AtlasAttachment{}), userID)
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
	list := []AtlasAttachment{}
	err := q.Session(&gorm.Session{}).Order("atlas_attachments.created_at DESC").Order("atlas_attachments.id DESC").
		Limit(limit).Offset(offset).Find(&list).Error
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// AtlasAttachment returns the attachment id if userID may see it (see
// AtlasAttachments); else ErrNotFound.
func (s *Store) AtlasAttachment(ctx context.Context, userID uint, id string) (*AtlasAttachment, error) {
	return readableAtlasAttachment(s.R.WithContext(ctx), userID, id)
}

// UpdateAtlasAttachment applies p to the attachment id, which userID must
// be able to see (else ErrNotFound). precondition, when not nil, is called
// with the attachment as it is before the change, in the same transaction;
// its error aborts the update and is returned.
func (s *Store) UpdateAtlasAttachment(ctx context.Context, userID uint, id string, p AtlasAttachmentPatch, precondition func(*AtlasAttachment) error) (*AtlasAttachment, error) {
	var a *AtlasAttachment
	err := s.Write(ctx, func(tx *gorm.DB) error {
		var err error
		if a, err = readableAtlasAttachment(tx, userID, id); err != nil {
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
