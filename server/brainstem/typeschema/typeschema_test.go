package typeschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestEverySchemaCompiles loads the embedded data the way the package does
// on first use, without the panic, so a broken file fails here by name.
func TestEverySchemaCompiles(t *testing.T) {
	r, err := load(schemaFS)
	if err != nil {
		t.Fatal(err)
	}
	if r.Commit == "" || r.Repository == "" {
		t.Errorf("index.json names no source: %q %q", r.Repository, r.Commit)
	}
	n := 0
	for _, g := range r.groups {
		for _, te := range g.byType {
			n += len(te.schemas)
		}
	}
	// 179 = 6 + 13 + 23 + 58 + 18 + 43 + 4 + 14 sections in docs/api/schemas/*.md.
	if n != 179 {
		t.Errorf("compiled %d schemas, want 179", n)
	}
}

func TestTypesInDocumentationOrder(t *testing.T) {
	tests := []struct {
		model      string
		n          int
		first, end string
	}{
		{"coordinates", 6, "CCF_XYZ_Absolute", "Stereotaxic_LambdaBrainSurface"},
		{"consumablestock", 13, "ChemicalReagent", "VirusSolution"},
		{"dataacquisition", 23, "Audio", "VideoTracking"},
		{"equipment", 58, "", ""},
		{"manipulation", 18, "AuditoryStimulation", "VisualStimulation"},
		{"procedure", 43, "Anesthesia", "VisualStimulation"},
		{"procedurelog", 4, "Impedances", "Tetrodes8"},
		{"subjectlog", 14, "FoodConsumption", "Wellness"},
		{"consumable", 0, "", ""},
		{"behavior", 0, "", ""},
	}
	for _, tt := range tests {
		got := Types(tt.model)
		if len(got) != tt.n {
			t.Errorf("Types(%q) has %d entries, want %d: %v", tt.model, len(got), tt.n, got)
			continue
		}
		if tt.first != "" && (got[0] != tt.first || got[len(got)-1] != tt.end) {
			t.Errorf("Types(%q) = %s … %s, want %s … %s", tt.model, got[0], got[len(got)-1], tt.first, tt.end)
		}
	}
	if !slices.Contains(Types("dataacquisition"), "ExtracellularEphys") || slices.Contains(Types("dataacquisition"), "Extracellular") {
		t.Errorf("dataacquisition types are not the current ones: %v", Types("dataacquisition"))
	}
	if !reflect.DeepEqual(CoordinateSystems(), Types("coordinates")) {
		t.Error("CoordinateSystems differs from Types(coordinates)")
	}
}

type shipped struct {
	group, typ, version string
	schema              map[string]any
}

func shippedSchemas(t *testing.T) []shipped {
	t.Helper()
	var out []shipped
	for _, g := range []string{"coordinates", "consumablestock", "dataacquisition", "equipment", "manipulation", "procedure", "procedurelog", "subjectlog"} {
		for _, typ := range Types(g) {
			for _, v := range Versions(g, typ) {
				raw, err := fs.ReadFile(schemaFS, path.Join("schemas", g, typ, v+".json"))
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]any
				if err := json.Unmarshal(raw, &m); err != nil {
					t.Fatal(err)
				}
				out = append(out, shipped{g, typ, v, m})
			}
		}
	}
	return out
}

func check(g, typ, version string, details any) (string, error) {
	if g == CoordinatesGroup {
		return ValidateCoordinates(typ, version, details)
	}
	return Validate(g, typ, version, details)
}

// badExamples are the example payloads that contradict their own page's
// table, and what validation says about them.
var badExamples = map[string]string{
	// docs/api/schemas/procedurelog.md: example {"impedances": []}, table minItems=1.
	"procedurelog/Impedances": "impedances: [] should be non-empty",
}

// TestEveryShippedSchema validates, for each schema, the documentation's
// example payload for that type (valid), then a payload whose first property
// has the wrong JSON type, and one missing each required property (invalid).
func TestEveryShippedSchema(t *testing.T) {
	payload := map[string]string{CoordinatesGroup: "coordinates_details"}
	for _, s := range shippedSchemas(t) {
		t.Run(s.group+"/"+s.typ+"/"+s.version, func(t *testing.T) {
			field := payload[s.group]
			if field == "" {
				field = "details"
			}
			examples, _ := s.schema["examples"].([]any)
			if len(examples) != 1 {
				t.Fatalf("schema has %d examples, want the page's one", len(examples))
			}
			if want, ok := badExamples[s.group+"/"+s.typ]; ok {
				wantFields(t, check, s, examples[0], field, want)
			} else {
				got, err := check(s.group, s.typ, "", examples[0])
				if err != nil {
					t.Fatalf("documentation example rejected: %v", err)
				}
				if got != s.version {
					t.Errorf("validated against %q, want %q", got, s.version)
				}
			}
			_, err := check(s.group, s.typ, "", "not a JSON object")
			var te *Error
			if !errors.As(err, &te) || len(te.Fields[field]) != 1 || !strings.HasPrefix(te.Fields[field][0], "'not a JSON object' is not of type ") {
				t.Errorf("a string payload: got %v", err)
			}

			obj, prefix := s.schema, ""
			wrap := func(m map[string]any) any { return m }
			if s.schema["type"] == "array" {
				obj, prefix = s.schema["items"].(map[string]any), "[0]."
				wrap = func(m map[string]any) any { return []any{m} }
			}
			props, _ := obj["properties"].(map[string]any)
			names := make([]string, 0, len(props))
			for n := range props {
				names = append(names, n)
			}
			slices.Sort(names)
			if len(names) == 0 {
				// The equipment pages declare no fields: any object passes.
				if _, err := check(s.group, s.typ, "", map[string]any{"anything": []any{1.5, "x"}}); err != nil {
					t.Errorf("a schema without fields rejected an object: %v", err)
				}
				return
			}
			base := map[string]any{}
			if m, ok := examples[0].(map[string]any); ok {
				base = m
			} else if a, ok := examples[0].([]any); ok && len(a) > 0 {
				base = a[0].(map[string]any)
			}

			name := names[0]
			wrong, repr := any("x"), "'x'"
			if props[name].(map[string]any)["type"] == "string" {
				wrong, repr = 5, "5"
			}
			bad := clone(base)
			bad[name] = wrong
			want := fmt.Sprintf("%s%s: %s is not of type '%s'", prefix, name, repr, props[name].(map[string]any)["type"])
			wantFields(t, check, s, wrap(bad), field, want)

			req, _ := obj["required"].([]any)
			for _, r := range req {
				bad := clone(base)
				delete(bad, r.(string))
				want := fmt.Sprintf("'%s' is a required property", r)
				if prefix != "" {
					want = "[0]: " + want
				}
				wantFields(t, check, s, wrap(bad), field, want)
			}
		})
	}
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func wantFields(t *testing.T, check func(string, string, string, any) (string, error), s shipped, details any, field, msg string) {
	t.Helper()
	_, err := check(s.group, s.typ, s.version, details)
	var te *Error
	if !errors.As(err, &te) {
		t.Errorf("%v: want an *Error with %q, got %v", details, msg, err)
		return
	}
	if len(te.Fields) != 1 || !slices.Contains(te.Fields[field], msg) {
		t.Errorf("%v: got %v, want %s containing %q", details, te.Fields, field, msg)
	}
}

func TestValidate(t *testing.T) {
	daTypes := strings.Join(Types("dataacquisition"), ", ")
	tests := []struct {
		name          string
		model, typ, v string
		details       string
		wantVersion   string
		want          map[string][]string
	}{
		{name: "extracellular ephys with a sampling rate",
			model: "dataacquisition", typ: "ExtracellularEphys",
			details:     `{"fileName": "probe.dat", "nChannels": 64, "sr": {"value": 30000, "unit": "Hz"}, "electrodeGroups": [{"channels": [0, 1], "label": "a"}]}`,
			wantVersion: "1.1.0"},
		{name: "explicit version", model: "dataacquisition", typ: "ExtracellularEphys", v: "1.1.0",
			details: `{}`, wantVersion: "1.1.0"},
		{name: "the module page's flat sr (older docs) is rejected",
			model: "dataacquisition", typ: "ExtracellularEphys",
			details: `{"fileName": "session1_probe.dat", "format": "binary", "type": "int16", "nChannels": 64, "sr": 30000}`,
			want:    map[string][]string{"details": {"sr: 30000 is not of type 'object'"}}},
		{name: "nested value and unit",
			model: "dataacquisition", typ: "ExtracellularEphys",
			details: `{"sr": {"value": "fast", "unit": "Hz/s"}, "nChannels": -1}`,
			want: map[string][]string{"details": {
				"nChannels: -1 is less than the minimum of 0",
				"sr.unit: 'Hz/s' is not one of ['GHz', 'MHz', 'kHz', 'Hz']",
				"sr.value: 'fast' is not of type 'number'",
			}}},
		{name: "integer field given a fraction", model: "dataacquisition", typ: "Audio",
			details: `{"bitDepth": 1.5}`,
			want:    map[string][]string{"details": {"bitDepth: 1.5 is not of type 'integer'"}}},
		{name: "payload not an object", model: "dataacquisition", typ: "Audio", details: `[1, 2]`,
			want: map[string][]string{"details": {"[1, 2] is not of type 'object'"}}},
		{name: "null payload", model: "dataacquisition", typ: "Audio", details: `null`,
			want: map[string][]string{"details": {"None is not of type 'object'"}}},
		{name: "required properties and an enum", model: "procedure", typ: "Anesthesia",
			details: `{"anestheticAgent": "Ether"}`,
			want: map[string][]string{"details": {
				"'route' is a required property",
				"anestheticAgent: 'Ether' is not one of ['Isoflurane', 'Sevoflurane', 'Ketamine', 'Ketamine + Xylazine', 'Ketamine + Dexmedetomidine', 'Pentobarbital', 'Urethane', 'Tribromoethanol (Avertin)', 'Propofol', 'Other']",
			}}},
		{name: "procedure example from the docs", model: "procedure", typ: "Anesthesia",
			details: `{"anestheticAgent": "Isoflurane", "route": "Inhalation", "duration": {"value": 90, "unit": "min"}}`, wantVersion: "1.1.0"},
		{name: "manipulation payloads are arrays of objects", model: "manipulation", typ: "OptogeneticStimulation",
			details: `[{}, {"duration": {"value": 1, "unit": "fortnight"}}]`,
			want:    map[string][]string{"details": {"[1].duration.unit: 'fortnight' is not one of ['s', 'ms', 'µs', 'min', 'h']"}}},
		{name: "manipulation given an object", model: "manipulation", typ: "OptogeneticStimulation",
			details: `{"duration": {"value": 1, "unit": "s"}}`,
			want:    map[string][]string{"details": {"{'duration': {'unit': 's', 'value': 1}} is not of type 'array'"}}},
		{name: "unknown type lists the choices", model: "dataacquisition", typ: "Extracellular", details: `{}`,
			want: map[string][]string{"type": {`"Extracellular" is not a valid choice. Valid choices: ` + daTypes + "."}}},
		{name: "blank type", model: "dataacquisition", typ: "", details: `{}`,
			want: map[string][]string{"type": {"This field may not be blank."}}},
		{name: "unknown version lists the known ones", model: "dataacquisition", typ: "ExtracellularEphys", v: "0.0.0", details: `{}`,
			want: map[string][]string{"type_schema_version": {`"0.0.0" is not a valid choice. Schema versions of ExtracellularEphys: 1.1.0.`}}},
		{name: "schema-less consumable accepts any object", model: "consumable", typ: "Chemical reagent",
			details: `{"anything": [1, {"goes": true}]}`, v: "", wantVersion: ""},
		{name: "schema-less consumable still wants an object", model: "consumable", typ: "x", details: `"text"`,
			want: map[string][]string{"details": {"'text' is not of type 'object'"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var details any
			if err := json.Unmarshal([]byte(tt.details), &details); err != nil {
				t.Fatal(err)
			}
			got, err := Validate(tt.model, tt.typ, tt.v, details)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got != tt.wantVersion {
					t.Errorf("version %q, want %q", got, tt.wantVersion)
				}
				return
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("want *Error, got %v", err)
			}
			if !reflect.DeepEqual(te.Fields, tt.want) {
				t.Errorf("fields\n got %q\nwant %q", te.Fields, tt.want)
			}
		})
	}
}

func TestRawMessageKeepsNumberSpelling(t *testing.T) {
	_, err := Validate("dataacquisition", "Audio", "", json.RawMessage(`{"bitDepth": 8.0, "nChannels": 0.0}`))
	var te *Error
	// 8.0 is an integer for JSON Schema 2020-12 (and Python's jsonschema).
	want := map[string][]string{"details": {"nChannels: 0.0 is less than the minimum of 1"}}
	if !errors.As(err, &te) || !reflect.DeepEqual(te.Fields, want) {
		t.Errorf("got %v, want %v", err, want)
	}
}

func TestValidateCoordinates(t *testing.T) {
	v, err := ValidateCoordinates("Stereotaxic_BregmaBrainSurface", "",
		map[string]any{"apCoordinate": map[string]any{"value": -3.5, "unit": "mm"}})
	if err != nil || v != "1.1.0" {
		t.Fatalf("got %q, %v", v, err)
	}
	_, err = ValidateCoordinates("Bregma", "", map[string]any{})
	var te *Error
	if !errors.As(err, &te) || !strings.HasPrefix(te.Fields["coordinates_system"][0], `"Bregma" is not a valid choice. Valid choices: CCF_XYZ_Absolute, `) {
		t.Errorf("unknown system: %v", err)
	}
	_, err = ValidateCoordinates("CCF_XYZ_Absolute", "2.0.0", map[string]any{})
	if !errors.As(err, &te) || te.Fields["coordinates_schema_version"] == nil {
		t.Errorf("unknown version: %v", err)
	}
	_, err = ValidateCoordinates("CCF_XYZ_Absolute", "", map[string]any{"xAngle": map[string]any{"value": 10, "unit": "rad"}})
	if !errors.As(err, &te) || !reflect.DeepEqual(te.Fields, map[string][]string{"coordinates_details": {"xAngle.unit: 'rad' is not one of ['°']"}}) {
		t.Errorf("bad unit: %v", err)
	}
}

func TestUnknownModel(t *testing.T) {
	_, err := Validate("behavior", "x", "", map[string]any{})
	var te *Error
	if err == nil || errors.As(err, &te) {
		t.Errorf("a model without type/details is a programming error, not a 400: %v", err)
	}
}

func TestVersions(t *testing.T) {
	if got := DefaultVersion("consumablestock", "VirusSolution"); got != "1.1.1" {
		t.Errorf("DefaultVersion = %q", got)
	}
	if got := DefaultVersion("consumablestock", "Nope"); got != "" {
		t.Errorf("DefaultVersion of unknown type = %q", got)
	}
	for _, c := range [][2]string{{"1.0.1", "1.1.0"}, {"1.9.0", "1.10.0"}, {"1.0", "1.0.0"}} {
		if compareVersions(c[0], c[1]) >= 0 || compareVersions(c[1], c[0]) <= 0 {
			t.Errorf("compareVersions(%s, %s)", c[0], c[1])
		}
	}
}

func TestJSONPath(t *testing.T) {
	inst := map[string]any{"a": []any{map[string]any{"0": map[string]any{"b": 1}}}}
	if got := jsonPath(inst, []string{"a", "0", "0", "b"}); got != "a[0].0.b" {
		t.Errorf("jsonPath = %q, want a[0].0.b (an object's numeric key is a key)", got)
	}
	if got := jsonPath([]any{map[string]any{}}, []string{"0", "x"}); got != "[0].x" {
		t.Errorf("jsonPath = %q, want [0].x", got)
	}
	if got := jsonPath(map[string]any{}, nil); got != "" {
		t.Errorf("jsonPath of the root = %q", got)
	}
}

func TestRepr(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"it's", `"it's"`},
		{`a"b'c`, `'a"b\'c'`},
		{"µm\n", `'µm\n'`},
		{"-foo", `'-foo'`},
		{"a\\b\t\x7f\u200b", `'a\\b\t\x7f\u200b'`},
		{true, "True"},
		{nil, "None"},
		{json.Number("1.0"), "1.0"},
		{[]any{"a", json.Number("2")}, "['a', 2]"},
		{map[string]any{"b": nil, "a": false}, "{'a': False, 'b': None}"},
	}
	for _, tt := range tests {
		if got := Repr(tt.in); got != tt.want {
			t.Errorf("Repr(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Fields: map[string][]string{"details": {"a", "b"}}}
	if got := e.Error(); got != "typeschema: invalid details: a b" {
		t.Errorf("Error() = %q", got)
	}
}

// TestConcurrentUse validates from many goroutines at once, including the
// first use that compiles the schemas; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	done := make(chan error)
	for i := range 8 {
		go func() {
			sr := map[string]any{"value": float64(i), "unit": "Hz"}
			if i%2 == 1 {
				sr["value"] = "x"
			}
			_, err := Validate("dataacquisition", "ExtracellularEphys", "", map[string]any{"sr": sr})
			if (err != nil) != (i%2 == 1) {
				done <- fmt.Errorf("goroutine %d: %v", i, err)
				return
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
