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

// BSSubject is an experimental subject: in one or more projects, of a
// strain, possibly from a supplier and of a breeding. Dates are
// "YYYY-MM-DD" text.
type BSSubject struct {
	ID                string      `gorm:"primaryKey;type:text"`
	Name              string      `gorm:"uniqueIndex;not null"`
	Description       string      `gorm:"not null;default:''"`
	StrainID          string      `gorm:"type:text;not null;index"`
	Strain            BSStrain    `gorm:"constraint:OnDelete:RESTRICT"`
	Sex               string      `gorm:"not null;default:'U'"`
	GeneticLine       string      `gorm:"not null;default:''"`
	Genotype          string      `gorm:"not null;default:''"`
	SubjectIdentifier string      `gorm:"not null;default:''"`
	SupplierID        *string     `gorm:"type:text;index"`
	Supplier          *BSSupplier `gorm:"constraint:OnDelete:RESTRICT"`
	BreedingID        *string     `gorm:"type:text"`
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
func (BSSubject) TableName() string { return "bs_subjects" }

// BSSubjectProject links a subject to one of its projects.
type BSSubjectProject struct {
	SubjectID string    `gorm:"primaryKey;type:text;index:idx_bs_subject_projects_project_subject,priority:2"`
	ProjectID string    `gorm:"primaryKey;type:text;index;index:idx_bs_subject_projects_project_subject,priority:1"`
	Subject   BSSubject `gorm:"constraint:OnDelete:CASCADE"`
	Project   BSProject `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (BSSubjectProject) TableName() string { return "bs_subject_projects" }

// BSSubjectRecord is a subject with the ids of its projects the viewer may see.
type BSSubjectRecord struct {
	BSSubject
	ProjectIDs []string
	// ProcedureIDs are the subject's procedures, oldest first (visible with the subject).
	ProcedureIDs []string
	LicenseIDs   []string // the licenses v may see
}

// BSSubjectInput carries the writable subject fields. A nil field is left
// unchanged on update; the Set… flags apply the nullable fields next to
// them (nil clears). JSON-valued fields are JSON text.
type BSSubjectInput struct {
	Name, Description, Strain, Sex           *string
	GeneticLine, Genotype, SubjectIdentifier *string
	Status, ExtraFields, Tags                *string
	Projects                                 []string // nil: unchanged
	Licenses                                 []string // nil: unchanged; licenses the user may see
	SetSupplier, SetBreeding                 bool
	Supplier, Breeding                       *string
	SetBirthDate, SetDeathDate               bool
	BirthDate, DeathDate                     *string
	SetNameUsedInStorage                     bool
	NameUsedInStorage                        *string
}

const bsSubjectNameTaken = "subject with this name already exists."

func bsSubjectSelect(v BSViewer) (string, []any) {
	projects, breedings := v.visibleIDs("project"), v.visibleIDs("breeding")
	return "bs_subjects.id, bs_subjects.name, bs_subjects.description, bs_subjects.strain_id, bs_subjects.sex, " +
			"bs_subjects.genetic_line, bs_subjects.genotype, bs_subjects.subject_identifier, bs_subjects.supplier_id, " +
			"(SELECT bs_subjects.breeding_id WHERE bs_subjects.breeding_id IN (" + breedings.sql + ")), bs_subjects.birth_date, bs_subjects.death_date, bs_subjects.status, " +
			"bs_subjects.extra_fields, bs_subjects.tags, bs_subjects.name_used_in_storage, bs_subjects.created_at, bs_subjects.updated_at, " +
			"(SELECT json_group_array(project_id) FROM bs_subject_projects WHERE subject_id = bs_subjects.id AND project_id IN (" + projects.sql + ")), " +
			bsModuleIDsSQL("bs_procedures", "subject_id", "bs_subjects.id", false),
		append(slices.Clip(breedings.args), projects.args...)
}

func scanBSSubject(rows *sql.Rows) (BSSubjectRecord, error) {
	var r BSSubjectRecord
	var supplier, breeding, birth, death, storage sql.NullString
	var projects, procedures string
	err := rows.Scan(&r.ID, &r.Name, &r.Description, &r.StrainID, &r.Sex, &r.GeneticLine, &r.Genotype,
		&r.SubjectIdentifier, &supplier, &breeding, &birth, &death, &r.Status, &r.ExtraFields, &r.Tags,
		&storage, &r.CreatedAt, &r.UpdatedAt, &projects, &procedures)
	if err != nil {
		return r, err
	}
	r.SupplierID, r.BreedingID, r.BirthDate = nullString(supplier), nullString(breeding), nullString(birth)
	r.DeathDate, r.NameUsedInStorage = nullString(death), nullString(storage)
	if r.ProjectIDs, err = idList(projects); err != nil {
		return r, err
	}
	r.ProcedureIDs, err = idList(procedures)
	return r, err
}

func nullString(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// ListBSSubjects returns one page of the subjects v may see and their total.
func (s *Store) ListBSSubjects(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSSubjectRecord, int64, error) {
	base := s.ctxRead(ctx).Model(&BSSubject{})
	sel, args := bsSubjectSelect(v)
	recs, n, err := listPage(base, v, "subject", q, page, scanBSSubject, sel, args...)
	if err != nil {
		return nil, 0, err
	}
	return recs, n, subjectLicenses(s.ctxRead(ctx), v, recs)
}

// GetBSSubject returns a subject v may see; ErrNotFound otherwise.
func (s *Store) GetBSSubject(ctx context.Context, v BSViewer, id string) (*BSSubjectRecord, error) {
	recs, err := s.BSSubjectsByID(ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, ErrNotFound
	}
	return &recs[0], nil
}

// BSSubjectsByID returns the subjects among ids that v may see, in the order of ids.
func (s *Store) BSSubjectsByID(ctx context.Context, v BSViewer, ids []string) ([]BSSubjectRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sel, args := bsSubjectSelect(v)
	recs, err := scanAll(v.where(s.ctxRead(ctx).Model(&BSSubject{}), "subject").Select(sel, args...).
		Where("bs_subjects.id IN ?", ids), scanBSSubject)
	if err != nil {
		return nil, err
	}
	if err := subjectLicenses(s.ctxRead(ctx), v, recs); err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r BSSubjectRecord) string { return r.ID }), nil
}

// CreateBSSubject creates a subject for user userID, who needs can_change
// on every project.
func (s *Store) CreateBSSubject(ctx context.Context, userID uint, in BSSubjectInput) (*BSSubjectRecord, error) {
	row := BSSubject{ID: newBSID(), Sex: "U", Status: "active", ExtraFields: "{}", Tags: "[]"}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := checkBSSubjectInput(tx, userID, "", in); err != nil {
			return err
		}
		applyBSSubjectInput(&row, in)
		if err := tx.Omit(clause.Associations).Create(&row).Error; err != nil {
			return uniqueName(err, bsSubjectNameTaken)
		}
		if err := setSubjectProjects(tx, row.ID, in.Projects); err != nil {
			return err
		}
		return setSubjectLicenses(tx, row.ID, in.Licenses)
	})
	if err != nil {
		return nil, err
	}
	return s.GetBSSubject(ctx, BSViewer{UserID: userID}, row.ID)
}

// UpdateBSSubject changes a subject the user can see; the user needs
// can_change on its projects before and after the change.
func (s *Store) UpdateBSSubject(ctx context.Context, userID uint, id string, in BSSubjectInput) (*BSSubjectRecord, error) {
	err := s.write(ctx, func(tx *gorm.DB) error {
		row, projectIDs, err := subjectForChange(tx, userID, id)
		if err != nil {
			return err
		}
		if err := checkBSSubjectInput(tx, userID, id, in); err != nil {
			return err
		}
		if ok, err := canChangeAll(tx, userID, projectIDs); err != nil || !ok {
			return orForbidden(err)
		}
		applyBSSubjectInput(row, in)
		if err := tx.Omit(clause.Associations).Save(row).Error; err != nil {
			return uniqueName(err, bsSubjectNameTaken)
		}
		if in.Projects != nil {
			if err := tx.Where("subject_id = ?", id).Delete(&BSSubjectProject{}).Error; err != nil {
				return err
			}
			if err := setSubjectProjects(tx, id, in.Projects); err != nil {
				return err
			}
		}
		return setSubjectLicenses(tx, id, in.Licenses)
	})
	if err != nil {
		return nil, err
	}
	return s.GetBSSubject(ctx, BSViewer{UserID: userID}, id)
}

// DeleteBSSubject deletes a subject; the user needs can_change on all its
// projects. A parent of a breeding is not deleted (ErrReferenced).
func (s *Store) DeleteBSSubject(ctx context.Context, userID uint, id string) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		_, projectIDs, err := subjectForChange(tx, userID, id)
		if err != nil {
			return err
		}
		if ok, err := canChangeAll(tx, userID, projectIDs); err != nil || !ok {
			return orForbidden(err)
		}
		var parentOf int64
		if err := tx.Model(&BSBreeding{}).Where("mother_id = ? OR father_id = ?", id, id).Count(&parentOf).Error; err != nil {
			return err
		}
		if parentOf > 0 {
			return ErrReferenced
		}
		return tx.Delete(&BSSubject{ID: id}).Error
	})
}

func subjectForChange(tx *gorm.DB, userID uint, id string) (*BSSubject, []string, error) {
	var row BSSubject
	if err := (BSViewer{UserID: userID}).where(tx.Model(&BSSubject{}), "subject").Where("bs_subjects.id = ?", id).Take(&row).Error; err != nil {
		return nil, nil, notFound(err)
	}
	var projectIDs []string
	err := tx.Model(&BSSubjectProject{}).Where("subject_id = ?", id).Pluck("project_id", &projectIDs).Error
	return &row, projectIDs, err
}

// checkBSSubjectInput validates what the spec cannot (unique name, existing
// references; 400), then the permission on the named projects (403).
func checkBSSubjectInput(tx *gorm.DB, userID uint, selfID string, in BSSubjectInput) error {
	errs := fieldErrors{}
	if in.Name != nil {
		taken, err := nameTaken(tx, "bs_subjects", *in.Name, selfID)
		if err != nil {
			return err
		}
		if taken {
			errs.add("name", bsSubjectNameTaken)
		}
	}
	refs := []struct {
		field, table string
		ids          []string
	}{{"projects", "bs_projects", in.Projects}, {"strain", "bs_strains", optID(in.Strain)}, {"supplier", "bs_suppliers", optID(in.Supplier)}}
	for _, r := range refs {
		missing, err := missingIDs(tx, r.table, r.ids)
		if err != nil {
			return err
		}
		for _, id := range missing {
			errs.add(r.field, fmt.Sprintf(bsInvalidPkTemplate, id))
		}
	}
	missingB, err := missingVisible(tx, BSViewer{UserID: userID}, "breeding", optID(in.Breeding))
	if err != nil {
		return err
	}
	for _, id := range missingB {
		errs.add("breeding", fmt.Sprintf(bsInvalidPkTemplate, id))
	}
	missingL, err := missingVisible(tx, BSViewer{UserID: userID}, "license", dedupe(in.Licenses))
	if err != nil {
		return err
	}
	for _, id := range missingL {
		errs.add("licenses", fmt.Sprintf(bsInvalidPkTemplate, id))
	}
	if err := errs.err(); err != nil {
		return err
	}
	if ok, err := canChangeAll(tx, userID, dedupe(in.Projects)); err != nil || !ok {
		return orForbidden(err)
	}
	return nil
}

func optID(id *string) []string {
	if id == nil {
		return nil
	}
	return []string{*id}
}

func applyBSSubjectInput(row *BSSubject, in BSSubjectInput) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&row.Name, in.Name}, {&row.Description, in.Description}, {&row.StrainID, in.Strain}, {&row.Sex, in.Sex},
		{&row.GeneticLine, in.GeneticLine}, {&row.Genotype, in.Genotype}, {&row.SubjectIdentifier, in.SubjectIdentifier},
		{&row.Status, in.Status}, {&row.ExtraFields, in.ExtraFields}, {&row.Tags, in.Tags}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		set bool
		dst **string
		src *string
	}{{in.SetSupplier, &row.SupplierID, in.Supplier}, {in.SetBreeding, &row.BreedingID, in.Breeding},
		{in.SetBirthDate, &row.BirthDate, in.BirthDate}, {in.SetDeathDate, &row.DeathDate, in.DeathDate},
		{in.SetNameUsedInStorage, &row.NameUsedInStorage, in.NameUsedInStorage}} {
		if f.set {
			*f.dst = f.src
		}
	}
}

func setSubjectProjects(tx *gorm.DB, subjectID string, projectIDs []string) error {
	ids := dedupe(projectIDs)
	if len(ids) == 0 {
		return nil
	}
	rows := make([]BSSubjectProject, len(ids))
	for i, p := range ids {
		rows[i] = BSSubjectProject{SubjectID: subjectID, ProjectID: p}
	}
	return tx.Omit(clause.Associations).Create(&rows).Error
}
