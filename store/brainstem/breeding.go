package brainstem

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/sessionhub/sessionhub/store"
)

// Breeding is a breeding in a project: a mother and a father (subjects),
// dates ("YYYY-MM-DD" text) and the litter. Deleting it clears the
// breeding of its offspring; a subject that is a parent is not deleted.
type Breeding struct {
	ID               string  `gorm:"primaryKey;type:text"`
	Name             string  `gorm:"index;not null"`
	ProjectID        string  `gorm:"type:text;not null;index"`
	Project          Project `gorm:"constraint:OnDelete:CASCADE"`
	MotherID         string  `gorm:"type:text;not null;index"`
	Mother           Subject `gorm:"foreignKey:MotherID;constraint:OnDelete:RESTRICT"`
	FatherID         string  `gorm:"type:text;not null;index"`
	Father           Subject `gorm:"foreignKey:FatherID;constraint:OnDelete:RESTRICT"`
	Description      string  `gorm:"not null;default:''"`
	Tags             string  `gorm:"not null;default:'[]'"` // JSON array of strings
	BirthDate        *string
	StartDate        *string
	EndDate          *string
	WeaningDate      *string
	LitterSize       *int64
	ExpectedGenotype string    `gorm:"not null;default:''"`
	CreatedAt        time.Time `gorm:"index"`
	UpdatedAt        time.Time
}

// TableName pins the table name.
func (Breeding) TableName() string { return "bs_breedings" }

// BreedingRecord is a breeding as a viewer sees it: the parents they may
// not see are "".
type BreedingRecord struct {
	Breeding
}

func bsBreedingSelect(v Viewer) (string, []any) {
	subjects := v.visibleIDs("subject")
	parent := func(col string) string {
		return "(SELECT " + col + " WHERE " + col + " IN (" + subjects.sql + "))"
	}
	return "bs_breedings.id, bs_breedings.name, bs_breedings.project_id, " + parent("bs_breedings.mother_id") + ", " +
			parent("bs_breedings.father_id") + ", bs_breedings.description, bs_breedings.tags, bs_breedings.birth_date, " +
			"bs_breedings.start_date, bs_breedings.end_date, bs_breedings.weaning_date, bs_breedings.litter_size, " +
			"bs_breedings.expected_genotype, bs_breedings.created_at, bs_breedings.updated_at",
		append(slices.Clip(subjects.args), subjects.args...)
}

func scanBreeding(rows *sql.Rows) (BreedingRecord, error) {
	var r BreedingRecord
	var mother, father, birth, start, end, weaning sql.NullString
	var litter sql.NullInt64
	err := rows.Scan(&r.ID, &r.Name, &r.ProjectID, &mother, &father, &r.Description, &r.Tags, &birth, &start, &end,
		&weaning, &litter, &r.ExpectedGenotype, &r.CreatedAt, &r.UpdatedAt)
	r.MotherID, r.FatherID = mother.String, father.String
	r.BirthDate, r.StartDate, r.EndDate, r.WeaningDate = nullString(birth), nullString(start), nullString(end), nullString(weaning)
	if litter.Valid {
		r.LitterSize = &litter.Int64
	}
	return r, err
}

// ListBreedings returns one page of the breedings v may see and their total.
func (s *Store) ListBreedings(ctx context.Context, v Viewer, q ListQuery, page Page) ([]BreedingRecord, int64, error) {
	sel, args := bsBreedingSelect(v)
	return listPage(s.ctxRead(ctx).Model(&Breeding{}), v, "breeding", q, page, scanBreeding, sel, args...)
}

// BreedingsByID returns the breedings among ids that v may see, in the order of ids.
func (s *Store) BreedingsByID(ctx context.Context, v Viewer, ids []string) ([]BreedingRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sel, args := bsBreedingSelect(v)
	recs, err := scanAll(v.where(s.ctxRead(ctx).Model(&Breeding{}), "breeding").Select(sel, args...).
		Where("bs_breedings.id IN ?", ids), scanBreeding)
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r BreedingRecord) string { return r.ID }), nil
}

// GetBreeding returns a breeding v may see; store.ErrNotFound otherwise.
func (s *Store) GetBreeding(ctx context.Context, v Viewer, id string) (*BreedingRecord, error) {
	recs, err := s.BreedingsByID(ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return &recs[0], nil
}
