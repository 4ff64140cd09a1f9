package brainstem_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
)

// addLogs gives the modules fixture (addModules) subject logs W1 (Weighing)
// and H1 (Housing, interval entries) on Rat1 (Lab) written by the changer,
// PubW (Wellness) on PubMouse (Open) by the owner, and procedure logs PL1
// (LinearDisplacement) on Proc1 (Lab) and PubPL (Tetrodes4) on PubProc (Open).
func addLogs(f *fixture) {
	f.id["W1"] = f.create(changer, "/api/private/modules/subjectlog/", "subject_log", map[string]any{
		"type": "Weighing", "subject": f.id["Rat1"], "description": "daily weight"})
	f.id["H1"] = f.create(changer, "/api/private/modules/subjectlog/", "subject_log", map[string]any{
		"type": "Housing", "subject": f.id["Rat1"]})
	f.id["PubW"] = f.create(owner, "/api/private/modules/subjectlog/", "subject_log", map[string]any{
		"type": "Wellness", "subject": f.id["PubMouse"]})
	f.id["PL1"] = f.create(changer, "/api/private/modules/procedurelog/", "procedure_log", map[string]any{
		"type": "LinearDisplacement", "procedure": f.id["Proc1"]})
	f.id["PubPL"] = f.create(owner, "/api/private/modules/procedurelog/", "procedure_log", map[string]any{
		"type": "Tetrodes4", "procedure": f.id["PubProc"]})
	w1 := f.must(changer, "GET", "/api/private/modules/subjectlog/"+f.id["W1"]+"/", nil, http.StatusOK)
	f.id["ChangerUser"] = fmt.Sprint(w1["subject_log"].(map[string]any)["user"])
}

func newLogsFixture(t *testing.T) *fixture {
	t.Helper()
	f := newModulesFixture(t)
	addLogs(f)
	return f
}

// grams is a Weighing entry's details.
func grams(v float64) map[string]any {
	return map[string]any{"weight": map[string]any{"value": v, "unit": "g"}}
}

// entries checks the entries of the log in a detail body: their times
// (date_time or start_date_time), in order, and the notes of the first.
func entries(key string, firstNotes any, times ...string) func(t *testing.T, b map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		es := b[key].(map[string]any)["entries"].([]any)
		var got []string
		for _, e := range es {
			m := e.(map[string]any)
			at, _ := m["date_time"].(string)
			if s, ok := m["start_date_time"].(string); ok {
				at = s
			}
			got = append(got, at)
		}
		if !slices.Equal(got, times) {
			t.Fatalf("entries %v, want %v", got, times)
		}
		if len(es) > 0 && es[0].(map[string]any)["notes"] != firstNotes {
			t.Errorf("first entry's notes %v, want %v", es[0].(map[string]any)["notes"], firstNotes)
		}
	}
}

func TestLogScenarios(t *testing.T) {
	t.Parallel()
	f := newLogsFixture(t)
	forbidden := `{"detail": "You do not have permission to perform this action."}`
	notFound := `{"detail": "Not found."}`
	w1 := "/api/private/modules/subjectlog/{W1}/"
	h1 := "/api/private/modules/subjectlog/{H1}/"
	pl1 := "/api/private/modules/procedurelog/{PL1}/"
	f.run(t, []scenario{
		// reading
		{name: "procedure log detail", user: reader, method: "GET", path: pl1, status: 200,
			wantBody: `{"procedure_log": {"id": "{PL1}", "type": "LinearDisplacement", "description": null, "procedure": "{Proc1}", "entries": []}}`},
		{name: "subject log detail", user: reader, method: "GET", path: w1, status: 200,
			check: func(t *testing.T, b map[string]any) {
				l := b["subject_log"].(map[string]any)
				keys := make([]string, 0, len(l))
				for k := range l {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				if l["type"] != "Weighing" || l["description"] != "daily weight" || l["subject"] != f.id["Rat1"] ||
					len(l["entries"].([]any)) != 0 || !slices.Equal(keys, []string{"description", "entries", "id", "subject", "type", "user"}) {
					t.Errorf("log %v", l)
				}
				if _, ok := l["user"].(float64); !ok {
					t.Errorf("user %v", l["user"])
				}
			}},
		{name: "subject logs as the owner", user: owner, method: "GET", path: "/api/private/modules/subjectlog/", status: 200,
			check: listIDs(f, "subject_logs", "W1", "H1", "PubW")},
		{name: "subject logs as an outsider", user: outsider, method: "GET", path: "/api/private/modules/subjectlog/", status: 200,
			check: listIDs(f, "subject_logs")},
		{name: "procedure logs as the reader", user: reader, method: "GET", path: "/api/private/modules/procedurelog/", status: 200,
			check: listIDs(f, "procedure_logs", "PL1")},
		{name: "public subject logs", user: anon, method: "GET", path: "/api/public/modules/subjectlog/", status: 200,
			check: listIDs(f, "subject_logs", "PubW")},
		{name: "public procedure logs", user: anon, method: "GET", path: "/api/public/modules/procedurelog/", status: 200,
			check: listIDs(f, "procedure_logs", "PubPL")},
		{name: "private log on the public portal", user: owner, method: "GET", path: "/api/public/modules/subjectlog/{W1}/", status: 404},
		{name: "hidden log", user: outsider, method: "GET", path: pl1, status: 404, wantBody: notFound},
		{name: "private list needs a token", user: anon, method: "GET", path: "/api/private/modules/subjectlog/", status: 401},
		{name: "the creator is the log's user", user: owner, method: "GET", path: "/api/private/modules/subjectlog/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				ls := b["subject_logs"].([]any)
				u := func(i int) any { return ls[i].(map[string]any)["user"] }
				if u(0) != u(1) || u(0) == u(2) || u(2) == nil {
					t.Errorf("users %v %v %v", u(0), u(1), u(2))
				}
			}},

		// filters and include, as the official client's loaders send them
		{name: "filter on subject", user: owner, method: "GET", path: "/api/private/modules/subjectlog/?filter{subject}={Rat1}", status: 200,
			check: listIDs(f, "subject_logs", "W1", "H1")},
		{name: "filter on subject.id", user: owner, method: "GET", path: "/api/private/modules/subjectlog/?filter{subject.id}={PubMouse}", status: 200,
			check: listIDs(f, "subject_logs", "PubW")},
		{name: "filter on type", user: owner, method: "GET", path: "/api/private/modules/subjectlog/?filter{type}=Housing", status: 200,
			check: listIDs(f, "subject_logs", "H1")},
		{name: "filter on procedure.id", user: owner, method: "GET", path: "/api/private/modules/procedurelog/?filter{procedure.id}={Proc1}", status: 200,
			check: listIDs(f, "procedure_logs", "PL1")},
		{name: "filter across the procedure", user: owner, method: "GET", path: "/api/private/modules/procedurelog/?filter{procedure.subject}={PubMouse}", status: 200,
			check: listIDs(f, "procedure_logs", "PubPL")},
		{name: "filter on a hidden subject finds nothing", user: outsider, method: "GET", path: "/api/private/modules/subjectlog/?filter{subject}={Rat1}", status: 200,
			check: listIDs(f, "subject_logs")},
		{name: "tags are not a log field", user: owner, method: "GET", path: "/api/private/modules/subjectlog/?filter{tags}=x", status: 400},
		{name: "subjects by their logs' type", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{subjectlogs.type}=Wellness", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "subject lists its logs", user: reader, method: "GET", path: "/api/private/stem/subject/{Rat1}/?include[]=subjectlogs.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				ls := b["subject"].(map[string]any)["subjectlogs"].([]any)
				if len(ls) != 2 || ls[0].(map[string]any)["type"] != "Weighing" || ls[1].(map[string]any)["type"] != "Housing" {
					t.Errorf("subjectlogs %v", ls)
				}
			}},
		{name: "public subject lists its logs", user: anon, method: "GET", path: "/api/public/stem/subject/{PubMouse}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := ids(b["subject"].(map[string]any)["subjectlogs"]); len(got) != 1 || got[0] != f.id["PubW"] {
					t.Errorf("subjectlogs %v", got)
				}
			}},
		{name: "log embeds its procedure", user: anon, method: "GET", path: "/api/public/modules/procedurelog/{PubPL}/?include[]=procedure.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if p := b["procedure_log"].(map[string]any)["procedure"].(map[string]any); p["type"] != "SiliconProbeImplant" {
					t.Errorf("procedure %v", p)
				}
			}},

		// create: validation and permissions
		{name: "unknown type", user: changer, method: "POST", path: "/api/private/modules/subjectlog/",
			body: map[string]any{"type": "Weight", "subject": "{Rat1}"}, status: 400,
			wantBody: `{"type": ["\"Weight\" is not a valid choice. Valid choices: FoodConsumption, FoodDeprivation, GenericObservation, Genotyping, Habituation, Handling, HargreavesTest, Housing, TrainingSession, VonFreyTest, WaterConsumption, WaterDeprivation, Weighing, Wellness."]}`},
		{name: "a subject log type on a procedure log", user: changer, method: "POST", path: "/api/private/modules/procedurelog/",
			body: map[string]any{"type": "Weighing", "procedure": "{Proc1}"}, status: 400, check: hasField("type")},
		{name: "no subject", user: changer, method: "POST", path: "/api/private/modules/subjectlog/",
			body: map[string]any{"type": "Weighing"}, status: 400},
		{name: "no procedure", user: changer, method: "POST", path: "/api/private/modules/procedurelog/",
			body: map[string]any{"type": "Impedances"}, status: 400},
		{name: "hidden subject", user: changer, method: "POST", path: "/api/private/modules/subjectlog/",
			body: map[string]any{"type": "Weighing", "subject": "{PubMouse}"}, status: 400,
			wantBody: `{"subject": ["Invalid pk \"{PubMouse}\" - object does not exist."]}`},
		{name: "hidden procedure", user: outsider, method: "POST", path: "/api/private/modules/procedurelog/",
			body: map[string]any{"type": "Impedances", "procedure": "{Proc1}"}, status: 400,
			wantBody: `{"procedure": ["Invalid pk \"{Proc1}\" - object does not exist."]}`},
		{name: "description too long", user: changer, method: "POST", path: "/api/private/modules/subjectlog/",
			body: map[string]any{"type": "Weighing", "subject": "{Rat1}", "description": string(make([]byte, 501))}, status: 400},
		{name: "reader may not create", user: reader, method: "POST", path: "/api/private/modules/subjectlog/",
			body: map[string]any{"type": "Weighing", "subject": "{Rat1}"}, status: 403, wantBody: forbidden},
		{name: "reader may not create a procedure log", user: reader, method: "POST", path: "/api/private/modules/procedurelog/",
			body: map[string]any{"type": "Impedances", "procedure": "{Proc1}"}, status: 403, wantBody: forbidden},
		{name: "public portal refuses writes", user: owner, method: "POST", path: "/api/public/modules/subjectlog/",
			body: map[string]any{"type": "Weighing", "subject": "{PubMouse}"}, status: 403, wantBody: forbidden},

		// change: the type stays
		{name: "patch description; a type is ignored", user: changer, method: "PATCH", path: w1,
			body: map[string]any{"description": "weekly", "type": "Wellness"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if l := b["subject_log"].(map[string]any); l["type"] != "Weighing" || l["description"] != "weekly" {
					t.Errorf("log %v", l)
				}
			}},
		{name: "reader may not change", user: reader, method: "PATCH", path: w1, body: map[string]any{"description": "x"}, status: 403, wantBody: forbidden},
		{name: "outsider does not see it", user: outsider, method: "PATCH", path: w1, body: map[string]any{"description": "x"}, status: 404},
		{name: "moving to a subject the changer may not see", user: changer, method: "PATCH", path: w1,
			body: map[string]any{"subject": "{PubMouse}"}, status: 400},
		{name: "moving to a subject the owner may change", user: owner, method: "PATCH", path: "/api/private/modules/subjectlog/{PubW}/",
			body: map[string]any{"subject": "{Rat1}"}, status: 200},
		{name: "and back", user: owner, method: "PATCH", path: "/api/private/modules/subjectlog/{PubW}/",
			body: map[string]any{"subject": "{PubMouse}"}, status: 200},

		// entries of an instantaneous log
		{name: "add_entry/", user: changer, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "2024-08-01T09:00:00Z", "notes": "before surgery", "details": grams(385)}, status: 200,
			wantBody: `{"subject_log": {"id": "{W1}", "type": "Weighing", "description": "weekly", "subject": "{Rat1}", "user": {ChangerUser},
				"entries": [{"date_time": "2024-08-01T09:00:00Z", "notes": "before surgery", "details": {"weight": {"unit": "g", "value": 385}}}]}}`},
		{name: "add_entry without the slash (the official client)", user: changer, method: "PATCH", path: w1 + "add_entry",
			body: map[string]any{"date_time": "2024-08-02T09:00:00+02:00", "details": grams(380)}, status: 200,
			check: entries("subject_log", nil, "2024-08-02T07:00:00Z", "2024-08-01T09:00:00Z")},
		{name: "an older entry goes last", user: changer, method: "PATCH", path: w1 + "add_entry",
			body: map[string]any{"date_time": "2024-07-01T09:00:00Z", "notes": nil, "details": grams(300)}, status: 200,
			check: entries("subject_log", nil, "2024-08-02T07:00:00Z", "2024-08-01T09:00:00Z", "2024-07-01T09:00:00Z")},
		{name: "a time taken", user: changer, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "2024-08-01T09:00:00Z", "details": grams(1)}, status: 400,
			wantBody: `{"date_time": ["An entry with this date_time already exists."]}`},
		{name: "no time", user: changer, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"details": grams(1)}, status: 400, wantBody: `{"date_time": ["This field is required."]}`},
		{name: "a bad time", user: changer, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "yesterday", "details": grams(1)}, status: 400},
		{name: "flat weight (the docs' example)", user: changer, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "2024-09-01T09:00:00Z", "details": map[string]any{"weight": 1254.0}}, status: 400,
			wantBody: `{"details": ["weight: 1254 is not of type 'object'"]}`},
		{name: "no details: the required weight is missing", user: changer, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "2024-09-01T09:00:00Z"}, status: 400, check: hasField("details")},
		{name: "notes too long", user: changer, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "2024-09-01T09:00:00Z", "details": grams(1), "notes": string(make([]byte, 501))}, status: 400},
		{name: "change_entry without the slash", user: changer, method: "PATCH", path: w1 + "change_entry",
			body: map[string]any{"date_time": "2024-08-01T09:00:00Z", "notes": "new text"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				e := b["subject_log"].(map[string]any)["entries"].([]any)[1].(map[string]any)
				if e["notes"] != "new text" || e["details"].(map[string]any)["weight"].(map[string]any)["value"] != 385.0 {
					t.Errorf("entry %v", e)
				}
			}},
		{name: "change_entry/ details", user: changer, method: "PATCH", path: w1 + "change_entry/",
			body: map[string]any{"date_time": "2024-08-01T09:00:00Z", "details": grams(390)}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				e := b["subject_log"].(map[string]any)["entries"].([]any)[1].(map[string]any)
				if e["notes"] != "new text" || e["details"].(map[string]any)["weight"].(map[string]any)["value"] != 390.0 {
					t.Errorf("entry %v", e)
				}
			}},
		{name: "change_entry with invalid details", user: changer, method: "PATCH", path: w1 + "change_entry/",
			body:   map[string]any{"date_time": "2024-08-01T09:00:00Z", "details": map[string]any{"weight": map[string]any{"value": 1, "unit": "lb"}}},
			status: 400, check: hasField("details")},
		{name: "change_entry of no entry", user: changer, method: "PATCH", path: w1 + "change_entry/",
			body: map[string]any{"date_time": "2020-01-01T00:00:00Z", "notes": "x"}, status: 400,
			wantBody: `{"date_time": ["No entry with this date_time."]}`},
		{name: "remove_entry/", user: changer, method: "PATCH", path: w1 + "remove_entry/",
			body: map[string]any{"date_time": "2024-08-02T07:00:00Z"}, status: 200,
			check: entries("subject_log", "new text", "2024-08-01T09:00:00Z", "2024-07-01T09:00:00Z")},
		{name: "remove_entry without the slash", user: changer, method: "PATCH", path: w1 + "remove_entry",
			body: map[string]any{"date_time": "2024-07-01T09:00:00Z"}, status: 200,
			check: entries("subject_log", "new text", "2024-08-01T09:00:00Z")},
		{name: "remove_entry of no entry", user: changer, method: "PATCH", path: w1 + "remove_entry",
			body: map[string]any{"date_time": "2024-07-01T09:00:00Z"}, status: 400, wantBody: `{"date_time": ["No entry with this date_time."]}`},
		{name: "remove_entry without a time", user: changer, method: "PATCH", path: w1 + "remove_entry",
			body: map[string]any{}, status: 400, wantBody: `{"date_time": ["This field is required."]}`},

		// entry permissions
		{name: "reader may not add", user: reader, method: "PATCH", path: w1 + "add_entry",
			body: map[string]any{"date_time": "2024-09-01T09:00:00Z", "details": grams(1)}, status: 403, wantBody: forbidden},
		{name: "reader gets 403 before a bad entry's 400", user: reader, method: "PATCH", path: w1 + "change_entry",
			body: map[string]any{"date_time": "2020-01-01T00:00:00Z"}, status: 403, wantBody: forbidden},
		{name: "outsider may not add", user: outsider, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "2024-09-01T09:00:00Z", "details": grams(1)}, status: 404, wantBody: notFound},
		{name: "anonymous may not add", user: anon, method: "PATCH", path: w1 + "add_entry/",
			body: map[string]any{"date_time": "2024-09-01T09:00:00Z", "details": grams(1)}, status: 401},
		{name: "a missing log", user: changer, method: "PATCH", path: "/api/private/modules/subjectlog/00000000-0000-4000-8000-000000000000/add_entry",
			body: map[string]any{"date_time": "2024-09-01T09:00:00Z", "details": grams(1)}, status: 404},
		{name: "reader sees the entries", user: reader, method: "GET", path: w1, status: 200, check: entries("subject_log", "new text", "2024-08-01T09:00:00Z")},

		// entries of an interval log (Housing)
		{name: "interval: start only (the tutorial)", user: changer, method: "PATCH", path: h1 + "add_entry",
			body: map[string]any{"start_date_time": "2024-08-01T08:00:00Z", "notes": "new cage",
				"details": map[string]any{"location": "Room 1", "cageId": "C-7"}}, status: 200,
			wantBody: `{"subject_log": {"id": "{H1}", "type": "Housing", "description": null, "subject": "{Rat1}", "user": {ChangerUser},
				"entries": [{"start_date_time": "2024-08-01T08:00:00Z", "end_date_time": null, "notes": "new cage", "details": {"cageId": "C-7", "location": "Room 1"}}]}}`},
		{name: "interval: date_time is not its time", user: changer, method: "PATCH", path: h1 + "add_entry",
			body: map[string]any{"date_time": "2024-09-01T08:00:00Z"}, status: 400, wantBody: `{"start_date_time": ["This field is required."]}`},
		{name: "interval: end before start", user: changer, method: "PATCH", path: h1 + "add_entry",
			body: map[string]any{"start_date_time": "2024-09-01T08:00:00Z", "end_date_time": "2024-08-01T08:00:00Z"}, status: 400,
			wantBody: `{"end_date_time": ["end_date_time must not be before start_date_time."]}`},
		{name: "interval: close it", user: changer, method: "PATCH", path: h1 + "change_entry/",
			body: map[string]any{"start_date_time": "2024-08-01T08:00:00Z", "end_date_time": "2024-12-31T18:00:00Z"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				e := b["subject_log"].(map[string]any)["entries"].([]any)[0].(map[string]any)
				if e["end_date_time"] != "2024-12-31T18:00:00Z" || e["notes"] != "new cage" {
					t.Errorf("entry %v", e)
				}
			}},
		{name: "interval: invalid details", user: changer, method: "PATCH", path: h1 + "add_entry",
			body: map[string]any{"start_date_time": "2025-01-01T08:00:00Z", "details": map[string]any{"cageId": 7}}, status: 400,
			wantBody: `{"details": ["cageId: 7 is not of type 'string'"]}`},
		{name: "interval: remove by start", user: changer, method: "PATCH", path: h1 + "remove_entry",
			body: map[string]any{"start_date_time": "2024-08-01T08:00:00Z"}, status: 200, check: entries("subject_log", nil)},

		// procedure log entries
		{name: "procedure log add_entry", user: changer, method: "PATCH", path: pl1 + "add_entry",
			body: map[string]any{"date_time": "2023-04-05T13:45:00Z", "notes": nil,
				"details": map[string]any{"displacement": map[string]any{"value": 9, "unit": "µm"}}}, status: 200,
			wantBody: `{"procedure_log": {"id": "{PL1}", "type": "LinearDisplacement", "description": null, "procedure": "{Proc1}",
				"entries": [{"date_time": "2023-04-05T13:45:00Z", "notes": null, "details": {"displacement": {"unit": "µm", "value": 9}}}]}}`},
		{name: "procedure log: flat displacement (the docs' example)", user: changer, method: "PATCH", path: pl1 + "add_entry/",
			body: map[string]any{"date_time": "2023-04-06T13:45:00Z", "details": map[string]any{"displacement": 9.0}}, status: 400,
			wantBody: `{"details": ["displacement: 9 is not of type 'object'"]}`},
		{name: "procedure log change_entry", user: changer, method: "PATCH", path: pl1 + "change_entry",
			body: map[string]any{"date_time": "2023-04-05T13:45:00Z", "notes": "new text"}, status: 200,
			check: entries("procedure_log", "new text", "2023-04-05T13:45:00Z")},
		{name: "procedure log: reader may not remove", user: reader, method: "PATCH", path: pl1 + "remove_entry",
			body: map[string]any{"date_time": "2023-04-05T13:45:00Z"}, status: 403},
		{name: "procedure log remove_entry", user: changer, method: "PATCH", path: pl1 + "remove_entry/",
			body: map[string]any{"date_time": "2023-04-05T13:45:00Z"}, status: 200, check: entries("procedure_log", nil)},

		// deletes
		{name: "reader may not delete", user: reader, method: "DELETE", path: pl1, status: 403, wantBody: forbidden},
		{name: "outsider does not see it to delete", user: outsider, method: "DELETE", path: w1, status: 404},
		{name: "delete a procedure log", user: changer, method: "DELETE", path: pl1, status: 204},
		{name: "it is gone", user: changer, method: "GET", path: pl1, status: 404},
		{name: "a procedure with a log", user: changer, method: "POST", path: "/api/private/modules/procedure/",
			body: map[string]any{"type": "Craniotomy", "subject": "{Rat1}", "coordinates_system": "External_XYZ_Absolute"}, status: 201,
			check: func(t *testing.T, b map[string]any) {
				f.id["Proc2"] = b["procedure"].(map[string]any)["id"].(string)
				f.id["PL2"] = f.create(changer, "/api/private/modules/procedurelog/", "procedure_log", map[string]any{
					"type": "Impedances", "procedure": f.id["Proc2"]})
			}},
		{name: "deleting the procedure deletes its logs", user: changer, method: "DELETE", path: "/api/private/modules/procedure/{Proc2}/", status: 204},
		{name: "the procedure's log is gone", user: owner, method: "GET", path: "/api/private/modules/procedurelog/", status: 200,
			check: listIDs(f, "procedure_logs", "PubPL")},
		{name: "deleting the subject deletes its logs", user: owner, method: "DELETE", path: "/api/private/stem/subject/{Rat1}/", status: 204},
		{name: "the subject's logs are gone", user: owner, method: "GET", path: "/api/private/modules/subjectlog/", status: 200,
			check: listIDs(f, "subject_logs", "PubW")},
	})
}

// TestLogPermissionMatrix runs reads, changes, entry actions and deletes
// of a private and a public subject log as each kind of caller.
func TestLogPermissionMatrix(t *testing.T) {
	t.Parallel()
	f := newLogsFixture(t)
	// status per caller: private detail, public detail, PATCH, add_entry, delete
	type row struct {
		user                                 string
		privGet, pubGet, patch, entry, del   int
		pubPrivGet, pubPubGet, pubPatch, pub int
	}
	// W1 is on Rat1 (Lab, private); PubW on PubMouse (Open, public, the owner's only).
	rows := []row{
		{owner, 200, 404, 200, 200, 204, 200, 200, 200, 200},
		{changer, 200, 404, 200, 200, 204, 404, 200, 404, 404},
		{reader, 200, 404, 403, 403, 403, 404, 200, 404, 404},
		{outsider, 404, 404, 404, 404, 404, 404, 200, 404, 404},
		{anon, 401, 404, 401, 401, 401, 401, 200, 401, 401},
	}
	for i, r := range rows {
		w := f.create(changer, "/api/private/modules/subjectlog/", "subject_log", map[string]any{"type": "Wellness", "subject": f.id["Rat1"]})
		p := f.id["PubW"]
		at := fmt.Sprintf("2024-01-%02dT00:00:00Z", i+1)
		entry := map[string]any{"date_time": at, "details": map[string]any{"wellness": "ok"}}
		for _, c := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"GET", "/api/private/modules/subjectlog/" + w + "/", nil, r.privGet},
			{"GET", "/api/public/modules/subjectlog/" + w + "/", nil, r.pubGet},
			{"PATCH", "/api/private/modules/subjectlog/" + w + "/", map[string]any{"description": "x"}, r.patch},
			{"PATCH", "/api/private/modules/subjectlog/" + w + "/add_entry", entry, r.entry},
			{"GET", "/api/private/modules/subjectlog/" + p + "/", nil, r.pubPrivGet},
			{"GET", "/api/public/modules/subjectlog/" + p + "/", nil, r.pubPubGet},
			{"PATCH", "/api/private/modules/subjectlog/" + p + "/", map[string]any{"description": "y"}, r.pubPatch},
			{"PATCH", "/api/private/modules/subjectlog/" + p + "/add_entry/", entry, r.pub},
			{"DELETE", "/api/private/modules/subjectlog/" + w + "/", nil, r.del},
		} {
			if res := f.do(r.user, c.method, c.path, c.body); res.StatusCode != c.want {
				t.Errorf("%s %s %s: %d, want %d: %s", r.user, c.method, c.path, res.StatusCode, c.want, res.Body)
			}
		}
	}
}

// TestLogEntryDetailsPerType adds, for every published log type, the
// documentation's example details (valid) and the example with its first
// property of the wrong JSON type (a 400 on details).
func TestLogEntryDetailsPerType(t *testing.T) {
	t.Parallel()
	f := newLogsFixture(t)
	for _, model := range []string{"procedurelog", "subjectlog"} {
		dirs, err := os.ReadDir(filepath.Join("typeschema", "schemas", model))
		if err != nil {
			t.Fatal(err)
		}
		if len(dirs) == 0 {
			t.Fatalf("no %s schemas", model)
		}
		for i, d := range dirs {
			typ := d.Name()
			t.Run(model+"/"+typ, func(t *testing.T) {
				outer := f.t
				f.t = t
				defer func() { f.t = outer }()
				files, _ := filepath.Glob(filepath.Join("typeschema", "schemas", model, typ, "*.json"))
				raw, err := os.ReadFile(files[len(files)-1])
				if err != nil {
					t.Fatal(err)
				}
				var schema struct {
					Examples []map[string]any `json:"examples"`
				}
				if err := json.Unmarshal(raw, &schema); err != nil {
					t.Fatal(err)
				}
				valid := schema.Examples[0]
				if typ == "Impedances" { // the page's own example has none, against its minItems 1
					valid = map[string]any{"impedances": []any{1.5}}
				}
				keys := make([]string, 0, len(valid))
				for k := range valid {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				invalid := map[string]any{}
				for k, v := range valid {
					invalid[k] = v
				}
				invalid[keys[0]] = true // no published property is a boolean
				body := map[string]any{"type": typ}
				key, path := "subject_log", "/api/private/modules/subjectlog/"
				if model == "procedurelog" {
					key, path = "procedure_log", "/api/private/modules/procedurelog/"
					body["procedure"] = f.id["Proc1"]
				} else {
					body["subject"] = f.id["Rat1"]
				}
				id := f.create(changer, path, key, body)
				timeKey := "date_time"
				if slices.Contains([]string{"Housing", "FoodDeprivation", "WaterDeprivation", "Habituation", "Handling", "TrainingSession"}, typ) &&
					model == "subjectlog" {
					timeKey = "start_date_time"
				}
				at := fmt.Sprintf("2024-03-%02dT10:00:00Z", i+1)
				got := f.must(changer, "PATCH", path+id+"/add_entry", map[string]any{timeKey: at, "details": valid}, http.StatusOK)
				es := got[key].(map[string]any)["entries"].([]any)
				if len(es) != 1 || es[0].(map[string]any)[timeKey] != at {
					t.Fatalf("entries %v", es)
				}
				bad := f.do(changer, "PATCH", path+id+"/add_entry/", map[string]any{timeKey: "2025-01-01T00:00:00Z", "details": invalid})
				var errs map[string][]string
				if bad.StatusCode != http.StatusBadRequest || json.Unmarshal(bad.Body, &errs) != nil || len(errs["details"]) == 0 {
					t.Fatalf("invalid details %v: %d %s", invalid, bad.StatusCode, bad.Body)
				}
				if want := keys[0] + ": True is not of type "; len(errs["details"][0]) < len(want) || errs["details"][0][:len(want)] != want {
					t.Errorf("message %q, want it to start with %q", errs["details"][0], want)
				}
			})
		}
	}
}
