package brainstem

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/sessionhub/sessionhub/store"
)

// Collections (named lists of sessions) and cohorts (named lists of
// subjects): each belongs to one project, through which it is seen and
// changed. Both are "groups" here and share one implementation.

// Collection is a named list of sessions in a project.
type Collection struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"index;not null"`
	Description string    `gorm:"not null;default:''"`
	ProjectID   string    `gorm:"type:text;not null;index"`
	Project     Project   `gorm:"constraint:OnDelete:CASCADE"`
	Tags        string    `gorm:"not null;default:'[]'"` // JSON array of strings
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (Collection) TableName() string { return "bs_collections" }

// CollectionSession puts a session in a collection.
type CollectionSession struct {
	CollectionID string     `gorm:"primaryKey;type:text"`
	SessionID    string     `gorm:"primaryKey;type:text;index"`
	Collection   Collection `gorm:"constraint:OnDelete:CASCADE"`
	Session      Session    `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (CollectionSession) TableName() string { return "bs_collection_sessions" }

// Cohort is a named list of subjects in a project.
type Cohort struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"index;not null"`
	Description string    `gorm:"not null;default:''"`
	ProjectID   string    `gorm:"type:text;not null;index"`
	Project     Project   `gorm:"constraint:OnDelete:CASCADE"`
	Tags        string    `gorm:"not null;default:'[]'"` // JSON array of strings
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (Cohort) TableName() string { return "bs_cohorts" }

// CohortSubject puts a subject in a cohort.
type CohortSubject struct {
	CohortID  string  `gorm:"primaryKey;type:text"`
	SubjectID string  `gorm:"primaryKey;type:text;index"`
	Cohort    Cohort  `gorm:"constraint:OnDelete:CASCADE"`
	Subject   Subject `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (CohortSubject) TableName() string { return "bs_cohort_subjects" }

// GroupRecord is a collection or a cohort with the ids of its members
// (sessions or subjects) that the viewer may see.
type GroupRecord struct {
	ID, Name, Description, ProjectID, Tags string
	MemberIDs                              []string
	CreatedAt, UpdatedAt                   time.Time
}

// groupKind describes collections or cohorts.
type groupKind struct {
	model, table   string // "collection", "bs_collections"
	link, src, dst string // link table and its columns to the group and the member
	memberModel    string // "session"
	membersField   string // "sessions" (for field errors)
	newLink        func(groupID, memberID string) any
}

var (
	collectionKind = groupKind{model: "collection", table: "bs_collections", link: "bs_collection_sessions",
		src: "collection_id", dst: "session_id", memberModel: "session", membersField: "sessions",
		newLink: func(g, m string) any { return &CollectionSession{CollectionID: g, SessionID: m} }}
	cohortKind = groupKind{model: "cohort", table: "bs_cohorts", link: "bs_cohort_subjects",
		src: "cohort_id", dst: "subject_id", memberModel: "subject", membersField: "subjects",
		newLink: func(g, m string) any { return &CohortSubject{CohortID: g, SubjectID: m} }}
)

func (k groupKind) sel(d *bsDialect, v Viewer) (string, []any) {
	members := v.visibleIDs(k.memberModel)
	t := k.table
	return fmt.Sprintf("%s.id, %s.name, %s.description, %s.project_id, %s.tags, %s.created_at, %s.updated_at, "+
		"(SELECT %s FROM %s WHERE %s = %s.id AND %s IN (%s))",
		t, t, t, t, t, t, t, d.jsonAgg(k.dst), k.link, k.src, t, k.dst, members.sql), slices.Clip(members.args)
}

func scanGroup(rows *sql.Rows) (GroupRecord, error) {
	var r GroupRecord
	var members string
	if err := rows.Scan(&r.ID, &r.Name, &r.Description, &r.ProjectID, &r.Tags, &r.CreatedAt, &r.UpdatedAt, &members); err != nil {
		return r, err
	}
	var err error
	r.MemberIDs, err = idList(members)
	return r, err
}

func (k groupKind) list(s *Store, ctx context.Context, v Viewer, q ListQuery, page Page) ([]GroupRecord, int64, error) {
	sel, args := k.sel(s.sqlDialect(), v)
	return listPage(s.ctxRead(ctx).Table(k.table), v, k.model, q, page, scanGroup, sel, args...)
}

func (k groupKind) byID(s *Store, ctx context.Context, v Viewer, ids []string) ([]GroupRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sel, args := k.sel(s.sqlDialect(), v)
	recs, err := scanAll(v.where(s.ctxRead(ctx).Table(k.table), k.model).Select(sel, args...).Where(k.table+".id IN ?", ids), scanGroup)
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r GroupRecord) string { return r.ID }), nil
}

func (k groupKind) get(s *Store, ctx context.Context, v Viewer, id string) (*GroupRecord, error) {
	recs, err := k.byID(s, ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return &recs[0], nil
}

// ListCollections returns one page of the collections v may see and their total.
func (s *Store) ListCollections(ctx context.Context, v Viewer, q ListQuery, page Page) ([]GroupRecord, int64, error) {
	return collectionKind.list(s, ctx, v, q, page)
}

// GetCollection returns a collection v may see; store.ErrNotFound otherwise.
func (s *Store) GetCollection(ctx context.Context, v Viewer, id string) (*GroupRecord, error) {
	return collectionKind.get(s, ctx, v, id)
}

// CollectionsByID returns the collections among ids that v may see, in the order of ids.
func (s *Store) CollectionsByID(ctx context.Context, v Viewer, ids []string) ([]GroupRecord, error) {
	return collectionKind.byID(s, ctx, v, ids)
}

// ListCohorts returns one page of the cohorts v may see and their total.
func (s *Store) ListCohorts(ctx context.Context, v Viewer, q ListQuery, page Page) ([]GroupRecord, int64, error) {
	return cohortKind.list(s, ctx, v, q, page)
}

// GetCohort returns a cohort v may see; store.ErrNotFound otherwise.
func (s *Store) GetCohort(ctx context.Context, v Viewer, id string) (*GroupRecord, error) {
	return cohortKind.get(s, ctx, v, id)
}

// CohortsByID returns the cohorts among ids that v may see, in the order of ids.
func (s *Store) CohortsByID(ctx context.Context, v Viewer, ids []string) ([]GroupRecord, error) {
	return cohortKind.byID(s, ctx, v, ids)
}
