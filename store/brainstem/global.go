package brainstem

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"
)

// The global BrainSTEM tables: species, strains (of a species) and
// suppliers. Every signed-in user and the public portal read all of them;
// only staff users (store.User.Staff) create, change and delete them.

// ErrReferenced means a record cannot be deleted because others refer to it
// (a species with strains).
var ErrReferenced = errors.New("store: record is referred to")

// Species is a species.
type Species struct {
	ID                  string  `gorm:"primaryKey;type:text"`
	Name                string  `gorm:"uniqueIndex;not null"`
	Description         string  `gorm:"not null;default:''"`
	RRID                *string `gorm:"column:rrid"`
	ExternalIdentifiers string  `gorm:"not null;default:'[]'"` // JSON array of objects
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// TableName pins the table name.
func (Species) TableName() string { return "bs_species" }

// Strain is a strain of a species. A species with strains cannot be deleted.
type Strain struct {
	ID                  string  `gorm:"primaryKey;type:text"`
	Name                string  `gorm:"uniqueIndex;not null"`
	Description         string  `gorm:"not null;default:''"`
	SpeciesID           string  `gorm:"type:text;not null;index"`
	Species             Species `gorm:"constraint:OnDelete:RESTRICT"`
	RRID                *string `gorm:"column:rrid"`
	ExternalIdentifiers string  `gorm:"not null;default:'[]'"` // JSON array of objects
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// TableName pins the table name.
func (Strain) TableName() string { return "bs_strains" }

// Supplier is a supplier of animals or equipment.
type Supplier struct {
	ID          string `gorm:"primaryKey;type:text"`
	Name        string `gorm:"uniqueIndex;not null"`
	Description string `gorm:"not null;default:''"`
	Website     string `gorm:"not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (Supplier) TableName() string { return "bs_suppliers" }

// GlobalInput carries the writable fields of a species, strain or
// supplier; nil means unchanged (SetRRID with a nil RRID clears it).
// ExternalIdentifiers is JSON text. Fields a table does not have are ignored.
type GlobalInput struct {
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
	speciesTable  = globalTable[Species]{model: "species", table: "bs_species", id: func(r *Species) string { return r.ID }}
	strainTable   = globalTable[Strain]{model: "strain", table: "bs_strains", id: func(r *Strain) string { return r.ID }}
	supplierTable = globalTable[Supplier]{model: "supplier", table: "bs_suppliers", id: func(r *Supplier) string { return r.ID }}
)

func invalidPk(id string) string { return fmt.Sprintf(bsInvalidPkTemplate, id) }

// requireStaff answers store.ErrForbidden unless the user is staff (read inside
// the write transaction, so a change by `sessionhub user set-staff` counts at once).
func requireStaff(tx *gorm.DB, userID uint) error {
	var staff []bool
	if err := tx.Model(&store.User{}).Where("id = ?", userID).Pluck("staff", &staff).Error; err != nil {
		return err
	}
	if len(staff) == 0 || !staff[0] {
		return store.ErrForbidden
	}
	return nil
}

func (g globalTable[T]) list(s *Store, ctx context.Context, v Viewer, q ListQuery, page Page) ([]T, int64, error) {
	base := s.ctxRead(ctx).Table(g.table)
	return listPage[T](base, v, g.model, q, page, nil, "")
}

func (g globalTable[T]) get(s *Store, ctx context.Context, v Viewer, id string) (*T, error) {
	var row T
	if err := v.where(s.ctxPrepared(ctx).Table(g.table), g.model).Where(g.table+".id = ?", id).Take(&row).Error; err != nil {
		return nil, store.NotFound(err)
	}
	return &row, nil
}

func (g globalTable[T]) byID(s *Store, ctx context.Context, v Viewer, ids []string) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []T
	if err := v.where(s.ctxPrepared(ctx).Table(g.table), g.model).Where(g.table+".id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	return orderByIDs(rows, ids, func(r T) string { return g.id(&r) }), nil
}

// change is the Change of an imported entry: the fields it carries.
func (in GlobalInput) change() Change {
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
	return Change{Set: set}
}

// ImportGlobal seeds the global table of model ("species", "strain" or
// "supplier") with entries in one transaction, through the generic write
// path without a caller: an entry whose name exists changes that record
// (the fields it carries), others are created. A strain's Species may be a
// species id or name. Nothing is written when an entry is invalid (the
// error names it).
func (s *Store) ImportGlobal(ctx context.Context, model string, entries []GlobalInput) (created, updated int, err error) {
	if model != "species" && model != "strain" && model != "supplier" {
		return 0, 0, fmt.Errorf("unknown model %q (species, strain or supplier)", model)
	}
	table := bsRegistry[model].Table
	err = s.core.Write(ctx, func(tx *gorm.DB) error {
		for i, in := range entries {
			if in.Name == nil {
				return fmt.Errorf("entry %d: %w", i, store.Invalid("name", "This field is required."))
			}
			if model == "strain" && in.Species != nil {
				var ids []string
				if err := tx.Model(&Species{}).Where("id = ? OR name = ?", *in.Species, *in.Species).Pluck("id", &ids).Error; err != nil {
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
			if _, err := writeRecord(tx, 0, model, id, in.change(), op, false); err != nil {
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

// ListSpecies returns one page of species and their total.
func (s *Store) ListSpecies(ctx context.Context, v Viewer, q ListQuery, page Page) ([]Species, int64, error) {
	return speciesTable.list(s, ctx, v, q, page)
}

// GetSpecies returns one species; store.ErrNotFound when there is none.
func (s *Store) GetSpecies(ctx context.Context, v Viewer, id string) (*Species, error) {
	return speciesTable.get(s, ctx, v, id)
}

// SpeciesByID returns the species among ids, in the order of ids.
func (s *Store) SpeciesByID(ctx context.Context, v Viewer, ids []string) ([]Species, error) {
	return speciesTable.byID(s, ctx, v, ids)
}

// ListStrains returns one page of strains and their total.
func (s *Store) ListStrains(ctx context.Context, v Viewer, q ListQuery, page Page) ([]Strain, int64, error) {
	return strainTable.list(s, ctx, v, q, page)
}

// GetStrain returns one strain; store.ErrNotFound when there is none.
func (s *Store) GetStrain(ctx context.Context, v Viewer, id string) (*Strain, error) {
	return strainTable.get(s, ctx, v, id)
}

// StrainsByID returns the strains among ids, in the order of ids.
func (s *Store) StrainsByID(ctx context.Context, v Viewer, ids []string) ([]Strain, error) {
	return strainTable.byID(s, ctx, v, ids)
}

// SuppliersByID returns the suppliers among ids, in the order of ids.
func (s *Store) SuppliersByID(ctx context.Context, v Viewer, ids []string) ([]Supplier, error) {
	return supplierTable.byID(s, ctx, v, ids)
}

// ListSuppliers returns one page of suppliers and their total.
func (s *Store) ListSuppliers(ctx context.Context, v Viewer, q ListQuery, page Page) ([]Supplier, int64, error) {
	return supplierTable.list(s, ctx, v, q, page)
}

// GetSupplier returns one supplier; store.ErrNotFound when there is none.
func (s *Store) GetSupplier(ctx context.Context, v Viewer, id string) (*Supplier, error) {
	return supplierTable.get(s, ctx, v, id)
}
