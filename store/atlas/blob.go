package atlas

import (
	"context"
	"io"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sessionhub/sessionhub/store"
)

// NewAttachment is one staged file to turn into an attachment.
type NewAttachment struct {
	Name string
	Type string
	Blob *store.StagedBlob
}

// AddAttachments turns staged files into attachments of ownerID's
// session sessionID, uploaded by uploader, in one transaction: either every
// file becomes an attachment or none does (and no file is left behind by
// this call; the caller still Discards its staged blobs). On PostgreSQL the
// transaction may run more than once (Write): committing a blob twice is
// harmless, and the blobs are marked committed only once it has succeeded.
func (s *Store) AddAttachments(ctx context.Context, uploader *store.User, sessionID string, files []NewAttachment) ([]Attachment, error) {
	atts := make([]Attachment, len(files))
	staged := make([]*store.StagedBlob, len(files))
	ids := make([]string, len(files))
	for i, f := range files {
		staged[i], ids[i] = f.Blob, f.Blob.ID()
	}
	store.NoteCreated(ctx, ids...)
	var moved []string
	err := s.core.Write(ctx, func(tx *gorm.DB) error {
		if _, err := ownedSession(tx, uploader.ID, sessionID); err != nil {
			return err
		}
		t := atlasNow()
		for i, f := range files {
			src := sessionID
			atts[i] = Attachment{
				ID: f.Blob.ID(), Name: f.Name, Type: f.Type,
				SourceSessionID: &src, CreatedByID: uploader.ID, CreatedBy: uploader.Email,
				CreatedAt: t, IsVisible: true, Size: f.Blob.Size, SHA256: f.Blob.SHA256,
			}
			if err := tx.Omit(clause.Associations).Create(&atts[i]).Error; err != nil {
				return err
			}
			link := SessionAttachment{SessionID: sessionID, AttachmentID: atts[i].ID}
			if err := tx.Omit(clause.Associations).Create(&link).Error; err != nil {
				return err
			}
		}
		// The blobs last, so a failure rolls the rows back; moved keeps
		// every blob any attempt committed.
		return s.core.CommitBlobs(ctx, tx, staged, func(id string) { moved = append(moved, id) })
	})
	if err != nil {
		s.core.RemoveBlobs(moved)
		return nil, err
	}
	s.core.BlobsCommitted(staged)
	return atts, nil
}

// OpenAttachment returns the attachment attachmentID of ownerID's
// session sessionID and its bytes, open for reading with Seek (ranges).
// The caller closes the blob.
func (s *Store) OpenAttachment(ctx context.Context, ownerID uint, sessionID, attachmentID string) (*Attachment, io.ReadSeekCloser, error) {
	var a Attachment
	err := s.core.R.WithContext(ctx).
		Joins("JOIN atlas_session_attachments l ON l.attachment_id = atlas_attachments.id").
		Joins("JOIN atlas_sessions s ON s.id = l.session_id").
		Where("l.session_id = ? AND l.attachment_id = ? AND s.owner_id = ?", sessionID, attachmentID, ownerID).
		Take(&a).Error
	if err != nil {
		return nil, nil, store.NotFound(err)
	}
	// ErrNotFound when deleted since the query: as good as never there.
	f, err := s.core.Blobs().Open(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	return &a, f, nil
}
