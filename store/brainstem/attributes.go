package brainstem

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/sessionhub/sessionhub/store"
)

// The personal attributes (setup, behavioral assay, license, inventory),
// the resources (hardware device, consumable) and the taxonomies
// (behavioral paradigm, behavioral category, setup type, brain region,
// regulatory authority) of BrainSTEM.
//
// Personal attributes belong to the user who created them: the owner reads
// and writes them; everyone else (and the public portal) reads those marked
// is_public, like a data storage. Resources and taxonomies are global
// tables like species: read by every signed-in user and the public portal,
// written by staff users only (store.ErrForbidden for others), seeded by
// ImportAttributes.
//
// Reads and writes are generic: the registry descriptors in
// bsAttributeModels name the columns, relations and write scope of each
// model; writes go through the generic write path (write.go)
// with the hooks below (unique-together sets, cross-field rules, delete
// refusals).

// SetupType is a kind of experimental setup (taxonomy).
type SetupType struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"uniqueIndex;not null"`
	Description string    `gorm:"not null;default:''"`
	Category    string    `gorm:"not null;default:'U'"`
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (SetupType) TableName() string { return "bs_setuptypes" }

// BehavioralCategory is a node of the behavioral category tree (taxonomy).
type BehavioralCategory struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"uniqueIndex;not null"`
	Description string    `gorm:"not null;default:''"`
	ParentID    *string   `gorm:"type:text;index"`
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (BehavioralCategory) TableName() string { return "bs_behavioralcategories" }

// BehavioralParadigm is a behavioral paradigm (taxonomy), of a category,
// for some species.
type BehavioralParadigm struct {
	ID                  string    `gorm:"primaryKey;type:text"`
	Name                string    `gorm:"uniqueIndex;not null"`
	Description         string    `gorm:"not null;default:''"`
	CategoryID          *string   `gorm:"type:text;index"`
	OriginalPublication string    `gorm:"not null;default:''"`
	ReferenceURL        string    `gorm:"column:reference_url;not null;default:''"`
	RRID                *string   `gorm:"column:rrid"`
	ExternalIdentifiers string    `gorm:"not null;default:'[]'"` // JSON array of objects
	CreatedAt           time.Time `gorm:"index"`
	UpdatedAt           time.Time
}

// TableName pins the table name.
func (BehavioralParadigm) TableName() string { return "bs_behavioralparadigms" }

// BehavioralParadigmSpecies links a behavioral paradigm to a species.
type BehavioralParadigmSpecies struct {
	BehavioralParadigmID string             `gorm:"primaryKey;type:text"`
	SpeciesID            string             `gorm:"primaryKey;type:text;index"`
	BehavioralParadigm   BehavioralParadigm `gorm:"constraint:OnDelete:CASCADE"`
	Species              Species            `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (BehavioralParadigmSpecies) TableName() string { return "bs_behavioralparadigm_species" }

// BrainRegion is a region of a brain atlas (taxonomy); (atlas, acronym)
// and (atlas, name) are unique.
type BrainRegion struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"not null;uniqueIndex:idx_bs_brainregions_atlas_name,priority:2"`
	Description string    `gorm:"not null;default:''"`
	Acronym     string    `gorm:"not null;uniqueIndex:idx_bs_brainregions_atlas_acronym,priority:2"`
	Atlas       string    `gorm:"not null;uniqueIndex:idx_bs_brainregions_atlas_name,priority:1;uniqueIndex:idx_bs_brainregions_atlas_acronym,priority:1"`
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (BrainRegion) TableName() string { return "bs_brainregions" }

// RegulatoryAuthority is an authority that issues licenses (taxonomy).
type RegulatoryAuthority struct {
	ID            string    `gorm:"primaryKey;type:text"`
	Name          string    `gorm:"uniqueIndex;not null"`
	Abbreviation  string    `gorm:"not null;default:''"`
	Country       string    `gorm:"not null;default:''"`
	AuthorityType string    `gorm:"not null;default:''"`
	Website       string    `gorm:"not null;default:''"`
	Description   string    `gorm:"not null;default:''"`
	IsActive      bool      `gorm:"not null;default:true"`
	CreatedAt     time.Time `gorm:"index"`
	UpdatedAt     time.Time
}

// TableName pins the table name.
func (RegulatoryAuthority) TableName() string { return "bs_regulatoryauthorities" }

// HardwareDevice is a hardware device model of a supplier (resource).
type HardwareDevice struct {
	ID                  string    `gorm:"primaryKey;type:text"`
	Name                string    `gorm:"uniqueIndex;not null"`
	Description         string    `gorm:"not null;default:''"`
	SupplierID          string    `gorm:"type:text;not null;index"`
	RRID                *string   `gorm:"column:rrid"`
	ExternalIdentifiers string    `gorm:"not null;default:'[]'"` // JSON array of objects
	CreatedAt           time.Time `gorm:"index"`
	UpdatedAt           time.Time
}

// TableName pins the table name.
func (HardwareDevice) TableName() string { return "bs_hardwaredevices" }

// Consumable is a consumable product of a supplier (resource), of a
// type with free-form details.
type Consumable struct {
	ID                  string    `gorm:"primaryKey;type:text"`
	Name                string    `gorm:"uniqueIndex;not null"`
	Description         string    `gorm:"not null;default:''"`
	SupplierID          string    `gorm:"type:text;not null;index"`
	Type                string    `gorm:"not null;default:''"`
	RRID                *string   `gorm:"column:rrid"`
	ExternalIdentifiers string    `gorm:"not null;default:'[]'"` // JSON array of objects
	Details             string    `gorm:"not null;default:'{}'"` // JSON object
	CreatedAt           time.Time `gorm:"index"`
	UpdatedAt           time.Time
}

// TableName pins the table name.
func (Consumable) TableName() string { return "bs_consumables" }

// Setup is an experimental setup, owned by the user who created it.
type Setup struct {
	ID             string    `gorm:"primaryKey;type:text"`
	Name           string    `gorm:"not null"`
	Location       string    `gorm:"not null;default:''"`
	Description    string    `gorm:"not null;default:''"`
	SetupTypeID    string    `gorm:"type:text;not null;index"`
	Specifications string    `gorm:"not null;default:'{}'"` // JSON object
	IsPublic       bool      `gorm:"not null;default:false"`
	OwnerID        uint      `gorm:"not null;index"`
	CreatedAt      time.Time `gorm:"index"`
	UpdatedAt      time.Time
}

// TableName pins the table name.
func (Setup) TableName() string { return "bs_setups" }

// BehavioralAssay is a behavioral assay, owned by the user who created it.
type BehavioralAssay struct {
	ID                   string    `gorm:"primaryKey;type:text"`
	Name                 string    `gorm:"not null"`
	Description          string    `gorm:"not null;default:''"`
	SetupTypeID          string    `gorm:"type:text;not null;index"`
	BehavioralParadigmID string    `gorm:"type:text;not null;index"`
	IsPublic             bool      `gorm:"not null;default:false"`
	OwnerID              uint      `gorm:"not null;index"`
	CreatedAt            time.Time `gorm:"index"`
	UpdatedAt            time.Time
}

// TableName pins the table name.
func (BehavioralAssay) TableName() string { return "bs_behavioralassays" }

// License is a license (an authorization for research), owned by the user
// who created it. Dates are "YYYY-MM-DD" text.
type License struct {
	ID                    string  `gorm:"primaryKey;type:text"`
	Name                  string  `gorm:"not null"`
	Type                  string  `gorm:"not null"`
	Status                string  `gorm:"not null;default:'draft'"`
	Description           string  `gorm:"not null;default:''"`
	Country               *string `gorm:"type:text"`
	RegulatoryAuthorityID *string `gorm:"type:text;index"`
	LicenseNumber         string  `gorm:"not null;default:''"`
	ValidFrom             *string
	ValidUntil            *string
	IsPublic              bool      `gorm:"not null;default:false"`
	OwnerID               uint      `gorm:"not null;index"`
	CreatedAt             time.Time `gorm:"index"`
	UpdatedAt             time.Time
}

// TableName pins the table name.
func (License) TableName() string { return "bs_licenses" }

// BehavioralAssayLicense links a behavioral assay to a license.
type BehavioralAssayLicense struct {
	BehavioralAssayID string          `gorm:"primaryKey;type:text"`
	LicenseID         string          `gorm:"primaryKey;type:text;index"`
	BehavioralAssay   BehavioralAssay `gorm:"constraint:OnDelete:CASCADE"`
	License           License         `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (BehavioralAssayLicense) TableName() string { return "bs_behavioralassay_licenses" }

// SubjectLicense links a subject to a license.
type SubjectLicense struct {
	SubjectID string  `gorm:"primaryKey;type:text"`
	LicenseID string  `gorm:"primaryKey;type:text;index"`
	Subject   Subject `gorm:"constraint:OnDelete:CASCADE"`
	License   License `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (SubjectLicense) TableName() string { return "bs_subject_licenses" }

// Inventory is an inventory of consumable stocks, owned by the user who
// created it.
type Inventory struct {
	ID          string    `gorm:"primaryKey;type:text"`
	Name        string    `gorm:"not null"`
	Location    string    `gorm:"not null;default:''"`
	Description string    `gorm:"not null;default:''"`
	IsPublic    bool      `gorm:"not null;default:false"`
	OwnerID     uint      `gorm:"not null;index"`
	CreatedAt   time.Time `gorm:"index"`
	UpdatedAt   time.Time
}

// TableName pins the table name.
func (Inventory) TableName() string { return "bs_inventories" }

// attributeModels lists the tables of this file for migration 3.
func attributeModels() []any {
	return []any{&SetupType{}, &BehavioralCategory{}, &BehavioralParadigm{}, &BehavioralParadigmSpecies{},
		&BrainRegion{}, &RegulatoryAuthority{}, &HardwareDevice{}, &Consumable{},
		&Setup{}, &BehavioralAssay{}, &License{}, &BehavioralAssayLicense{}, &SubjectLicense{}, &Inventory{}}
}

// Records with to-many relations: the row and the ids of the related
// records the viewer may see.
type (
	// BehavioralParadigmRecord is a paradigm with its species.
	BehavioralParadigmRecord struct {
		BehavioralParadigm
		SpeciesIDs []string `gorm:"-"`
	}
	// BehavioralAssayRecord is an assay with its licenses.
	BehavioralAssayRecord struct {
		BehavioralAssay
		LicenseIDs []string `gorm:"-"`
	}
	// LicenseRecord is a license with its assays and subjects.
	LicenseRecord struct {
		License
		BehavioralAssayIDs []string `gorm:"-"`
		SubjectIDs         []string `gorm:"-"`
	}
)

// ownedVisible is the visibility of a personal attribute in table: the
// owner's and the public ones on the private portal, the public ones on
// the public portal.
func ownedVisible(table string) func(Viewer) []bsCond {
	return pick(table+".is_public = TRUE", "("+table+".owner_id = "+bsViewerID+" OR "+table+".is_public = TRUE)")
}

type (
	setupTypeRec  = SetupType
	categoryRec   = BehavioralCategory
	paradigmRec   = BehavioralParadigmRecord
	brainRegRec   = BrainRegion
	authorityRec  = RegulatoryAuthority
	hardwareRec   = HardwareDevice
	consumableRec = Consumable
	setupRec      = Setup
	assayRec      = BehavioralAssayRecord
	licenseRec    = LicenseRecord
	inventoryRec  = Inventory
)

func rridURLField[T any](get func(*T) *string) Field {
	return Field{Name: "rrid_url", Kind: Computed, Nullable: true, ReadOnly: true, Get: func(rec any) any { return get(rec.(*T)) }}
}

// nullComputed is a read-only field that is always null here (uploads
// sessionhub does not store: images, documents).
func nullComputed(name string) Field {
	return Field{Name: name, Kind: Computed, Nullable: true, ReadOnly: true}
}

// bsAttributeModels are the registry descriptors of this file's models.
var bsAttributeModels = map[string]*Model{
	"setuptype": {
		Name: "setuptype", Verbose: "setup type", Table: "bs_setuptypes", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(r *setupTypeRec) any { return r.ID }),
			field("name", Text, "name", func(r *setupTypeRec) any { return r.Name }, required, unique),
			field("description", Text, "description", func(r *setupTypeRec) any { return r.Description }, sortable),
			field("category", Text, "category", func(r *setupTypeRec) any { return r.Category }, required, sortable),
		},
	},
	"behavioralcategory": {
		Name: "behavioralcategory", Verbose: "behavioral category", Table: "bs_behavioralcategories", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(r *categoryRec) any { return r.ID }),
			field("name", Text, "name", func(r *categoryRec) any { return r.Name }, required, unique),
			field("description", Text, "description", func(r *categoryRec) any { return r.Description }, sortable),
			field("parent", ToOne, "parent_id", func(r *categoryRec) any { return r.ParentID }, nullable, sortable, target("behavioralcategory")),
		},
	},
	"behavioralparadigm": {
		Name: "behavioralparadigm", Verbose: "behavioral paradigm", Table: "bs_behavioralparadigms", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(r *paradigmRec) any { return r.ID }),
			field("name", Text, "name", func(r *paradigmRec) any { return r.Name }, required, unique),
			field("description", Text, "description", func(r *paradigmRec) any { return r.Description }, sortable),
			field("category", ToOne, "category_id", func(r *paradigmRec) any { return r.CategoryID }, nullable, sortable, target("behavioralcategory")),
			field("species", ToMany, "", func(r *paradigmRec) any { return r.SpeciesIDs }, target("species"),
				through("bs_behavioralparadigm_species", "behavioral_paradigm_id", "species_id")),
			field("original_publication", Text, "original_publication", func(r *paradigmRec) any { return r.OriginalPublication }, sortable),
			field("reference_url", Text, "reference_url", func(r *paradigmRec) any { return r.ReferenceURL }, sortable),
			field("rrid", Text, "rrid", func(r *paradigmRec) any { return r.RRID }, nullable, sortable),
			field("external_identifiers", JSONList, "external_identifiers", func(r *paradigmRec) any { return r.ExternalIdentifiers }),
		},
	},
	"brainregion": {
		Name: "brainregion", Verbose: "brain region", Table: "bs_brainregions", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(r *brainRegRec) any { return r.ID }),
			field("name", Text, "name", func(r *brainRegRec) any { return r.Name }, required, sortable),
			field("description", Text, "description", func(r *brainRegRec) any { return r.Description }, sortable),
			field("acronym", Text, "acronym", func(r *brainRegRec) any { return r.Acronym }, required, sortable),
			field("atlas", Text, "atlas", func(r *brainRegRec) any { return r.Atlas }, required, sortable),
		},
	},
	"regulatoryauthority": {
		Name: "regulatoryauthority", Verbose: "regulatory authority", Table: "bs_regulatoryauthorities", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(r *authorityRec) any { return r.ID }),
			field("name", Text, "name", func(r *authorityRec) any { return r.Name }, required, unique),
			field("abbreviation", Text, "abbreviation", func(r *authorityRec) any { return r.Abbreviation }, sortable),
			field("country", Text, "country", func(r *authorityRec) any { return r.Country }, sortable),
			field("authority_type", Text, "authority_type", func(r *authorityRec) any { return r.AuthorityType }, sortable),
			field("website", Text, "website", func(r *authorityRec) any { return r.Website }, sortable),
			field("description", Text, "description", func(r *authorityRec) any { return r.Description }, sortable),
			field("is_active", Bool, "is_active", func(r *authorityRec) any { return r.IsActive }, sortable, def(true)),
		},
	},
	"hardwaredevice": {
		Name: "hardwaredevice", Verbose: "hardware device", Table: "bs_hardwaredevices", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(r *hardwareRec) any { return r.ID }),
			field("name", Text, "name", func(r *hardwareRec) any { return r.Name }, required, unique),
			field("description", Text, "description", func(r *hardwareRec) any { return r.Description }, sortable),
			field("supplier", ToOne, "supplier_id", func(r *hardwareRec) any { return r.SupplierID }, required, sortable, target("supplier")),
			field("rrid", Text, "rrid", func(r *hardwareRec) any { return r.RRID }, nullable, sortable),
			rridURLField(func(r *hardwareRec) *string { return r.RRID }),
			field("external_identifiers", JSONList, "external_identifiers", func(r *hardwareRec) any { return r.ExternalIdentifiers }),
		},
	},
	"consumable": {
		Name: "consumable", Table: "bs_consumables", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(r *consumableRec) any { return r.ID }),
			field("name", Text, "name", func(r *consumableRec) any { return r.Name }, required, unique),
			field("description", Text, "description", func(r *consumableRec) any { return r.Description }, sortable),
			field("supplier", ToOne, "supplier_id", func(r *consumableRec) any { return r.SupplierID }, required, sortable, target("supplier")),
			field("type", Text, "type", func(r *consumableRec) any { return r.Type }, required, sortable),
			field("rrid", Text, "rrid", func(r *consumableRec) any { return r.RRID }, nullable, sortable),
			rridURLField(func(r *consumableRec) *string { return r.RRID }),
			field("external_identifiers", JSONList, "external_identifiers", func(r *consumableRec) any { return r.ExternalIdentifiers }),
			field("details", JSON, "details", func(r *consumableRec) any { return r.Details }),
		},
	},
	"setup": {
		Name: "setup", Table: "bs_setups", Write: WriteOwner,
		DefaultOrder: []string{"created_at", "id"},
		visible:      ownedVisible("bs_setups"),
		Fields: []Field{
			idField(func(r *setupRec) any { return r.ID }),
			field("name", Text, "name", func(r *setupRec) any { return r.Name }, required, sortable),
			field("location", Text, "location", func(r *setupRec) any { return r.Location }, sortable),
			field("description", Text, "description", func(r *setupRec) any { return r.Description }, sortable),
			field("setup_type", ToOne, "setup_type_id", func(r *setupRec) any { return r.SetupTypeID }, required, sortable, target("setuptype")),
			field("specifications", JSON, "specifications", func(r *setupRec) any { return r.Specifications }),
			field("is_public", Bool, "is_public", func(r *setupRec) any { return r.IsPublic }, sortable),
			nullComputed("image"),
		},
	},
	"behavioralassay": {
		Name: "behavioralassay", Verbose: "behavioral assay", Table: "bs_behavioralassays", Write: WriteOwner,
		DefaultOrder: []string{"created_at", "id"},
		visible:      ownedVisible("bs_behavioralassays"),
		Fields: []Field{
			idField(func(r *assayRec) any { return r.ID }),
			field("name", Text, "name", func(r *assayRec) any { return r.Name }, required, sortable),
			field("description", Text, "description", func(r *assayRec) any { return r.Description }, sortable),
			field("setup_type", ToOne, "setup_type_id", func(r *assayRec) any { return r.SetupTypeID }, required, sortable, target("setuptype")),
			field("behavioral_paradigm", ToOne, "behavioral_paradigm_id", func(r *assayRec) any { return r.BehavioralParadigmID }, required, sortable, target("behavioralparadigm")),
			field("licenses", ToMany, "", func(r *assayRec) any { return r.LicenseIDs }, target("license"),
				through("bs_behavioralassay_licenses", "behavioral_assay_id", "license_id")),
			field("is_public", Bool, "is_public", func(r *assayRec) any { return r.IsPublic }, sortable),
		},
	},
	"license": {
		Name: "license", Table: "bs_licenses", Write: WriteOwner,
		DefaultOrder: []string{"created_at", "id"},
		visible:      ownedVisible("bs_licenses"),
		Fields: []Field{
			idField(func(r *licenseRec) any { return r.ID }),
			field("name", Text, "name", func(r *licenseRec) any { return r.Name }, required, sortable),
			field("type", Text, "type", func(r *licenseRec) any { return r.Type }, required, sortable),
			field("status", Text, "status", func(r *licenseRec) any { return r.Status }, sortable, def("draft")),
			field("description", Text, "description", func(r *licenseRec) any { return r.Description }, sortable),
			field("country", Text, "country", func(r *licenseRec) any { return r.Country }, nullable, sortable),
			field("regulatory_authority", ToOne, "regulatory_authority_id", func(r *licenseRec) any { return r.RegulatoryAuthorityID }, nullable, sortable, target("regulatoryauthority")),
			field("license_number", Text, "license_number", func(r *licenseRec) any { return r.LicenseNumber }, sortable),
			nullComputed("license_document"),
			field("valid_from", Date, "valid_from", func(r *licenseRec) any { return r.ValidFrom }, nullable, sortable),
			field("valid_until", Date, "valid_until", func(r *licenseRec) any { return r.ValidUntil }, nullable, sortable),
			emptyField("license_holders"),
			field("behavioralassays", ToMany, "", func(r *licenseRec) any { return r.BehavioralAssayIDs }, readOnly, target("behavioralassay"),
				through("bs_behavioralassay_licenses", "license_id", "behavioral_assay_id")),
			field("subjects", ToMany, "", func(r *licenseRec) any { return r.SubjectIDs }, readOnly, target("subject"),
				through("bs_subject_licenses", "license_id", "subject_id")),
			emptyField("procedures"),
			field("is_public", Bool, "is_public", func(r *licenseRec) any { return r.IsPublic }, sortable),
		},
	},
	"inventory": {
		Name: "inventory", Table: "bs_inventories", Write: WriteOwner,
		DefaultOrder: []string{"created_at", "id"},
		visible:      ownedVisible("bs_inventories"),
		Fields: []Field{
			idField(func(r *inventoryRec) any { return r.ID }),
			field("name", Text, "name", func(r *inventoryRec) any { return r.Name }, required, sortable),
			field("location", Text, "location", func(r *inventoryRec) any { return r.Location }, sortable),
			field("description", Text, "description", func(r *inventoryRec) any { return r.Description }, sortable),
			field("is_public", Bool, "is_public", func(r *inventoryRec) any { return r.IsPublic }, sortable),
		},
	},
}

// IsAttributeModel reports whether model is one of this file's models
// (served by the generic functions below).
func IsAttributeModel(model string) bool { _, ok := bsAttributeModels[model]; return ok }

// ---------------------------------------------------------------------------
// Reads

// attrLinks fills the to-many id lists of recs (records of model) with the
// related ids v may see: one query per relation for the whole page.
func attrLinks[T any](db *gorm.DB, v Viewer, model string, recs []T, ids func(*T) string, lists func(*T) map[string]*[]string) error {
	if lists == nil || len(recs) == 0 {
		return nil
	}
	m := bsRegistry[model]
	keys := make([]string, len(recs))
	for i := range recs {
		keys[i] = ids(&recs[i])
	}
	want := lists(&recs[0])
	for _, f := range m.Fields {
		if _, ok := want[f.Name]; !ok || f.Kind != ToMany {
			continue
		}
		vis := v.visibleIDs(f.Target)
		var rows []struct{ Src, Dst string }
		err := db.Table(f.Link).Select(f.LinkSrc+" AS src, "+f.LinkDst+" AS dst").
			Where(f.LinkSrc+" IN ?", keys).Where(f.LinkDst+" IN ("+vis.sql+")", vis.args...).
			Order(f.LinkDst).Scan(&rows).Error
		if err != nil {
			return err
		}
		by := map[string][]string{}
		for _, r := range rows {
			by[r.Src] = append(by[r.Src], r.Dst)
		}
		for i := range recs {
			l := by[keys[i]]
			if l == nil {
				l = []string{}
			}
			*lists(&recs[i])[f.Name] = l
		}
	}
	return nil
}

// attrTable reads one model of this file into its record type T.
type attrTable[T any] struct {
	model string
	id    func(*T) string
	lists func(*T) map[string]*[]string // the to-many id lists (nil: none)
}

func (a attrTable[T]) table() string { return bsRegistry[a.model].Table }

func (a attrTable[T]) list(s *Store, ctx context.Context, v Viewer, q ListQuery, page Page) ([]T, int64, error) {
	rows, n, err := listPage[T](s.ctxRead(ctx).Table(a.table()), v, a.model, q, page, nil, "")
	if err != nil {
		return nil, 0, err
	}
	return rows, n, attrLinks(s.ctxRead(ctx), v, a.model, rows, a.id, a.lists)
}

func (a attrTable[T]) byID(s *Store, ctx context.Context, v Viewer, ids []string) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []T
	t := a.table()
	if err := v.where(s.ctxPrepared(ctx).Table(t), a.model).Where(t+".id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	if err := attrLinks(s.ctxRead(ctx), v, a.model, rows, a.id, a.lists); err != nil {
		return nil, err
	}
	return orderByIDs(rows, ids, func(r T) string { return a.id(&r) }), nil
}

func (a attrTable[T]) get(s *Store, ctx context.Context, v Viewer, id string) (*T, error) {
	rows, err := a.byID(s, ctx, v, []string{id})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, store.ErrNotFound
	}
	return &rows[0], nil
}

var (
	setupTypeTable  = attrTable[SetupType]{model: "setuptype", id: func(r *SetupType) string { return r.ID }}
	categoryTable   = attrTable[BehavioralCategory]{model: "behavioralcategory", id: func(r *BehavioralCategory) string { return r.ID }}
	brainRegTable   = attrTable[BrainRegion]{model: "brainregion", id: func(r *BrainRegion) string { return r.ID }}
	authorityTable  = attrTable[RegulatoryAuthority]{model: "regulatoryauthority", id: func(r *RegulatoryAuthority) string { return r.ID }}
	hardwareTable   = attrTable[HardwareDevice]{model: "hardwaredevice", id: func(r *HardwareDevice) string { return r.ID }}
	consumableTable = attrTable[Consumable]{model: "consumable", id: func(r *Consumable) string { return r.ID }}
	setupTable      = attrTable[Setup]{model: "setup", id: func(r *Setup) string { return r.ID }}
	inventoryTable  = attrTable[Inventory]{model: "inventory", id: func(r *Inventory) string { return r.ID }}
	paradigmTable   = attrTable[BehavioralParadigmRecord]{model: "behavioralparadigm",
		id: func(r *BehavioralParadigmRecord) string { return r.ID },
		lists: func(r *BehavioralParadigmRecord) map[string]*[]string {
			return map[string]*[]string{"species": &r.SpeciesIDs}
		}}
	assayTable = attrTable[BehavioralAssayRecord]{model: "behavioralassay",
		id: func(r *BehavioralAssayRecord) string { return r.ID },
		lists: func(r *BehavioralAssayRecord) map[string]*[]string {
			return map[string]*[]string{"licenses": &r.LicenseIDs}
		}}
	licenseTable = attrTable[LicenseRecord]{model: "license",
		id: func(r *LicenseRecord) string { return r.ID },
		lists: func(r *LicenseRecord) map[string]*[]string {
			return map[string]*[]string{"behavioralassays": &r.BehavioralAssayIDs, "subjects": &r.SubjectIDs}
		}}
)

// AttributeReader reads one model of this file: a page of a list, one
// record, the records among ids (for include[]). Every read sees what v
// may see only.
type AttributeReader[T any] struct {
	List func(s *Store, ctx context.Context, v Viewer, q ListQuery, page Page) ([]T, int64, error)
	Get  func(s *Store, ctx context.Context, v Viewer, id string) (*T, error)
	ByID func(s *Store, ctx context.Context, v Viewer, ids []string) ([]T, error)
}

func readerOf[T any](a attrTable[T]) AttributeReader[T] {
	return AttributeReader[T]{
		List: func(s *Store, ctx context.Context, v Viewer, q ListQuery, p Page) ([]T, int64, error) {
			return a.list(s, ctx, v, q, p)
		},
		Get: func(s *Store, ctx context.Context, v Viewer, id string) (*T, error) { return a.get(s, ctx, v, id) },
		ByID: func(s *Store, ctx context.Context, v Viewer, ids []string) ([]T, error) {
			return a.byID(s, ctx, v, ids)
		},
	}
}

// The readers of this file's models.
var (
	SetupTypes            = readerOf(setupTypeTable)
	BehavioralCategories  = readerOf(categoryTable)
	BehavioralParadigms   = readerOf(paradigmTable)
	BrainRegions          = readerOf(brainRegTable)
	RegulatoryAuthorities = readerOf(authorityTable)
	HardwareDevices       = readerOf(hardwareTable)
	Consumables           = readerOf(consumableTable)
	Setups                = readerOf(setupTable)
	BehavioralAssays      = readerOf(assayTable)
	Licenses              = readerOf(licenseTable)
	Inventories           = readerOf(inventoryTable)
)

// subjectLicenses fills the licenses of subject records (those v may see).
func subjectLicenses(db *gorm.DB, v Viewer, recs []SubjectRecord) error {
	return attrLinks(db, v, "subject", recs, func(r *SubjectRecord) string { return r.ID },
		func(r *SubjectRecord) map[string]*[]string { return map[string]*[]string{"licenses": &r.LicenseIDs} })
}

// ---------------------------------------------------------------------------
// Writes: the generic write path (write.go) with these hooks.

func init() {
	for name := range bsAttributeModels {
		bsRegistry[name].hooks = bsHooks{before: refuseReferenced}
	}
	bsRegistry["brainregion"].hooks.check = uniqueTogether([]string{"atlas", "acronym"}, []string{"atlas", "name"})
	bsRegistry["license"].hooks.check = licenseDates
	bsRegistry["behavioralcategory"].hooks.check = categoryAcyclic
}

// bsCategoryLoop is the message of a parent that would make the category
// tree a loop.
const bsCategoryLoop = "A category cannot be its own parent or an ancestor of its parent."

// categoryAcyclic refuses a parent that is the category itself or one of
// its descendants.
func categoryAcyclic(w *bsWrite, errs fieldErrors) error {
	parent := textOf(w.set["parent"])
	if w.op != opUpdate || parent == "" {
		return nil
	}
	seen := map[string]bool{}
	for id := parent; id != "" && !seen[id]; {
		if id == w.id {
			errs.add("parent", bsCategoryLoop)
			return nil
		}
		seen[id] = true
		var next []sql.NullString // Pluck cannot scan NULL into *string
		if err := w.tx.Table("bs_behavioralcategories").Where("id = ?", id).Pluck("parent_id", &next).Error; err != nil {
			return err
		}
		id = ""
		if len(next) > 0 && next[0].Valid {
			id = next[0].String
		}
	}
	return nil
}

// fieldValue is the value field name of the record will have after the
// write: the one being written, else the stored one (nil on create).
func (w *bsWrite) fieldValue(name string) any {
	if v, ok := w.set[name]; ok {
		return v
	}
	if f := w.m.Field(name); f != nil && f.Col != "" {
		return w.cur[f.Col]
	}
	return nil
}

// uniqueTogether refuses a write that would give two records the same
// values of one of the sets of fields (DRF's unique_together message).
func uniqueTogether(sets ...[]string) func(w *bsWrite, errs fieldErrors) error {
	return func(w *bsWrite, errs fieldErrors) error {
		for _, set := range sets {
			q := w.tx.Table(w.m.Table).Where("id <> ?", w.id)
			for _, name := range set {
				q = q.Where(w.m.Field(name).Col+" = ?", textOf(w.fieldValue(name)))
			}
			var n int64
			if err := q.Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				errs.add("non_field_errors", fmt.Sprintf("The fields %s must make a unique set.", strings.Join(set, ", ")))
				return nil
			}
		}
		return nil
	}
}

// licenseDates: valid_until is not before valid_from.
func licenseDates(w *bsWrite, errs fieldErrors) error {
	from, until := dateText(w.fieldValue("valid_from")), dateText(w.fieldValue("valid_until"))
	if from != "" && until != "" && until < from {
		errs.add("valid_until", "Ensure this date is on or after valid_from.")
	}
	return nil
}

// dateText reads a date field or column value as YYYY-MM-DD.
func dateText(v any) string {
	if t, ok := v.(time.Time); ok {
		return t.Format(time.DateOnly)
	}
	s := textOf(v)
	if len(s) > 10 {
		s = s[:10]
	}
	return s
}

// refuseReferenced refuses to delete a record that a to-one relation of
// any model of the registry names (ErrReferenced); links to it (to-many
// relations) go with it by their foreign keys' cascades.
func refuseReferenced(w *bsWrite) error {
	if w.op != opDelete {
		return nil
	}
	used, err := bsReferenced(w.tx, w.m.Name, w.id)
	if err == nil && used {
		err = ErrReferenced
	}
	return err
}

// bsReferenced reports whether a to-one relation of any model of the
// registry refers to the record id of model.
func bsReferenced(tx *gorm.DB, model, id string) (bool, error) {
	for _, m := range Models() {
		for _, f := range m.Fields {
			if f.Kind != ToOne || f.Target != model || f.Col == "" {
				continue
			}
			var n int64
			if err := tx.Table(m.Table).Where(f.Col+" = ?", id).Count(&n).Error; err != nil {
				return false, err
			}
			if n > 0 {
				return true, nil
			}
		}
	}
	return false, nil
}

// importKeys are the fields an imported entry of a model is matched by
// (default: name).
var importKeys = map[string][]string{"brainregion": {"atlas", "acronym"}}

// ImportAttributes seeds the global table of model (a resource or
// taxonomy of this file) with entries in one transaction, through the
// generic write path without a caller: an entry that matches an existing
// record by the model's import key (its name; atlas and acronym for a
// brain region) changes the fields it carries, others are created. A
// to-one relation may name its target by id or by name. Nothing is written
// when an entry is invalid (the error names it).
func (s *Store) ImportAttributes(ctx context.Context, model string, entries []Change) (created, updated int, err error) {
	if !slices.Contains(ImportModels(), model) {
		return 0, 0, fmt.Errorf("unknown model %q (%s)", model, strings.Join(ImportModels(), ", "))
	}
	m := bsRegistry[model]
	key := importKeys[model]
	if key == nil {
		key = []string{"name"}
	}
	err = s.core.Write(ctx, func(tx *gorm.DB) error {
		for i, ch := range entries {
			q := tx.Table(m.Table)
			for _, k := range key {
				v, ok := ch.Set[k]
				if !ok {
					return fmt.Errorf("entry %d: %w", i, store.Invalid(k, "This field is required."))
				}
				q = q.Where(m.Field(k).Col+" = ?", v)
			}
			for _, f := range m.Fields {
				ref := textOf(ch.Set[f.Name])
				if f.Kind != ToOne || ref == "" {
					continue
				}
				var ids []string
				if err := tx.Table(bsRegistry[f.Target].Table).Where("id = ? OR name = ?", ref, ref).Pluck("id", &ids).Error; err != nil {
					return err
				}
				if len(ids) > 0 {
					ch.Set[f.Name] = ids[0]
				}
			}
			var ids []string
			if err := q.Pluck("id", &ids).Error; err != nil {
				return err
			}
			op, id := opCreate, ""
			if len(ids) > 0 {
				op, id = opUpdate, ids[0]
			}
			if _, err := writeRecord(tx, 0, model, id, ch, op, false); err != nil {
				return fmt.Errorf("entry %d: %w", i, err)
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

// ImportModels lists the models of this file that `sessionhub import`
// seeds (the staff-written ones).
func ImportModels() []string {
	var out []string
	for _, m := range Models() {
		if _, ok := bsAttributeModels[m.Name]; ok && m.Write == WriteStaff {
			out = append(out, m.Name)
		}
	}
	return out
}
