package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NewAtlasAnnotation is the input of CreateAtlasAnnotation.
type NewAtlasAnnotation struct {
	AttachmentID string
	Text         string
	// AnchorStart and AnchorEnd are both set or both nil.
	AnchorStart, AnchorEnd *int64
}

// CreateAtlasAnnotation adds author's note to an attachment they may see
// (see AtlasAttachments). An attachment they may not see is a
// ValidationError naming attachment_id; an anchor that is not a range
// within the file one naming anchor.
func (s *Store) CreateAtlasAnnotation(ctx context.Context, author *User, in NewAtlasAnnotation) (*AtlasAnnotation, error) {
	n := &AtlasAnnotation{
		ID:           uuid.NewString(),
		AttachmentID: in.AttachmentID,
		Text:         in.Text,
		AnchorStart:  in.AnchorStart,
		AnchorEnd:    in.AnchorEnd,
		CreatedByID:  author.ID,
		CreatedBy:    author.Email,
		CreatedAt:    atlasNow(),
	}
	err := s.Write(ctx, func(tx *gorm.DB) error {
		a, err := readableAtlasAttachment(tx, author.ID, in.AttachmentID)
		if errors.Is(err, ErrNotFound) {
			return Invalid("attachment_id", "No such attachment.")
		}
		if err != nil {
			return err
		}
		if (in.AnchorStart == nil) != (in.AnchorEnd == nil) {
			return Invalid("anchor", "Give both start and end, or no anchor.")
		}
		if in.AnchorStart != nil && (*in.AnchorStart > *in.AnchorEnd || *in.AnchorEnd > a.Size) {
			return Invalid("anchor", "The range must have start <= end <= the file's size.")
		}
		return tx.Omit(clause.Associations).Create(n).Error
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// AtlasAnnotations returns one page of the annotations on attachment
// attachmentID, oldest first (ties broken by id), and their total number.
// userID must be able to see the attachment, else ErrNotFound.
func (s *Store) AtlasAnnotations(ctx context.Context, userID uint, attachmentID string, limit, offset int) ([]AtlasAnnotation, int64, error) {
	db := s.R.WithContext(ctx)
	if _, err := readableAtlasAttachment(db, userID, attachmentID); err != nil {
		return nil, 0, err
	}
	var total int64
	if err := db.Model(&AtlasAnnotation{}).Where("attachment_id = ?", attachmentID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	list := []AtlasAnnotation{}
	err := db.Where("attachment_id = ?", attachmentID).Order("created_at").Order("id").
		Limit(limit).Offset(offset).Find(&list).Error
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}
