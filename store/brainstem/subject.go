package brainstem

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/sessionhub/sessionhub/store"
)

// Subject is an experimental subject: in one or more projects, of a
// strain, possibly from a supplier and of a breeding. Dates are
// "YYYY-MM-DD" text.
type Subject struct {
	ID                string    `gorm:"primaryKey;type:text"`
	Name              string    `gorm:"uniqueIndex;not null"`
	Description       string    `gorm:"not null;default:''"`
	StrainID          string    `gorm:"type:text;not null;index"`
	Strain            Strain    `gorm:"constraint:OnDelete:RESTRICT"`
	Sex               string    `gorm:"not null;default:'U'"`
	GeneticLine       string    `gorm:"not null;default:''"`
	Genotype          string    `gorm:"not null;default:''"`
	SubjectIdentifier string    `gorm:"not null;default:''"`
	SupplierID        *string   `gorm:"type:text;index"`
	Supplier          *Supplier `gorm:"constraint:OnDelete:RESTRICT"`
	BreedingID        *string   `gorm:"type:text"`
	BirthDate         *string
	DeathDate         *string
	Status            string    `gorm:"not null;default:'active'"`
	ExtraFields       string    `gorm:"not null;default:'{}'"` // JSON object
	Tags              string    `gorm:"not null;default:'[]'"` // JSON array of strings
	NameUsedInStorage *string   `gorm:"column:name_used_in_storage"`
	CreatedAt         time.Time `gorm:"index"`
	UpdatedAt         time.Time
}

// TableName pins the table name.
func (Subject) TableName() string { return "bs_subjects" }

// SubjectProject links a subject to one of its projects.
type SubjectProject struct {
	SubjectID string  `gorm:"primaryKey;type:text;index:idx_bs_subject_projects_project_subject,priority:2"`
	ProjectID string  `gorm:"primaryKey;type:text;index;index:idx_bs_subject_projects_project_subject,priority:1"`
	Subject   Subject `gorm:"constraint:OnDelete:CASCADE"`
	Project   Project `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (SubjectProject) TableName() string { return "bs_subject_projects" }

// SubjectRecord is a subject with the ids of its projects the viewer may see.
type SubjectRecord struct {
	Subject
	ProjectIDs []string
	// ProcedureIDs are the subject's procedures, oldest first (visible with the subject).
	ProcedureIDs []string
	// SubjectLogIDs are the subject's logs, oldest first (visible with the subject).
	SubjectLogIDs []string
	LicenseIDs    []string // the licenses v may see
}

func bsSubjectSelect(d *bsDialect, v Viewer) (string, []any) {
	projects, breedings := v.visibleIDs("project"), v.visibleIDs("breeding")
	return "bs_subjects.id, bs_subjects.name, bs_subjects.description, bs_subjects.strain_id, bs_subjects.sex, " +
			"bs_subjects.genetic_line, bs_subjects.genotype, bs_subjects.subject_identifier, bs_subjects.supplier_id, " +
			"(SELECT bs_subjects.breeding_id WHERE bs_subjects.breeding_id IN (" + breedings.sql + ")), bs_subjects.birth_date, bs_subjects.death_date, bs_subjects.status, " +
			"bs_subjects.extra_fields, bs_subjects.tags, bs_subjects.name_used_in_storage, bs_subjects.created_at, bs_subjects.updated_at, " +
			"(SELECT " + d.jsonAgg("project_id") + " FROM bs_subject_projects WHERE subject_id = bs_subjects.id AND project_id IN (" + projects.sql + ")), " +
			bsModuleIDsSQL(d, "bs_procedures", "subject_id", "bs_subjects.id", false) + ", " +
			bsModuleIDsSQL(d, "bs_subject_logs", "subject_id", "bs_subjects.id", false),
		append(slices.Clip(breedings.args), projects.args...)
}

func scanSubject(rows *sql.Rows) (SubjectRecord, error) {
	var r SubjectRecord
	var supplier, breeding, birth, death, storage sql.NullString
	var projects, procedures, logs string
	err := rows.Scan(&r.ID, &r.Name, &r.Description, &r.StrainID, &r.Sex, &r.GeneticLine, &r.Genotype,
		&r.SubjectIdentifier, &supplier, &breeding, &birth, &death, &r.Status, &r.ExtraFields, &r.Tags,
		&storage, &r.CreatedAt, &r.UpdatedAt, &projects, &procedures, &logs)
	if err != nil {
		return r, err
	}
	r.SupplierID, r.BreedingID, r.BirthDate = nullString(supplier), nullString(breeding), nullString(birth)
	r.DeathDate, r.NameUsedInStorage = nullString(death), nullString(storage)
	if r.ProjectIDs, err = idList(projects); err != nil {
		return r, err
	}
	if r.ProcedureIDs, err = idList(procedures); err != nil {
		return r, err
	}
	r.SubjectLogIDs, err = idList(logs)
	return r, err
}

func nullString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// ListSubjects returns one page of the subjects v may see and their total.
func (s *Store) ListSubjects(ctx context.Context, v Viewer, q ListQuery, page Page) ([]SubjectRecord, int64, error) {
	base := s.ctxRead(ctx).Model(&Subject{})
	sel, args := bsSubjectSelect(s.sqlDialect(), v)
	recs, n, err := listPage(base, v, "subject", q, page, scanSubject, sel, args...)
	if err != nil {
		return nil, 0, err
	}
	return recs, n, subjectLicenses(s.ctxRead(ctx), v, recs)
}

// GetSubject returns a subject v may see; store.ErrNotFound otherwise.
func (s *Store) GetSubject(ctx context.Context, v Viewer, id string) (*SubjectRecord, error) {
	recs, err := s.SubjectsByID(ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return &recs[0], nil
}

// SubjectsByID returns the subjects among ids that v may see, in the order of ids.
func (s *Store) SubjectsByID(ctx context.Context, v Viewer, ids []string) ([]SubjectRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sel, args := bsSubjectSelect(s.sqlDialect(), v)
	recs, err := scanAll(v.where(s.ctxRead(ctx).Model(&Subject{}), "subject").Select(sel, args...).
		Where("bs_subjects.id IN ?", ids), scanSubject)
	if err != nil {
		return nil, err
	}
	if err := subjectLicenses(s.ctxRead(ctx), v, recs); err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r SubjectRecord) string { return r.ID }), nil
}

func optID(id *string) []string {
	if id == nil {
		return nil
	}
	return []string{*id}
}
