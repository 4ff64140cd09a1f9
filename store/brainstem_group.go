package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Collections (named lists of sessions) and cohorts (named lists of
// subjects): each belongs to one project, through which it is seen and
// changed. Both are "groups" here and share one implementation.

// BSCollection is a named list of sessions in a project.
type BSCollection struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"index;not null"`
	Description string    `gorm:"not null;default:''"`
	ProjectID   string    `gorm:"type:text;not null;index"`
	Project     BSProject `gorm:"constraint:OnDelete:CASCADE"`
	Tags        string    `gorm:"not null;default:'[]'"` // JSON array of strings
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (BSCollection) TableName() string { return "bs_collections" }

// BSCollectionSession puts a session in a collection.
type BSCollectionSession struct {
	CollectionID string       `gorm:"primaryKey;type:text"`
	SessionID    string       `gorm:"primaryKey;type:text;index"`
	Collection   BSCollection `gorm:"constraint:OnDelete:CASCADE"`
	Session      BSSession    `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (BSCollectionSession) TableName() string { return "bs_collection_sessions" }

// BSCohort is a named list of subjects in a project.
type BSCohort struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"index;not null"`
	Description string    `gorm:"not null;default:''"`
	ProjectID   string    `gorm:"type:text;not null;index"`
	Project     BSProject `gorm:"constraint:OnDelete:CASCADE"`
	Tags        string    `gorm:"not null;default:'[]'"` // JSON array of strings
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (BSCohort) TableName() string { return "bs_cohorts" }

// BSCohortSubject puts a subject in a cohort.
type BSCohortSubject struct {
	CohortID  string    `gorm:"primaryKey;type:text"`
	SubjectID string    `gorm:"primaryKey;type:text;index"`
	Cohort    BSCohort  `gorm:"constraint:OnDelete:CASCADE"`
	Subject   BSSubject `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (BSCohortSubject) TableName() string { return "bs_cohort_subjects" }

// BSGroupRecord is a collection or a cohort with the ids of its members
// (sessions or subjects) that the viewer may see.
type BSGroupRecord struct {
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
		newLink: func(g, m string) any { return &BSCollectionSession{CollectionID: g, SessionID: m} }}
	cohortKind = groupKind{model: "cohort", table: "bs_cohorts", link: "bs_cohort_subjects",
		src: "cohort_id", dst: "subject_id", memberModel: "subject", membersField: "subjects",
		newLink: func(g, m string) any { return &BSCohortSubject{CohortID: g, SubjectID: m} }}
)

func (k groupKind) sel(v BSViewer) (string, []any) {
	members := v.visibleIDs(k.memberModel)
	t := k.table
	return fmt.Sprintf("%s.id, %s.name, %s.description, %s.project_id, %s.tags, %s.created_at, %s.updated_at, "+
		"(SELECT json_group_array(%s) FROM %s WHERE %s = %s.id AND %s IN (%s))",
		t, t, t, t, t, t, t, k.dst, k.link, k.src, t, k.dst, members.sql), slices.Clip(members.args)
}

func scanBSGroup(rows *sql.Rows) (BSGroupRecord, error) {
	var r BSGroupRecord
	var members string
	if err := rows.Scan(&r.ID, &r.Name, &r.Description, &r.ProjectID, &r.Tags, &r.CreatedAt, &r.UpdatedAt, &members); err != nil {
		return r, err
	}
	var err error
	r.MemberIDs, err = idList(members)
	return r, err
}

func (k groupKind) list(s *Store, ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSGroupRecord, int64, error) {
	sel, args := k.sel(v)
	return listPage(s.ctxRead(ctx).Table(k.table), v, k.model, q, page, scanBSGroup, sel, args...)
}

func (k groupKind) byID(s *Store, ctx context.Context, v BSViewer, ids []string) ([]BSGroupRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sel, args := k.sel(v)
	recs, err := scanAll(v.where(s.ctxRead(ctx).Table(k.table), k.model).Select(sel, args...).Where(k.table+".id IN ?", ids), scanBSGroup)
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r BSGroupRecord) string { return r.ID }), nil
}

func (k groupKind) get(s *Store, ctx context.Context, v BSViewer, id string) (*BSGroupRecord, error) {
	recs, err := k.byID(s, ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, ErrNotFound
	}
	return &recs[0], nil
}

// ListBSCollections returns one page of the collections v may see and their total.
func (s *Store) ListBSCollections(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSGroupRecord, int64, error) {
	return collectionKind.list(s, ctx, v, q, page)
}

// GetBSCollection returns a collection v may see; ErrNotFound otherwise.
func (s *Store) GetBSCollection(ctx context.Context, v BSViewer, id string) (*BSGroupRecord, error) {
	return collectionKind.get(s, ctx, v, id)
}

// BSCollectionsByID returns the collections among ids that v may see, in the order of ids.
func (s *Store) BSCollectionsByID(ctx context.Context, v BSViewer, ids []string) ([]BSGroupRecord, error) {
	return collectionKind.byID(s, ctx, v, ids)
}

// ListBSCohorts returns one page of the cohorts v may see and their total.
func (s *Store) ListBSCohorts(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSGroupRecord, int64, error) {
	return cohortKind.list(s, ctx, v, q, page)
}

// GetBSCohort returns a cohort v may see; ErrNotFound otherwise.
func (s *Store) GetBSCohort(ctx context.Context, v BSViewer, id string) (*BSGroupRecord, error) {
	return cohortKind.get(s, ctx, v, id)
}

// BSCohortsByID returns the cohorts among ids that v may see, in the order of ids.
func (s *Store) BSCohortsByID(ctx context.Context, v BSViewer, ids []string) ([]BSGroupRecord, error) {
	return cohortKind.byID(s, ctx, v, ids)
}
