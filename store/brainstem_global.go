package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
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

// bsWebsiteTooLong is the message of a supplier's website over 200 characters.
const bsWebsiteTooLong = "Ensure this field has no more than 200 characters."

// globalTable describes one global table for the generic reads below.
type globalTable[T any] struct {
	model, table string
	id           func(*T) string
}

var (
	speciesTable  = globalTable[BSSpecies]{model: "species", table: "bs_species", id: func(r *BSSpecies) string { return r.ID }}
	strainTable   = globalTable[BSStrain]{model: "strain", table: "bs_strains", id: func(r *BSStrain) string { return r.ID }}
	supplierTable = globalTable[BSSupplier]{model: "supplier", table: "bs_suppliers", id: func(r *BSSupplier) string { return r.ID }}
)

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

// change is the BSChange of an imported entry: the fields it carries.
func (in BSGlobalInput) change() BSChange {
	set := map[string]any{}
	for name, v := range map[string]*string{"name": in.Name, "description": in.Description,
		"external_identifiers": in.ExternalIdentifiers, "species": in.Species, "website": in.Website} {
		if v != nil {
			set[name] = *v
		}
	}
	if in.SetRRID {
		set["rrid"] = nil
		if in.RRID != nil {
			set["rrid"] = *in.RRID
		}
	}
	return BSChange{Set: set}
}

// ImportBSGlobal seeds the global table of model ("species", "strain" or
// "supplier") with entries in one transaction, through the generic write
// path without a caller: an entry whose name exists changes that record
// (the fields it carries), others are created. A strain's Species may be a
// species id or name. Nothing is written when an entry is invalid (the
// error names it).
func (s *Store) ImportBSGlobal(ctx context.Context, model string, entries []BSGlobalInput) (created, updated int, err error) {
	if model != "species" && model != "strain" && model != "supplier" {
		return 0, 0, fmt.Errorf("unknown model %q (species, strain or supplier)", model)
	}
	table := bsRegistry[model].Table
	err = s.write(ctx, func(tx *gorm.DB) error {
		for i, in := range entries {
			if in.Name == nil {
				return fmt.Errorf("entry %d: %w", i, Invalid("name", "This field is required."))
			}
			if model == "strain" && in.Species != nil {
				var ids []string
				if err := tx.Model(&BSSpecies{}).Where("id = ? OR name = ?", *in.Species, *in.Species).Pluck("id", &ids).Error; err != nil {
					return err
				}
				if len(ids) > 0 {
					in.Species = &ids[0]
				}
			}
			var ids []string
			if err := tx.Table(table).Where("name = ?", *in.Name).Pluck("id", &ids).Error; err != nil {
				return err
			}
			op, id := opCreate, ""
			if len(ids) > 0 {
				op, id = opUpdate, ids[0]
			}
			if _, err := writeBSRecord(tx, 0, model, id, in.change(), op, false); err != nil {
				return fmt.Errorf("entry %d (%s): %w", i, *in.Name, err)
			}
			if op == opCreate {
				created++
			} else {
				updated++
			}
		}
		return nil
	})
	return created, updated, err
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

// ListBSStrains returns one page of strains and their total.
func (s *Store) ListBSStrains(ctx context.Context, v BSViewer, q BSListQuery, page BSPage) ([]BSStrain, int64, error) {
	return strainTable.list(s, ctx, v, q, page)
}

// GetBSStrain returns one strain; ErrNotFound when there is none.
func (s *Store) GetBSStrain(ctx context.Context, v BSViewer, id string) (*BSStrain, error) {
	return strainTable.get(s, ctx, v, id)
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
