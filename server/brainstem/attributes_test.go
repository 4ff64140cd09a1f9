package brainstem_test

import (
	"net/http"
	"strings"
	"testing"
)

// The personal attributes (setup, behavioralassay, license, inventory):
// owned by their creator, shown to others when public. The resources and
// taxonomies: global tables, written by staff users only.

// seedAttributes adds to a global fixture (staff, Rat, Mouse, CR) one
// record of every taxonomy and resource, and personal attributes: the
// owner's private setup MazeRoom, license PPL, assay TMaze (with PPL) and
// inventory Probes; the outsider's public setup OpenBox and license IACUC.
func seedAttributes(f *fixture) {
	f.t.Helper()
	f.id["Theta"] = f.create(staff, "/api/private/taxonomies/setuptype/", "setup_type", map[string]any{
		"name": "Theta maze", "description": "A circular maze", "category": "F"})
	f.id["Learning"] = f.create(staff, "/api/private/taxonomies/behavioralcategory/", "behavioral_category", map[string]any{
		"name": "Learning & Memory"})
	f.id["Alternation"] = f.create(staff, "/api/private/taxonomies/behavioralparadigm/", "behavioral_paradigm", map[string]any{
		"name": "Alternation", "category": f.id["Learning"], "species": []string{f.id["Rat"]}, "original_publication": "Morris 1984"})
	f.id["HIP"] = f.create(staff, "/api/private/taxonomies/brainregion/", "brain_region", map[string]any{
		"name": "Hippocampal region", "acronym": "HIP", "atlas": "AIA"})
	f.id["HO"] = f.create(staff, "/api/private/taxonomies/regulatoryauthority/", "regulatoryauthority", map[string]any{
		"name": "Home Office", "abbreviation": "HO", "country": "GB", "authority_type": "national"})
	f.id["Intan"] = f.create(staff, "/api/private/resources/hardwaredevice/", "hardwaredevice", map[string]any{
		"name": "Intan RHD2000", "supplier": f.id["CR"], "rrid": "RRID:SCR_016575"})
	f.id["A1x32"] = f.create(staff, "/api/private/resources/consumable/", "consumable", map[string]any{
		"name": "A1x32-Poly2", "supplier": f.id["CR"], "type": "SiliconProbeDesign", "details": map[string]any{"nChannels": 32}})
	f.id["MazeRoom"] = f.create(owner, "/api/private/personal_attributes/setup/", "setup", map[string]any{
		"name": "Maze room", "location": "Room 101", "setup_type": f.id["Theta"], "specifications": map[string]any{"Length": 100, "Width": "30 cm"}})
	f.id["PPL"] = f.create(owner, "/api/private/personal_attributes/license/", "license", map[string]any{
		"name": "PPL", "type": "animal_research_authorization", "status": "active", "country": "GB",
		"regulatory_authority": f.id["HO"], "license_number": "PP1234567", "valid_from": "2025-01-01", "valid_until": "2028-12-31"})
	f.id["TMaze"] = f.create(owner, "/api/private/personal_attributes/behavioralassay/", "behavioralassay", map[string]any{
		"name": "TMaze", "setup_type": f.id["Theta"], "behavioral_paradigm": f.id["Alternation"], "licenses": []string{f.id["PPL"]}})
	f.id["Probes"] = f.create(owner, "/api/private/personal_attributes/inventory/", "inventory", map[string]any{
		"name": "Probes", "location": "Room 101"})
	f.id["OpenBox"] = f.create(outsider, "/api/private/personal_attributes/setup/", "setup", map[string]any{
		"name": "Open box", "setup_type": f.id["Theta"], "is_public": true})
	f.id["IACUC"] = f.create(outsider, "/api/private/personal_attributes/license/", "license", map[string]any{
		"name": "IACUC", "type": "animal_research_authorization", "is_public": true})
}

// detailKeys are the detail keys that are not the model's name.
var detailKeys = map[string]string{"behavioralparadigm": "behavioral_paradigm", "behavioralcategory": "behavioral_category",
	"setuptype": "setup_type", "brainregion": "brain_region"}

// detailKey is the key of one record of model.
func detailKey(model string) string {
	if k, ok := detailKeys[model]; ok {
		return k
	}
	return model
}

func newAttributeFixture(t *testing.T) *fixture {
	t.Helper()
	f := newSubjectFixture(t)
	seedAttributes(f)
	return f
}

const (
	mazeRoomJSON = `{"id": "{MazeRoom}", "name": "Maze room", "location": "Room 101", "description": "", "setup_type": "{Theta}",
		"specifications": {"Length": 100, "Width": "30 cm"}, "is_public": false, "image": null}`
	openBoxJSON = `{"id": "{OpenBox}", "name": "Open box", "location": "", "description": "", "setup_type": "{Theta}",
		"specifications": {}, "is_public": true, "image": null}`
	thetaJSON = `{"id": "{Theta}", "name": "Theta maze", "description": "A circular maze", "category": "F"}`
	pplJSON   = `{"id": "{PPL}", "name": "PPL", "type": "animal_research_authorization", "status": "active", "description": "",
		"country": "GB", "regulatory_authority": "{HO}", "license_number": "PP1234567", "license_document": null,
		"valid_from": "2025-01-01", "valid_until": "2028-12-31", "license_holders": [], "behavioralassays": ["{TMaze}"],
		"subjects": [], "procedures": [], "is_public": false}`
	tmazeJSON = `{"id": "{TMaze}", "name": "TMaze", "description": "", "setup_type": "{Theta}", "behavioral_paradigm": "{Alternation}",
		"licenses": ["{PPL}"], "is_public": false}`
)

func TestPersonalAttributeScenarios(t *testing.T) {
	t.Parallel()
	f := newAttributeFixture(t)
	sp := "/api/private/personal_attributes/setup/"
	f.run(t, []scenario{
		// who sees what
		{name: "setup detail as the owner", user: owner, method: "GET", path: sp + "{MazeRoom}/", status: 200,
			wantBody: `{"setup": ` + mazeRoomJSON + `}`},
		{name: "setup list as the owner", user: owner, method: "GET", path: sp, status: 200, check: listNames("setups", "Maze room", "Open box")},
		{name: "setup list as a project member", user: reader, method: "GET", path: sp, status: 200, check: listNames("setups", "Open box")},
		{name: "setup list as its owner (outsider)", user: outsider, method: "GET", path: sp, status: 200, check: listNames("setups", "Open box")},
		{name: "setup list on the public portal", user: anon, method: "GET", path: "/api/public/personal_attributes/setup/", status: 200,
			wantBody: `{"setups": [` + openBoxJSON + `], "count": 1, "next": null, "previous": null,
				"meta": {"page": 1, "per_page": 20, "total_pages": 1, "total_results": 1}}`},
		{name: "private setup hidden from others", user: reader, method: "GET", path: sp + "{MazeRoom}/", status: 404, wantBody: notFound},
		{name: "private setup hidden on the public portal", user: owner, method: "GET", path: "/api/public/personal_attributes/setup/{MazeRoom}/", status: 404},
		{name: "public setup on the public portal", user: anon, method: "GET", path: "/api/public/personal_attributes/setup/{OpenBox}/", status: 200,
			wantBody: `{"setup": ` + openBoxJSON + `}`},
		{name: "private list needs a token", user: anon, method: "GET", path: sp, status: 401, wantBody: noCreds},
		{name: "license detail", user: owner, method: "GET", path: "/api/private/personal_attributes/license/{PPL}/", status: 200,
			wantBody: `{"license": ` + pplJSON + `}`},
		{name: "assay detail", user: owner, method: "GET", path: "/api/private/personal_attributes/behavioralassay/{TMaze}/", status: 200,
			wantBody: `{"behavioralassay": ` + tmazeJSON + `}`},
		{name: "inventory list key", user: owner, method: "GET", path: "/api/private/personal_attributes/inventory/", status: 200,
			check: listNames("inventories", "Probes")},
		{name: "license list as the reader: the public one only", user: reader, method: "GET", path: "/api/private/personal_attributes/license/", status: 200,
			check: listNames("licenses", "IACUC")},
		// filters, sort, include, pagination
		{name: "filter on a to-one relation", user: owner, method: "GET", path: sp + "?filter{setup_type}={Theta}&filter{name.icontains}=MAZE", status: 200,
			check: listNames("setups", "Maze room")},
		{name: "filter through a relation", user: owner, method: "GET", path: sp + "?filter{setup_type.category}=F&filter{is_public}=true", status: 200,
			check: listNames("setups", "Open box")},
		{name: "sort", user: owner, method: "GET", path: sp + "?sort[]=-name", status: 200, check: listNames("setups", "Open box", "Maze room")},
		{name: "include a global relation", user: reader, method: "GET", path: sp + "?include[]=setup_type.*", status: 200,
			wantBody: `{"setups": [` + strings.Replace(openBoxJSON, `"setup_type": "{Theta}"`, `"setup_type": `+thetaJSON, 1) + `], "count": 1,
				"next": null, "previous": null, "meta": {"page": 1, "per_page": 20, "total_pages": 1, "total_results": 1}}`},
		{name: "pagination", user: owner, method: "GET", path: sp + "?limit=1&offset=1", status: 200, check: func(t *testing.T, b map[string]any) {
			if names(b["setups"])[0] != "Open box" || b["count"].(float64) != 2 || b["previous"] == nil || b["next"] != nil {
				t.Errorf("page: %v", b)
			}
		}},
		{name: "license filter through assays", user: owner, method: "GET", path: "/api/private/personal_attributes/license/?filter{behavioralassays.name}=TMaze", status: 200,
			check: listNames("licenses", "PPL")},
		{name: "assay include licenses", user: owner, method: "GET", path: "/api/private/personal_attributes/behavioralassay/?include[]=licenses.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				l := b["behavioralassays"].([]any)[0].(map[string]any)["licenses"].([]any)
				if len(l) != 1 || l[0].(map[string]any)["name"] != "PPL" {
					t.Errorf("licenses: %v", l)
				}
			}},
		{name: "unknown filter field", user: owner, method: "GET", path: sp + "?filter{nope}=1", status: 400},

		// validation
		{name: "create: required", user: owner, method: "POST", path: sp, body: map[string]any{"location": "x"}, status: 400,
			wantBody: `{"name": ["This field is required."], "setup_type": ["This field is required."]}`},
		{name: "create: max length", user: owner, method: "POST", path: sp, body: map[string]any{"name": strings.Repeat("n", 51), "setup_type": "{Theta}"},
			status: 400, wantBody: `{"name": ["Ensure this field has no more than 50 characters."]}`},
		{name: "create: blank name", user: owner, method: "POST", path: sp, body: map[string]any{"name": "", "setup_type": "{Theta}"},
			status: 400, wantBody: `{"name": ["This field may not be blank."]}`},
		{name: "create: wrong type", user: owner, method: "POST", path: sp, body: map[string]any{"name": "X", "setup_type": "{Theta}", "is_public": "yes"},
			status: 400, wantBody: `{"is_public": ["Must be a valid boolean."]}`},
		{name: "create: unknown setup type", user: owner, method: "POST", path: sp, body: map[string]any{"name": "X", "setup_type": "{Rat}"},
			status: 400, wantBody: `{"setup_type": ["Invalid pk \"{Rat}\" - object does not exist."]}`},
		{name: "create: license choice", user: owner, method: "POST", path: "/api/private/personal_attributes/license/",
			body: map[string]any{"name": "L", "type": "fishing"}, status: 400, wantBody: `{"type": ["\"fishing\" is not a valid choice."]}`},
		{name: "create: license dates", user: owner, method: "POST", path: "/api/private/personal_attributes/license/",
			body:   map[string]any{"name": "L", "type": "import_export_permit", "valid_from": "2026-01-02", "valid_until": "2026-01-01"},
			status: 400, wantBody: `{"valid_until": ["Ensure this date is on or after valid_from."]}`},
		{name: "create: an invisible license", user: reader, method: "POST", path: "/api/private/personal_attributes/behavioralassay/",
			body:   map[string]any{"name": "A", "setup_type": "{Theta}", "behavioral_paradigm": "{Alternation}", "licenses": []string{"{PPL}", "{IACUC}"}},
			status: 400, wantBody: `{"licenses": ["Invalid pk \"{PPL}\" - object does not exist."]}`},
		{name: "create with a public license of someone else", user: reader, method: "POST", path: "/api/private/personal_attributes/behavioralassay/",
			body:   map[string]any{"name": "A", "setup_type": "{Theta}", "behavioral_paradigm": "{Alternation}", "licenses": []string{"{IACUC}"}},
			status: 201, check: func(t *testing.T, b map[string]any) {
				a := record(b, "behavioralassay")
				if a["is_public"] != false || len(a["licenses"].([]any)) != 1 {
					t.Errorf("created: %v", a)
				}
			}},
		{name: "create with defaults", user: owner, method: "POST", path: "/api/private/personal_attributes/license/",
			body: map[string]any{"name": "Draft", "type": "import_export_permit"}, status: 201, check: func(t *testing.T, b map[string]any) {
				l := record(b, "license")
				if l["status"] != "draft" || l["country"] != nil || l["valid_from"] != nil || l["is_public"] != false {
					t.Errorf("created: %v", l)
				}
			}},

		// permissions on writes
		{name: "change someone else's private setup: 404", user: reader, method: "PATCH", path: sp + "{MazeRoom}/",
			body: map[string]any{"description": "mine"}, status: 404, wantBody: notFound},
		{name: "change someone else's public setup: 403", user: owner, method: "PATCH", path: sp + "{OpenBox}/",
			body: map[string]any{"description": "mine"}, status: 403, wantBody: forbidden},
		{name: "delete someone else's public setup: 403", user: owner, method: "DELETE", path: sp + "{OpenBox}/", status: 403, wantBody: forbidden},
		{name: "public portal is read-only", user: owner, method: "PATCH", path: "/api/public/personal_attributes/setup/{MazeRoom}/",
			body: map[string]any{"description": "x"}, status: 403},
		{name: "the owner changes it", user: owner, method: "PATCH", path: sp + "{MazeRoom}/",
			body: map[string]any{"description": "new text", "is_public": true}, status: 200, check: func(t *testing.T, b map[string]any) {
				s := record(b, "setup")
				if s["description"] != "new text" || s["is_public"] != true || s["location"] != "Room 101" {
					t.Errorf("changed: %v", s)
				}
			}},
		{name: "now others see it", user: reader, method: "GET", path: sp + "{MazeRoom}/", status: 200},
		{name: "the owner replaces it", user: owner, method: "PUT", path: sp + "{MazeRoom}/",
			body: map[string]any{"name": "Maze room", "setup_type": "{Theta}"}, status: 200,
			wantBody: `{"setup": ` + strings.NewReplacer(`"Room 101"`, `""`, `{"Length": 100, "Width": "30 cm"}`, `{}`).Replace(mazeRoomJSON) + `}`},
		{name: "license dates checked against the stored ones", user: owner, method: "PATCH", path: "/api/private/personal_attributes/license/{PPL}/",
			body: map[string]any{"valid_until": "2024-01-01"}, status: 400, wantBody: `{"valid_until": ["Ensure this date is on or after valid_from."]}`},
		{name: "the owner deletes the public setup", user: outsider, method: "DELETE", path: sp + "{OpenBox}/", status: 204},
		{name: "gone", user: outsider, method: "GET", path: sp + "{OpenBox}/", status: 404},
	})
}

func TestSubjectLicenses(t *testing.T) {
	t.Parallel()
	f := newAttributeFixture(t)
	subj := "/api/private/stem/subject/"
	f.run(t, []scenario{
		{name: "a license the changer may not see", user: changer, method: "PATCH", path: subj + "{Rat1}/",
			body: map[string]any{"licenses": []string{"{PPL}"}}, status: 400, wantBody: `{"licenses": ["Invalid pk \"{PPL}\" - object does not exist."]}`},
		{name: "the license owner sets it", user: owner, method: "PATCH", path: subj + "{Rat1}/",
			body: map[string]any{"licenses": []string{"{PPL}", "{IACUC}", "{PPL}"}}, status: 200, check: func(t *testing.T, b map[string]any) {
				if got := relIDList(record(b, "subject")["licenses"]); len(got) != 2 {
					t.Errorf("licenses %v", got)
				}
			}},
		{name: "a member sees only the visible licenses", user: reader, method: "GET", path: subj + "{Rat1}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := relIDList(record(b, "subject")["licenses"]); len(got) != 1 || got[0] != f.id["IACUC"] {
					t.Errorf("licenses %v", got)
				}
			}},
		{name: "filter subjects on a hidden license finds nothing", user: reader, method: "GET", path: subj + "?filter{licenses.name}=PPL", status: 200,
			check: listNames("subjects")},
		{name: "filter subjects on a license", user: owner, method: "GET", path: subj + "?filter{licenses.name}=PPL", status: 200,
			check: listNames("subjects", "Rat1")},
		{name: "include licenses", user: owner, method: "GET", path: subj + "{Rat1}/?include[]=licenses.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if l := record(b, "subject")["licenses"].([]any); len(l) != 2 || l[0].(map[string]any)["id"] == nil {
					t.Errorf("licenses %v", l)
				}
			}},
		{name: "the license lists its subjects", user: owner, method: "GET", path: "/api/private/personal_attributes/license/{PPL}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := relIDList(record(b, "license")["subjects"]); len(got) != 1 || got[0] != f.id["Rat1"] {
					t.Errorf("subjects %v", got)
				}
			}},
		{name: "deleting a license unlinks it", user: owner, method: "DELETE", path: "/api/private/personal_attributes/license/{PPL}/", status: 204},
		{name: "the subject no longer names it", user: owner, method: "GET", path: subj + "{Rat1}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := relIDList(record(b, "subject")["licenses"]); len(got) != 1 || got[0] != f.id["IACUC"] {
					t.Errorf("licenses %v", got)
				}
			}},
		{name: "a PUT without licenses clears them", user: changer, method: "PUT", path: subj + "{Rat1}/",
			body: map[string]any{"name": "Rat1", "projects": []string{"{Lab}"}, "strain": "{Wistar}", "sex": "M"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := relIDList(record(b, "subject")["licenses"]); len(got) != 0 {
					t.Errorf("licenses %v", got)
				}
			}},
	})
}

func TestGlobalAttributeScenarios(t *testing.T) {
	t.Parallel()
	f := newAttributeFixture(t)
	f.id["IntanTech"] = f.create(staff, "/api/private/resources/supplier/", "supplier", map[string]any{"name": "Intan Technologies"})
	f.id["Fly"] = f.create(staff, "/api/private/taxonomies/species/", "species", map[string]any{"name": "Fly"})
	f.id["Spatial"] = f.create(staff, "/api/private/taxonomies/behavioralcategory/", "behavioral_category", map[string]any{
		"name": "Spatial", "parent": f.id["Learning"]})
	st := "/api/private/taxonomies/setuptype/"
	var scenarios []scenario
	// every global list and detail, on both portals, for every reader
	lists := []struct{ path, key, detail, id, name string }{
		{"taxonomies/setuptype", "setup_types", "setup_type", "Theta", "Theta maze"},
		{"taxonomies/behavioralcategory", "behavioral_categories", "behavioral_category", "Learning", "Learning & Memory"},
		{"taxonomies/behavioralparadigm", "behavioral_paradigms", "behavioral_paradigm", "Alternation", "Alternation"},
		{"taxonomies/brainregion", "brain_regions", "brain_region", "HIP", "Hippocampal region"},
		{"taxonomies/regulatoryauthority", "regulatoryauthorities", "regulatoryauthority", "HO", "Home Office"},
		{"resources/hardwaredevice", "hardwaredevices", "hardwaredevice", "Intan", "Intan RHD2000"},
		{"resources/consumable", "consumables", "consumable", "A1x32", "A1x32-Poly2"},
	}
	all := map[string][]string{"Learning": {"Learning & Memory", "Spatial"}}
	for _, l := range lists {
		if all[l.id] == nil {
			all[l.id] = []string{l.name}
		}
		for _, portal := range []string{"private", "public"} {
			for _, u := range []string{outsider, staff, anon} {
				if portal == "private" && u == anon {
					continue
				}
				p := "/api/" + portal + "/" + l.path + "/"
				scenarios = append(scenarios,
					scenario{name: portal + " " + l.path + " list as " + u, user: u, method: "GET", path: p, status: 200, check: listNames(l.key, all[l.id]...)},
					scenario{name: portal + " " + l.path + " detail as " + u, user: u, method: "GET", path: p + "{" + l.id + "}/", status: 200,
						check: func(t *testing.T, b map[string]any) {
							if record(b, l.detail)["name"] != l.name {
								t.Errorf("detail: %v", b)
							}
						}})
			}
		}
	}
	scenarios = append(scenarios,
		scenario{name: "setup type detail", user: outsider, method: "GET", path: st + "{Theta}/", status: 200, wantBody: `{"setup_type": ` + thetaJSON + `}`},
		scenario{name: "hardware device detail", user: outsider, method: "GET", path: "/api/private/resources/hardwaredevice/{Intan}/", status: 200,
			wantBody: `{"hardwaredevice": {"id": "{Intan}", "name": "Intan RHD2000", "description": "", "supplier": "{CR}", "rrid": "RRID:SCR_016575",
				"rrid_url": "https://scicrunch.org/resolver/RRID:SCR_016575", "external_identifiers": []}}`},
		scenario{name: "consumable detail", user: anon, method: "GET", path: "/api/public/resources/consumable/{A1x32}/", status: 200,
			wantBody: `{"consumable": {"id": "{A1x32}", "name": "A1x32-Poly2", "description": "", "supplier": "{CR}", "type": "SiliconProbeDesign",
				"rrid": null, "rrid_url": null, "external_identifiers": [], "details": {"nChannels": 32}}}`},
		scenario{name: "paradigm detail with includes", user: outsider, method: "GET",
			path: "/api/private/taxonomies/behavioralparadigm/{Alternation}/?include[]=category.*", status: 200,
			wantBody: `{"behavioral_paradigm": {"id": "{Alternation}", "name": "Alternation", "description": "",
				"category": {"id": "{Learning}", "name": "Learning & Memory", "description": "", "parent": null},
				"species": ["{Rat}"], "original_publication": "Morris 1984", "reference_url": "", "rrid": null, "external_identifiers": []}}`},
		scenario{name: "regulatory authority defaults", user: anon, method: "GET", path: "/api/public/taxonomies/regulatoryauthority/{HO}/", status: 200,
			wantBody: `{"regulatoryauthority": {"id": "{HO}", "name": "Home Office", "abbreviation": "HO", "country": "GB",
				"authority_type": "national", "website": "", "description": "", "is_active": true}}`},
		scenario{name: "filter on atlas", user: outsider, method: "GET", path: "/api/private/taxonomies/brainregion/?filter{atlas}=BM4", status: 200,
			check: listNames("brain_regions")},
		scenario{name: "filter paradigms on species", user: outsider, method: "GET", path: "/api/private/taxonomies/behavioralparadigm/?filter{species.name}=Rat", status: 200,
			check: listNames("behavioral_paradigms", "Alternation")},
		// writes: staff only
		scenario{name: "non-staff create: 403", user: owner, method: "POST", path: st, body: map[string]any{"name": "Y-maze", "category": "F"},
			status: 403, wantBody: forbidden},
		scenario{name: "non-staff change: 403", user: owner, method: "PATCH", path: st + "{Theta}/", body: map[string]any{"description": "x"},
			status: 403, wantBody: forbidden},
		scenario{name: "non-staff delete: 403", user: owner, method: "DELETE", path: "/api/private/resources/hardwaredevice/{Intan}/", status: 403, wantBody: forbidden},
		scenario{name: "anonymous create: 401", user: anon, method: "POST", path: st, body: map[string]any{"name": "Y-maze", "category": "F"}, status: 401},
		scenario{name: "public portal create: 403", user: staff, method: "POST", path: "/api/public/taxonomies/setuptype/",
			body: map[string]any{"name": "Y-maze", "category": "F"}, status: 403},
		scenario{name: "choice", user: staff, method: "POST", path: st, body: map[string]any{"name": "Y-maze", "category": "Z"},
			status: 400, wantBody: `{"category": ["\"Z\" is not a valid choice."]}`},
		scenario{name: "required", user: staff, method: "POST", path: st, body: map[string]any{"description": "x"},
			status: 400, wantBody: `{"name": ["This field is required."], "category": ["This field is required."]}`},
		scenario{name: "unique name", user: staff, method: "POST", path: "/api/private/resources/hardwaredevice/",
			body: map[string]any{"name": "Intan RHD2000", "supplier": "{CR}"}, status: 400,
			wantBody: `{"name": ["hardware device with this name already exists."]}`},
		scenario{name: "unique together", user: staff, method: "POST", path: "/api/private/taxonomies/brainregion/",
			body: map[string]any{"name": "Other", "acronym": "HIP", "atlas": "AIA"}, status: 400,
			wantBody: `{"non_field_errors": ["The fields atlas, acronym must make a unique set."]}`},
		scenario{name: "same acronym in another atlas", user: staff, method: "POST", path: "/api/private/taxonomies/brainregion/",
			body: map[string]any{"name": "Hippocampal region", "acronym": "HIP", "atlas": "BM4"}, status: 201},
		scenario{name: "unknown supplier", user: staff, method: "POST", path: "/api/private/resources/consumable/",
			body: map[string]any{"name": "C", "supplier": "{Rat}", "type": "x"}, status: 400,
			wantBody: `{"supplier": ["Invalid pk \"{Rat}\" - object does not exist."]}`},
		scenario{name: "country pattern", user: staff, method: "PATCH", path: "/api/private/taxonomies/regulatoryauthority/{HO}/",
			body: map[string]any{"country": "gb"}, status: 400},
		scenario{name: "staff change", user: staff, method: "PATCH", path: st + "{Theta}/", body: map[string]any{"description": "new text"},
			status: 200, wantBody: `{"setup_type": ` + strings.Replace(thetaJSON, "A circular maze", "new text", 1) + `}`},
		scenario{name: "a category under itself", user: staff, method: "PATCH", path: "/api/private/taxonomies/behavioralcategory/{Learning}/",
			body: map[string]any{"parent": "{Learning}"}, status: 400,
			wantBody: `{"parent": ["A category cannot be its own parent or an ancestor of its parent."]}`},
		scenario{name: "a category under its child", user: staff, method: "PATCH", path: "/api/private/taxonomies/behavioralcategory/{Learning}/",
			body: map[string]any{"parent": "{Spatial}"}, status: 400,
			wantBody: `{"parent": ["A category cannot be its own parent or an ancestor of its parent."]}`},
		scenario{name: "staff create", user: staff, method: "POST", path: st, body: map[string]any{"name": "Y-maze", "category": "U"},
			status: 201, check: func(t *testing.T, b map[string]any) {
				if record(b, "setup_type")["description"] != "" {
					t.Errorf("created %v", b)
				}
			}},
		scenario{name: "a referenced setup type is not deleted", user: staff, method: "DELETE", path: st + "{Theta}/", status: 400,
			check: func(t *testing.T, b map[string]any) {
				if b["detail"] == nil {
					t.Errorf("body %v", b)
				}
			}},
		scenario{name: "a supplier of a device only", user: staff, method: "PATCH", path: "/api/private/resources/hardwaredevice/{Intan}/",
			body: map[string]any{"supplier": "{IntanTech}"}, status: 200},
		scenario{name: "a supplier of a device is not deleted", user: staff, method: "DELETE", path: "/api/private/resources/supplier/{IntanTech}/", status: 400},
		scenario{name: "a referenced category is not deleted", user: staff, method: "DELETE", path: "/api/private/taxonomies/behavioralcategory/{Learning}/", status: 400},
		scenario{name: "staff delete", user: staff, method: "DELETE", path: "/api/private/resources/consumable/{A1x32}/", status: 204},
		scenario{name: "deleted", user: staff, method: "GET", path: "/api/private/resources/consumable/{A1x32}/", status: 404},
	)
	f.run(t, scenarios)
	// a species of a paradigm can be deleted: the link goes with it
	p := "/api/private/taxonomies/behavioralparadigm/" + f.id["Alternation"] + "/"
	f.must(staff, http.MethodPatch, p, map[string]any{"species": []string{f.id["Fly"], f.id["Rat"]}}, http.StatusOK)
	f.must(staff, http.MethodDelete, "/api/private/taxonomies/species/"+f.id["Fly"]+"/", nil, http.StatusNoContent)
	if got := relIDList(record(f.must(outsider, http.MethodGet, p, nil, http.StatusOK), "behavioral_paradigm")["species"]); len(got) != 1 || got[0] != f.id["Rat"] {
		t.Errorf("species after the delete: %v", got)
	}
}
