package main

// The commands for the global BrainSTEM tables: `user set-staff` (who may
// write them through the API) and `import` (seeding them from a JSON file).

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	"github.com/sessionhub/sessionhub/server/brainstem"
	"github.com/sessionhub/sessionhub/store"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// userSetStaff runs `user set-staff --email E [--off]`.
func userSetStaff(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user set-staff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := addDatabaseFlags(fs, getenv)
	email := fs.String("email", "", "email address of the user")
	off := fs.Bool("off", false, "take the staff flag away instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || fs.NArg() > 0 {
		return errors.New("usage: sessionhub user set-staff --data DIR --email E [--off]")
	}
	st, err := db.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetStaff(ctx, *email, !*off); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("user set-staff: no user %s", store.NormalizeEmail(*email))
	} else if err != nil {
		return err
	}
	state := "now"
	if *off {
		state = "no longer"
	}
	fmt.Fprintf(stdout, "%s is %s staff\n", store.NormalizeEmail(*email), state)
	return nil
}

// importSchemas are the spec's schemas that each entry of an import must
// match (those of the API's create bodies).
var importSchemas = map[string]string{"species": "SpeciesCreate", "strain": "StrainCreate", "supplier": "SupplierCreate",
	"hardwaredevice": "HardwareDeviceCreate", "consumable": "ConsumableCreate",
	"behavioralparadigm": "BehavioralParadigmCreate", "behavioralcategory": "BehavioralCategoryCreate",
	"setuptype": "SetupTypeCreate", "brainregion": "BrainRegionCreate", "regulatoryauthority": "RegulatoryAuthorityCreate"}

// importModels lists the models import seeds, in the usage's order.
var importModels = []string{"species", "strain", "supplier", "hardwaredevice", "consumable",
	"behavioralparadigm", "behavioralcategory", "setuptype", "brainregion", "regulatoryauthority"}

var importUsage = "usage: sessionhub import --data DIR --model " + strings.Join(importModels, "|") + " --file F.json"

// importCmd runs `import --model M --file F`: F is a JSON list of objects
// with the API's create fields of M (a to-one relation, such as a strain's
// species or a device's supplier, by id or by name); an entry whose name
// exists (a brain region: whose atlas and acronym exist) changes that
// record.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := addDatabaseFlags(fs, getenv)
	model := fs.String("model", "", strings.Join(importModels, ", "))
	file := fs.String("file", "", "JSON file: a list of entries")
	if err := fs.Parse(args); err != nil {
		return err
	}
	schemaName, known := importSchemas[*model]
	if !known || *file == "" || fs.NArg() > 0 {
		return errors.New(importUsage)
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("import: %s is not a JSON list: %w", *file, err)
	}
	var run func(st *store.Store) (int, int, error)
	if slices.Contains(bsdb.ImportModels(), *model) {
		values, err := importAttributes(*model, schemaName, items)
		if err != nil {
			return err
		}
		run = func(st *store.Store) (int, int, error) { return bsdb.New(st).ImportAttributes(ctx, *model, values) }
	} else {
		entries, err := importEntries(*model, schemaName, items)
		if err != nil {
			return err
		}
		run = func(st *store.Store) (int, int, error) { return bsdb.New(st).ImportGlobal(ctx, *model, entries) }
	}
	st, err := db.open()
	if err != nil {
		return err
	}
	defer st.Close()
	created, updated, err := run(st)
	if err != nil {
		return fmt.Errorf("import: %w (nothing imported)", err)
	}
	fmt.Fprintf(stdout, "%s: %d created, %d updated\n", *model, created, updated)
	return nil
}

// importEntries checks each item against the spec's create schema and
// converts it.
func importEntries(model, schemaName string, items []json.RawMessage) ([]bsdb.GlobalInput, error) {
	spec, err := brainstemapi.GetSwagger()
	if err != nil {
		return nil, err
	}
	schema := spec.Components.Schemas[schemaName].Value
	entries := make([]bsdb.GlobalInput, 0, len(items))
	for i, item := range items {
		var o map[string]any
		if err := json.Unmarshal(item, &o); err != nil || o == nil {
			return nil, fmt.Errorf("import: entry %d is not a JSON object", i)
		}
		speciesName := ""
		if s, ok := o["species"].(string); ok && model == "strain" && !uuidText.MatchString(s) {
			speciesName = s // a species named: checked by the store
			o["species"] = "00000000-0000-4000-8000-000000000000"
		}
		if err := schema.VisitJSON(o, openapi3.MultiErrors()); err != nil {
			return nil, fmt.Errorf("import: entry %d: %v (nothing imported)", i, err)
		}
		var in bsdb.GlobalInput
		str := func(key string) *string {
			if s, ok := o[key].(string); ok {
				return &s
			}
			return nil
		}
		in.Name, in.Description, in.Website, in.Species = str("name"), str("description"), str("website"), str("species")
		if speciesName != "" {
			in.Species = &speciesName
		}
		if _, ok := o["rrid"]; ok {
			in.SetRRID, in.RRID = true, str("rrid")
		}
		if v, ok := o["external_identifiers"]; ok {
			b, _ := json.Marshal(v)
			text := string(b)
			in.ExternalIdentifiers = &text
		}
		entries = append(entries, in)
	}
	return entries, nil
}

// uuidText matches a UUID in its canonical form.
var uuidText = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// importAttributes checks each item against the spec's create schema and
// decodes it as the API does; a to-one relation may name its target (the
// store looks the name up).
func importAttributes(model, schemaName string, items []json.RawMessage) ([]bsdb.Change, error) {
	spec, err := brainstemapi.GetSwagger()
	if err != nil {
		return nil, err
	}
	schema := spec.Components.Schemas[schemaName].Value
	m := bsdb.ModelNamed(model)
	out := make([]bsdb.Change, 0, len(items))
	for i, item := range items {
		var o map[string]any
		if err := json.Unmarshal(item, &o); err != nil || o == nil {
			return nil, fmt.Errorf("import: entry %d is not a JSON object", i)
		}
		named := map[string]string{}
		for _, f := range m.Fields {
			if s, ok := o[f.Name].(string); ok && f.Kind == bsdb.ToOne && !uuidText.MatchString(s) {
				named[f.Name] = s
				o[f.Name] = "00000000-0000-4000-8000-000000000000"
			}
		}
		if err := schema.VisitJSON(o, openapi3.MultiErrors()); err != nil {
			return nil, fmt.Errorf("import: entry %d: %v (nothing imported)", i, err)
		}
		for k, v := range named {
			o[k] = v
		}
		in, err := brainstem.AttributeChange(model, o)
		if err != nil {
			return nil, fmt.Errorf("import: entry %d: %w", i, err)
		}
		out = append(out, in)
	}
	return out, nil
}
