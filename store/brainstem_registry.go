package store

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

// BSKind is the kind of a BrainSTEM field: how it is stored, filtered and
// rendered.
type BSKind int

// The field kinds.
const (
	BSText     BSKind = iota // text column
	BSInt                    // integer column
	BSBool                   // boolean column (0/1)
	BSUUID                   // UUID stored as canonical lower-case text
	BSDate                   // calendar date stored as YYYY-MM-DD text
	BSDateTime               // timestamp
	BSJSON                   // JSON object stored as text (not filterable)
	BSJSONList               // JSON list of objects stored as text (not filterable)
	BSTextList               // JSON array of strings (filters match an element)
	BSUUIDList               // JSON array of UUID strings (filters match an element)
	BSToOne                  // to-one relation: a foreign key column on this table
	BSToMany                 // to-many relation through a link table
	BSEmpty                  // read-only relation whose model does not exist here: always empty
	BSLinks                  // the links object: the non-empty to-many relations
	BSComputed               // computed by the renderer (not stored, not filterable)
)

// String names the kind (in tests and documentation).
func (k BSKind) String() string {
	return [...]string{"text", "int", "bool", "uuid", "date", "datetime", "json", "jsonlist", "textlist", "uuidlist",
		"toone", "tomany", "empty", "links", "computed"}[k]
}

// BSWriteScope says who may write the records of a model.
type BSWriteScope int

// The write scopes.
const (
	// BSWriteProject: members with can_change on the record's projects.
	BSWriteProject BSWriteScope = iota
	// BSWriteProjectMembers: the project's own rules (managers and owners).
	BSWriteProjectMembers
	// BSWriteOwner: the user who owns the record.
	BSWriteOwner
	// BSWriteLink: can_change on the session and ownership of the data storage.
	BSWriteLink
	// BSWriteStaff: staff users only (the global tables).
	BSWriteStaff
)

// BSField describes one field of a BrainSTEM model.
type BSField struct {
	// Name is the wire name (serializer field).
	Name string
	// Kind is how the field is stored, filtered and rendered.
	Kind BSKind
	// Col is the column on the model's table ("" when the field has none;
	// the foreign key column of a to-one relation).
	Col string
	// Target is the related model of a relation ("" for BSEmpty).
	Target string
	// Link, LinkSrc and LinkDst name the link table of a to-many relation
	// and its columns pointing at this model's and the target's ids.
	Link, LinkSrc, LinkDst string
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
	// value (nil: by kind; see BSChange.Full).
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
	// *time.Time, JSON text (BSJSON, BSJSONList, BSTextList, BSUUIDList), []string
	// (BSToMany ids) or string/*string (BSToOne id). Nil for BSEmpty,
	// BSLinks and BSComputed.
	Get func(rec any) any
}

// Filterable says whether filter{…} accepts the field.
func (f *BSField) Filterable() bool {
	switch f.Kind {
	case BSJSON, BSJSONList, BSLinks, BSComputed:
		return false
	}
	return true
}

// Includable says whether include[] may name the field to embed it (the
// relations, and lists of ids of models that do not exist here).
func (f *BSField) Includable() bool {
	switch f.Kind {
	case BSToOne, BSToMany, BSEmpty, BSUUIDList:
		return true
	}
	return false
}

// BSModel describes one BrainSTEM model.
type BSModel struct {
	// Name is the model name (the detail key, e.g. "session").
	Name string
	// Table is the model's table.
	Table string
	// Fields are the serializer fields, in wire order.
	Fields []BSField
	// DefaultOrder is the ORDER BY of a list without sort[] (columns of
	// Table), ending with a unique column.
	DefaultOrder []string
	// Write says who may write records of the model.
	Write BSWriteScope
	// Verbose is the model's name in messages ("data storage"; default Name).
	Verbose string
	// Untimed tables have no created_at and updated_at columns.
	Untimed bool
	// hooks are the model's own write rules (brainstem_write_hooks.go).
	hooks bsHooks
	// visible is the model's visibility scope (see BSViewer.visible).
	visible func(v BSViewer) []bsCond
}

// guardWrite checks the model-wide write rule inside the write transaction:
// staff only for BSWriteStaff. The other scopes depend on the record (its
// projects, its owner) and are checked by the generic write path
// (brainstem_write.go) and the model's hooks.
func (m *BSModel) guardWrite(tx *gorm.DB, userID uint) error {
	if m.Write == BSWriteStaff {
		return requireStaff(tx, userID)
	}
	return nil
}

// Field returns the field called name, or nil.
func (m *BSModel) Field(name string) *BSField {
	for i := range m.Fields {
		if m.Fields[i].Name == name {
			return &m.Fields[i]
		}
	}
	return nil
}

// BSModelNamed returns the model called name, or nil.
func BSModelNamed(name string) *BSModel { return bsRegistry[name] }

// BSModels returns every model of the registry, sorted by name.
func BSModels() []*BSModel {
	out := make([]*BSModel, 0, len(bsRegistry))
	for _, n := range slices.Sorted(maps.Keys(bsRegistry)) {
		out = append(out, bsRegistry[n])
	}
	return out
}

// field builds a field whose value getter takes the model's record type T.
func field[T any](name string, kind BSKind, col string, get func(*T) any, opts ...func(*BSField)) BSField {
	f := BSField{Name: name, Kind: kind, Col: col}
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
	readOnly = func(f *BSField) { f.ReadOnly = true }
	required = func(f *BSField) { f.Required = true }
	nullable = func(f *BSField) { f.Nullable = true }
	sortable = func(f *BSField) { f.Sort = true }
	unique   = func(f *BSField) { f.Sort, f.Unique = true, true }
	kept     = func(f *BSField) { f.Kept = true }
	scope    = func(f *BSField) { f.Scope = true }
)

func def(v any) func(*BSField) { return func(f *BSField) { f.Default = v } }

func target(model string) func(*BSField) { return func(f *BSField) { f.Target = model } }

func through(link, src, dst string) func(*BSField) {
	return func(f *BSField) { f.Link, f.LinkSrc, f.LinkDst = link, src, dst }
}

func djClass(c string) func(*BSField) { return func(f *BSField) { f.DjClass = c } }

// idField is every model's primary key.
func idField[T any](get func(*T) any) BSField {
	return field("id", BSUUID, "id", get, readOnly, unique)
}

// emptyField is a read-only relation to a model that does not exist here.
func emptyField(name string) BSField { return BSField{Name: name, Kind: BSEmpty, ReadOnly: true} }

func linksField() BSField { return BSField{Name: "links", Kind: BSLinks, ReadOnly: true} }

// pick is the visibility of a model with one plain condition per portal.
func pick(public, member string) func(BSViewer) []bsCond {
	return func(v BSViewer) []bsCond {
		if v.Public {
			return []bsCond{{sql: public}}
		}
		return []bsCond{{sql: member, args: []any{v.UserID}}}
	}
}

// sdsVisible: both ends of the link visible.
func sdsVisible(v BSViewer) []bsCond {
	c := viaProjects("bs_session_datastorages.session_id", "session_id", "bs_session_projects")(v)
	if v.Public {
		return append(c, inSub("bs_session_datastorages.data_storage_id", "id", "bs_datastorages", "is_public = TRUE"))
	}
	return append(c, inSub("bs_session_datastorages.data_storage_id", "id", "bs_datastorages", "owner_id = ? OR is_public = TRUE", v.UserID))
}

func everyRow(BSViewer) []bsCond { return []bsCond{{sql: bsEveryRow}} }

type (
	sessionRec  = BSSessionRecord
	projectRec  = BSProjectRecord
	storageRec  = BSDataStorage
	sdsRec      = BSSessionDataStorage
	subjectRec  = BSSubjectRecord
	groupRec    = BSGroupRecord
	breedingRec = BSBreedingRecord
)

// bsRegistry holds every model: the core ones below and those of
// brainstem_attributes.go.
var bsRegistry = mergeModels(bsAttributeModels, bsModuleRegistry, bsLogRegistry, map[string]*BSModel{
	"session": {
		Name: "session", Table: "bs_sessions", Write: BSWriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_sessions.id", "session_id", "bs_session_projects"),
		Fields: []BSField{
			idField(func(s *sessionRec) any { return s.ID }),
			field("name", BSText, "name", func(s *sessionRec) any { return s.Name }, required, unique),
			field("description", BSText, "description", func(s *sessionRec) any { return s.Description }, sortable),
			emptyField("epochs"),
			field("projects", BSToMany, "", func(s *sessionRec) any { return s.ProjectIDs }, required, scope, target("project"),
				through("bs_session_projects", "session_id", "project_id")),
			field("date_time", BSDateTime, "date_time", func(s *sessionRec) any { return s.DateTime }, nullable, sortable),
			field("datastorage", BSToMany, "", func(s *sessionRec) any { return s.DataStorageIDs }, target("datastorage"),
				through("bs_session_datastorages", "session_id", "data_storage_id")),
			field("extra_fields", BSJSON, "extra_fields", func(s *sessionRec) any { return s.ExtraFields }),
			field("download_links", BSJSONList, "download_links", func(s *sessionRec) any { return s.DownloadLinks }),
			field("dataacquisition", BSToMany, "", func(s *sessionRec) any { return s.DataAcquisitionIDs }, readOnly, target("dataacquisition"),
				through("bs_dataacquisitions", "session_id", "id"), djClass("ManyToOneRel")),
			field("behaviors", BSToMany, "", func(s *sessionRec) any { return s.BehaviorIDs }, readOnly, target("behavior"),
				through("bs_behaviors", "session_id", "id"), djClass("ManyToOneRel")),
			field("manipulations", BSToMany, "", func(s *sessionRec) any { return s.ManipulationIDs }, readOnly, target("manipulation"),
				through("bs_manipulations", "session_id", "id"), djClass("ManyToOneRel")),
			field("name_used_in_storage", BSText, "name_used_in_storage", func(s *sessionRec) any { return s.NameUsedInStorage }, readOnly, sortable),
			field("tags", BSTextList, "tags", func(s *sessionRec) any { return s.Tags }),
			linksField(),
		},
	},
	"project": {
		Name: "project", Table: "bs_projects", Write: BSWriteProjectMembers,
		DefaultOrder: []string{"created_at", "id"},
		visible: func(v BSViewer) []bsCond {
			if v.Public {
				return []bsCond{{sql: bsProjectPublicSQL}}
			}
			return inProject("bs_projects.id")(v)
		},
		Fields: []BSField{
			idField(func(p *projectRec) any { return p.ID }),
			field("name", BSText, "name", func(p *projectRec) any { return p.Name }, required, unique),
			field("description", BSText, "description", func(p *projectRec) any { return p.Description }, sortable),
			field("sessions", BSToMany, "", func(p *projectRec) any { return p.SessionIDs }, readOnly, target("session"),
				through("bs_session_projects", "project_id", "session_id")),
			field("subjects", BSToMany, "", func(p *projectRec) any { return p.SubjectIDs }, readOnly, target("subject"),
				through("bs_subject_projects", "project_id", "subject_id")),
			field("collections", BSToMany, "", func(p *projectRec) any { return p.CollectionIDs }, readOnly, target("collection"),
				through("bs_collections", "project_id", "id"), djClass("ManyToOneRel")),
			field("cohorts", BSToMany, "", func(p *projectRec) any { return p.CohortIDs }, readOnly, target("cohort"),
				through("bs_cohorts", "project_id", "id"), djClass("ManyToOneRel")),
			field("publications", BSUUIDList, "publications", func(p *projectRec) any { return p.Publications }),
			field("extra_fields", BSJSON, "extra_fields", func(p *projectRec) any { return p.ExtraFields }),
			field("is_public", BSBool, "is_public", func(p *projectRec) any { return p.IsPublic }, sortable, kept),
			field("tags", BSTextList, "tags", func(p *projectRec) any { return p.Tags }),
			linksField(),
			{Name: "users", Kind: BSComputed},
			{Name: "groups", Kind: BSComputed},
		},
	},
	"datastorage": {
		Name: "datastorage", Table: "bs_datastorages", Write: BSWriteOwner, Verbose: "data storage",
		DefaultOrder: []string{"created_at", "id"},
		visible:      pick(bsDataStoragePublicSQL, bsDataStorageOwnSQL),
		Fields: []BSField{
			idField(func(d *storageRec) any { return d.ID }),
			field("name", BSText, "name", func(d *storageRec) any { return d.Name }, required, unique),
			field("location", BSText, "location", func(d *storageRec) any { return d.Location }, sortable),
			field("description", BSText, "description", func(d *storageRec) any { return d.Description }, sortable),
			field("is_public", BSBool, "is_public", func(d *storageRec) any { return d.IsPublic }, sortable),
			field("data_organization", BSJSONList, "data_organization", func(d *storageRec) any { return d.DataOrganization }),
			field("data_protocols", BSJSONList, "data_protocols", func(d *storageRec) any { return d.DataProtocols }),
		},
	},
	"sessiondatastorage": {
		Name: "sessiondatastorage", Table: "bs_session_datastorages", Write: BSWriteLink, Untimed: true,
		DefaultOrder: []string{"session_id", "sort_order", "id"},
		visible:      sdsVisible,
		Fields: []BSField{
			idField(func(l *sdsRec) any { return l.ID }),
			field("session", BSToOne, "session_id", func(l *sdsRec) any { return l.SessionID }, required, sortable, scope, target("session")),
			field("datastorage", BSToOne, "data_storage_id", func(l *sdsRec) any { return l.DataStorageID }, required, sortable, target("datastorage")),
			field("order", BSInt, "sort_order", func(l *sdsRec) any { return l.Order }, sortable, kept),
		},
	},
	"subject": {
		Name: "subject", Table: "bs_subjects", Write: BSWriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      viaProjects("bs_subjects.id", "subject_id", "bs_subject_projects"),
		Fields: []BSField{
			idField(func(s *subjectRec) any { return s.ID }),
			field("name", BSText, "name", func(s *subjectRec) any { return s.Name }, required, unique),
			field("description", BSText, "description", func(s *subjectRec) any { return s.Description }, sortable),
			field("projects", BSToMany, "", func(s *subjectRec) any { return s.ProjectIDs }, required, scope, target("project"),
				through("bs_subject_projects", "subject_id", "project_id")),
			field("strain", BSToOne, "strain_id", func(s *subjectRec) any { return s.StrainID }, required, sortable, target("strain")),
			field("sex", BSText, "sex", func(s *subjectRec) any { return s.Sex }, required, sortable),
			field("genetic_line", BSText, "genetic_line", func(s *subjectRec) any { return s.GeneticLine }, sortable),
			field("genotype", BSText, "genotype", func(s *subjectRec) any { return s.Genotype }, sortable),
			field("subject_identifier", BSText, "subject_identifier", func(s *subjectRec) any { return s.SubjectIdentifier }, sortable),
			field("licenses", BSToMany, "", func(s *subjectRec) any { return s.LicenseIDs }, target("license"),
				through("bs_subject_licenses", "subject_id", "license_id")),
			field("supplier", BSToOne, "supplier_id", func(s *subjectRec) any { return s.SupplierID }, nullable, sortable, target("supplier")),
			field("breeding", BSToOne, "breeding_id", func(s *subjectRec) any { return s.BreedingID }, nullable, sortable, target("breeding")),
			field("birth_date", BSDate, "birth_date", func(s *subjectRec) any { return s.BirthDate }, nullable, sortable),
			field("death_date", BSDate, "death_date", func(s *subjectRec) any { return s.DeathDate }, nullable, sortable),
			field("status", BSText, "status", func(s *subjectRec) any { return s.Status }, sortable, def("active")),
			field("extra_fields", BSJSON, "extra_fields", func(s *subjectRec) any { return s.ExtraFields }),
			field("procedures", BSToMany, "", func(s *subjectRec) any { return s.ProcedureIDs }, readOnly, target("procedure"),
				through("bs_procedures", "subject_id", "id"), djClass("ManyToOneRel")),
			field("subjectlogs", BSToMany, "", func(s *subjectRec) any { return s.SubjectLogIDs }, readOnly, target("subjectlog"),
				through("bs_subject_logs", "subject_id", "id"), djClass("ManyToOneRel")),
			field("tags", BSTextList, "tags", func(s *subjectRec) any { return s.Tags }),
			linksField(),
			field("name_used_in_storage", BSText, "name_used_in_storage", func(s *subjectRec) any { return s.NameUsedInStorage }, nullable, sortable),
		},
	},
	"collection": {
		Name: "collection", Table: "bs_collections", Write: BSWriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      inProject("bs_collections.project_id"),
		Fields: []BSField{
			idField(func(g *groupRec) any { return g.ID }),
			field("name", BSText, "name", func(g *groupRec) any { return g.Name }, required, sortable),
			field("description", BSText, "description", func(g *groupRec) any { return g.Description }, sortable),
			field("project", BSToOne, "project_id", func(g *groupRec) any { return g.ProjectID }, required, sortable, scope, target("project")),
			field("sessions", BSToMany, "", func(g *groupRec) any { return g.MemberIDs }, target("session"),
				through("bs_collection_sessions", "collection_id", "session_id")),
			field("tags", BSTextList, "tags", func(g *groupRec) any { return g.Tags }),
		},
	},
	"cohort": {
		Name: "cohort", Table: "bs_cohorts", Write: BSWriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      inProject("bs_cohorts.project_id"),
		Fields: []BSField{
			idField(func(g *groupRec) any { return g.ID }),
			field("name", BSText, "name", func(g *groupRec) any { return g.Name }, required, sortable),
			field("description", BSText, "description", func(g *groupRec) any { return g.Description }, sortable),
			field("project", BSToOne, "project_id", func(g *groupRec) any { return g.ProjectID }, required, sortable, scope, target("project")),
			field("subjects", BSToMany, "", func(g *groupRec) any { return g.MemberIDs }, target("subject"),
				through("bs_cohort_subjects", "cohort_id", "subject_id")),
			field("tags", BSTextList, "tags", func(g *groupRec) any { return g.Tags }),
		},
	},
	"breeding": {
		Name: "breeding", Table: "bs_breedings", Write: BSWriteProject,
		DefaultOrder: []string{"created_at", "id"},
		visible:      inProject("bs_breedings.project_id"),
		Fields: []BSField{
			idField(func(b *breedingRec) any { return b.ID }),
			field("name", BSText, "name", func(b *breedingRec) any { return b.Name }, required, sortable),
			field("project", BSToOne, "project_id", func(b *breedingRec) any { return b.ProjectID }, required, sortable, scope, target("project")),
			// A parent the caller may not see is rendered as null (the column is never NULL).
			field("mother", BSToOne, "mother_id", func(b *breedingRec) any { return b.MotherID }, required, nullable, target("subject")),
			field("father", BSToOne, "father_id", func(b *breedingRec) any { return b.FatherID }, required, nullable, target("subject")),
			field("description", BSText, "description", func(b *breedingRec) any { return b.Description }, sortable),
			field("tags", BSTextList, "tags", func(b *breedingRec) any { return b.Tags }),
			field("birth_date", BSDate, "birth_date", func(b *breedingRec) any { return b.BirthDate }, nullable, sortable),
			field("start_date", BSDate, "start_date", func(b *breedingRec) any { return b.StartDate }, nullable, sortable),
			field("end_date", BSDate, "end_date", func(b *breedingRec) any { return b.EndDate }, nullable, sortable),
			field("weaning_date", BSDate, "weaning_date", func(b *breedingRec) any { return b.WeaningDate }, nullable, sortable),
			field("litter_size", BSInt, "litter_size", func(b *breedingRec) any { return b.LitterSize }, nullable, sortable),
			field("expected_genotype", BSText, "expected_genotype", func(b *breedingRec) any { return b.ExpectedGenotype }, sortable),
		},
	},
	"species": {
		Name: "species", Table: "bs_species", Write: BSWriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []BSField{
			idField(func(s *BSSpecies) any { return s.ID }),
			field("name", BSText, "name", func(s *BSSpecies) any { return s.Name }, required, unique),
			field("description", BSText, "description", func(s *BSSpecies) any { return s.Description }, sortable),
			field("rrid", BSText, "rrid", func(s *BSSpecies) any { return s.RRID }, nullable, sortable),
			{Name: "rrid_url", Kind: BSComputed, Nullable: true, ReadOnly: true, Get: func(rec any) any { return rec.(*BSSpecies).RRID }},
			field("external_identifiers", BSJSONList, "external_identifiers", func(s *BSSpecies) any { return s.ExternalIdentifiers }),
		},
	},
	"strain": {
		Name: "strain", Table: "bs_strains", Write: BSWriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []BSField{
			idField(func(s *BSStrain) any { return s.ID }),
			field("name", BSText, "name", func(s *BSStrain) any { return s.Name }, required, unique),
			field("description", BSText, "description", func(s *BSStrain) any { return s.Description }, sortable),
			field("species", BSToOne, "species_id", func(s *BSStrain) any { return s.SpeciesID }, required, sortable, target("species")),
			field("rrid", BSText, "rrid", func(s *BSStrain) any { return s.RRID }, nullable, sortable),
			{Name: "rrid_url", Kind: BSComputed, Nullable: true, ReadOnly: true, Get: func(rec any) any { return rec.(*BSStrain).RRID }},
			field("external_identifiers", BSJSONList, "external_identifiers", func(s *BSStrain) any { return s.ExternalIdentifiers }),
		},
	},
	"supplier": {
		Name: "supplier", Table: "bs_suppliers", Write: BSWriteStaff,
		DefaultOrder: []string{"created_at", "id"},
		visible:      everyRow,
		Fields: []BSField{
			idField(func(s *BSSupplier) any { return s.ID }),
			field("name", BSText, "name", func(s *BSSupplier) any { return s.Name }, required, unique),
			field("description", BSText, "description", func(s *BSSupplier) any { return s.Description }, sortable),
			field("website", BSText, "website", func(s *BSSupplier) any { return s.Website }, sortable),
		},
	},
})

// mergeModels joins descriptor maps into one registry.
func mergeModels(sets ...map[string]*BSModel) map[string]*BSModel {
	out := map[string]*BSModel{}
	for _, s := range sets {
		maps.Copy(out, s)
	}
	return out
}
