package brainstem_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/store"
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
}

// TestModelsFollowTheSpec compares every model of the query engine with its
// schema in openapi/brainstem.yaml: the fields include[]/exclude[] accept
// are the schema's properties, every filter and sort name is one of them,
// a relation filter leads to a model whose schema the property embeds, and
// a rendered record carries the schema's required fields in the order the
// schema lists them (the real service's key order).
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
	for _, model := range store.BSQueryModels() {
		s, ok := specSchemas[model]
		if !ok {
			t.Errorf("model %q has no schema in specSchemas", model)
			continue
		}
		ref := spec.Components.Schemas[s.schema]
		if ref == nil {
			t.Errorf("%s: no schema %s in the spec", model, s.schema)
			continue
		}
		schema := ref.Value
		props := slices.Sorted(func(yield func(string) bool) {
			for k := range schema.Properties {
				if !yield(k) {
					return
				}
			}
		})
		if got := store.BSFieldNames(model); !slices.Equal(got, props) {
			t.Errorf("%s: fields %v, spec properties %v", model, got, props)
		}
		for _, name := range store.BSSortNames(model) {
			if schema.Properties[name] == nil {
				t.Errorf("%s: sort[]=%s is no property", model, name)
			}
		}
		for _, fld := range store.BSFilterFields(model) {
			p := schema.Properties[fld.Name]
			if p == nil {
				t.Errorf("%s: filter{%s} is no property", model, fld.Name)
				continue
			}
			if fld.Kind != "relation" {
				continue
			}
			target := specSchemas[fld.Target].schema
			v := p.Value
			if v.Items != nil {
				v = v.Items.Value
			}
			if !slices.ContainsFunc(v.OneOf, func(r *openapi3.SchemaRef) bool { return r.Ref == "#/components/schemas/"+target }) {
				t.Errorf("%s.%s: a relation to %s, but the property does not embed %s", model, fld.Name, fld.Target, target)
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
			t.Errorf("%s: no record to check (%v)", model, err)
			continue
		}
		if got := keyOrder(t, recs[0]); !slices.Equal(got, schema.Required) {
			t.Errorf("%s: keys %v, spec's required order %v", model, got, schema.Required)
		}
	}
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
