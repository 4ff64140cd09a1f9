package brainstem_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// writeOrder is the order in which TestWritesRoundTripEveryField creates
// one record of every model (later ones refer to earlier ones as {new:model}).
var writeOrder = []string{"species", "strain", "supplier", "project", "datastorage", "session",
	"sessiondatastorage", "breeding", "subject", "collection", "cohort",
	"setuptype", "behavioralcategory", "behavioralparadigm", "brainregion", "regulatoryauthority", "hardwaredevice",
	"consumable", "setup", "license", "behavioralassay", "inventory"}

// ownWritePath are the models still written by code of their own
// (the modules: modules.go, merged before the generic path existed),
// tested by their own scenario tables.
var ownWritePath = map[string]bool{"behavior": true, "dataacquisition": true, "manipulation": true, "procedure": true,
	"equipment": true, "consumablestock": true}

// patchOnly are the models written by the generic path that have no PUT
// (the docs give the logs PATCH only), tested by their own scenario tables
// (logs_test.go).
var patchOnly = map[string]bool{"procedurelog": true, "subjectlog": true}

// writeInputs holds, per model, a value other than the default for every
// field its create body accepts (the spec's <Schema>Create properties), and
// who writes it.
var writeInputs = map[string]struct {
	user   string
	fields map[string]any
}{
	"species": {staff, map[string]any{"name": "RT species", "description": "d", "rrid": "RRID:NCBITaxon_1",
		"external_identifiers": []any{map[string]any{"source": "NCBI", "id": "1"}}}},
	"strain": {staff, map[string]any{"name": "RT strain", "description": "d", "species": "{new:species}", "rrid": "RRID:RGD_1",
		"external_identifiers": []any{map[string]any{"source": "RGD", "id": "1"}}}},
	"supplier": {staff, map[string]any{"name": "RT supplier", "description": "d", "website": "https://example.org/"}},
	"project": {owner, map[string]any{"name": "RT project", "description": "d", "is_public": true, "tags": []any{"t"},
		"publications": []any{"0b7d1f6c-5a4e-4f4e-9d8a-2c1e4b6a7d90"}, "extra_fields": map[string]any{"k": "v", "n": 2},
		"users":  map[string]any{"owner@lab.org": map[string]any{"can_change": true, "is_manager": true, "is_owner": true}},
		"groups": map[string]any{}}},
	"datastorage": {owner, map[string]any{"name": "RT storage", "location": "here", "description": "d", "is_public": true,
		"data_organization": []any{map[string]any{"elements": "Projects"}},
		"data_protocols":    []any{map[string]any{"protocol": "smb", "path": "/data", "is_public": true}}}},
	"session": {owner, map[string]any{"name": "RT session", "description": "d", "projects": []any{"{new:project}"},
		"date_time": "2024-05-06T07:08:09.123456Z", "datastorage": []any{"{new:datastorage}"},
		"extra_fields": map[string]any{"k": "v"}, "tags": []any{"a", "b"},
		"download_links": []any{map[string]any{"repository": "DANDI", "url": "https://dandiarchive.org/dandiset/1"}}}},
	"sessiondatastorage": {owner, map[string]any{"session": "{S1}", "datastorage": "{Cloud}", "order": 7}},
	"breeding": {owner, map[string]any{"name": "RT breeding", "project": "{Lab}", "mother": "{Rat1}", "father": "{Rat1}",
		"description": "d", "tags": []any{"t"}, "birth_date": "2024-01-02", "start_date": "2023-12-01", "end_date": "2024-02-03",
		"weaning_date": "2024-01-30", "litter_size": 7, "expected_genotype": "het"}},
	"subject": {owner, map[string]any{"name": "RT subject", "description": "d", "projects": []any{"{Lab}"}, "strain": "{new:strain}",
		"sex": "F", "genetic_line": "gl", "genotype": "gt", "subject_identifier": "si", "licenses": []any{},
		"supplier": "{new:supplier}", "breeding": "{new:breeding}", "birth_date": "2024-01-02", "death_date": "2024-06-07",
		"status": "retired", "extra_fields": map[string]any{"k": 1}, "tags": []any{"t"}, "name_used_in_storage": "rt_subject"}},
	"collection": {owner, map[string]any{"name": "RT collection", "description": "d", "project": "{Lab}",
		"sessions": []any{"{new:session}"}, "tags": []any{"t"}}},
	"cohort": {owner, map[string]any{"name": "RT cohort", "description": "d", "project": "{Lab}",
		"subjects": []any{"{new:subject}"}, "tags": []any{"t"}}},
	// attributes, resources, taxonomies
	"setuptype":          {staff, map[string]any{"name": "RT setup type", "description": "d", "category": "H"}},
	"behavioralcategory": {staff, map[string]any{"name": "RT category", "description": "d", "parent": "{Learning}"}},
	"behavioralparadigm": {staff, map[string]any{"name": "RT paradigm", "description": "d", "category": "{new:behavioralcategory}",
		"species": []any{"{new:species}"}, "original_publication": "p", "reference_url": "https://example.org/p", "rrid": "RRID:SCR_1",
		"external_identifiers": []any{map[string]any{"source": "x", "id": "1"}}}},
	"brainregion": {staff, map[string]any{"name": "RT region", "description": "d", "acronym": "RTR", "atlas": "PW1997"}},
	"regulatoryauthority": {staff, map[string]any{"name": "RT authority", "abbreviation": "RTA", "country": "NL",
		"authority_type": "regional", "website": "https://example.org/", "description": "d", "is_active": false}},
	"hardwaredevice": {staff, map[string]any{"name": "RT device", "description": "d", "supplier": "{new:supplier}", "rrid": "RRID:SCR_2",
		"external_identifiers": []any{map[string]any{"source": "x", "id": "2"}}}},
	"consumable": {staff, map[string]any{"name": "RT consumable", "description": "d", "supplier": "{new:supplier}", "type": "Virus",
		"rrid": "RRID:SCR_3", "external_identifiers": []any{map[string]any{"source": "x", "id": "3"}}, "details": map[string]any{"k": "v"}}},
	"setup": {owner, map[string]any{"name": "RT setup", "location": "l", "description": "d", "setup_type": "{new:setuptype}",
		"specifications": map[string]any{"Length": 1.5}, "is_public": true}},
	"license": {owner, map[string]any{"name": "RT license", "type": "wildlife_fieldwork_permit", "status": "pending", "description": "d",
		"country": "FR", "regulatory_authority": "{new:regulatoryauthority}", "license_number": "n", "valid_from": "2024-01-01",
		"valid_until": "2024-12-31", "is_public": true}},
	"behavioralassay": {owner, map[string]any{"name": "RT assay", "description": "d", "setup_type": "{new:setuptype}",
		"behavioral_paradigm": "{new:behavioralparadigm}", "licenses": []any{"{new:license}"}, "is_public": true}},
	"inventory": {owner, map[string]any{"name": "RT inventory", "location": "l", "description": "d", "is_public": true}},
}

// notEchoed are create-body fields that are not rendered as sent (a
// project's users are its members, changed by PATCH and PUT; its creator
// is its owner; groups are accepted and ignored).
var notEchoed = map[string]bool{"project.users": true, "project.groups": true}

// TestWritesRoundTripEveryField creates a record of every model through
// the generic write path with every field of its create body set, and
// reads it back: each value must come back as sent, so a field the
// registry does not describe (or describes wrongly) fails. A PUT of the
// same body and an empty PATCH then change nothing; a PUT of the required
// fields only resets the others to their defaults (keptOnPut excepted).
func TestWritesRoundTripEveryField(t *testing.T) {
	t.Parallel()
	spec, err := brainstemapi.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	f := newAttributeFixture(t)
	for _, m := range bsdb.Models() {
		if !slices.Contains(writeOrder, m.Name) && !ownWritePath[m.Name] && !patchOnly[m.Name] {
			t.Errorf("model %q is not in writeOrder", m.Name)
		}
	}
	for _, model := range writeOrder {
		in, ok := writeInputs[model]
		s := specSchemas[model]
		create := spec.Components.Schemas[s.schema+"Create"]
		if !ok || create == nil {
			t.Fatalf("%s: no writeInputs entry or no %sCreate schema", model, s.schema)
		}
		for name := range create.Value.Properties {
			if _, ok := in.fields[name]; !ok {
				t.Errorf("%s.%s: the create body accepts it but writeInputs has no value", model, name)
			}
		}
		body := map[string]any{}
		for name, v := range in.fields {
			body[name] = v
		}
		id := f.create(in.user, s.list, detailKey(model), f.subAny(body))
		f.id["new:"+model] = id
		want := map[string]any{}
		if err := json.Unmarshal(f.subAny(body).(json.RawMessage), &want); err != nil {
			t.Fatal(err)
		}
		check := func(step string) {
			got := f.must(in.user, "GET", s.list+id+"/", nil, http.StatusOK)[detailKey(model)].(map[string]any)
			for name, v := range want {
				if !notEchoed[model+"."+name] && !reflect.DeepEqual(got[name], v) {
					t.Errorf("%s %s.%s: got %#v, sent %#v", step, model, name, got[name], v)
				}
			}
		}
		check("POST")
		f.must(in.user, "PUT", s.list+id+"/", f.subAny(body), http.StatusOK)
		check("PUT")
		f.must(in.user, "PATCH", s.list+id+"/", map[string]any{}, http.StatusOK)
		check("empty PATCH")

		// A PUT of the required fields only resets the others to their
		// defaults, except the kept ones.
		required := map[string]any{}
		for _, name := range create.Value.Required {
			required[name] = body[name]
		}
		got := f.must(in.user, "PUT", s.list+id+"/", f.subAny(required), http.StatusOK)[detailKey(model)].(map[string]any)
		m := bsdb.ModelNamed(model)
		for name, sent := range want {
			fld := m.Field(name)
			if notEchoed[model+"."+name] || fld == nil {
				continue
			}
			exp := sent
			if _, isRequired := required[name]; !isRequired && !keptOnPut[model+"."+name] {
				exp = renderedDefault(model, fld)
			}
			if !reflect.DeepEqual(got[name], exp) {
				t.Errorf("PUT of the required fields: %s.%s is %#v, want %#v", model, name, got[name], exp)
			}
		}
	}
}

// keptOnPut are the fields a PUT without them leaves as they are (a
// project's is_public is the owner's to change; a link keeps its position).
var keptOnPut = map[string]bool{"project.is_public": true, "sessiondatastorage.order": true}

// putDefaults are the documented defaults that are not a kind's zero value.
var putDefaults = map[string]any{"subject.status": "active", "regulatoryauthority.is_active": true, "license.status": "draft"}

// renderedDefault is how a field that a full write left to its default is
// rendered (nullability and kind are checked against the spec by
// TestModelsFollowTheSpec).
func renderedDefault(model string, f *bsdb.Field) any {
	if v, ok := putDefaults[model+"."+f.Name]; ok {
		return v
	}
	switch {
	case f.Nullable:
		return nil
	}
	switch f.Kind {
	case bsdb.Text:
		return ""
	case bsdb.Bool:
		return false
	case bsdb.Int:
		return float64(0)
	case bsdb.JSON:
		return map[string]any{}
	}
	return []any{} // lists, to-many relations and empty relations
}

// TestWritesRefuseMissingReferences sends, for every relation of every
// model's create body, an id that names no record: DRF's 400 on that field
// and nothing written. A second create of a record with a unique field
// taken is DRF's 400 on that field.
func TestWritesRefuseMissingReferences(t *testing.T) {
	t.Parallel()
	f := newAttributeFixture(t)
	const missing = "0d0e0f10-1112-4314-9516-17181920aaaa"
	for _, model := range writeOrder {
		in, s, m := writeInputs[model], specSchemas[model], bsdb.ModelNamed(model)
		count := func() float64 {
			return f.must(in.user, "GET", s.list, nil, http.StatusOK)["count"].(float64)
		}
		before := count()
		for i := range m.Fields {
			fld := &m.Fields[i]
			if _, sent := in.fields[fld.Name]; !sent || (fld.Kind != bsdb.ToOne && fld.Kind != bsdb.ToMany) {
				continue
			}
			body := map[string]any{}
			for name, v := range in.fields {
				body[name] = v
			}
			body[fld.Name] = missing
			if fld.Kind == bsdb.ToMany {
				body[fld.Name] = []string{missing}
			}
			res := f.do(in.user, "POST", s.list, f.subAny(body))
			want := `{"` + fld.Name + `": ["Invalid pk \"` + missing + `\" - object does not exist."]}`
			if res.StatusCode != http.StatusBadRequest || !jsonEqual(t, res.Body, []byte(want)) {
				t.Errorf("%s with a missing %s: %d %s, want 400 %s", model, fld.Name, res.StatusCode, res.Body, want)
			}
		}
		if after := count(); after != before {
			t.Errorf("%s: %v records after the refused creates, %v before", model, after, before)
		}
		f.id["new:"+model] = f.create(in.user, s.list, detailKey(model), f.subAny(in.fields))
		for i := range m.Fields {
			fld := &m.Fields[i]
			if !fld.Unique || fld.ReadOnly {
				continue
			}
			res := f.do(in.user, "POST", s.list, f.subAny(in.fields))
			var body map[string][]string
			if res.StatusCode == http.StatusBadRequest {
				res.JSON(t, &body)
			}
			if msgs := body[fld.Name]; len(msgs) != 1 || !strings.HasSuffix(msgs[0], " with this "+fld.Name+" already exists.") {
				t.Errorf("%s with %s taken: %d %s", model, fld.Name, res.StatusCode, res.Body)
			}
		}
	}
}

// jsonEqual reports whether two JSON texts are the same value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}
