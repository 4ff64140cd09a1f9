package brainstem_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// specSchemas names the spec's record schema and a list URL of every model
// of the query engine; a model missing here fails the test.
var specSchemas = map[string]struct{ schema, list, key string }{
	"session":            {"Session", "/api/private/stem/session/", "sessions"},
	"project":            {"Project", "/api/private/stem/project/", "projects"},
	"datastorage":        {"DataStorage", "/api/private/personal_attributes/datastorage/", "datastorages"},
	"sessiondatastorage": {"SessionDataStorage", "/api/private/stem/sessiondatastorage/", "sessiondatastorages"},
	"subject":            {"Subject", "/api/private/stem/subject/", "subjects"},
	"collection":         {"Collection", "/api/private/stem/collection/", "collections"},
	"cohort":             {"Cohort", "/api/private/stem/cohort/", "cohorts"},
	"breeding":           {"Breeding", "/api/private/stem/breeding/", "breedings"},
	"species":            {"Species", "/api/private/taxonomies/species/", "species"},
	"strain":             {"Strain", "/api/private/taxonomies/strain/", "strains"},
	"supplier":           {"Supplier", "/api/private/resources/supplier/", "suppliers"},
	"behavior":           {"Behavior", "/api/private/modules/behavior/", "behaviors"},
	"dataacquisition":    {"DataAcquisition", "/api/private/modules/dataacquisition/", "data_acquisitions"},
	"manipulation":       {"Manipulation", "/api/private/modules/manipulation/", "manipulations"},
	"procedure":          {"Procedure", "/api/private/modules/procedure/", "procedures"},
	"equipment":          {"Equipment", "/api/private/modules/equipment/", "equipment"},
	"consumablestock":    {"ConsumableStock", "/api/private/modules/consumablestock/", "consumable stocks"},
	"procedurelog":       {"ProcedureLog", "/api/private/modules/procedurelog/", "procedure_logs"},
	"subjectlog":         {"SubjectLog", "/api/private/modules/subjectlog/", "subject_logs"},
	// attributes, resources, taxonomies
	"setup":               {"Setup", "/api/private/personal_attributes/setup/", "setups"},
	"behavioralassay":     {"BehavioralAssay", "/api/private/personal_attributes/behavioralassay/", "behavioralassays"},
	"license":             {"License", "/api/private/personal_attributes/license/", "licenses"},
	"inventory":           {"Inventory", "/api/private/personal_attributes/inventory/", "inventories"},
	"hardwaredevice":      {"HardwareDevice", "/api/private/resources/hardwaredevice/", "hardwaredevices"},
	"consumable":          {"Consumable", "/api/private/resources/consumable/", "consumables"},
	"behavioralparadigm":  {"BehavioralParadigm", "/api/private/taxonomies/behavioralparadigm/", "behavioral_paradigms"},
	"behavioralcategory":  {"BehavioralCategory", "/api/private/taxonomies/behavioralcategory/", "behavioral_categories"},
	"setuptype":           {"SetupType", "/api/private/taxonomies/setuptype/", "setup_types"},
	"brainregion":         {"BrainRegion", "/api/private/taxonomies/brainregion/", "brain_regions"},
	"regulatoryauthority": {"RegulatoryAuthority", "/api/private/taxonomies/regulatoryauthority/", "regulatoryauthorities"},
}

// TestModelsFollowTheSpec compares every model of the registry with its
// schema in openapi/brainstem.yaml: the fields are the schema's properties
// in the schema's (required, wire) order; each field's kind matches the
// property's type, nullability, and embedded schema for relations; a field
// is read-only exactly when the create body does not accept it, and
// required exactly when the create body requires it; and a rendered record
// carries the keys in that order.
func TestModelsFollowTheSpec(t *testing.T) {
	t.Parallel()
	spec, err := brainstemapi.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	f := newSubjectFixture(t)
	f.create(changer, "/api/private/stem/collection/", "collection", map[string]any{"name": "C", "project": f.id["Lab"], "sessions": []string{f.id["S1"]}})
	f.create(changer, "/api/private/stem/cohort/", "cohort", map[string]any{"name": "C", "project": f.id["Lab"], "subjects": []string{f.id["Rat1"]}})
	f.create(owner, "/api/private/stem/breeding/", "breeding", map[string]any{"name": "B", "project": f.id["Lab"], "mother": f.id["Rat1"], "father": f.id["Rat1"]})
	seedAttributes(f)
	addModules(f)
	addLogs(f)
	for _, m := range bsdb.Models() {
		s, ok := specSchemas[m.Name]
		if !ok {
			t.Errorf("model %q has no schema in specSchemas", m.Name)
			continue
		}
		ref := spec.Components.Schemas[s.schema]
		create := spec.Components.Schemas[s.schema+"Create"]
		if ref == nil || create == nil {
			t.Errorf("%s: no schema %s or %sCreate in the spec", m.Name, s.schema, s.schema)
			continue
		}
		schema := ref.Value
		var names []string
		for _, fld := range m.Fields {
			names = append(names, fld.Name)
		}
		if !slices.Equal(names, schema.Required) {
			t.Errorf("%s: registry fields %v, spec's required order %v", m.Name, names, schema.Required)
		}
		if len(schema.Properties) != len(schema.Required) {
			t.Errorf("%s: the spec has %d properties but requires %d: every field is rendered", m.Name, len(schema.Properties), len(schema.Required))
		}
		for _, fld := range m.Fields {
			p := schema.Properties[fld.Name]
			if p == nil {
				t.Errorf("%s.%s: no such property", m.Name, fld.Name)
				continue
			}
			if msg := kindMismatch(fld, p); msg != "" {
				t.Errorf("%s.%s (%s): %s", m.Name, fld.Name, fld.Kind, msg)
			}
			_, writable := create.Value.Properties[fld.Name]
			if fld.ReadOnly == writable {
				t.Errorf("%s.%s: registry read-only %v, but %sCreate accepts it: %v", m.Name, fld.Name, fld.ReadOnly, s.schema, writable)
			}
			if p.Value.ReadOnly && !fld.ReadOnly && fld.Kind != bsdb.Empty {
				t.Errorf("%s.%s: read-only in the spec, writable in the registry", m.Name, fld.Name)
			}
			if req := slices.Contains(create.Value.Required, fld.Name); req != fld.Required {
				t.Errorf("%s.%s: registry required %v, %sCreate requires it: %v", m.Name, fld.Name, fld.Required, s.schema, req)
			}
		}
		// key order of a rendered record
		res := f.do(owner, http.MethodGet, s.list+"?limit=1", nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", s.list, res.StatusCode, res.Body)
		}
		var page map[string]json.RawMessage
		res.JSON(t, &page)
		var recs []json.RawMessage
		if err := json.Unmarshal(page[s.key], &recs); err != nil || len(recs) == 0 {
			t.Errorf("%s: no record to check (%v)", m.Name, err)
			continue
		}
		if got := keyOrder(t, recs[0]); !slices.Equal(got, schema.Required) {
			t.Errorf("%s: keys %v, spec's required order %v", m.Name, got, schema.Required)
		}
	}
}

// kindMismatch says how property p differs from what fld's kind renders
// ("" when it matches).
func kindMismatch(fld bsdb.Field, p *openapi3.SchemaRef) string {
	v := p.Value
	typ := func(s *openapi3.Schema) string {
		if s.Type == nil || len(*s.Type) == 0 {
			return ""
		}
		return (*s.Type)[0] + "/" + s.Format
	}
	refs := func(s *openapi3.Schema) []string {
		var out []string
		for _, r := range s.OneOf {
			out = append(out, strings.TrimPrefix(r.Ref, "#/components/schemas/"))
		}
		return out
	}
	want := map[bsdb.Kind]string{bsdb.Text: "string/", bsdb.UUID: "string/uuid", bsdb.Int: "integer/",
		bsdb.Bool: "boolean/", bsdb.Date: "string/date", bsdb.DateTime: "string/date-time", bsdb.JSON: "object/",
		bsdb.JSONList: "array/", bsdb.TextList: "array/", bsdb.UUIDList: "array/", bsdb.ToMany: "array/"}
	if w, ok := want[fld.Kind]; ok && typ(v) != w {
		return fmt.Sprintf("type %s, want %s", typ(v), w)
	}
	switch fld.Kind {
	case bsdb.Text, bsdb.UUID, bsdb.Int, bsdb.Bool, bsdb.Date, bsdb.DateTime, bsdb.Computed:
		if v.Nullable != fld.Nullable {
			return fmt.Sprintf("nullable %v in the spec, %v in the registry", v.Nullable, fld.Nullable)
		}
	case bsdb.JSONList:
		if typ(v.Items.Value) != "object/" {
			return "not a list of objects"
		}
	case bsdb.TextList:
		if typ(v.Items.Value) != "string/" {
			return "not a list of strings"
		}
	case bsdb.UUIDList:
		if typ(v.Items.Value) != "string/uuid" {
			return "not a list of UUIDs"
		}
	case bsdb.ToMany:
		if got := refs(v.Items.Value); !slices.Equal(got, []string{"Uuid", specSchemas[fld.Target].schema}) {
			return fmt.Sprintf("items are one of %v, want a Uuid or an embedded %s", got, fld.Target)
		}
	case bsdb.ToOne:
		id := "Uuid"
		if fld.Nullable {
			id = "NullableUuid"
		}
		if got := refs(v); !slices.Equal(got, []string{id, specSchemas[fld.Target].schema}) {
			return fmt.Sprintf("one of %v, want %s or an embedded %s", got, id, fld.Target)
		}
	case bsdb.Empty:
		if p.Ref != "#/components/schemas/EmptyRelation" {
			return "not an EmptyRelation"
		}
	case bsdb.Links:
		if p.Ref != "#/components/schemas/Links" {
			return "not Links"
		}
	}
	return ""
}

// keyOrder lists the keys of a JSON object in document order.
func keyOrder(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
