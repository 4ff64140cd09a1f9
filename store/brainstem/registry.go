package brainstem

import (
	"maps"
	"slices"

	"gorm.io/gorm"
)

// The registry of BrainSTEM models: each model is described once, its fields
// in wire order. The query compiler (filters, sort, include, exclude), the
// visibility scope, the server's renderer and the descriptor-vs-spec test
// are driven by it. Adding a field is: the spec, the column, and one line
// here.

// Kind is the kind of a BrainSTEM field: how it is stored, filtered and
// rendered.
type Kind int

// The field kinds.
const (
	Text     Kind = iota // text column
	Int                  // integer column
	Bool                 // boolean column (0/1)
	UUID                 // UUID stored as canonical lower-case text
	Date                 // calendar date stored as YYYY-MM-DD text
	DateTime             // timestamp
	JSON                 // JSON object stored as text (not filterable)
	JSONList             // JSON list of objects stored as text (not filterable)
	TextList             // JSON array of strings (filters match an element)
	UUIDList             // JSON array of UUID strings (filters match an element)
	ToOne                // to-one relation: a foreign key column on this table
	ToMany               // to-many relation through a link table
	Empty                // read-only relation whose model does not exist here: always empty
	Links                // the links object: the non-empty to-many relations
	Computed             // computed by the renderer (not stored, not filterable)
)

// String names the kind (in tests and documentation).
func (k Kind) String() string {
	return [...]string{"text", "int", "bool", "uuid", "date", "datetime", "json", "jsonlist", "textlist", "uuidlist",
		"toone", "tomany", "empty", "links", "computed"}[k]
}

// WriteScope says who may write the records of a model.
type WriteScope int

// The write scopes.
const (
	// WriteProject: members with can_change on the record's projects.
	WriteProject WriteScope = iota
	// WriteProjectMembers: the project's own rules (managers and owners).
	WriteProjectMembers
	// WriteOwner: the user who owns the record.
	WriteOwner
	// WriteLink: can_change on the session and ownership of the data storage.
	WriteLink
	// WriteStaff: staff users only (the global tables).
	WriteStaff
)

// Field describes one field of a BrainSTEM model.
type Field struct {
	// Name is the wire name (serializer field).
	Name string
	// Kind is how the field is stored, filtered and rendered.
	Kind Kind
	// Col is the column on the model's table ("" when the field has none;
	// the foreign key column of a to-one relation).
	Col string
	// Target is the related model of a relation ("" for Empty).
	Target string
	// Link, LinkSrc and LinkDst name the link table of a to-many relation
	// and its columns pointing at this model's and the target's ids.
	Link, LinkSrc, LinkDst string
	// Mirrors maps fields of this model to link columns that hold a copy
	// of them, kept equal by the database (see SessionProject): a list
	// filtered by the relation's ids and by such a field is answered
	// from the link table's index.
	Mirrors map[string]string
	// Nullable is true when the field can be null on the wire (and its
	// column NULL).
	Nullable bool
	// ReadOnly fields are rendered but not accepted in request bodies.
	ReadOnly bool
	// Required fields must be sent on create.
	Required bool
	// Sort allows sort[]=name; Unique says that the column is unique, so no
	// tiebreak is appended (and writes answer DRF's "… already exists.").
	Sort, Unique bool
	// Default is what a full write (POST, PUT) stores when the body has no
	// value (nil: by kind; see Change.Full).
	Default any
	// Kept fields are left as they are by a PUT without them (a create
	// without them gets the column's default or a hook's value).
	Kept bool
	// Scope marks the relation that carries the write permission (a
	// record's projects, a link's session): a reference is checked for
	// existence only, and the write scope answers 403 for one the caller
	// may not change. Other references must be visible to the caller.
	Scope bool
	// DjClass overrides the Django field class named in "Unsupported
	// lookup" messages (default by kind).
	DjClass string
	// Get returns the field's value from a record of the model (a pointer
	// to the model's record type): string, *string, bool, int, *int64,
	// *time.Time, JSON text (JSON, JSONList, TextList, UUIDList), []string
	// (ToMany ids) or string/*string (ToOne id). Nil for Empty,
	// Links and Computed.
	Get func(rec any) any
}

// Filterable says whether filter{…} accepts the field.
func (f *Field) Filterable() bool {
	switch f.Kind {
	case JSON, JSONList, Links, Computed:
		return false
	}
	return true
}

// Includable says whether include[] may name the field to embed it (the
// relations, and lists of ids of models that do not exist here).
func (f *Field) Includable() bool {
	switch f.Kind {
	case ToOne, ToMany, Empty, UUIDList:
		return true
	}
	return false
}

// Model describes one BrainSTEM model.
type Model struct {
	// Name is the model name (the detail key, e.g. "session").
	Name string
	// Table is the model's table.
	Table string
	// Fields are the serializer fields, in wire order.
	Fields []Field
	// DefaultOrder is the ORDER BY of a list without sort[] (columns of
	// Table), ending with a unique column.
	DefaultOrder []string
	// Write says who may write records of the model.
	Write WriteScope
	// Verbose is the model's name in messages ("data storage"; default Name).
	Verbose string
	// Untimed tables have no created_at and updated_at columns.
	Untimed bool
	// hooks are the model's own write rules (write_hooks.go).
	hooks bsHooks
	// visible is the model's visibility scope (see Viewer.visible).
	visible func(v Viewer) []bsCond
}

// guardWrite checks the model-wide write rule inside the write transaction:
// staff only for WriteStaff. The other scopes depend on the record (its
// projects, its owner) and are checked by the generic write path
// (write.go) and the model's hooks.
func (m *Model) guardWrite(tx *gorm.DB, userID uint) error {
	if m.Write == WriteStaff {
		return requireStaff(tx, userID)
	}
	return nil
}

// Field returns the field called name, or nil.
func (m *Model) Field(name string) *Field {
	for i := range m.Fields {
		if m.Fields[i].Name == name {
			return &m.Fields[i]
		}
	}
	return nil
}

// ModelNamed returns the model called name, or nil.
func ModelNamed(name string) *Model { return bsRegistry[name] }

// Models returns every model of the registry, sorted by name.
func Models() []*Model {
	out := make([]*Model, 0, len(bsRegistry))
	for _, n := range slices.Sorted(maps.Keys(bsRegistry)) {
		out = append(out, bsRegistry[n])
	}
	return out
}

// field builds a field whose value getter takes the model's record type T.
func field[T any](name string, kind Kind, col string, get func(*T) any, opts ...func(*Field)) Field {
	f := Field{Name: name, Kind: kind, Col: col}
	if get != nil {
		f.Get = func(rec any) any { return get(rec.(*T)) }
	}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// Field options.
var (
	readOnly = func(f *Field) { f.ReadOnly = true }
	required = func(f *Field) { f.Required = true }
	nullable = func(f *Field) { f.Nullable = true }
	sortable = func(f *Field) { f.Sort = true }
	unique   = func(f *Field) { f.Sort, f.Unique = true, true }
	kept     = func(f *Field) { f.Kept = true }
	scope    = func(f *Field) { f.Scope = true }
)

func def(v any) func(*Field) { return func(f *Field) { f.Default = v } }

func target(model string) func(*Field) { return func(f *Field) { f.Target = model } }

func through(link, src, dst string) func(*Field) {
	return func(f *Field) { f.Link, f.LinkSrc, f.LinkDst = link, src, dst }
}

func mirrors(field, linkCol string) func(*Field) {
	return func(f *Field) { f.Mirrors = map[string]string{field: linkCol} }
}

func djClass(c string) func(*Field) { return func(f *Field) { f.DjClass = c } }

// idField is every model's primary key.
func idField[T any](get func(*T) any) Field {
	return field("id", UUID, "id", get, readOnly, unique)
}

// emptyField is a read-only relation to a model that does not exist here.
func emptyField(name string) Field { return Field{Name: name, Kind: Empty, ReadOnly: true} }

func linksField() Field { return Field{Name: "links", Kind: Links, ReadOnly: true} }

// pick is the visibility of a model with one plain condition per portal.
func pick(public, member string) func(Viewer) []bsCond {
	return func(v Viewer) []bsCond {
		if v.Public {
			return []bsCond{{sql: public}}
		}
		return []bsCond{{sql: member, args: []any{v.UserID}}}
	}
}

// sdsVisible: both ends of the link visible.
func sdsVisible(v Viewer) []bsCond {
	c := viaProjects("bs_session_datastorages.session_id", "session_id", "bs_session_projects")(v)
	if v.Public {
		return append(c, inSub("bs_session_datastorages.data_storage_id", "id", "bs_datastorages", "is_public = TRUE"))
	}
	return append(c, inSub("bs_session_datastorages.data_storage_id", "id", "bs_datastorages", "owner_id = "+bsViewerID+" OR is_public = TRUE", v.UserID))
}

func everyRow(Viewer) []bsCond { return []bsCond{{sql: bsEveryRow}} }

type (
	sessionRec  = SessionRecord
	projectRec  = ProjectRecord
	storageRec  = DataStorage
	sdsRec      = SessionDataStorage
	subjectRec  = SubjectRecord
	groupRec    = GroupRecord
	breedingRec = BreedingRecord
)

// bsRegistry holds every model: the core ones below and those of
// attributes.go.
var bsRegistry = mergeModels(bsAttributeModels, bsModuleRegistry, bsLogRegistry, map[string]*Model{
	"session": {
		Name: "session", Table: "bs_sessions", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_sessions.id", "session_id", "bs_session_projects"),
		Fields: []Field{
			idField(func(s *sessionRec) any { return s.ID }),
			field("name", Text, "name", func(s *sessionRec) any { return s.Name }, required, unique),
			field("description", Text, "description", func(s *sessionRec) any { return s.Description }, sortable),
			emptyField("epochs"),
			field("projects", ToMany, "", func(s *sessionRec) any { return s.ProjectIDs }, required, scope, target("project"),
				through("bs_session_projects", "session_id", "project_id"), mirrors("name", "session_name")),
			field("date_time", DateTime, "date_time", func(s *sessionRec) any { return s.DateTime }, nullable, sortable),
			field("datastorage", ToMany, "", func(s *sessionRec) any { return s.DataStorageIDs }, target("datastorage"),
				through("bs_session_datastorages", "session_id", "data_storage_id")),
			field("extra_fields", JSON, "extra_fields", func(s *sessionRec) any { return s.ExtraFields }),
			field("download_links", JSONList, "download_links", func(s *sessionRec) any { return s.DownloadLinks }),
			field("dataacquisition", ToMany, "", func(s *sessionRec) any { return s.DataAcquisitionIDs }, readOnly, target("dataacquisition"),
				through("bs_dataacquisitions", "session_id", "id"), djClass("ManyToOneRel")),
			field("behaviors", ToMany, "", func(s *sessionRec) any { return s.BehaviorIDs }, readOnly, target("behavior"),
				through("bs_behaviors", "session_id", "id"), djClass("ManyToOneRel")),
			field("manipulations", ToMany, "", func(s *sessionRec) any { return s.ManipulationIDs }, readOnly, target("manipulation"),
				through("bs_manipulations", "session_id", "id"), djClass("ManyToOneRel")),
			field("name_used_in_storage", Text, "name_used_in_storage", func(s *sessionRec) any { return s.NameUsedInStorage }, readOnly, sortable),
			field("tags", TextList, "tags", func(s *sessionRec) any { return s.Tags }),
			linksField(),
		},
	},
	"project": {
		Name: "project", Table: "bs_projects", Write: WriteProjectMembers,
		DefaultOrder: []string{"created_at", "id"},
		visible: func(v Viewer) []bsCond {
			if v.Public {
				return []bsCond{{sql: bsProjectPublicSQL}}
			}
			return inProject("bs_projects.id")(v)
		},
		Fields: []Field{
			idField(func(p *projectRec) any { return p.ID }),
			field("name", Text, "name", func(p *projectRec) any { return p.Name }, required, unique),
			field("description", Text, "description", func(p *projectRec) any { return p.Description }, sortable),
			field("sessions", ToMany, "", func(p *projectRec) any { return p.SessionIDs }, readOnly, target("session"),
				through("bs_session_projects", "project_id", "session_id")),
			field("subjects", ToMany, "", func(p *projectRec) any { return p.SubjectIDs }, readOnly, target("subject"),
				through("bs_subject_projects", "project_id", "subject_id")),
			field("collections", ToMany, "", func(p *projectRec) any { return p.CollectionIDs }, readOnly, target("collection"),
				through("bs_collections", "project_id", "id"), djClass("ManyToOneRel")),
			field("cohorts", ToMany, "", func(p *projectRec) any { return p.CohortIDs }, readOnly, target("cohort"),
				through("bs_cohorts", "project_id", "id"), djClass("ManyToOneRel")),
			field("publications", UUIDList, "publications", func(p *projectRec) any { return p.Publications }),
			field("extra_fields", JSON, "extra_fields", func(p *projectRec) any { return p.ExtraFields }),
			field("is_public", Bool, "is_public", func(p *projectRec) any { return p.IsPublic }, sortable, kept),
			field("tags", TextList, "tags", func(p *projectRec) any { return p.Tags }),
			linksField(),
			{Name: "users", Kind: Computed},
			{Name: "groups", Kind: Computed},
		},
	},
	"datastorage": {
		Name: "datastorage", Table: "bs_datastorages", Write: WriteOwner, Verbose: "data storage",
		DefaultOrder: []string{"created_at", "id"},
		visible:      pick(bsDataStoragePublicSQL, bsDataStorageOwnSQL),
		Fields: []Field{
			idField(func(d *storageRec) any { return d.ID }),
			field("name", Text, "name", func(d *storageRec) any { return d.Name }, required, unique),
			field("location", Text, "location", func(d *storageRec) any { return d.Location }, sortable),
			field("description", Text, "description", func(d *storageRec) any { return d.Description }, sortable),
			field("is_public", Bool, "is_public", func(d *storageRec) any { return d.IsPublic }, sortable),
			field("data_organization", JSONList, "data_organization", func(d *storageRec) any { return d.DataOrganization }),
			field("data_protocols", JSONList, "data_protocols", func(d *storageRec) any { return d.DataProtocols }),
		},
	},
	"sessiondatastorage": {
		Name: "sessiondatastorage", Table: "bs_session_datastorages", Write: WriteLink, Untimed: true,
		DefaultOrder: []string{"session_id", "sort_order", "id"},
		visible:      sdsVisible,
		Fields: []Field{
			idField(func(l *sdsRec) any { return l.ID }),
			field("session", ToOne, "session_id", func(l *sdsRec) any { return l.SessionID }, required, sortable, scope, target("session")),
			field("datastorage", ToOne, "data_storage_id", func(l *sdsRec) any { return l.DataStorageID }, required, sortable, target("datastorage")),
			field("order", Int, "sort_order", func(l *sdsRec) any { return l.Order }, sortable, kept),
		},
	},
	"subject": {
		Name: "subject", Table: "bs_subjects", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_subjects.id", "subject_id", "bs_subject_projects"),
		Fields: []Field{
			idField(func(s *subjectRec) any { return s.ID }),
			field("name", Text, "name", func(s *subjectRec) any { return s.Name }, required, unique),
			field("description", Text, "description", func(s *subjectRec) any { return s.Description }, sortable),
			field("projects", ToMany, "", func(s *subjectRec) any { return s.ProjectIDs }, required, scope, target("project"),
				through("bs_subject_projects", "subject_id", "project_id")),
			field("strain", ToOne, "strain_id", func(s *subjectRec) any { return s.StrainID }, required, sortable, target("strain")),
			field("sex", Text, "sex", func(s *subjectRec) any { return s.Sex }, required, sortable),
			field("genetic_line", Text, "genetic_line", func(s *subjectRec) any { return s.GeneticLine }, sortable),
			field("genotype", Text, "genotype", func(s *subjectRec) any { return s.Genotype }, sortable),
			field("subject_identifier", Text, "subject_identifier", func(s *subjectRec) any { return s.SubjectIdentifier }, sortable),
			field("licenses", ToMany, "", func(s *subjectRec) any { return s.LicenseIDs }, target("license"),
				through("bs_subject_licenses", "subject_id", "license_id")),
			field("supplier", ToOne, "supplier_id", func(s *subjectRec) any { return s.SupplierID }, nullable, sortable, target("supplier")),
			field("breeding", ToOne, "breeding_id", func(s *subjectRec) any { return s.BreedingID }, nullable, sortable, target("breeding")),
			field("birth_date", Date, "birth_date", func(s *subjectRec) any { return s.BirthDate }, nullable, sortable),
			field("death_date", Date, "death_date", func(s *subjectRec) any { return s.DeathDate }, nullable, sortable),
			field("status", Text, "status", func(s *subjectRec) any { return s.Status }, sortable, def("active")),
			field("extra_fields", JSON, "extra_fields", func(s *subjectRec) any { return s.ExtraFields }),
			field("procedures", ToMany, "", func(s *subjectRec) any { return s.ProcedureIDs }, readOnly, target("procedure"),
				through("bs_procedures", "subject_id", "id"), djClass("ManyToOneRel")),
			field("subjectlogs", ToMany, "", func(s *subjectRec) any { return s.SubjectLogIDs }, readOnly, target("subjectlog"),
				through("bs_subject_logs", "subject_id", "id"), djClass("ManyToOneRel")),
			field("tags", TextList, "tags", func(s *subjectRec) any { return s.Tags }),
			linksField(),
			field("name_used_in_storage", Text, "name_used_in_storage", func(s *subjectRec) any { return s.NameUsedInStorage }, nullable, sortable),
		},
	},
	"collection": {
		Name: "collection", Table: "bs_collections", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      inProject("bs_collections.project_id"),
		Fields: []Field{
			idField(func(g *groupRec) any { return g.ID }),
			field("name", Text, "name", func(g *groupRec) any { return g.Name }, required, sortable),
			field("description", Text, "description", func(g *groupRec) any { return g.Description }, sortable),
			field("project", ToOne, "project_id", func(g *groupRec) any { return g.ProjectID }, required, sortable, scope, target("project")),
			field("sessions", ToMany, "", func(g *groupRec) any { return g.MemberIDs }, target("session"),
				through("bs_collection_sessions", "collection_id", "session_id")),
			field("tags", TextList, "tags", func(g *groupRec) any { return g.Tags }),
		},
	},
	"cohort": {
		Name: "cohort", Table: "bs_cohorts", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      inProject("bs_cohorts.project_id"),
		Fields: []Field{
			idField(func(g *groupRec) any { return g.ID }),
			field("name", Text, "name", func(g *groupRec) any { return g.Name }, required, sortable),
			field("description", Text, "description", func(g *groupRec) any { return g.Description }, sortable),
			field("project", ToOne, "project_id", func(g *groupRec) any { return g.ProjectID }, required, sortable, scope, target("project")),
			field("subjects", ToMany, "", func(g *groupRec) any { return g.MemberIDs }, target("subject"),
				through("bs_cohort_subjects", "cohort_id", "subject_id")),
			field("tags", TextList, "tags", func(g *groupRec) any { return g.Tags }),
		},
	},
	"breeding": {
		Name: "breeding", Table: "bs_breedings", Write: WriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      inProject("bs_breedings.project_id"),
		Fields: []Field{
			idField(func(b *breedingRec) any { return b.ID }),
			field("name", Text, "name", func(b *breedingRec) any { return b.Name }, required, sortable),
			field("project", ToOne, "project_id", func(b *breedingRec) any { return b.ProjectID }, required, sortable, scope, target("project")),
			// A parent the caller may not see is rendered as null (the column is never NULL).
			field("mother", ToOne, "mother_id", func(b *breedingRec) any { return b.MotherID }, required, nullable, target("subject")),
			field("father", ToOne, "father_id", func(b *breedingRec) any { return b.FatherID }, required, nullable, target("subject")),
			field("description", Text, "description", func(b *breedingRec) any { return b.Description }, sortable),
			field("tags", TextList, "tags", func(b *breedingRec) any { return b.Tags }),
			field("birth_date", Date, "birth_date", func(b *breedingRec) any { return b.BirthDate }, nullable, sortable),
			field("start_date", Date, "start_date", func(b *breedingRec) any { return b.StartDate }, nullable, sortable),
			field("end_date", Date, "end_date", func(b *breedingRec) any { return b.EndDate }, nullable, sortable),
			field("weaning_date", Date, "weaning_date", func(b *breedingRec) any { return b.WeaningDate }, nullable, sortable),
			field("litter_size", Int, "litter_size", func(b *breedingRec) any { return b.LitterSize }, nullable, sortable),
			field("expected_genotype", Text, "expected_genotype", func(b *breedingRec) any { return b.ExpectedGenotype }, sortable),
		},
	},
	"species": {
		Name: "species", Table: "bs_species", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(s *Species) any { return s.ID }),
			field("name", Text, "name", func(s *Species) any { return s.Name }, required, unique),
			field("description", Text, "description", func(s *Species) any { return s.Description }, sortable),
			field("rrid", Text, "rrid", func(s *Species) any { return s.RRID }, nullable, sortable),
			{Name: "rrid_url", Kind: Computed, Nullable: true, ReadOnly: true, Get: func(rec any) any { return rec.(*Species).RRID }},
			field("external_identifiers", JSONList, "external_identifiers", func(s *Species) any { return s.ExternalIdentifiers }),
		},
	},
	"strain": {
		Name: "strain", Table: "bs_strains", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(s *Strain) any { return s.ID }),
			field("name", Text, "name", func(s *Strain) any { return s.Name }, required, unique),
			field("description", Text, "description", func(s *Strain) any { return s.Description }, sortable),
			field("species", ToOne, "species_id", func(s *Strain) any { return s.SpeciesID }, required, sortable, target("species")),
			field("rrid", Text, "rrid", func(s *Strain) any { return s.RRID }, nullable, sortable),
			{Name: "rrid_url", Kind: Computed, Nullable: true, ReadOnly: true, Get: func(rec any) any { return rec.(*Strain).RRID }},
			field("external_identifiers", JSONList, "external_identifiers", func(s *Strain) any { return s.ExternalIdentifiers }),
		},
	},
	"supplier": {
		Name: "supplier", Table: "bs_suppliers", Write: WriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []Field{
			idField(func(s *Supplier) any { return s.ID }),
			field("name", Text, "name", func(s *Supplier) any { return s.Name }, required, unique),
			field("description", Text, "description", func(s *Supplier) any { return s.Description }, sortable),
			field("website", Text, "website", func(s *Supplier) any { return s.Website }, sortable),
		},
	},
})

// mergeModels joins descriptor maps into one registry.
func mergeModels(sets ...map[string]*Model) map[string]*Model {
	out := map[string]*Model{}
	for _, s := range sets {
		maps.Copy(out, s)
	}
	return out
}
