package atlas

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/sessionhub/sessionhub/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NewAnnotation is the input of CreateAnnotation.
type NewAnnotation struct {
	AttachmentID string
	Text         string
	// AnchorStart and AnchorEnd are both set or both nil.
	AnchorStart, AnchorEnd *int64
}

// CreateAnnotation adds author's note to an attachment they may see
// (see Attachments). An attachment they may not see is a
// store.ValidationError naming attachment_id; an anchor that is not a range
// within the file one naming anchor.
func (s *Store) CreateAnnotation(ctx context.Context, author *store.User, in NewAnnotation) (*Annotation, error) {
	n := &Annotation{
		ID:           uuid.NewString(),
		AttachmentID: in.AttachmentID,
		Text:         in.Text,
		AnchorStart:  in.AnchorStart,
		AnchorEnd:    in.AnchorEnd,
		CreatedByID:  author.ID,
		CreatedBy:    author.Email,
		CreatedAt:    atlasNow(),
	}
	store.NoteCreated(ctx, n.ID)
	err := s.core.Write(ctx, func(tx *gorm.DB) error {
		a, err := readableAttachment(tx, author.ID, in.AttachmentID)
		if errors.Is(err, store.ErrNotFound) {
			return store.Invalid("attachment_id", "No such attachment.")
		}
		if err != nil {
			return err
		}
		if (in.AnchorStart == nil) != (in.AnchorEnd == nil) {
			return store.Invalid("anchor", "Give both start and end, or no anchor.")
		}
		if in.AnchorStart != nil && (*in.AnchorStart > *in.AnchorEnd || *in.AnchorEnd > a.Size) {
			return store.Invalid("anchor", "The range must have start <= end <= the file's size.")
		}
		return tx.Omit(clause.Associations).Create(n).Error
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// Annotations returns one page of the annotations on attachment
// attachmentID, oldest first (ties broken by id), and their total number.
// userID must be able to see the attachment, else store.ErrNotFound.
func (s *Store) Annotations(ctx context.Context, userID uint, attachmentID string, limit, offset int) ([]Annotation, int64, error) {
	db := s.core.R.WithContext(ctx)
	if _, err := readableAttachment(db, userID, attachmentID); err != nil {
		return nil, 0, err
	}
	var total int64
	if err := db.Model(&Annotation{}).Where("attachment_id = ?", attachmentID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	list := []Annotation{}
	err := db.Where("attachment_id = ?", attachmentID).Order("created_at").Order("id").
		Limit(limit).Offset(offset).Find(&list).Error
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}
