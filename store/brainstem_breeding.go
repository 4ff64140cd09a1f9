package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// BSBreeding is a breeding in a project: a mother and a father (subjects),
// dates ("YYYY-MM-DD" text) and the litter. Deleting it clears the
// breeding of its offspring; a subject that is a parent is not deleted.
type BSBreeding struct {
	ID               string    `gorm:"primaryKey;type:text"`
	Name             string    `gorm:"index;not null"`
	ProjectID        string    `gorm:"type:text;not null;index"`
	Project          BSProject `gorm:"constraint:OnDelete:CASCADE"`
	MotherID         string    `gorm:"type:text;not null;index"`
	Mother           BSSubject `gorm:"constraint:OnDelete:RESTRICT"`
	FatherID         string    `gorm:"type:text;not null;index"`
	Father           BSSubject `gorm:"constraint:OnDelete:RESTRICT"`
	Description      string    `gorm:"not null;default:''"`
	Tags             string    `gorm:"not null;default:'[]'"` // JSON array of strings
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
func (BSBreeding) TableName() string { return "bs_breedings" }

// BSBreedingRecord is a breeding as a viewer sees it: the parents they may
// not see are "".
type BSBreedingRecord struct {
	BSBreeding
}

// BSBreedingInput carries the writable breeding fields; nil means
// unchanged, the Set… flags apply the nullable fields (nil clears).
type BSBreedingInput struct {
	Name, Project, Mother, Father, Description, Tags, ExpectedGenotype    *string
	SetBirthDate, SetStartDate, SetEndDate, SetWeaningDate, SetLitterSize bool
	BirthDate, StartDate, EndDate, WeaningDate                            *string
	LitterSize                                                            *int64
}

func bsBreedingSelect(v BSViewer) (string, []any) {
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

func scanBSBreeding(rows *sql.Rows) (BSBreedingRecord, error) {
	var r BSBreedingRecord
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

// ListBSBreedings returns one page of the breedings v may see and their total.
func (s *Store) ListBSBreedings(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSBreedingRecord, int64, error) {
	sel, args := bsBreedingSelect(v)
	return listPage(s.ctxRead(ctx).Model(&BSBreeding{}), v, "breeding", q, page, scanBSBreeding, sel, args...)
}

// BSBreedingsByID returns the breedings among ids that v may see, in the order of ids.
func (s *Store) BSBreedingsByID(ctx context.Context, v BSViewer, ids []string) ([]BSBreedingRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sel, args := bsBreedingSelect(v)
	recs, err := scanAll(v.where(s.ctxRead(ctx).Model(&BSBreeding{}), "breeding").Select(sel, args...).
		Where("bs_breedings.id IN ?", ids), scanBSBreeding)
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r BSBreedingRecord) string { return r.ID }), nil
}

// GetBSBreeding returns a breeding v may see; ErrNotFound otherwise.
func (s *Store) GetBSBreeding(ctx context.Context, v BSViewer, id string) (*BSBreedingRecord, error) {
	recs, err := s.BSBreedingsByID(ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, ErrNotFound
	}
	return &recs[0], nil
}

// SaveBSBreeding creates (id "") or changes a breeding: the user needs
// can_change on its project before and after; the parents must be subjects
// the user may see.
func (s *Store) SaveBSBreeding(ctx context.Context, userID uint, id string, in BSBreedingInput) (*BSBreedingRecord, error) {
	v := BSViewer{UserID: userID}
	saved := id
	// fn may run again (writePostgres): it writes saved, never id.
	err := s.write(ctx, func(tx *gorm.DB) error {
		row := BSBreeding{Tags: "[]"}
		if id != "" {
			if err := v.where(tx.Model(&BSBreeding{}), "breeding").Where("bs_breedings.id = ?", id).Take(&row).Error; err != nil {
				return notFound(err)
			}
		}
		errs := fieldErrors{}
		missing, err := missingIDs(tx, "bs_projects", optID(in.Project))
		if err != nil {
			return err
		}
		for _, p := range missing {
			errs.add("project", fmt.Sprintf(bsInvalidPkTemplate, p))
		}
		for _, parent := range []struct {
			field string
			id    *string
		}{{"mother", in.Mother}, {"father", in.Father}} {
			missing, err := missingVisible(tx, v, "subject", optID(parent.id))
			if err != nil {
				return err
			}
			for _, m := range missing {
				errs.add(parent.field, fmt.Sprintf(bsInvalidPkTemplate, m))
			}
		}
		if err := errs.err(); err != nil {
			return err
		}
		projects := optID(in.Project)
		if row.ProjectID != "" {
			projects = append(projects, row.ProjectID)
		}
		if ok, err := canChangeAll(tx, userID, dedupe(projects)); err != nil || !ok {
			return orForbidden(err)
		}
		applyBSBreedingInput(&row, in)
		if id == "" {
			row.ID = newBSID()
			saved = row.ID
			return tx.Omit(clause.Associations).Create(&row).Error
		}
		return tx.Omit(clause.Associations).Save(&row).Error
	})
	if err != nil {
		return nil, err
	}
	return s.GetBSBreeding(ctx, v, saved)
}

func applyBSBreedingInput(row *BSBreeding, in BSBreedingInput) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&row.Name, in.Name}, {&row.ProjectID, in.Project}, {&row.MotherID, in.Mother}, {&row.FatherID, in.Father},
		{&row.Description, in.Description}, {&row.Tags, in.Tags}, {&row.ExpectedGenotype, in.ExpectedGenotype}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		set bool
		dst **string
		src *string
	}{{in.SetBirthDate, &row.BirthDate, in.BirthDate}, {in.SetStartDate, &row.StartDate, in.StartDate},
		{in.SetEndDate, &row.EndDate, in.EndDate}, {in.SetWeaningDate, &row.WeaningDate, in.WeaningDate}} {
		if f.set {
			*f.dst = f.src
		}
	}
	if in.SetLitterSize {
		row.LitterSize = in.LitterSize
	}
}

// DeleteBSBreeding deletes a breeding (can_change on its project); its
// offspring lose their breeding.
func (s *Store) DeleteBSBreeding(ctx context.Context, userID uint, id string) error {
	v := BSViewer{UserID: userID}
	return s.write(ctx, func(tx *gorm.DB) error {
		var row BSBreeding
		if err := v.where(tx.Model(&BSBreeding{}), "breeding").Where("bs_breedings.id = ?", id).Take(&row).Error; err != nil {
			return notFound(err)
		}
		if ok, err := canChangeAll(tx, userID, []string{row.ProjectID}); err != nil || !ok {
			return orForbidden(err)
		}
		if err := tx.Model(&BSSubject{}).Where("breeding_id = ?", id).Update("breeding_id", nil).Error; err != nil {
			return err
		}
		return tx.Delete(&BSBreeding{ID: id}).Error
	})
}
