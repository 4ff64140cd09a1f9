package atlas

import (
	"time"

	"github.com/sessionhub/sessionhub/store"
)

// The Atlas tables. IDs are lower-case UUID strings; times are UTC. An
// attachment is owned by nobody in particular: it lives as long as at least
// one session links to it (SessionAttachment), and its bytes live in
// BlobDir/atlas/<attachment id>. Table names carry an atlas_ prefix.

// Session is one user's Atlas session.
type Session struct {
	ID          string     `gorm:"primaryKey;type:text"`
	OwnerID     uint       `gorm:"not null;index:idx_atlas_sessions_owner_created,priority:1"`
	Owner       store.User `gorm:"constraint:OnDelete:CASCADE"`
	Title       *string
	Description *string
	// CreatedBy is the owner's email at creation time.
	CreatedBy string    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null;index:idx_atlas_sessions_owner_created,priority:2"`
	// StarredAt is set while the session is starred.
	StarredAt *time.Time
}

// TableName pins the table name.
func (Session) TableName() string { return "atlas_sessions" }

// Attachment is an uploaded file's metadata.
type Attachment struct {
	ID          string `gorm:"primaryKey;type:text"`
	Name        string `gorm:"not null"`
	Type        string `gorm:"not null"`
	Title       *string
	Description *string
	Citation    *string
	// SourceSessionID is the session the file was uploaded to. It is kept
	// when the attachment is linked into other sessions and may outlive
	// that session, so it is not a foreign key.
	SourceSessionID *string `gorm:"type:text"`
	// CreatedByID is the uploader; they may link the attachment into their
	// other sessions.
	CreatedByID uint      `gorm:"not null;index"`
	CreatedBy   string    `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
	IsVisible   bool      `gorm:"not null;default:true"`
	Size        int64     `gorm:"not null"`
	// SHA256 is the hex SHA-256 of the bytes (the download's ETag).
	SHA256 string `gorm:"not null"`
}

// TableName pins the table name.
func (Attachment) TableName() string { return "atlas_attachments" }

// SessionAttachment links an attachment into a session. ID orders a
// session's attachments by the time they were linked.
type SessionAttachment struct {
	ID           uint       `gorm:"primaryKey;autoIncrement"`
	SessionID    string     `gorm:"type:text;not null;uniqueIndex:idx_atlas_links_session_attachment,priority:1"`
	AttachmentID string     `gorm:"type:text;not null;index;uniqueIndex:idx_atlas_links_session_attachment,priority:2"`
	Session      Session    `gorm:"constraint:OnDelete:CASCADE"`
	Attachment   Attachment `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (SessionAttachment) TableName() string { return "atlas_session_attachments" }

// Annotation is a note on an attachment, deleted with it. AnchorStart
// and AnchorEnd are both set (a byte range [start, end) of the file) or
// both nil (the file as a whole).
type Annotation struct {
	ID           string     `gorm:"primaryKey;type:text"`
	AttachmentID string     `gorm:"type:text;not null;index:idx_atlas_annotations_attachment_created,priority:1"`
	Attachment   Attachment `gorm:"constraint:OnDelete:CASCADE"`
	Text         string     `gorm:"not null"`
	AnchorStart  *int64
	AnchorEnd    *int64
	// CreatedByID is the author; CreatedBy their email at that time.
	CreatedByID uint      `gorm:"not null"`
	CreatedBy   string    `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null;index:idx_atlas_annotations_attachment_created,priority:2"`
}

// TableName pins the table name.
func (Annotation) TableName() string { return "atlas_annotations" }

// atlasModels lists the Atlas API's tables for migration.
func atlasModels() []any {
	return []any{&Session{}, &Attachment{}, &SessionAttachment{}, &Annotation{}}
}
