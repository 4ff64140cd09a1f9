package brainstem_test

import (
	"slices"
	"testing"
)

// The public setup (the outsider's) and a public behavioral assay (the
// owner's) that the modules' writers may use.
const (
	setupID = "{OpenBox}"
	assayID = "{PubAssay}"
)

var (
	ephysDetails = map[string]any{"fileName": "s1.dat", "format": "Binary", "type": "int16", "nChannels": 384,
		"sr": map[string]any{"value": 30000, "unit": "Hz"}}
	bregma = map[string]any{"apCoordinate": map[string]any{"value": -2.8, "unit": "mm"},
		"mlCoordinate": map[string]any{"value": 1.2, "unit": "mm"}}
)

// addModules gives the attribute fixture (seedAttributes) a public
// behavioral assay, equipment of the public setup OpenBox (BoxCam) and of
// the owner's private MazeRoom (Rig), a procedure on Rat1 (Lab) and on
// PubMouse (Open), and a behavior, a data acquisition and a manipulation in
// S1 (Lab) and Pub1 (Open).
func addModules(f *fixture) {
	f.id["PubAssay"] = f.create(owner, "/api/private/personal_attributes/behavioralassay/", "behavioralassay", map[string]any{
		"name": "Open alternation", "setup_type": f.id["Theta"], "behavioral_paradigm": f.id["Alternation"], "is_public": true})
	f.id["BoxCam"] = f.create(outsider, "/api/private/modules/equipment/", "equipment", map[string]any{
		"name": "Box camera", "type": "Camera", "setup": f.id["OpenBox"], "hardwaredevice": f.id["Intan"],
		"coordinates_system": "External_XYZ_Absolute", "coordinates_details": map[string]any{"x": map[string]any{"value": 1, "unit": "mm"}}})
	f.id["Rig"] = f.create(owner, "/api/private/modules/equipment/", "equipment", map[string]any{
		"name": "Rig", "type": "EphysRig", "setup": f.id["MazeRoom"], "coordinates_system": "External_XYZ_Absolute"})
	f.id["Stock1"] = f.create(owner, "/api/private/modules/consumablestock/", "consumable stock", map[string]any{
		"type": "OpticFiber", "inventory": f.id["Probes"], "consumable": f.id["A1x32"], "acquisition_date": "2024-03-01",
		"storage_location": "Cabinet A", "details": map[string]any{"fiberIds": "OF-2024-03-A", "quantity": 12}})
	f.id["Proc1"] = f.create(changer, "/api/private/modules/procedure/", "procedure", map[string]any{
		"type": "OpticFiberImplant", "subject": f.id["Rat1"], "details": map[string]any{"fiberId": "OF-1", "sterilizationMethod": "Autoclave"},
		"coordinates_system": "Stereotaxic_BregmaAbsolute", "coordinates_details": bregma, "equipment": []string{f.id["BoxCam"]},
		"brain_region": f.id["HIP"], "licenses": []string{f.id["IACUC"]}})
	f.id["PubProc"] = f.create(owner, "/api/private/modules/procedure/", "procedure", map[string]any{
		"type": "SiliconProbeImplant", "subject": f.id["PubMouse"], "coordinates_system": "Stereotaxic_BregmaBrainSurface"})
	f.id["Beh1"] = f.create(changer, "/api/private/modules/behavior/", "behavior", map[string]any{
		"session": f.id["S1"], "subjects": []string{f.id["Rat1"]}, "setup": f.id["OpenBox"], "behavioralassay": f.id["PubAssay"], "notes": "maze", "order": 1})
	f.id["PubBeh"] = f.create(owner, "/api/private/modules/behavior/", "behavior", map[string]any{
		"session": f.id["Pub1"], "subjects": []string{f.id["PubMouse"]}, "setup": f.id["MazeRoom"], "behavioralassay": f.id["TMaze"]})
	f.id["DA1"] = f.create(changer, "/api/private/modules/dataacquisition/", "data_acquisition", map[string]any{
		"type": "ExtracellularEphys", "session": f.id["S1"], "procedures": []string{f.id["Proc1"]}, "equipment": []string{f.id["BoxCam"]},
		"details": ephysDetails, "order": 2})
	f.id["PubDA"] = f.create(owner, "/api/private/modules/dataacquisition/", "data_acquisition", map[string]any{
		"type": "VideoTracking", "session": f.id["Pub1"], "procedures": []string{f.id["PubProc"]}})
	f.id["Man1"] = f.create(changer, "/api/private/modules/manipulation/", "manipulation", map[string]any{
		"type": "OptogeneticStimulation", "session": f.id["S1"], "procedures": []string{f.id["Proc1"]},
		"details": []any{map[string]any{"power": map[string]any{"value": 10, "unit": "mW"}, "repetitions": 40, "closedLoop": false}}})
}

func newModulesFixture(t *testing.T) *fixture {
	t.Helper()
	f := newAttributeFixture(t)
	addModules(f)
	return f
}

func TestModuleScenarios(t *testing.T) {
	t.Parallel()
	f := newModulesFixture(t)
	forbidden := `{"detail": "You do not have permission to perform this action."}`
	notFound := `{"detail": "Not found."}`
	behavior := map[string]any{"session": "{S1}", "subjects": []string{"{Rat1}"}, "setup": setupID, "behavioralassay": assayID}
	f.run(t, []scenario{
		// reading: who sees what, on both portals
		{name: "behavior detail as a reader", user: reader, method: "GET", path: "/api/private/modules/behavior/{Beh1}/", status: 200,
			wantBody: `{"behavior": {"id": "{Beh1}", "session": "{S1}", "subjects": ["{Rat1}"], "setup": "` + setupID +
				`", "behavioralassay": "` + assayID + `", "notes": "maze", "order": 1}}`},
		{name: "data acquisition detail", user: reader, method: "GET", path: "/api/private/modules/dataacquisition/{DA1}/", status: 200,
			wantBody: `{"data_acquisition": {"id": "{DA1}", "type": "ExtracellularEphys", "notes": "", "session": "{S1}",
				"procedures": ["{Proc1}"], "equipment": ["{BoxCam}"], "details": {"fileName": "s1.dat", "format": "Binary", "type": "int16",
				"nChannels": 384, "sr": {"unit": "Hz", "value": 30000}}, "type_schema_version": "1.1.0", "image": null, "order": 2}}`},
		{name: "lists as the owner", user: owner, method: "GET", path: "/api/private/modules/behavior/", status: 200,
			check: listIDs(f, "behaviors", "Beh1", "PubBeh")},
		{name: "lists as an outsider", user: outsider, method: "GET", path: "/api/private/modules/dataacquisition/", status: 200,
			check: listIDs(f, "data_acquisitions")},
		{name: "hidden detail", user: outsider, method: "GET", path: "/api/private/modules/manipulation/{Man1}/", status: 404, wantBody: notFound},
		{name: "public list, anonymous", user: anon, method: "GET", path: "/api/public/modules/dataacquisition/", status: 200,
			check: listIDs(f, "data_acquisitions", "PubDA")},
		{name: "public procedures", user: anon, method: "GET", path: "/api/public/modules/procedure/", status: 200,
			check: listIDs(f, "procedures", "PubProc")},
		{name: "private module on the public portal", user: owner, method: "GET", path: "/api/public/modules/behavior/{Beh1}/", status: 404},
		{name: "public portal refuses writes", user: owner, method: "POST", path: "/api/public/modules/behavior/", body: behavior,
			status: 403, wantBody: forbidden},
		{name: "private list needs a token", user: anon, method: "GET", path: "/api/private/modules/procedure/", status: 401},

		// filters on relations, include
		{name: "filter on session", user: owner, method: "GET", path: "/api/private/modules/dataacquisition/?filter{session}={S1}&filter{type}=ExtracellularEphys",
			status: 200, check: listIDs(f, "data_acquisitions", "DA1")},
		{name: "filter on session.id", user: owner, method: "GET", path: "/api/private/modules/behavior/?filter{session.id}={Pub1}",
			status: 200, check: listIDs(f, "behaviors", "PubBeh")},
		{name: "filter on subjects", user: owner, method: "GET", path: "/api/private/modules/behavior/?filter{subjects}={Rat1}",
			status: 200, check: listIDs(f, "behaviors", "Beh1")},
		{name: "filter on subject.id", user: owner, method: "GET", path: "/api/private/modules/procedure/?filter{subject.id}={Rat1}",
			status: 200, check: listIDs(f, "procedures", "Proc1")},
		{name: "sessions by their data acquisitions' type", user: owner, method: "GET",
			path: "/api/private/stem/session/?filter{dataacquisition.type}=VideoTracking", status: 200, check: listNames("sessions", "Pub1")},
		{name: "tags are not a module field", user: owner, method: "GET", path: "/api/private/modules/behavior/?filter{tags}=x", status: 400},
		{name: "session relations", user: reader, method: "GET", path: "/api/private/stem/session/{S1}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := b["session"].(map[string]any)
				for rel, want := range map[string]string{"behaviors": "Beh1", "dataacquisition": "DA1", "manipulations": "Man1"} {
					if got := ids(s[rel]); len(got) != 1 || got[0] != f.id[want] {
						t.Errorf("%s %v", rel, got)
					}
				}
				if got := ids(s["epochs"]); len(got) != 0 {
					t.Errorf("epochs %v", got)
				}
			}},
		{name: "session embeds its modules", user: reader, method: "GET",
			path: "/api/private/stem/session/?include[]=behaviors.*&include[]=dataacquisition.*&include[]=manipulations.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := b["sessions"].([]any)[0].(map[string]any)
				da := s["dataacquisition"].([]any)[0].(map[string]any)
				if da["type"] != "ExtracellularEphys" || s["behaviors"].([]any)[0].(map[string]any)["setup"] != f.id["OpenBox"] ||
					s["manipulations"].([]any)[0].(map[string]any)["type"] != "OptogeneticStimulation" {
					t.Errorf("embedded %v", s)
				}
			}},
		{name: "subject lists its procedures", user: reader, method: "GET", path: "/api/private/stem/subject/{Rat1}/?include[]=procedures.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				ps := b["subject"].(map[string]any)["procedures"].([]any)
				if len(ps) != 1 || ps[0].(map[string]any)["type"] != "OpticFiberImplant" {
					t.Errorf("procedures %v", ps)
				}
			}},
		{name: "module embeds its session", user: anon, method: "GET", path: "/api/public/modules/behavior/{PubBeh}/?include[]=session.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if s := b["behavior"].(map[string]any)["session"].(map[string]any); s["name"] != "Pub1" {
					t.Errorf("session %v", s)
				}
			}},

		// equipment: visible with its setup, written by the setup's owner
		{name: "equipment as the owner", user: owner, method: "GET", path: "/api/private/modules/equipment/", status: 200,
			check: listIDs(f, "equipment", "BoxCam", "Rig")},
		{name: "equipment as the changer", user: changer, method: "GET", path: "/api/private/modules/equipment/", status: 200,
			check: listIDs(f, "equipment", "BoxCam")},
		{name: "public equipment", user: anon, method: "GET", path: "/api/public/modules/equipment/?filter{setup.id}={OpenBox}", status: 200,
			check: listIDs(f, "equipment", "BoxCam")},
		{name: "equipment detail embeds its setup", user: reader, method: "GET", path: "/api/private/modules/equipment/{BoxCam}/?include[]=setup.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				e := b["equipment"].(map[string]any)
				if e["setup"].(map[string]any)["name"] != "Open box" || e["hardwaredevice"] != f.id["Intan"] || e["type_schema_version"] != "1.0.0" {
					t.Errorf("equipment %v", e)
				}
			}},
		{name: "equipment of a private setup is hidden", user: changer, method: "GET", path: "/api/private/modules/equipment/{Rig}/", status: 404},
		{name: "equipment in a setup one does not own", user: changer, method: "POST", path: "/api/private/modules/equipment/",
			body: map[string]any{"type": "Camera", "setup": "{OpenBox}", "coordinates_system": "External_XYZ_Absolute"}, status: 403, wantBody: forbidden},
		{name: "equipment in a hidden setup", user: changer, method: "POST", path: "/api/private/modules/equipment/",
			body: map[string]any{"type": "Camera", "setup": "{MazeRoom}", "coordinates_system": "External_XYZ_Absolute"}, status: 400,
			wantBody: `{"setup": ["Invalid pk \"{MazeRoom}\" - object does not exist."]}`},
		{name: "unknown equipment type", user: outsider, method: "POST", path: "/api/private/modules/equipment/",
			body: map[string]any{"type": "Toaster", "setup": "{OpenBox}", "coordinates_system": "External_XYZ_Absolute"}, status: 400, check: hasField("type")},
		{name: "hidden equipment on a data acquisition", user: changer, method: "POST", path: "/api/private/modules/dataacquisition/",
			body: map[string]any{"session": "{S1}", "type": "VideoTracking", "equipment": []string{"{Rig}"}}, status: 400,
			wantBody: `{"equipment": ["Invalid pk \"{Rig}\" - object does not exist."]}`},
		{name: "hidden setup on a behavior", user: changer, method: "POST", path: "/api/private/modules/behavior/",
			body: map[string]any{"session": "{S1}", "subjects": []string{"{Rat1}"}, "setup": "{MazeRoom}", "behavioralassay": assayID}, status: 400,
			wantBody: `{"setup": ["Invalid pk \"{MazeRoom}\" - object does not exist."]}`},
		{name: "listed equipment is not deleted", user: outsider, method: "DELETE", path: "/api/private/modules/equipment/{BoxCam}/", status: 400,
			wantBody: `{"detail": "This equipment is still referenced by: data acquisition {DA1}, procedure {Proc1}."}`},
		{name: "a setup with equipment is not deleted", user: outsider, method: "DELETE", path: "/api/private/personal_attributes/setup/{OpenBox}/", status: 400},
		{name: "procedure embeds its licenses and brain region", user: reader, method: "GET",
			path: "/api/private/modules/procedure/{Proc1}/?include[]=licenses.*&include[]=brain_region.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				p := b["procedure"].(map[string]any)
				if p["brain_region"].(map[string]any)["acronym"] != "HIP" || p["licenses"].([]any)[0].(map[string]any)["name"] != "IACUC" {
					t.Errorf("procedure %v", p)
				}
			}},

		// consumable stocks: visible with their inventory, written by its owner
		{name: "stock detail", user: owner, method: "GET", path: "/api/private/modules/consumablestock/{Stock1}/", status: 200,
			wantBody: `{"consumable stock": {"id": "{Stock1}", "type": "OpticFiber", "status": "AVAILABLE", "notes": "", "inventory": "{Probes}",
				"acquisition_date": "2024-03-01", "expiration_date": null, "storage_location": "Cabinet A", "storage_conditions": null,
				"intended_use": null, "cost": null, "consumable": "{A1x32}", "details": {"fiberIds": "OF-2024-03-A", "quantity": 12},
				"type_schema_version": "1.0.0"}}`},
		{name: "stocks of a private inventory are hidden", user: changer, method: "GET", path: "/api/private/modules/consumablestock/", status: 200,
			check: listIDs(f, "consumable stocks")},
		{name: "no public stocks", user: anon, method: "GET", path: "/api/public/modules/consumablestock/{Stock1}/", status: 404},
		{name: "invalid stock details", user: owner, method: "POST", path: "/api/private/modules/consumablestock/",
			body: map[string]any{"type": "OpticFiber", "inventory": "{Probes}", "details": map[string]any{"quantity": -1}}, status: 400,
			wantBody: `{"details": ["quantity: -1 is less than the minimum of 0"]}`},
		{name: "a stock in another's inventory", user: changer, method: "POST", path: "/api/private/modules/consumablestock/",
			body: map[string]any{"type": "OpticFiber", "inventory": "{Probes}"}, status: 400,
			wantBody: `{"inventory": ["Invalid pk \"{Probes}\" - object does not exist."]}`},
		{name: "a stock on a procedure", user: owner, method: "POST", path: "/api/private/modules/procedure/",
			body: map[string]any{"type": "SiliconProbeImplant", "subject": "{PubMouse}", "coordinates_system": "External_XYZ_Absolute",
				"consumablestock": "{Stock1}"}, status: 201},
		{name: "a stock a procedure names is not deleted", user: owner, method: "DELETE", path: "/api/private/modules/consumablestock/{Stock1}/", status: 400},
		{name: "the procedure shows a stock the reader may not see as null", user: anon, method: "GET",
			path: "/api/public/modules/procedure/?filter{subject}={PubMouse}&sort[]=-created_at", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if p := b["procedures"].([]any)[0].(map[string]any); p["consumablestock"] != nil {
					t.Errorf("procedure %v", p)
				}
			}},

		// validation
		{name: "behavior without subjects", user: changer, method: "POST", path: "/api/private/modules/behavior/",
			body: map[string]any{"session": "{S1}", "setup": setupID, "behavioralassay": assayID}, status: 400},
		{name: "notes too long", user: changer, method: "POST", path: "/api/private/modules/behavior/",
			body: map[string]any{"session": "{S1}", "subjects": []string{"{Rat1}"}, "setup": setupID, "behavioralassay": assayID,
				"notes": string(make([]byte, 501))}, status: 400},
		{name: "negative order", user: changer, method: "POST", path: "/api/private/modules/behavior/",
			body: map[string]any{"session": "{S1}", "subjects": []string{"{Rat1}"}, "setup": setupID, "behavioralassay": assayID, "order": -1}, status: 400},
		{name: "hidden subject", user: changer, method: "POST", path: "/api/private/modules/behavior/",
			body:   map[string]any{"session": "{S1}", "subjects": []string{"{PubMouse}"}, "setup": setupID, "behavioralassay": assayID},
			status: 400, wantBody: `{"subjects": ["Invalid pk \"{PubMouse}\" - object does not exist."]}`},
		{name: "hidden session", user: changer, method: "POST", path: "/api/private/modules/dataacquisition/",
			body:   map[string]any{"session": "{Pub1}", "type": "VideoTracking"},
			status: 400, wantBody: `{"session": ["Invalid pk \"{Pub1}\" - object does not exist."]}`},
		{name: "unknown type", user: changer, method: "POST", path: "/api/private/modules/dataacquisition/",
			body: map[string]any{"session": "{S1}", "type": "Extracellular"}, status: 400,
			check: func(t *testing.T, b map[string]any) {
				if msg := b["type"].([]any)[0].(string); msg[:40] != `"Extracellular" is not a valid choice. V` {
					t.Errorf("message %q", msg)
				}
			}},
		{name: "flat sr (the old format)", user: changer, method: "POST", path: "/api/private/modules/dataacquisition/",
			body: map[string]any{"session": "{S1}", "type": "ExtracellularEphys", "details": map[string]any{"sr": 30000}}, status: 400,
			wantBody: `{"details": ["sr: 30000 is not of type 'object'"]}`},
		{name: "unknown schema version", user: changer, method: "POST", path: "/api/private/modules/dataacquisition/",
			body: map[string]any{"session": "{S1}", "type": "ExtracellularEphys", "type_schema_version": "0.0.0"}, status: 400,
			wantBody: `{"type_schema_version": ["\"0.0.0\" is not a valid choice. Schema versions of ExtracellularEphys: 1.1.0."]}`},
		{name: "valid video tracking", user: changer, method: "POST", path: "/api/private/modules/dataacquisition/",
			body: map[string]any{"session": "{S1}", "type": "VideoTracking", "details": map[string]any{"frameRate": map[string]any{"value": 60, "unit": "Hz"}}}, status: 201},
		{name: "invalid video tracking", user: changer, method: "POST", path: "/api/private/modules/dataacquisition/",
			body:   map[string]any{"session": "{S1}", "type": "VideoTracking", "details": map[string]any{"frameRate": map[string]any{"value": 60, "unit": "fps"}}},
			status: 400, check: hasField("details")},
		{name: "manipulation without procedures", user: changer, method: "POST", path: "/api/private/modules/manipulation/",
			body: map[string]any{"session": "{S1}", "type": "OptogeneticStimulation"}, status: 400},
		{name: "manipulation details must be a list", user: changer, method: "POST", path: "/api/private/modules/manipulation/",
			body: map[string]any{"session": "{S1}", "type": "OptogeneticStimulation", "procedures": []string{"{Proc1}"},
				"details": map[string]any{"power": 1}}, status: 400},
		{name: "invalid optogenetic power", user: changer, method: "POST", path: "/api/private/modules/manipulation/",
			body: map[string]any{"session": "{S1}", "type": "OptogeneticStimulation", "procedures": []string{"{Proc1}"},
				"details": []any{map[string]any{"power": 10}}}, status: 400, wantBody: `{"details": ["[0].power: 10 is not of type 'object'"]}`},
		{name: "procedure without coordinates system", user: changer, method: "POST", path: "/api/private/modules/procedure/",
			body: map[string]any{"subject": "{Rat1}", "type": "Craniotomy"}, status: 400},
		{name: "unknown coordinates system", user: changer, method: "POST", path: "/api/private/modules/procedure/",
			body: map[string]any{"subject": "{Rat1}", "type": "Craniotomy", "coordinates_system": "Bregma"}, status: 400, check: hasField("coordinates_system")},
		{name: "flat coordinates", user: changer, method: "POST", path: "/api/private/modules/procedure/",
			body: map[string]any{"subject": "{Rat1}", "type": "Craniotomy", "coordinates_system": "Stereotaxic_BregmaAbsolute",
				"coordinates_details": map[string]any{"apCoordinate": -2.8}}, status: 400,
			wantBody: `{"coordinates_details": ["apCoordinate: -2.8 is not of type 'object'"]}`},
		{name: "invalid procedure details", user: changer, method: "POST", path: "/api/private/modules/procedure/",
			body: map[string]any{"subject": "{Rat1}", "type": "OpticFiberImplant", "coordinates_system": "Stereotaxic_BregmaAbsolute",
				"details": map[string]any{"sterilizationMethod": "Boiling"}}, status: 400, check: hasField("details")},
		{name: "patch checks details against the stored type", user: changer, method: "PATCH", path: "/api/private/modules/dataacquisition/{DA1}/",
			body: map[string]any{"details": map[string]any{"nChannels": "many"}}, status: 400, check: hasField("details")},
		{name: "patch notes", user: changer, method: "PATCH", path: "/api/private/modules/dataacquisition/{DA1}/",
			body: map[string]any{"notes": "re-run"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				d := b["data_acquisition"].(map[string]any)
				if d["notes"] != "re-run" || d["type_schema_version"] != "1.1.0" {
					t.Errorf("changed %v", d)
				}
			}},

		// permissions: can_change on every project of the session (subject)
		{name: "reader may not create", user: reader, method: "POST", path: "/api/private/modules/behavior/", body: behavior, status: 403, wantBody: forbidden},
		{name: "reader may not change", user: reader, method: "PATCH", path: "/api/private/modules/behavior/{Beh1}/",
			body: map[string]any{"notes": "x"}, status: 403, wantBody: forbidden},
		{name: "reader may not delete", user: reader, method: "DELETE", path: "/api/private/modules/procedure/{Proc1}/", status: 403, wantBody: forbidden},
		{name: "outsider does not see it", user: outsider, method: "DELETE", path: "/api/private/modules/behavior/{Beh1}/", status: 404},
		{name: "moving to a session the changer may not change", user: changer, method: "PATCH", path: "/api/private/modules/behavior/{Beh1}/",
			body: map[string]any{"session": "{Pub1}"}, status: 400},
		{name: "changer creates", user: changer, method: "POST", path: "/api/private/modules/behavior/", body: behavior, status: 201},

		// deletes
		{name: "a listed procedure is not deleted", user: changer, method: "DELETE", path: "/api/private/modules/procedure/{Proc1}/", status: 400,
			wantBody: `{"detail": "This procedure is still referenced by: data acquisition {DA1}, manipulation {Man1}."}`},
		{name: "delete a data acquisition", user: changer, method: "DELETE", path: "/api/private/modules/dataacquisition/{DA1}/", status: 204},
		{name: "delete a manipulation", user: changer, method: "DELETE", path: "/api/private/modules/manipulation/{Man1}/", status: 204},
		{name: "then the procedure", user: changer, method: "DELETE", path: "/api/private/modules/procedure/{Proc1}/", status: 204},
		{name: "deleting the session deletes its behaviors", user: owner, method: "DELETE", path: "/api/private/stem/session/{S1}/", status: 204},
		{name: "the behaviors are gone", user: owner, method: "GET", path: "/api/private/modules/behavior/", status: 200,
			check: listIDs(f, "behaviors", "PubBeh")},
		{name: "a procedure on Rat1", user: changer, method: "POST", path: "/api/private/modules/procedure/",
			body: map[string]any{"type": "Craniotomy", "subject": "{Rat1}", "coordinates_system": "External_XYZ_Absolute"}, status: 201},
		{name: "deleting the subject deletes its procedures", user: owner, method: "DELETE", path: "/api/private/stem/subject/{Rat1}/", status: 204},
		{name: "the procedures are gone", user: owner, method: "GET", path: "/api/private/modules/procedure/?filter{type}=Craniotomy", status: 200,
			check: listIDs(f, "procedures")},
	})
}

// listIDs checks the ids of a list's records (as fixture names), in order, and its count.
func listIDs(f *fixture, key string, want ...string) func(t *testing.T, b map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		got := ids(b[key])
		var wantIDs []string
		for _, w := range want {
			wantIDs = append(wantIDs, f.id[w])
		}
		if len(got) != len(wantIDs) || int(b["count"].(float64)) != len(want) {
			t.Fatalf("%s: %v (count %v), want %v", key, got, b["count"], wantIDs)
		}
		for i := range got {
			if got[i] != wantIDs[i] {
				t.Fatalf("%s: %v, want %v", key, got, wantIDs)
			}
		}
	}
}

// hasField checks that a 400 names field.
func hasField(field string) func(t *testing.T, b map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		if _, ok := b[field]; !ok {
			t.Errorf("no %s in %v", field, b)
		}
	}
}

// A session lists its behaviors, data acquisitions and manipulations by
// order, then by creation; a module lists its procedures by id.
func TestSessionModulesInOrder(t *testing.T) {
	t.Parallel()
	f := newModulesFixture(t) // S1: Beh1 (order 1), DA1 (order 2), Man1 (order 0)
	behavior := func(order int) string {
		return f.create(changer, "/api/private/modules/behavior/", "behavior", map[string]any{
			"session": f.id["S1"], "subjects": []string{f.id["Rat1"]}, "setup": f.id["OpenBox"], "behavioralassay": f.id["PubAssay"], "order": order})
	}
	f.id["B5"] = behavior(5)
	f.id["B0a"] = behavior(0)
	f.id["B0b"] = behavior(0)
	f.id["ProcB"] = f.create(changer, "/api/private/modules/procedure/", "procedure", map[string]any{
		"type": "SiliconProbeImplant", "subject": f.id["Rat1"], "coordinates_system": "Stereotaxic_BregmaBrainSurface"})
	f.id["DA0"] = f.create(changer, "/api/private/modules/dataacquisition/", "data_acquisition", map[string]any{
		"type": "ExtracellularEphys", "session": f.id["S1"], "procedures": []string{f.id["ProcB"], f.id["Proc1"]},
		"details": ephysDetails})
	f.id["M3"] = f.create(changer, "/api/private/modules/manipulation/", "manipulation", map[string]any{
		"type": "OptogeneticStimulation", "session": f.id["S1"], "procedures": []string{f.id["Proc1"]}, "order": 3})
	f.id["M0"] = f.create(changer, "/api/private/modules/manipulation/", "manipulation", map[string]any{
		"type": "OptogeneticStimulation", "session": f.id["S1"], "procedures": []string{f.id["Proc1"]}})

	names := func(list any) []string {
		var out []string
		for _, id := range ids(list) {
			for n, v := range f.id {
				if v == id {
					out = append(out, n)
				}
			}
		}
		return out
	}
	s := f.must(owner, "GET", "/api/private/stem/session/"+f.id["S1"]+"/", nil, 200)["session"].(map[string]any)
	for field, want := range map[string][]string{
		"behaviors":       {"B0a", "B0b", "Beh1", "B5"},
		"dataacquisition": {"DA0", "DA1"},
		"manipulations":   {"Man1", "M0", "M3"},
	} {
		if got := names(s[field]); !slices.Equal(got, want) {
			t.Errorf("session.%s = %v, want %v", field, got, want)
		}
	}
	da := f.must(owner, "GET", "/api/private/modules/dataacquisition/"+f.id["DA0"]+"/", nil, 200)["data_acquisition"].(map[string]any)
	want := []string{f.id["ProcB"], f.id["Proc1"]}
	slices.Sort(want)
	if got := ids(da["procedures"]); !slices.Equal(got, want) {
		t.Errorf("data_acquisition.procedures = %v, want %v (by id)", got, want)
	}
}
