package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrAtlasBlobTooLarge means an uploaded file is larger than the limit.
var ErrAtlasBlobTooLarge = errors.New("store: file too large")

// atlasBlobDir holds the Atlas attachments' bytes, one file per attachment
// named by its id, and the temp files of uploads in progress.
func (s *Store) atlasBlobDir() string { return filepath.Join(s.BlobDir, "atlas") }

func (s *Store) atlasBlobPath(attachmentID string) string {
	return filepath.Join(s.atlasBlobDir(), attachmentID)
}

// StagedAtlasBlob is an uploaded file written to a temp file in the blob
// directory, not yet an attachment. Call Discard when done with it: after
// AddAtlasAttachments has taken it, Discard does nothing.
type StagedAtlasBlob struct {
	path   string
	Size   int64
	SHA256 string
	// Head is the first bytes of the file, for content sniffing.
	Head []byte
}

// Discard removes the temp file if it is still there.
func (b *StagedAtlasBlob) Discard() {
	if b != nil && b.path != "" {
		_ = os.Remove(b.path)
		b.path = ""
	}
}

// StageAtlasBlob streams r into a temp file in the blob directory, hashing
// it on the way, without holding more than a small buffer in memory. When r
// has more than maxBytes bytes it stops reading, removes the temp file and
// returns ErrAtlasBlobTooLarge.
func (s *Store) StageAtlasBlob(r io.Reader, maxBytes int64) (*StagedAtlasBlob, error) {
	s.stats.uploadsInFlight.Add(1)
	defer s.stats.uploadsInFlight.Add(-1)
	r = uploadReader{r, &s.stats}
	dir := s.atlasBlobDir()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, atlasTempPrefix+"*")
	if err != nil {
		return nil, err
	}
	b := &StagedAtlasBlob{path: f.Name()}
	head := &atlasHeadWriter{max: 512}
	n, sum, err := copyHashing(io.MultiWriter(f, head), io.LimitReader(r, maxBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxBytes {
		err = ErrAtlasBlobTooLarge
	}
	if err != nil {
		b.Discard()
		return nil, err
	}
	b.Size, b.SHA256, b.Head = n, hex.EncodeToString(sum), head.buf
	return b, nil
}

// copyHashBufs and copyHashBufSize bound copyHashing's memory: 4 x 256 KiB.
const (
	copyHashBufs    = 4
	copyHashBufSize = 256 << 10
)

// copyHashing copies r to w like io.Copy and returns the SHA-256 of the
// bytes. The hash runs in its own goroutine on buffers handed over from the
// copy loop, so hashing overlaps reading the request and writing the file
// instead of adding to them.
func copyHashing(w io.Writer, r io.Reader) (int64, []byte, error) {
	free := make(chan []byte, copyHashBufs)
	for range copyHashBufs {
		free <- make([]byte, copyHashBufSize)
	}
	work := make(chan []byte, copyHashBufs)
	sumc := make(chan []byte, 1)
	go func() {
		h := sha256.New()
		for b := range work {
			h.Write(b)
			free <- b[:cap(b)]
		}
		sumc <- h.Sum(nil)
	}()
	var n int64
	var err error
	for {
		buf := <-free
		m, rerr := io.ReadFull(r, buf)
		if m > 0 {
			if _, werr := w.Write(buf[:m]); werr != nil {
				err = werr
				free <- buf
				break
			}
			n += int64(m)
			work <- buf[:m]
		} else {
			free <- buf
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			err = rerr
			break
		}
	}
	close(work)
	return n, <-sumc, err
}

// atlasHeadWriter keeps the first max bytes written to it.
type atlasHeadWriter struct {
	buf []byte
	max int
}

func (w *atlasHeadWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// NewAtlasAttachment is one staged file to turn into an attachment.
type NewAtlasAttachment struct {
	Name string
	Type string
	Blob *StagedAtlasBlob
}

// AddAtlasAttachments turns staged files into attachments of ownerID's
// session sessionID, uploaded by uploader, in one transaction: either every
// file becomes an attachment or none does (and no file is left behind by
// this call; the caller still Discards its staged blobs).
func (s *Store) AddAtlasAttachments(ctx context.Context, uploader *User, sessionID string, files []NewAtlasAttachment) ([]AtlasAttachment, error) {
	atts := make([]AtlasAttachment, len(files))
	var moved []string
	err := s.write(ctx, func(tx *gorm.DB) error {
		if _, err := ownedAtlasSession(tx, uploader.ID, sessionID); err != nil {
			return err
		}
		t := atlasNow()
		for i, f := range files {
			src := sessionID
			atts[i] = AtlasAttachment{
				ID: uuid.NewString(), Name: f.Name, Type: f.Type,
				SourceSessionID: &src, CreatedByID: uploader.ID, CreatedBy: uploader.Email,
				CreatedAt: t, IsVisible: true, Size: f.Blob.Size, SHA256: f.Blob.SHA256,
			}
			if err := tx.Omit(clause.Associations).Create(&atts[i]).Error; err != nil {
				return err
			}
			link := AtlasSessionAttachment{SessionID: sessionID, AttachmentID: atts[i].ID}
			if err := tx.Omit(clause.Associations).Create(&link).Error; err != nil {
				return err
			}
		}
		// Move the bytes into place last, so a failure here rolls the rows back.
		for i, f := range files {
			dst := s.atlasBlobPath(atts[i].ID)
			if err := os.Rename(f.Blob.path, dst); err != nil {
				return fmt.Errorf("move upload into place: %w", err)
			}
			f.Blob.path = ""
			moved = append(moved, dst)
		}
		return nil
	})
	if err != nil {
		for _, p := range moved {
			_ = os.Remove(p)
		}
		return nil, err
	}
	return atts, nil
}

// OpenAtlasAttachment returns the attachment attachmentID of ownerID's
// session sessionID and its bytes, open for reading. The caller closes the file.
func (s *Store) OpenAtlasAttachment(ctx context.Context, ownerID uint, sessionID, attachmentID string) (*AtlasAttachment, *os.File, error) {
	var a AtlasAttachment
	err := s.R.WithContext(ctx).
		Joins("JOIN atlas_session_attachments l ON l.attachment_id = atlas_attachments.id").
		Joins("JOIN atlas_sessions s ON s.id = l.session_id").
		Where("l.session_id = ? AND l.attachment_id = ? AND s.owner_id = ?", sessionID, attachmentID, ownerID).
		Take(&a).Error
	if err != nil {
		return nil, nil, notFound(err)
	}
	f, err := os.Open(s.atlasBlobPath(a.ID))
	if errors.Is(err, os.ErrNotExist) {
		// Deleted since the query: as good as never there.
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return &a, f, nil
}

// removeAtlasBlobs deletes the bytes of deleted attachments. A file that
// cannot be removed is only wasted space, so errors are ignored.
func (s *Store) removeAtlasBlobs(ids []string) {
	for _, id := range ids {
		_ = os.Remove(s.atlasBlobPath(id))
	}
}

// atlasTempPrefix starts the names of upload temp files.
const atlasTempPrefix = ".upload-"

// SweepAtlasUploads removes upload temp files older than olderThan: what a
// crash in the middle of an upload leaves behind. Live uploads in another
// process on the same data dir are younger and stay.
func (s *Store) SweepAtlasUploads(olderThan time.Duration) error {
	entries, err := os.ReadDir(s.atlasBlobDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-olderThan)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), atlasTempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			_ = os.Remove(filepath.Join(s.atlasBlobDir(), e.Name()))
		}
	}
	return nil
}
