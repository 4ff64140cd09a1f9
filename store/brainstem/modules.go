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

// The BrainSTEM modules (docs/api/modules/*.md of brainstem-org/brainstem_support):
// behavior, dataacquisition and manipulation belong to a session,
// procedure to a subject. Each is read and written from its registry
// descriptor alone: one record type (ModuleRecord) holds the values of
// any of them, one select and one scan read them, one save writes them.
// Permissions follow the parent: who may see the session (subject) sees
// its modules; can_change on every project of the parent is needed to
// write them. Deleting the parent deletes its modules.
//
// Equipment belongs to a setup, a consumable stock to an inventory
// (personal_attributes): who may see the setup (inventory) sees them; its
// owner writes them.

// Behavior is a behavior of a session.
type Behavior struct {
	ID                string          `gorm:"primaryKey;type:text;index:idx_bs_behaviors_session_list,priority:4"`
	SessionID         string          `gorm:"type:text;not null;index:idx_bs_behaviors_session_list,priority:1"`
	Session           Session         `gorm:"constraint:OnDelete:CASCADE"`
	SetupID           string          `gorm:"type:text;not null;index"`
	Setup             Setup           `gorm:"constraint:OnDelete:RESTRICT"`
	BehavioralAssayID string          `gorm:"column:behavioralassay_id;type:text;not null;index"`
	BehavioralAssay   BehavioralAssay `gorm:"foreignKey:BehavioralAssayID;constraint:OnDelete:RESTRICT"`
	Notes             string          `gorm:"not null;default:''"`
	Order             int64           `gorm:"column:sort_order;not null;default:0;index:idx_bs_behaviors_session_list,priority:2"`
	CreatedAt         time.Time       `gorm:"index;index:idx_bs_behaviors_session_list,priority:3"`
	UpdatedAt         time.Time
}

// TableName pins the table name.
func (Behavior) TableName() string { return "bs_behaviors" }

// BehaviorSubject links a behavior to one of its subjects.
type BehaviorSubject struct {
	BehaviorID string   `gorm:"primaryKey;type:text"`
	SubjectID  string   `gorm:"primaryKey;type:text;index"`
	Behavior   Behavior `gorm:"constraint:OnDelete:CASCADE"`
	Subject    Subject  `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (BehaviorSubject) TableName() string { return "bs_behavior_subjects" }

// DataAcquisition is a data acquisition of a session; Details is the
// JSON object its type's schema describes.
type DataAcquisition struct {
	ID                string  `gorm:"primaryKey;type:text;index:idx_bs_dataacquisitions_session_list,priority:4"`
	Type              string  `gorm:"not null;index"`
	Notes             string  `gorm:"not null;default:''"`
	SessionID         string  `gorm:"type:text;not null;index:idx_bs_dataacquisitions_session_list,priority:1"`
	Session           Session `gorm:"constraint:OnDelete:CASCADE"`
	Details           string  `gorm:"not null;default:'{}'"` // JSON object
	TypeSchemaVersion string  `gorm:"not null;default:''"`
	Image             *string
	Order             int64     `gorm:"column:sort_order;not null;default:0;index:idx_bs_dataacquisitions_session_list,priority:2"`
	CreatedAt         time.Time `gorm:"index;index:idx_bs_dataacquisitions_session_list,priority:3"`
	UpdatedAt         time.Time
}

// TableName pins the table name.
func (DataAcquisition) TableName() string { return "bs_dataacquisitions" }

// DataAcquisitionProcedure links a data acquisition to a procedure.
type DataAcquisitionProcedure struct {
	DataAcquisitionID string          `gorm:"primaryKey;type:text"`
	ProcedureID       string          `gorm:"primaryKey;type:text;index"`
	DataAcquisition   DataAcquisition `gorm:"constraint:OnDelete:CASCADE"`
	Procedure         Procedure       `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (DataAcquisitionProcedure) TableName() string { return "bs_dataacquisition_procedures" }

// Manipulation is a manipulation of a session; Details is the JSON list
// of objects its type's schema describes.
type Manipulation struct {
	ID                string    `gorm:"primaryKey;type:text;index:idx_bs_manipulations_session_list,priority:4"`
	Type              string    `gorm:"not null;index"`
	Notes             string    `gorm:"not null;default:''"`
	SessionID         string    `gorm:"type:text;not null;index:idx_bs_manipulations_session_list,priority:1"`
	Session           Session   `gorm:"constraint:OnDelete:CASCADE"`
	Details           string    `gorm:"not null;default:'[]'"` // JSON array of objects
	TypeSchemaVersion string    `gorm:"not null;default:''"`
	Order             int64     `gorm:"column:sort_order;not null;default:0;index:idx_bs_manipulations_session_list,priority:2"`
	CreatedAt         time.Time `gorm:"index;index:idx_bs_manipulations_session_list,priority:3"`
	UpdatedAt         time.Time
}

// TableName pins the table name.
func (Manipulation) TableName() string { return "bs_manipulations" }

// ManipulationProcedure links a manipulation to a procedure.
type ManipulationProcedure struct {
	ManipulationID string       `gorm:"primaryKey;type:text"`
	ProcedureID    string       `gorm:"primaryKey;type:text;index"`
	Manipulation   Manipulation `gorm:"constraint:OnDelete:CASCADE"`
	Procedure      Procedure    `gorm:"constraint:OnDelete:CASCADE"`
}

// TableName pins the table name.
func (ManipulationProcedure) TableName() string { return "bs_manipulation_procedures" }

// Procedure is a procedure on a subject: its type's details and where
// (a coordinates system and its details).
type Procedure struct {
	ID                       string  `gorm:"primaryKey;type:text"`
	Type                     string  `gorm:"not null;index"`
	Notes                    string  `gorm:"not null;default:''"`
	SubjectID                string  `gorm:"type:text;not null;index"`
	Subject                  Subject `gorm:"constraint:OnDelete:CASCADE"`
	DateTime                 *time.Time
	ConsumableStockID        *string          `gorm:"column:consumablestock_id;type:text;index"`
	ConsumableStock          *ConsumableStock `gorm:"foreignKey:ConsumableStockID;constraint:OnDelete:RESTRICT"`
	BrainRegionID            *string          `gorm:"type:text;index"`
	BrainRegion              *BrainRegion     `gorm:"constraint:OnDelete:RESTRICT"`
	Details                  string           `gorm:"not null;default:'{}'"`
	TypeSchemaVersion        string           `gorm:"not null;default:''"`
	CoordinatesSystem        string           `gorm:"not null;default:''"`
	CoordinatesDetails       string           `gorm:"not null;default:'{}'"`
	CoordinatesSchemaVersion string           `gorm:"not null;default:''"`
	CreatedAt                time.Time        `gorm:"index"`
	UpdatedAt                time.Time
}

// TableName pins the table name.
func (Procedure) TableName() string { return "bs_procedures" }

// Equipment is a piece of equipment of a setup: its type's details and
// its place (a coordinates system and its details).
type Equipment struct {
	ID                       string          `gorm:"primaryKey;type:text"`
	Name                     string          `gorm:"not null;default:''"`
	Type                     string          `gorm:"not null;index"`
	Notes                    string          `gorm:"not null;default:''"`
	SetupID                  string          `gorm:"type:text;not null;index"`
	Setup                    Setup           `gorm:"constraint:OnDelete:RESTRICT"`
	DateTime                 *time.Time      `gorm:"column:date_time"`
	ConsumableID             *string         `gorm:"type:text;index"`
	Consumable               *Consumable     `gorm:"constraint:OnDelete:RESTRICT"`
	HardwareDeviceID         *string         `gorm:"column:hardwaredevice_id;type:text;index"`
	HardwareDevice           *HardwareDevice `gorm:"foreignKey:HardwareDeviceID;constraint:OnDelete:RESTRICT"`
	Details                  string          `gorm:"not null;default:'{}'"`
	TypeSchemaVersion        string          `gorm:"not null;default:''"`
	CoordinatesSystem        string          `gorm:"not null;default:''"`
	CoordinatesDetails       string          `gorm:"not null;default:'{}'"`
	CoordinatesSchemaVersion string          `gorm:"not null;default:''"`
	CreatedAt                time.Time       `gorm:"index"`
	UpdatedAt                time.Time
}

// TableName pins the table name.
func (Equipment) TableName() string { return "bs_equipment" }

// ConsumableStock is a stock of a consumable in an inventory. Dates are
// "YYYY-MM-DD" text.
type ConsumableStock struct {
	ID                string      `gorm:"primaryKey;type:text"`
	Type              string      `gorm:"not null;index"`
	Status            string      `gorm:"not null;default:'AVAILABLE'"`
	Notes             string      `gorm:"not null;default:''"`
	InventoryID       string      `gorm:"type:text;not null;index"`
	Inventory         Inventory   `gorm:"constraint:OnDelete:RESTRICT"`
	AcquisitionDate   *string     `gorm:"column:acquisition_date"`
	ExpirationDate    *string     `gorm:"column:expiration_date"`
	StorageLocation   *string     `gorm:"column:storage_location"`
	StorageConditions *string     `gorm:"column:storage_conditions"`
	IntendedUse       *string     `gorm:"column:intended_use"`
	Cost              *string     `gorm:"column:cost"`
	ConsumableID      *string     `gorm:"type:text;index"`
	Consumable        *Consumable `gorm:"constraint:OnDelete:RESTRICT"`
	Details           string      `gorm:"not null;default:'{}'"`
	TypeSchemaVersion string      `gorm:"not null;default:''"`
	CreatedAt         time.Time   `gorm:"index"`
	UpdatedAt         time.Time
}

// TableName pins the table name.
func (ConsumableStock) TableName() string { return "bs_consumablestocks" }

// The equipment and licenses a module lists (link tables; deleting a
// listed equipment is refused, deleting a license drops it from the list).
type (
	// DataAcquisitionEquipment links a data acquisition to equipment.
	DataAcquisitionEquipment struct {
		DataAcquisitionID string          `gorm:"primaryKey;type:text"`
		EquipmentID       string          `gorm:"primaryKey;type:text;index"`
		DataAcquisition   DataAcquisition `gorm:"constraint:OnDelete:CASCADE"`
		Equipment         Equipment       `gorm:"constraint:OnDelete:CASCADE"`
	}
	// ManipulationEquipment links a manipulation to equipment.
	ManipulationEquipment struct {
		ManipulationID string       `gorm:"primaryKey;type:text"`
		EquipmentID    string       `gorm:"primaryKey;type:text;index"`
		Manipulation   Manipulation `gorm:"constraint:OnDelete:CASCADE"`
		Equipment      Equipment    `gorm:"constraint:OnDelete:CASCADE"`
	}
	// ProcedureEquipment links a procedure to equipment.
	ProcedureEquipment struct {
		ProcedureID string    `gorm:"primaryKey;type:text"`
		EquipmentID string    `gorm:"primaryKey;type:text;index"`
		Procedure   Procedure `gorm:"constraint:OnDelete:CASCADE"`
		Equipment   Equipment `gorm:"constraint:OnDelete:CASCADE"`
	}
	// ProcedureLicense links a procedure to a license.
	ProcedureLicense struct {
		ProcedureID string    `gorm:"primaryKey;type:text"`
		LicenseID   string    `gorm:"primaryKey;type:text;index"`
		Procedure   Procedure `gorm:"constraint:OnDelete:CASCADE"`
		License     License   `gorm:"constraint:OnDelete:CASCADE"`
	}
)

// TableName pins the table name.
func (DataAcquisitionEquipment) TableName() string { return "bs_dataacquisition_equipment" }

// TableName pins the table name.
func (ManipulationEquipment) TableName() string { return "bs_manipulation_equipment" }

// TableName pins the table name.
func (ProcedureEquipment) TableName() string { return "bs_procedure_equipment" }

// TableName pins the table name.
func (ProcedureLicense) TableName() string { return "bs_procedure_licenses" }

// bsModuleRegistry are the module descriptors, merged into the registry.
var bsModuleRegistry = map[string]*Model{
	"behavior":        bsBehaviorModel,
	"dataacquisition": bsDataAcquisitionModel,
	"manipulation":    bsManipulationModel,
	"procedure":       bsProcedureModel,
	"equipment":       bsEquipmentModel,
	"consumablestock": bsConsumableStockModel,
}

// bsModuleModels lists the modules' tables for migration.
func bsModuleModels() []any {
	return []any{&Equipment{}, &ConsumableStock{}, &Behavior{}, &BehaviorSubject{}, &Procedure{}, &DataAcquisition{},
		&DataAcquisitionProcedure{}, &Manipulation{}, &ManipulationProcedure{}, &DataAcquisitionEquipment{},
		&ManipulationEquipment{}, &ProcedureEquipment{}, &ProcedureLicense{}}
}

// ModuleRecord is a record of a module model as a viewer sees it: its
// values by field index of the model's descriptor (nil for the fields
// without a stored value), typed as Field.Get documents; to-many
// relations list the related ids the viewer may see.
type ModuleRecord struct {
	Values []any
}

// ID is the record's id.
func (r *ModuleRecord) ID() string { return r.Values[0].(string) }

// Value returns the value of the field called name in model m (nil if none).
func (r *ModuleRecord) Value(m *Model, name string) any {
	for i := range m.Fields {
		if m.Fields[i].Name == name {
			return r.Values[i]
		}
	}
	return nil
}

// bsModuleParent is how a module model reaches who may write it: the
// parent field (a to-one relation) and the parent's project link (its
// writers: can_change on every project), or, with link "", the parent's
// table in linkSrc (its writer: its owner).
type bsModuleParent struct {
	field, link, linkSrc string
}

var bsModuleParents = map[string]bsModuleParent{
	"behavior":        {"session", "bs_session_projects", "session_id"},
	"dataacquisition": {"session", "bs_session_projects", "session_id"},
	"manipulation":    {"session", "bs_session_projects", "session_id"},
	"procedure":       {"subject", "bs_subject_projects", "subject_id"},
	"equipment":       {"setup", "", "bs_setups"},
	"consumablestock": {"inventory", "", "bs_inventories"},
}

// IsModule reports whether model is read and written as a module
// (ModuleRecord, SaveModule).
func IsModule(model string) bool { _, ok := bsModuleParents[model]; return ok }

// moduleModel finishes a module descriptor: every stored field reads its
// value from ModuleRecord.Values by position.
func moduleModel(m *Model) *Model {
	for i := range m.Fields {
		switch m.Fields[i].Kind {
		case Empty, Links, Computed:
			continue
		}
		idx := i
		m.Fields[i].Get = func(rec any) any { return rec.(*ModuleRecord).Values[idx] }
	}
	return m
}

func modField(name string, kind Kind, col string, opts ...func(*Field)) Field {
	f := Field{Name: name, Kind: kind, Col: col}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// The module descriptors, fields in the docs' order.
var (
	bsBehaviorModel = moduleModel(&Model{
		Name: "behavior", Table: "bs_behaviors", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_behaviors.session_id", "session_id", "bs_session_projects"),
		Fields: []Field{
			modField("id", UUID, "id", readOnly, unique),
			modField("session", ToOne, "session_id", required, sortable, target("session")),
			modField("subjects", ToMany, "", required, target("subject"),
				through("bs_behavior_subjects", "behavior_id", "subject_id")),
			// A setup or assay the caller may not see is rendered as null (the column is never NULL).
			modField("setup", ToOne, "setup_id", required, nullable, sortable, target("setup")),
			modField("behavioralassay", ToOne, "behavioralassay_id", required, nullable, sortable, target("behavioralassay")),
			modField("notes", Text, "notes", sortable),
			modField("order", Int, "sort_order", sortable),
		},
	})
	bsDataAcquisitionModel = moduleModel(&Model{
		Name: "dataacquisition", Table: "bs_dataacquisitions", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_dataacquisitions.session_id", "session_id", "bs_session_projects"),
		Fields: []Field{
			modField("id", UUID, "id", readOnly, unique),
			modField("type", Text, "type", required, sortable),
			modField("notes", Text, "notes", sortable),
			modField("session", ToOne, "session_id", required, sortable, target("session")),
			modField("procedures", ToMany, "", target("procedure"),
				through("bs_dataacquisition_procedures", "data_acquisition_id", "procedure_id")),
			modField("equipment", ToMany, "", target("equipment"),
				through("bs_dataacquisition_equipment", "data_acquisition_id", "equipment_id")),
			modField("details", JSON, "details"),
			modField("type_schema_version", Text, "type_schema_version", sortable),
			modField("image", Text, "image", readOnly, nullable),
			modField("order", Int, "sort_order", sortable),
		},
	})
	bsManipulationModel = moduleModel(&Model{
		Name: "manipulation", Table: "bs_manipulations", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_manipulations.session_id", "session_id", "bs_session_projects"),
		Fields: []Field{
			modField("id", UUID, "id", readOnly, unique),
			modField("type", Text, "type", required, sortable),
			modField("notes", Text, "notes", sortable),
			modField("procedures", ToMany, "", required, target("procedure"),
				through("bs_manipulation_procedures", "manipulation_id", "procedure_id")),
			modField("session", ToOne, "session_id", required, sortable, target("session")),
			modField("equipment", ToMany, "", target("equipment"),
				through("bs_manipulation_equipment", "manipulation_id", "equipment_id")),
			modField("details", JSONList, "details"),
			modField("type_schema_version", Text, "type_schema_version", sortable),
			modField("order", Int, "sort_order", sortable),
		},
	})
	bsProcedureModel = moduleModel(&Model{
		Name: "procedure", Table: "bs_procedures", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_procedures.subject_id", "subject_id", "bs_subject_projects"),
		Fields: []Field{
			modField("id", UUID, "id", readOnly, unique),
			modField("type", Text, "type", required, sortable),
			modField("notes", Text, "notes", sortable),
			modField("subject", ToOne, "subject_id", required, sortable, target("subject")),
			modField("date_time", DateTime, "date_time", nullable, sortable),
			modField("consumablestock", ToOne, "consumablestock_id", nullable, sortable, target("consumablestock")),
			modField("equipment", ToMany, "", target("equipment"),
				through("bs_procedure_equipment", "procedure_id", "equipment_id")),
			modField("brain_region", ToOne, "brain_region_id", nullable, sortable, target("brainregion")),
			modField("licenses", ToMany, "", target("license"),
				through("bs_procedure_licenses", "procedure_id", "license_id")),
			modField("details", JSON, "details"),
			modField("type_schema_version", Text, "type_schema_version", sortable),
			modField("coordinates_system", Text, "coordinates_system", required, sortable),
			modField("coordinates_details", JSON, "coordinates_details"),
			modField("coordinates_schema_version", Text, "coordinates_schema_version", sortable),
			modField("created_at", DateTime, "created_at", readOnly, sortable),
			modField("updated_at", DateTime, "updated_at", readOnly, sortable),
		},
	})
)

var bsEquipmentModel = moduleModel(&Model{
	Name: "equipment", Table: "bs_equipment", Write: WriteOwner,
	DefaultOrder: []string{"created_at", "id"},
	// the setup's visibility (ownedVisible): its owner's, or public
	visible: func(v Viewer) []bsCond {
		if v.Public {
			return []bsCond{inSub("bs_equipment.setup_id", "id", "bs_setups", "is_public = TRUE")}
		}
		return []bsCond{inSub("bs_equipment.setup_id", "id", "bs_setups", "owner_id = "+bsViewerID+" OR is_public = TRUE", v.UserID)}
	},
	Fields: []Field{
		modField("id", UUID, "id", readOnly, unique),
		modField("name", Text, "name", sortable),
		modField("type", Text, "type", required, sortable),
		modField("notes", Text, "notes", sortable),
		modField("setup", ToOne, "setup_id", required, sortable, target("setup")),
		modField("date_time", DateTime, "date_time", nullable, sortable),
		modField("consumable", ToOne, "consumable_id", nullable, sortable, target("consumable")),
		modField("hardwaredevice", ToOne, "hardwaredevice_id", nullable, sortable, target("hardwaredevice")),
		modField("details", JSON, "details"),
		modField("type_schema_version", Text, "type_schema_version", sortable),
		modField("coordinates_system", Text, "coordinates_system", required, sortable),
		modField("coordinates_details", JSON, "coordinates_details"),
		modField("coordinates_schema_version", Text, "coordinates_schema_version", sortable),
	},
})

var bsConsumableStockModel = moduleModel(&Model{
	Name: "consumablestock", Table: "bs_consumablestocks", Write: WriteOwner,
	DefaultOrder: []string{"created_at", "id"},
	// the inventory's visibility (ownedVisible): its owner's, or public
	visible: func(v Viewer) []bsCond {
		if v.Public {
			return []bsCond{inSub("bs_consumablestocks.inventory_id", "id", "bs_inventories", "is_public = TRUE")}
		}
		return []bsCond{inSub("bs_consumablestocks.inventory_id", "id", "bs_inventories", "owner_id = "+bsViewerID+" OR is_public = TRUE", v.UserID)}
	},
	Fields: []Field{
		modField("id", UUID, "id", readOnly, unique),
		modField("type", Text, "type", required, sortable),
		modField("status", Text, "status", sortable),
		modField("notes", Text, "notes", sortable),
		modField("inventory", ToOne, "inventory_id", required, sortable, target("inventory")),
		modField("acquisition_date", Date, "acquisition_date", nullable, sortable),
		modField("expiration_date", Date, "expiration_date", nullable, sortable),
		modField("storage_location", Text, "storage_location", nullable, sortable),
		modField("storage_conditions", Text, "storage_conditions", nullable, sortable),
		modField("intended_use", Text, "intended_use", nullable, sortable),
		modField("cost", Text, "cost", nullable, sortable),
		modField("consumable", ToOne, "consumable_id", nullable, sortable, target("consumable")),
		modField("details", JSON, "details"),
		modField("type_schema_version", Text, "type_schema_version", sortable),
	},
})

// bsModuleIDsSQL is the ordered id list of model's records that point at
// parentCol (the session's behaviors, …): by order, then creation.
func bsModuleIDsSQL(d *bsDialect, table, fk, parentCol string, ordered bool) string {
	order := "created_at, id"
	if ordered {
		order = "sort_order, created_at, id"
	}
	return d.sortedIDs("id", table+" WHERE "+fk+" = "+parentCol, order)
}

// moduleSelect is the column list that reads a record of m for v: the
// stored columns (a nullable to-one relation v may not see as NULL) and a
// JSON id list per to-many relation (the related records v may see), in
// field order. scanModule reads it.
func moduleSelect(d *bsDialect, m *Model, v Viewer) (string, []any) {
	var cols []string
	var args []any
	for i := range m.Fields {
		f := &m.Fields[i]
		switch {
		case f.Kind == ToOne && f.Nullable: // null when v may not see the target
			col := m.Table + "." + f.Col
			vis := v.visibleOne(f.Target, col)
			cols = append(cols, "(SELECT "+col+" WHERE "+vis.sql+")")
			args = append(args, vis.args...)
		case f.Kind == ToMany:
			vis := v.visibleOne(f.Target, f.Link+"."+f.LinkDst)
			cols = append(cols, d.sortedIDs(f.LinkDst, fmt.Sprintf("%s WHERE %s = %s.id AND %s", f.Link, f.LinkSrc, m.Table, vis.sql), f.LinkDst))
			args = append(args, vis.args...)
		case f.Col != "":
			cols = append(cols, m.Table+"."+f.Col)
		}
	}
	return strings.Join(cols, ", "), args
}

// memoModuleSelect is moduleSelect through selMemo.
func memoModuleSelect(d *bsDialect, m *Model, v Viewer) (string, []any) {
	return memoSelect(d, m.Name, v, func(v Viewer) (string, []any) { return moduleSelect(d, m, v) })
}

// scanModule returns the row scanner of moduleSelect(m, …).
func scanModule(m *Model) func(*sql.Rows) (ModuleRecord, error) {
	return func(rows *sql.Rows) (ModuleRecord, error) {
		rec := ModuleRecord{Values: make([]any, len(m.Fields))}
		var dests []any
		var idx []int
		for i := range m.Fields {
			f := &m.Fields[i]
			var d any
			switch {
			case f.Kind == ToMany:
				d = new(string)
			case f.Col == "":
				continue
			case f.Kind == DateTime:
				d = new(sql.NullTime)
			case f.Kind == Int:
				d = new(sql.NullInt64)
			default:
				d = new(sql.NullString)
			}
			dests = append(dests, d)
			idx = append(idx, i)
		}
		if err := rows.Scan(dests...); err != nil {
			return rec, err
		}
		for j, d := range dests {
			f := &m.Fields[idx[j]]
			var v any
			switch x := d.(type) {
			case *string:
				ids, err := idList(*x)
				if err != nil {
					return rec, err
				}
				v = ids
			case *sql.NullTime:
				var t *time.Time
				if x.Valid {
					tt := x.Time
					t = &tt
				}
				v = t
			case *sql.NullInt64:
				if f.Nullable {
					var n *int64
					if x.Valid {
						n = &x.Int64
					}
					v = n
				} else {
					v = x.Int64
				}
			case *sql.NullString:
				if f.Nullable {
					v = nullString(*x)
				} else {
					v = x.String
				}
			}
			rec.Values[idx[j]] = v
		}
		return rec, nil
	}
}

// ListModules returns one page of the records of module model that v
// may see and their total.
func (s *Store) ListModules(ctx context.Context, v Viewer, model string, q ListQuery, page Page) ([]ModuleRecord, int64, error) {
	m := bsRegistry[model]
	sel, args := memoModuleSelect(s.sqlDialect(), m, v)
	return listPage(s.ctxRead(ctx).Table(m.Table), v, model, q, page, scanModule(m), sel, args...)
}

// ModulesByID returns the records of module model among ids that v may
// see, in the order of ids.
func (s *Store) ModulesByID(ctx context.Context, v Viewer, model string, ids []string) ([]ModuleRecord, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	m := bsRegistry[model]
	d := s.sqlDialect()
	rows, err := s.queryByID(ctx, v, model, func(v Viewer) (string, []any) { return moduleSelect(d, m, v) }, ids)
	if err != nil {
		return nil, err
	}
	recs, err := scanRows(rows, scanModule(m))
	if err != nil {
		return nil, err
	}
	return orderByIDs(recs, ids, func(r ModuleRecord) string { return r.ID() }), nil
}

// GetModule returns a record of module model that v may see; store.ErrNotFound otherwise.
func (s *Store) GetModule(ctx context.Context, v Viewer, model, id string) (*ModuleRecord, error) {
	recs, err := s.ModulesByID(ctx, v, model, []string{id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return &recs[0], nil
}

// ModuleInput carries the writable fields of a module record, by
// registry field name; a field that is absent is left unchanged (on
// create: its column default). Values: string (text, UUID, to-one id, JSON
// text of the JSON kinds), *string (a nullable text or UUID; nil clears),
// int64, *time.Time (nil clears), []string (to-many ids, replacing the
// relation).
type ModuleInput map[string]any

// SaveModule creates (id "") or changes a record of module model for
// userID, who needs can_change on every project of its parent (session
// or subject), before and after the change. Related records must be
// visible to the user (a field error otherwise); fields unknown to the
// model or read-only are ignored.
func (s *Store) SaveModule(ctx context.Context, userID uint, model, id string, in ModuleInput) (*ModuleRecord, error) {
	m, parent := bsRegistry[model], bsModuleParents[model]
	if m == nil || parent.field == "" {
		return nil, fmt.Errorf("store: %q is not a module", model)
	}
	v := Viewer{UserID: userID}
	pf := m.Field(parent.field)
	// create, not id, says what each attempt does: PostgreSQL may run the
	// write again after an attempt set id.
	create := id == ""
	err := s.core.Write(ctx, func(tx *gorm.DB) error {
		if !create {
			oldParent, err := moduleParent(tx, v, m, pf, id)
			if err != nil {
				return err
			}
			if err := canChangeParent(tx, userID, parent, oldParent); err != nil {
				return err
			}
		}
		errs := fieldErrors{}
		cols := map[string]any{}
		links := map[*Field][]string{}
		for i := range m.Fields {
			f := &m.Fields[i]
			val, sent := in[f.Name]
			if f.ReadOnly || f.Kind == Empty || f.Kind == Links || f.Kind == Computed {
				continue
			}
			if !sent {
				if create && f.Required {
					errs.add(f.Name, "This field is required.")
				}
				continue
			}
			switch f.Kind {
			case ToOne:
				var ref *string
				switch x := val.(type) {
				case string:
					ref = &x
				case *string: // a nullable relation; nil clears it
					ref = x
				}
				if ref != nil {
					missing, err := missingVisible(tx, v, f.Target, []string{*ref})
					if err != nil {
						return err
					}
					for _, x := range missing {
						errs.add(f.Name, fmt.Sprintf(bsInvalidPkTemplate, x))
					}
					cols[f.Col] = *ref
				} else if f.Nullable {
					cols[f.Col] = nil
				} else {
					errs.add(f.Name, "This field may not be null.")
				}
			case ToMany:
				ids := dedupe(val.([]string))
				missing, err := missingVisible(tx, v, f.Target, ids)
				if err != nil {
					return err
				}
				for _, x := range missing {
					errs.add(f.Name, fmt.Sprintf(bsInvalidPkTemplate, x))
				}
				links[f] = ids
			default:
				cols[f.Col] = val
			}
		}
		if err := errs.err(); err != nil {
			return err
		}
		if p, ok := cols[pf.Col].(string); ok {
			if err := canChangeParent(tx, userID, parent, p); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		cols["updated_at"] = now
		if create {
			id = newID()
			store.NoteCreated(ctx, id)
			cols["id"], cols["created_at"] = id, now
			if err := tx.Table(m.Table).Create(cols).Error; err != nil {
				return err
			}
		} else if err := tx.Table(m.Table).Where("id = ?", id).Updates(cols).Error; err != nil {
			return err
		}
		for f, ids := range links {
			if err := tx.Exec("DELETE FROM "+f.Link+" WHERE "+f.LinkSrc+" = ?", id).Error; err != nil {
				return err
			}
			for _, dst := range ids {
				if err := tx.Exec("INSERT INTO "+f.Link+" ("+f.LinkSrc+", "+f.LinkDst+") VALUES (?, ?)", id, dst).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetModule(ctx, v, model, id)
}

// DeleteModule deletes a record of module model; the user needs
// can_change on every project of its parent. A procedure that data
// acquisitions or manipulations list is not deleted (a *ReferencedError
// naming them).
func (s *Store) DeleteModule(ctx context.Context, userID uint, model, id string) error {
	m, parent := bsRegistry[model], bsModuleParents[model]
	if m == nil || parent.field == "" {
		return fmt.Errorf("store: %q is not a module", model)
	}
	return s.core.Write(ctx, func(tx *gorm.DB) error {
		p, err := moduleParent(tx, Viewer{UserID: userID}, m, m.Field(parent.field), id)
		if err != nil {
			return err
		}
		if err := canChangeParent(tx, userID, parent, p); err != nil {
			return err
		}
		var users []string
		for _, ref := range bsModuleReferrers[model] {
			var ids []string
			if err := tx.Table(ref.link).Where(ref.dst+" = ?", id).Order(ref.src).Pluck(ref.src, &ids).Error; err != nil {
				return err
			}
			for _, x := range ids {
				users = append(users, ref.what+" "+x)
			}
		}
		if len(users) > 0 {
			return &ReferencedError{Detail: "This " + model + " is still referenced by: " + strings.Join(users, ", ") + "."}
		}
		return tx.Exec("DELETE FROM "+m.Table+" WHERE id = ?", id).Error
	})
}

// bsModuleReferrers are the lists that keep a module record from being
// deleted while they name it.
var bsModuleReferrers = map[string][]struct{ link, src, dst, what string }{
	"procedure": {
		{"bs_dataacquisition_procedures", "data_acquisition_id", "procedure_id", "data acquisition"},
		{"bs_manipulation_procedures", "manipulation_id", "procedure_id", "manipulation"},
	},
	"consumablestock": {
		{"bs_procedures", "id", "consumablestock_id", "procedure"},
	},
	"equipment": {
		{"bs_dataacquisition_equipment", "data_acquisition_id", "equipment_id", "data acquisition"},
		{"bs_manipulation_equipment", "manipulation_id", "equipment_id", "manipulation"},
		{"bs_procedure_equipment", "procedure_id", "equipment_id", "procedure"},
	},
}

// ReferencedError is ErrReferenced with a message naming the referrers.
type ReferencedError struct{ Detail string }

// Error returns the message.
func (e *ReferencedError) Error() string { return e.Detail }

// Unwrap makes it ErrReferenced.
func (e *ReferencedError) Unwrap() error { return ErrReferenced }

// moduleParent returns the parent id of the record id of m that v may
// see (store.ErrNotFound otherwise).
func moduleParent(tx *gorm.DB, v Viewer, m *Model, pf *Field, id string) (string, error) {
	var ps []string
	if err := v.where(tx.Table(m.Table), m.Name).Where(m.Table+".id = ?", id).Limit(1).Pluck(m.Table+"."+pf.Col, &ps).Error; err != nil {
		return "", err
	}
	if len(ps) == 0 {
		return "", store.ErrNotFound
	}
	return ps[0], nil
}

// canChangeParent answers store.ErrForbidden unless the user has can_change on
// every project of the parent record.
func canChangeParent(tx *gorm.DB, userID uint, parent bsModuleParent, id string) error {
	if parent.link == "" { // the parent's owner
		var n int64
		if err := tx.Table(parent.linkSrc).Where("id = ? AND owner_id = ?", id, userID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return store.ErrForbidden
		}
		return nil
	}
	var projectIDs []string
	if err := tx.Table(parent.link).Where(parent.linkSrc+" = ?", id).Pluck("project_id", &projectIDs).Error; err != nil {
		return err
	}
	if ok, err := canChangeAll(tx, userID, slices.Clip(projectIDs)); err != nil || !ok {
		return orForbidden(err)
	}
	return nil
}
