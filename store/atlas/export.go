package atlas

import (
	"context"
	"io"

	"github.com/sessionhub/sessionhub/store"
)

// OpenExportedAttachment returns the attachment id and its bytes, open
// for reading, for a download whose export URL the caller has verified (no
// user is involved). A deleted attachment is ErrNotFound. The caller
// closes the file.
func (s *Store) OpenExportedAttachment(ctx context.Context, id string) (*Attachment, io.ReadSeekCloser, error) {
	var a Attachment
	if err := s.core.R.WithContext(ctx).Where("id = ?", id).Take(&a).Error; err != nil {
		return nil, nil, store.NotFound(err)
	}
	f, err := s.core.Blobs().Open(ctx, a.ID)
	if err != nil {
		return nil, nil, err
	}
	return &a, f, nil
}
