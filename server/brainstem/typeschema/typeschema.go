// Package typeschema holds the JSON schemas that the BrainSTEM documentation
// publishes for the `details` of each module `type` (and for the
// `coordinates_details` of each `coordinates_system`), and validates
// payloads against them.
//
// The schemas are data: schemas/<group>/<type>/<version>.json, transcribed by
// gen.go from the tables of docs/api/schemas/*.md in
// brainstem-org/brainstem_support (see schemas/SOURCE.md for the commit and
// licence), listed in schemas/index.json in the documentation's order, and
// embedded into the binary. They are compiled once, on first use.
//
// A group is named after the module endpoint that uses it: consumablestock,
// dataacquisition, equipment, manipulation, procedure, procedurelog,
// subjectlog; the group "coordinates" serves the coordinates_system /
// coordinates_details pair of procedure and equipment (see
// ValidateCoordinates). The resource "consumable" also has `type` and
// `details`, but HEAD publishes no schema for it (its page links to
// /api/schemas/consumable.md, which does not exist): it is schema-less, see
// SchemaLess.
//
// Failures are *Error values carrying Django REST framework style field →
// messages; the wording of each message is documented on Error.
package typeschema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schemas
var schemaFS embed.FS

// CoordinatesGroup is the group of the coordinates_system schemas, shared by
// procedure and equipment.
const CoordinatesGroup = "coordinates"

// schemaLess maps the models that have `type` and `details` but no published
// schema to the reason, as documented in SOURCE.md.
var schemaLess = map[string]string{
	"consumable": "docs/api/resources/consumable.md links its schemas to /api/schemas/consumable.md, which is not published",
}

// registry is the compiled content of schemas/.
type registry struct {
	Repository string
	Commit     string
	groups     map[string]*group
}

type group struct {
	name, selector, payload string
	types                   []string // documentation order
	byType                  map[string]*typeEntry
}

type typeEntry struct {
	versions []string // ascending
	schemas  map[string]*jsonschema.Schema
}

// Types returns the allowed `type` values of model (a group name, see the
// package comment), in the documentation's order; nil for a model without
// published schemas. The caller must not modify the slice.
func Types(model string) []string {
	g := mustLoad().groups[model]
	if g == nil {
		return nil
	}
	return g.types
}

// CoordinateSystems returns the allowed coordinates_system values in the
// documentation's order.
func CoordinateSystems() []string { return Types(CoordinatesGroup) }

// Versions returns the published schema versions of one type of model,
// oldest first; nil if model or type is unknown.
func Versions(model, typ string) []string {
	g := mustLoad().groups[model]
	if g == nil || g.byType[typ] == nil {
		return nil
	}
	return g.byType[typ].versions
}

// DefaultVersion returns the version used when a request gives no
// type_schema_version: the newest published one. The documentation states no
// default; its pages publish exactly one version per type, and its example
// responses show "0.0.0", a version it publishes no schema for (see
// SOURCE.md). Empty if model or type is unknown.
func DefaultVersion(model, typ string) string {
	v := Versions(model, typ)
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// SchemaLess reports whether model has `type` and `details` but no published
// schema: Validate then accepts any non-blank type and any JSON object as
// details, and returns the version as given.
func SchemaLess(model string) bool { _, ok := schemaLess[model]; return ok }

// Validate checks details against the schema of (model, typ, version), under
// the field names type, type_schema_version and details. An empty version
// means DefaultVersion. It returns the version it validated against, and nil
// or an *Error. details is any value json.Marshal accepts: a json.RawMessage
// of the request's bytes, or values decoded with or without UseNumber.
// Messages quote numbers as details spells them, so pass the raw bytes (or
// json.Number) to have 0.0 quoted as Python would, 0.0 rather than 0.
func Validate(model, typ, version string, details any) (string, error) {
	return validate(model, typ, version, details, "type", "type_schema_version", "details")
}

// ValidateCoordinates checks coordinates_details against the schema of the
// coordinates_system system, under the field names coordinates_system,
// coordinates_schema_version and coordinates_details; otherwise as Validate.
func ValidateCoordinates(system, version string, details any) (string, error) {
	return validate(CoordinatesGroup, system, version, details,
		"coordinates_system", "coordinates_schema_version", "coordinates_details")
}

func validate(model, typ, version string, details any, typeField, versionField, payloadField string) (string, error) {
	inst, err := normalize(details)
	if err != nil {
		return "", invalid(payloadField, "Value must be valid JSON.")
	}
	if SchemaLess(model) {
		if typ == "" {
			return "", invalid(typeField, "This field may not be blank.")
		}
		if _, ok := inst.(map[string]any); !ok {
			return "", invalid(payloadField, fmt.Sprintf("%s is not of type 'object'", Repr(inst)))
		}
		return version, nil
	}
	g := mustLoad().groups[model]
	if g == nil {
		return "", fmt.Errorf("typeschema: unknown model %q", model)
	}
	if typ == "" {
		return "", invalid(typeField, "This field may not be blank.")
	}
	te := g.byType[typ]
	if te == nil {
		return "", invalid(typeField, fmt.Sprintf("%s is not a valid choice. Valid choices: %s.",
			strconv.Quote(typ), strings.Join(g.types, ", ")))
	}
	if version == "" {
		version = te.versions[len(te.versions)-1]
	}
	sch := te.schemas[version]
	if sch == nil {
		return "", invalid(versionField, fmt.Sprintf("%s is not a valid choice. Schema versions of %s: %s.",
			strconv.Quote(version), typ, strings.Join(te.versions, ", ")))
	}
	if err := sch.Validate(inst); err != nil {
		ve, ok := err.(*jsonschema.ValidationError)
		if !ok {
			return "", fmt.Errorf("typeschema: validating %s %s %s: %w", model, typ, version, err)
		}
		return "", &Error{Fields: map[string][]string{payloadField: messages(ve, inst)}}
	}
	return version, nil
}

// normalize turns details into the values the validator expects (numbers as
// json.Number, so that 1 and 1.0 keep their spelling in messages).
func normalize(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

var mustLoad = sync.OnceValue(func() *registry {
	r, err := load(schemaFS)
	if err != nil {
		panic(err)
	}
	return r
})

type indexFile struct {
	Repository string `json:"repository"`
	Commit     string `json:"commit"`
	Groups     []struct {
		Name     string `json:"name"`
		Selector string `json:"selector"`
		Payload  string `json:"payload"`
		Types    []struct {
			Type     string   `json:"type"`
			Versions []string `json:"versions"`
		} `json:"types"`
	} `json:"groups"`
}

// load reads schemas/index.json and compiles every schema it lists; every
// .json file under schemas/ must be listed.
func load(fsys fs.FS) (*registry, error) {
	raw, err := fs.ReadFile(fsys, "schemas/index.json")
	if err != nil {
		return nil, fmt.Errorf("typeschema: %w", err)
	}
	var idx indexFile
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("typeschema: schemas/index.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	listed := map[string]bool{"schemas/index.json": true}
	r := &registry{Repository: idx.Repository, Commit: idx.Commit, groups: map[string]*group{}}
	for _, ig := range idx.Groups {
		g := &group{name: ig.Name, selector: ig.Selector, payload: ig.Payload, byType: map[string]*typeEntry{}}
		for _, it := range ig.Types {
			if g.byType[it.Type] != nil {
				return nil, fmt.Errorf("typeschema: %s lists type %s twice", ig.Name, it.Type)
			}
			te := &typeEntry{versions: slices.Clone(it.Versions), schemas: map[string]*jsonschema.Schema{}}
			slices.SortFunc(te.versions, compareVersions)
			for _, v := range te.versions {
				p := path.Join("schemas", ig.Name, it.Type, v+".json")
				listed[p] = true
				sch, err := compile(c, fsys, p)
				if err != nil {
					return nil, err
				}
				te.schemas[v] = sch
			}
			if len(te.versions) == 0 {
				return nil, fmt.Errorf("typeschema: %s %s has no version", ig.Name, it.Type)
			}
			g.types = append(g.types, it.Type)
			g.byType[it.Type] = te
		}
		r.groups[ig.Name] = g
	}
	err = fs.WalkDir(fsys, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".json") && !listed[p] {
			return fmt.Errorf("typeschema: %s is not listed in schemas/index.json", p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func compile(c *jsonschema.Compiler, fsys fs.FS, p string) (*jsonschema.Schema, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("typeschema: %w", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("typeschema: %s: %w", p, err)
	}
	url := "mem:///" + p
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("typeschema: %s: %w", p, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("typeschema: %s: %w", p, err)
	}
	return sch, nil
}

// compareVersions orders dotted numeric versions ("1.0.1" < "1.1.0" <
// "1.10.0"); non-numeric parts compare as strings.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		switch {
		case errx == nil && erry == nil && x != y:
			return x - y
		case (errx != nil || erry != nil) && as[i] != bs[i]:
			return strings.Compare(as[i], bs[i])
		}
	}
	return len(as) - len(bs)
}
