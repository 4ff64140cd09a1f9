package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The global BrainSTEM tables: species, strains (of a species) and
// suppliers. Every signed-in user and the public portal read all of them;
// only staff users (User.Staff) create, change and delete them.

// ErrReferenced means a record cannot be deleted because others refer to it
// (a species with strains).
var ErrReferenced = errors.New("store: record is referred to")

// BSSpecies is a species.
type BSSpecies struct {
	ID                  string  `gorm:"primaryKey;type:text"`
	Name                string  `gorm:"uniqueIndex;not null"`
	Description         string  `gorm:"not null;default:''"`
	RRID                *string `gorm:"column:rrid"`
	ExternalIdentifiers string  `gorm:"not null;default:'[]'"` // JSON array of objects
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// TableName pins the table name.
func (BSSpecies) TableName() string { return "bs_species" }

// BSStrain is a strain of a species. A species with strains cannot be deleted.
type BSStrain struct {
	ID                  string    `gorm:"primaryKey;type:text"`
	Name                string    `gorm:"uniqueIndex;not null"`
	Description         string    `gorm:"not null;default:''"`
	SpeciesID           string    `gorm:"type:text;not null;index"`
	Species             BSSpecies `gorm:"constraint:OnDelete:RESTRICT"`
	RRID                *string   `gorm:"column:rrid"`
	ExternalIdentifiers string    `gorm:"not null;default:'[]'"` // JSON array of objects
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// TableName pins the table name.
func (BSStrain) TableName() string { return "bs_strains" }

// BSSupplier is a supplier of animals or equipment.
type BSSupplier struct {
	ID          string `gorm:"primaryKey;type:text"`
	Name        string `gorm:"uniqueIndex;not null"`
	Description string `gorm:"not null;default:''"`
	Website     string `gorm:"not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (BSSupplier) TableName() string { return "bs_suppliers" }

// BSGlobalInput carries the writable fields of a species, strain or
// supplier; nil means unchanged (SetRRID with a nil RRID clears it).
// ExternalIdentifiers is JSON text. Fields a table does not have are ignored.
type BSGlobalInput struct {
	Name                *string
	Description         *string
	SetRRID             bool
	RRID                *string
	ExternalIdentifiers *string
	Species             *string // strain
	Website             *string // supplier
}

// Messages of the global tables' unique names and references.
const (
	bsSpeciesNameTaken  = "species with this name already exists."
	bsStrainNameTaken   = "strain with this name already exists."
	bsSupplierNameTaken = "supplier with this name already exists."
	bsWebsiteTooLong    = "Ensure this field has no more than 200 characters."
)

// globalTable describes one global table for the generic functions below.
type globalTable[T any] struct {
	model, table, taken string
	id                  func(*T) string
	apply               func(tx *gorm.DB, row *T, in BSGlobalInput) error
}

var (
	speciesTable = globalTable[BSSpecies]{model: "species", table: "bs_species", taken: bsSpeciesNameTaken,
		id: func(r *BSSpecies) string { return r.ID }, apply: applySpecies}
	strainTable = globalTable[BSStrain]{model: "strain", table: "bs_strains", taken: bsStrainNameTaken,
		id: func(r *BSStrain) string { return r.ID }, apply: applyStrain}
	supplierTable = globalTable[BSSupplier]{model: "supplier", table: "bs_suppliers", taken: bsSupplierNameTaken,
		id: func(r *BSSupplier) string { return r.ID }, apply: applySupplier}
)

func applySpecies(_ *gorm.DB, row *BSSpecies, in BSGlobalInput) error {
	setCommon(&row.Name, &row.Description, &row.RRID, &row.ExternalIdentifiers, in)
	return nil
}

func applyStrain(tx *gorm.DB, row *BSStrain, in BSGlobalInput) error {
	setCommon(&row.Name, &row.Description, &row.RRID, &row.ExternalIdentifiers, in)
	if in.Species != nil {
		missing, err := missingIDs(tx, "bs_species", []string{*in.Species})
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return Invalid("species", invalidPk(*in.Species))
		}
		row.SpeciesID = *in.Species
	}
	return nil
}

func applySupplier(_ *gorm.DB, row *BSSupplier, in BSGlobalInput) error {
	if in.Name != nil {
		row.Name = *in.Name
	}
	if in.Description != nil {
		row.Description = *in.Description
	}
	if in.Website != nil {
		w := strings.TrimSpace(*in.Website)
		if w != "" && !strings.Contains(w, "://") {
			w = "http://" + w
		}
		if len([]rune(w)) > 200 {
			return Invalid("website", bsWebsiteTooLong)
		}
		row.Website = w
	}
	return nil
}

func setCommon(name, description *string, rrid **string, ext *string, in BSGlobalInput) {
	if in.Name != nil {
		*name = *in.Name
	}
	if in.Description != nil {
		*description = *in.Description
	}
	if in.SetRRID {
		*rrid = in.RRID
	}
	if in.ExternalIdentifiers != nil {
		*ext = *in.ExternalIdentifiers
	}
}

func invalidPk(id string) string { return fmt.Sprintf(bsInvalidPkTemplate, id) }

// requireStaff answers ErrForbidden unless the user is staff (read inside
// the write transaction, so a change by `sessionhub user set-staff` counts at once).
func requireStaff(tx *gorm.DB, userID uint) error {
	var staff []bool
	if err := tx.Model(&User{}).Where("id = ?", userID).Pluck("staff", &staff).Error; err != nil {
		return err
	}
	if len(staff) == 0 || !staff[0] {
		return ErrForbidden
	}
	return nil
}

func (g globalTable[T]) list(s *Store, ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]T, int64, error) {
	base := s.ctxRead(ctx).Table(g.table)
	return listPage[T](base, v, g.model, q, page, nil, "")
}

func (g globalTable[T]) get(s *Store, ctx context.Context, v BSViewer, id string) (*T, error) {
	var row T
	if err := v.where(s.ctxPrepared(ctx).Table(g.table), g.model).Where(g.table+".id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	return &row, nil
}

func (g globalTable[T]) byID(s *Store, ctx context.Context, v BSViewer, ids []string) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []T
	if err := v.where(s.ctxPrepared(ctx).Table(g.table), g.model).Where(g.table+".id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	return orderByIDs(rows, ids, func(r T) string { return g.id(&r) }), nil
}

// save creates (id == "") or changes a record as a staff user.
func (g globalTable[T]) save(s *Store, ctx context.Context, userID uint, id string, in BSGlobalInput, fresh func() *T) (*T, error) {
	var row *T
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := bsRegistry[g.model].guardWrite(tx, userID); err != nil {
			return err
		}
		var err error
		row, err = g.saveTx(tx, id, in, fresh)
		return err
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// saveTx creates (id == "") or changes a record in tx.
func (g globalTable[T]) saveTx(tx *gorm.DB, id string, in BSGlobalInput, fresh func() *T) (*T, error) {
	var row *T
	if id == "" {
		row = fresh()
	} else {
		row = new(T)
		if err := tx.Table(g.table).Where("id = ?", id).Take(row).Error; err != nil {
			return nil, notFound(err)
		}
	}
	if in.Name != nil {
		if taken, err := nameTaken(tx, g.table, *in.Name, id); err != nil || taken {
			return nil, orInvalid(err, "name", g.taken)
		}
	}
	if err := g.apply(tx, row, in); err != nil {
		return nil, err
	}
	if id == "" {
		return row, uniqueName(tx.Omit(clause.Associations).Create(row).Error, g.taken)
	}
	return row, uniqueName(tx.Omit(clause.Associations).Save(row).Error, g.taken)
}

// importTx creates the entries whose name is new and changes (the fields
// they carry) those whose name exists.
func (g globalTable[T]) importTx(tx *gorm.DB, entries []BSGlobalInput, fresh func() *T) (created, updated int, err error) {
	for i, in := range entries {
		if in.Name == nil {
			return 0, 0, fmt.Errorf("entry %d: %w", i, Invalid("name", "This field is required."))
		}
		var ids []string
		if err := tx.Table(g.table).Where("name = ?", *in.Name).Pluck("id", &ids).Error; err != nil {
			return 0, 0, err
		}
		id := ""
		if len(ids) > 0 {
			id = ids[0]
			updated++
		} else {
			created++
		}
		if _, err := g.saveTx(tx, id, in, fresh); err != nil {
			return 0, 0, fmt.Errorf("entry %d (%s): %w", i, *in.Name, err)
		}
	}
	return created, updated, nil
}

// ImportBSGlobal seeds the global table of model ("species", "strain" or
// "supplier") with entries in one transaction: an entry whose name exists
// changes that record (the fields it carries), others are created. A
// strain's Species may be a species id or name. Nothing is written when an
// entry is invalid (the error names it).
func (s *Store) ImportBSGlobal(ctx context.Context, model string, entries []BSGlobalInput) (created, updated int, err error) {
	err = s.write(ctx, func(tx *gorm.DB) error {
		var err error
		switch model {
		case "species":
			created, updated, err = speciesTable.importTx(tx, entries, newSpecies)
		case "strain":
			for i, in := range entries {
				if in.Species == nil {
					continue
				}
				var ids []string
				if err := tx.Model(&BSSpecies{}).Where("id = ? OR name = ?", *in.Species, *in.Species).Pluck("id", &ids).Error; err != nil {
					return err
				}
				if len(ids) > 0 {
					entries[i].Species = &ids[0]
				}
			}
			created, updated, err = strainTable.importTx(tx, entries, newStrain)
		case "supplier":
			created, updated, err = supplierTable.importTx(tx, entries, newSupplier)
		default:
			err = fmt.Errorf("unknown model %q (species, strain or supplier)", model)
		}
		return err
	})
	return created, updated, err
}

func newSpecies() *BSSpecies   { return &BSSpecies{ID: newBSID(), ExternalIdentifiers: "[]"} }
func newStrain() *BSStrain     { return &BSStrain{ID: newBSID(), ExternalIdentifiers: "[]"} }
func newSupplier() *BSSupplier { return &BSSupplier{ID: newBSID()} }

func (g globalTable[T]) delete(s *Store, ctx context.Context, userID uint, id string, referenced func(tx *gorm.DB) (bool, error)) error {
	return s.write(ctx, func(tx *gorm.DB) error {
		if err := bsRegistry[g.model].guardWrite(tx, userID); err != nil {
			return err
		}
		var n int64
		if err := tx.Table(g.table).Where("id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if referenced != nil {
			if used, err := referenced(tx); err != nil || used {
				if err == nil {
					err = ErrReferenced
				}
				return err
			}
		}
		return tx.Exec("DELETE FROM "+g.table+" WHERE id = ?", id).Error
	})
}

// ListBSSpecies returns one page of species and their total.
func (s *Store) ListBSSpecies(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSSpecies, int64, error) {
	return speciesTable.list(s, ctx, v, q, page)
}

// GetBSSpecies returns one species; ErrNotFound when there is none.
func (s *Store) GetBSSpecies(ctx context.Context, v BSViewer, id string) (*BSSpecies, error) {
	return speciesTable.get(s, ctx, v, id)
}

// BSSpeciesByID returns the species among ids, in the order of ids.
func (s *Store) BSSpeciesByID(ctx context.Context, v BSViewer, ids []string) ([]BSSpecies, error) {
	return speciesTable.byID(s, ctx, v, ids)
}

// SaveBSSpecies creates (id "") or changes a species; staff only (ErrForbidden).
func (s *Store) SaveBSSpecies(ctx context.Context, userID uint, id string, in BSGlobalInput) (*BSSpecies, error) {
	return speciesTable.save(s, ctx, userID, id, in, newSpecies)
}

// DeleteBSSpecies deletes a species without strains (ErrReferenced otherwise); staff only.
func (s *Store) DeleteBSSpecies(ctx context.Context, userID uint, id string) error {
	return speciesTable.delete(s, ctx, userID, id, func(tx *gorm.DB) (bool, error) {
		var n int64
		err := tx.Model(&BSStrain{}).Where("species_id = ?", id).Count(&n).Error
		return n > 0, err
	})
}

// ListBSStrains returns one page of strains and their total.
func (s *Store) ListBSStrains(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSStrain, int64, error) {
	return strainTable.list(s, ctx, v, q, page)
}

// GetBSStrain returns one strain; ErrNotFound when there is none.
func (s *Store) GetBSStrain(ctx context.Context, v BSViewer, id string) (*BSStrain, error) {
	return strainTable.get(s, ctx, v, id)
}

// SaveBSStrain creates (id "") or changes a strain; staff only (ErrForbidden).
// A species that does not exist is a field error.
func (s *Store) SaveBSStrain(ctx context.Context, userID uint, id string, in BSGlobalInput) (*BSStrain, error) {
	return strainTable.save(s, ctx, userID, id, in, newStrain)
}

// referencedBySubjects reports whether a subject's column refers to id.
func referencedBySubjects(col, id string) func(tx *gorm.DB) (bool, error) {
	return func(tx *gorm.DB) (bool, error) {
		var n int64
		err := tx.Model(&BSSubject{}).Where(col+" = ?", id).Count(&n).Error
		return n > 0, err
	}
}

// DeleteBSStrain deletes a strain no subject is of (ErrReferenced otherwise); staff only.
func (s *Store) DeleteBSStrain(ctx context.Context, userID uint, id string) error {
	return strainTable.delete(s, ctx, userID, id, referencedBySubjects("strain_id", id))
}

// BSStrainsByID returns the strains among ids, in the order of ids.
func (s *Store) BSStrainsByID(ctx context.Context, v BSViewer, ids []string) ([]BSStrain, error) {
	return strainTable.byID(s, ctx, v, ids)
}

// BSSuppliersByID returns the suppliers among ids, in the order of ids.
func (s *Store) BSSuppliersByID(ctx context.Context, v BSViewer, ids []string) ([]BSSupplier, error) {
	return supplierTable.byID(s, ctx, v, ids)
}

// ListBSSuppliers returns one page of suppliers and their total.
func (s *Store) ListBSSuppliers(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSSupplier, int64, error) {
	return supplierTable.list(s, ctx, v, q, page)
}

// GetBSSupplier returns one supplier; ErrNotFound when there is none.
func (s *Store) GetBSSupplier(ctx context.Context, v BSViewer, id string) (*BSSupplier, error) {
	return supplierTable.get(s, ctx, v, id)
}

// SaveBSSupplier creates (id "") or changes a supplier; staff only (ErrForbidden).
func (s *Store) SaveBSSupplier(ctx context.Context, userID uint, id string, in BSGlobalInput) (*BSSupplier, error) {
	return supplierTable.save(s, ctx, userID, id, in, newSupplier)
}

// DeleteBSSupplier deletes a supplier no record names (a subject, a
// hardware device, a consumable; ErrReferenced otherwise); staff only.
func (s *Store) DeleteBSSupplier(ctx context.Context, userID uint, id string) error {
	return supplierTable.delete(s, ctx, userID, id, func(tx *gorm.DB) (bool, error) { return bsReferenced(tx, "supplier", id) })
}
