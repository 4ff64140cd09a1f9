package brainstem

import (
	"time"

	"github.com/sessionhub/sessionhub/store"
)

// The BrainSTEM tables. IDs are UUID strings. JSON-valued fields are stored
// as JSON text (text on both databases; the query engine reads it with
// json_each on SQLite, as jsonb on PostgreSQL); the server converts
// them to and from the API types. Table names carry a bs_ prefix.

// Project is a BrainSTEM project.
type Project struct {
	ID           string `gorm:"primaryKey;type:text"`
	Name         string `gorm:"uniqueIndex;not null"`
	Description  string `gorm:"not null;default:''"`
	ExtraFields  string `gorm:"not null;default:'{}'"` // JSON object
	IsPublic     bool   `gorm:"index;not null;default:false"`
	Tags         string `gorm:"not null;default:'[]'"` // JSON array of strings
	Publications string `gorm:"not null;default:'[]'"` // JSON array of UUID strings
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName pins the table name.
func (Project) TableName() string { return "bs_projects" }

// ProjectMember gives a user a role in a project. Being a row at all means
// read access; CanChange allows creating, changing and deleting the
// project's sessions; managers and owners manage members; owners also set
// IsPublic.
type ProjectMember struct {
	ProjectID string     `gorm:"primaryKey;type:text"`
	UserID    uint       `gorm:"primaryKey;index"`
	Project   Project    `gorm:"constraint:OnDelete:CASCADE"`
	User      store.User `gorm:"constraint:OnDelete:CASCADE"`
	CanChange bool       `gorm:"not null;default:false"`
	IsManager bool       `gorm:"not null;default:false"`
	IsOwner   bool       `gorm:"not null;default:false"`
}

// TableName pins the table name.
func (ProjectMember) TableName() string { return "bs_project_members" }

// Session is a BrainSTEM experiment session.
type Session struct {
	ID                string     `gorm:"primaryKey;type:text"`
	Name              string     `gorm:"uniqueIndex;not null"`
	Description       string     `gorm:"not null;default:''"`
	DateTime          *time.Time `gorm:"index"`
	ExtraFields       string     `gorm:"not null;default:'{}'"` // JSON object
	DownloadLinks     string     `gorm:"not null;default:'[]'"` // JSON array of {repository,url}
	Tags              string     `gorm:"not null;default:'[]'"` // JSON array of strings
	NameUsedInStorage string     `gorm:"not null;default:''"`
	CreatedAt         time.Time  `gorm:"index"`
	UpdatedAt         time.Time
}

// TableName pins the table name.
func (Session) TableName() string { return "bs_sessions" }

// SessionProject links a session to one of its projects. The
// (project_id, session_id) index covers "the sessions of these projects",
// which every visibility check and project record reads.
//
// SessionName mirrors the session's name, kept by triggers of the
// database (sessionNameMirror), so that the (project_id, session_name,
// session_id) index answers a project's sessions filtered by name without
// looking each session up: a list of a 1,000-session project filtered by
// a substring of the name probed bs_sessions 1,000 times by id.
type SessionProject struct {
	SessionID   string  `gorm:"primaryKey;type:text;index:idx_bs_session_projects_project_session,priority:2;index:idx_bs_session_projects_project_name,priority:3"`
	ProjectID   string  `gorm:"primaryKey;type:text;index;index:idx_bs_session_projects_project_session,priority:1;index:idx_bs_session_projects_project_name,priority:1"`
	SessionName string  `gorm:"type:text;not null;default:'';index:idx_bs_session_projects_project_name,priority:2"`
	Session     Session `gorm:"constraint:OnDelete:CASCADE"`
	Project     Project `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (SessionProject) TableName() string { return "bs_session_projects" }

// DataStorage is a personal data storage, owned by the user who made it.
type DataStorage struct {
	ID               string     `gorm:"primaryKey;type:text"`
	Name             string     `gorm:"uniqueIndex;not null"`
	Location         string     `gorm:"not null;default:''"`
	Description      string     `gorm:"not null;default:''"`
	IsPublic         bool       `gorm:"index;not null;default:false"`
	DataOrganization string     `gorm:"not null;default:'[]'"` // JSON array
	DataProtocols    string     `gorm:"not null;default:'[]'"` // JSON array of {protocol,path,is_public}
	OwnerID          uint       `gorm:"index;not null"`
	Owner            store.User `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// TableName pins the table name.
func (DataStorage) TableName() string { return "bs_datastorages" }

// SessionDataStorage is the ordered link between a session and a data
// storage (the API's sessiondatastorage through-model). A session's
// datastorage list is its rows ordered by Order, then ID.
type SessionDataStorage struct {
	ID            string      `gorm:"primaryKey;type:text"`
	SessionID     string      `gorm:"type:text;not null;uniqueIndex:bs_sds_pair;index:bs_sds_order,priority:1"`
	DataStorageID string      `gorm:"type:text;not null;uniqueIndex:bs_sds_pair;index"`
	Order         int         `gorm:"column:sort_order;not null;default:0;index:bs_sds_order,priority:2"`
	Session       Session     `gorm:"constraint:OnDelete:CASCADE"`
	DataStorage   DataStorage `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (SessionDataStorage) TableName() string { return "bs_session_datastorages" }

// brainstemModels lists the BrainSTEM API's tables for migration.
func brainstemModels() []any {
	return []any{&Project{}, &ProjectMember{}, &Session{}, &SessionProject{},
		&DataStorage{}, &SessionDataStorage{}, &DeviceAuth{}, &Species{}, &Strain{}, &Supplier{}, &Subject{}, &SubjectProject{},
		&Collection{}, &CollectionSession{}, &Cohort{}, &CohortSubject{}, &Breeding{}}
}
