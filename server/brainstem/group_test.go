package brainstem_test

import (
	"testing"
)

// TestCollectionAndCohortScenarios: collections (sessions) and cohorts
// (subjects) through their project, on both portals.
func TestCollectionAndCohortScenarios(t *testing.T) {
	t.Parallel()
	f := newSubjectFixture(t)
	f.id["Day1"] = f.create(changer, "/api/private/stem/collection/", "collection", map[string]any{
		"name": "Day 1", "project": f.id["Lab"], "sessions": []string{f.id["S1"]}, "tags": []string{"ca1"}})
	f.id["PubCol"] = f.create(owner, "/api/private/stem/collection/", "collection", map[string]any{
		"name": "Public sessions", "project": f.id["Open"], "sessions": []string{f.id["Pub1"]}})
	f.id["Males"] = f.create(changer, "/api/private/stem/cohort/", "cohort", map[string]any{
		"name": "Males", "project": f.id["Lab"], "subjects": []string{f.id["Rat1"]}, "description": "all males"})
	f.id["PubCoh"] = f.create(owner, "/api/private/stem/cohort/", "cohort", map[string]any{
		"name": "Public mice", "project": f.id["Open"], "subjects": []string{f.id["PubMouse"]}})
	forbidden := `{"detail": "You do not have permission to perform this action."}`
	f.run(t, []scenario{
		{name: "collection detail", user: reader, method: "GET", path: "/api/private/stem/collection/{Day1}/", status: 200,
			wantBody: `{"collection": {"id": "{Day1}", "name": "Day 1", "description": "", "project": "{Lab}", "sessions": ["{S1}"], "tags": ["ca1"]}}`},
		{name: "cohort detail", user: changer, method: "GET", path: "/api/private/stem/cohort/{Males}/", status: 200,
			wantBody: `{"cohort": {"id": "{Males}", "name": "Males", "description": "all males", "project": "{Lab}", "subjects": ["{Rat1}"], "tags": []}}`},
		{name: "collections as the owner", user: owner, method: "GET", path: "/api/private/stem/collection/", status: 200,
			check: listNames("collections", "Day 1", "Public sessions")},
		{name: "collections as an outsider", user: outsider, method: "GET", path: "/api/private/stem/collection/", status: 200,
			check: listNames("collections")},
		{name: "hidden cohort", user: outsider, method: "GET", path: "/api/private/stem/cohort/{Males}/", status: 404},
		{name: "public cohorts, anonymous", user: anon, method: "GET", path: "/api/public/stem/cohort/", status: 200,
			check: listNames("cohorts", "Public mice")},
		{name: "private collection on the public portal", user: anon, method: "GET", path: "/api/public/stem/collection/{Day1}/", status: 404},
		{name: "public portal refuses writes", user: owner, method: "PATCH", path: "/api/public/stem/cohort/{PubCoh}/",
			body: map[string]any{"name": "x"}, status: 403, wantBody: forbidden},

		// the project's collections and cohorts
		{name: "project lists them", user: reader, method: "GET", path: "/api/private/stem/project/{Lab}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				p := b["project"].(map[string]any)
				if c := ids(p["collections"]); len(c) != 1 || c[0] != f.id["Day1"] {
					t.Errorf("collections %v", c)
				}
				if c := ids(p["cohorts"]); len(c) != 1 || c[0] != f.id["Males"] {
					t.Errorf("cohorts %v", c)
				}
			}},
		{name: "project embeds them", user: anon, method: "GET",
			path: "/api/public/stem/project/?include[]=collections.*&include[]=cohorts.*&include[]=subjects.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				p := b["projects"].([]any)[0].(map[string]any)
				if names(p["collections"])[0] != "Public sessions" || names(p["cohorts"])[0] != "Public mice" || names(p["subjects"])[0] != "PubMouse" {
					t.Errorf("embedded %v", p)
				}
			}},
		{name: "projects by collection name", user: owner, method: "GET", path: "/api/private/stem/project/?filter{collections.name}=Day%201", status: 200,
			check: listNames("projects", "Lab")},

		// filters, include
		{name: "collections of a session", user: owner, method: "GET", path: "/api/private/stem/collection/?filter{sessions}={Pub1}", status: 200,
			check: listNames("collections", "Public sessions")},
		{name: "cohorts by subject sex", user: owner, method: "GET", path: "/api/private/stem/cohort/?filter{subjects.sex}=M", status: 200,
			check: listNames("cohorts", "Males")},
		{name: "cohorts by project", user: owner, method: "GET", path: "/api/private/stem/cohort/?filter{project.name}=Open", status: 200,
			check: listNames("cohorts", "Public mice")},
		{name: "empty collections", user: owner, method: "GET", path: "/api/private/stem/collection/?filter{sessions.isnull}=true", status: 200,
			check: listNames("collections")},
		{name: "sort", user: owner, method: "GET", path: "/api/private/stem/collection/?sort[]=name", status: 200,
			check: listNames("collections", "Day 1", "Public sessions")},
		{name: "include members and project", user: reader, method: "GET",
			path: "/api/private/stem/cohort/{Males}/?include[]=subjects.*&include[]=project.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				c := b["cohort"].(map[string]any)
				if names(c["subjects"])[0] != "Rat1" || c["project"].(map[string]any)["name"] != "Lab" {
					t.Errorf("embedded %v", c)
				}
			}},

		// writes
		{name: "reader cannot create", user: reader, method: "POST", path: "/api/private/stem/collection/",
			body: map[string]any{"name": "x", "project": "{Lab}"}, status: 403, wantBody: forbidden},
		{name: "changer cannot move it to Open", user: changer, method: "PATCH", path: "/api/private/stem/collection/{Day1}/",
			body: map[string]any{"project": "{Open}"}, status: 403, wantBody: forbidden},
		{name: "required", user: changer, method: "POST", path: "/api/private/stem/cohort/", body: map[string]any{},
			status: 400, wantBody: `{"name": ["This field is required."], "project": ["This field is required."]}`},
		{name: "invisible and missing members", user: changer, method: "POST", path: "/api/private/stem/cohort/",
			body: map[string]any{"name": "x", "project": "{Lab}", "subjects": []string{"{PubMouse}", "{S1}"}}, status: 400,
			wantBody: `{"subjects": ["Invalid pk \"{PubMouse}\" - object does not exist.", "Invalid pk \"{S1}\" - object does not exist."]}`},
		{name: "missing project", user: changer, method: "POST", path: "/api/private/stem/collection/",
			body: map[string]any{"name": "x", "project": "{S1}"}, status: 400,
			wantBody: `{"project": ["Invalid pk \"{S1}\" - object does not exist."]}`},
		{name: "patch the members", user: changer, method: "PATCH", path: "/api/private/stem/collection/{Day1}/",
			body: map[string]any{"sessions": []string{}, "description": "none left"}, status: 200,
			wantBody: `{"collection": {"id": "{Day1}", "name": "Day 1", "description": "none left", "project": "{Lab}", "sessions": [], "tags": ["ca1"]}}`},
		{name: "put resets", user: changer, method: "PUT", path: "/api/private/stem/cohort/{Males}/",
			body: map[string]any{"name": "Males 2", "project": "{Lab}"}, status: 200,
			wantBody: `{"cohort": {"id": "{Males}", "name": "Males 2", "description": "", "project": "{Lab}", "subjects": [], "tags": []}}`},
		{name: "reader cannot delete", user: reader, method: "DELETE", path: "/api/private/stem/cohort/{Males}/", status: 403},
		{name: "delete", user: changer, method: "DELETE", path: "/api/private/stem/cohort/{Males}/", status: 204},
		{name: "its subject stays", user: changer, method: "GET", path: "/api/private/stem/subject/{Rat1}/", status: 200},
		{name: "deleting a session leaves the collection", user: owner, method: "DELETE", path: "/api/private/stem/session/{Pub1}/", status: 204},
		{name: "without it", user: anon, method: "GET", path: "/api/public/stem/collection/{PubCol}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := ids(b["collection"].(map[string]any)["sessions"]); len(got) != 0 {
					t.Errorf("sessions %v", got)
				}
			}},
	})
}
