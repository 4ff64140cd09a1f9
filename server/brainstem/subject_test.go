package brainstem_test

import (
	"testing"
)

// newSubjectFixture is newGlobalFixture with the subject Rat1 in Lab
// (Wistar, from Charles River) and PubMouse in the public project Open.
func newSubjectFixture(t *testing.T) *fixture {
	t.Helper()
	f := newGlobalFixture(t)
	f.id["Rat1"] = f.create(changer, "/api/private/stem/subject/", "subject", map[string]any{
		"name": "Rat1", "projects": []string{f.id["Lab"]}, "strain": f.id["Wistar"], "sex": "M",
		"supplier": f.id["CR"], "birth_date": "2023-03-22", "tags": []string{"ca1"},
		"extra_fields": map[string]any{"weight_g": 310}, "genotype": "wt"})
	f.id["PubMouse"] = f.create(owner, "/api/private/stem/subject/", "subject", map[string]any{
		"name": "PubMouse", "projects": []string{f.id["Open"]}, "strain": f.id["C57"], "sex": "F",
		"status": "retired", "name_used_in_storage": "pub_mouse"})
	return f
}

const rat1JSON = `{"id": "{Rat1}", "name": "Rat1", "description": "", "projects": ["{Lab}"], "strain": "{Wistar}",
	"sex": "M", "genetic_line": "", "genotype": "wt", "subject_identifier": "", "licenses": [], "supplier": "{CR}",
	"breeding": null, "birth_date": "2023-03-22", "death_date": null, "status": "active",
	"extra_fields": {"weight_g": 310}, "procedures": [], "subjectlogs": [], "tags": ["ca1"],
	"links": {"projects": "projects/"}, "name_used_in_storage": null}`

func TestSubjectScenarios(t *testing.T) {
	t.Parallel()
	f := newSubjectFixture(t)
	forbidden := `{"detail": "You do not have permission to perform this action."}`
	notFound := `{"detail": "Not found."}`
	f.run(t, []scenario{
		// who sees what
		{name: "detail as a member", user: reader, method: "GET", path: "/api/private/stem/subject/{Rat1}/", status: 200,
			wantBody: `{"subject": ` + rat1JSON + `}`},
		{name: "list as the owner", user: owner, method: "GET", path: "/api/private/stem/subject/", status: 200,
			check: listNames("subjects", "Rat1", "PubMouse")},
		{name: "list as a member of Lab only", user: changer, method: "GET", path: "/api/private/stem/subject/", status: 200,
			check: listNames("subjects", "Rat1")},
		{name: "list as an outsider", user: outsider, method: "GET", path: "/api/private/stem/subject/", status: 200,
			check: listNames("subjects")},
		{name: "hidden detail", user: outsider, method: "GET", path: "/api/private/stem/subject/{Rat1}/", status: 404, wantBody: notFound},
		{name: "public list, anonymous", user: anon, method: "GET", path: "/api/public/stem/subject/", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "public list with a token", user: changer, method: "GET", path: "/api/public/stem/subject/", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "private subject on the public portal", user: owner, method: "GET", path: "/api/public/stem/subject/{Rat1}/", status: 404},
		{name: "private list needs a token", user: anon, method: "GET", path: "/api/private/stem/subject/", status: 401},
		{name: "public portal refuses writes", user: anon, method: "POST", path: "/api/public/stem/subject/",
			body: map[string]any{"name": "x"}, status: 403, wantBody: forbidden},

		// project's subjects
		{name: "project lists its subjects", user: reader, method: "GET", path: "/api/private/stem/project/{Lab}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				p := b["project"].(map[string]any)
				if got := ids(p["subjects"]); len(got) != 1 || got[0] != f.id["Rat1"] {
					t.Errorf("subjects %v", got)
				}
				if l := p["links"].(map[string]any); l["subjects"] != "subjects/" {
					t.Errorf("links %v", l)
				}
			}},
		{name: "project embeds its subjects", user: anon, method: "GET", path: "/api/public/stem/project/?include[]=subjects.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				p := b["projects"].([]any)[0].(map[string]any)
				if got := names(p["subjects"]); len(got) != 1 || got[0] != "PubMouse" {
					t.Errorf("embedded subjects %v", got)
				}
			}},
		{name: "projects by subject", user: owner, method: "GET", path: "/api/private/stem/project/?filter{subjects.name}=Rat1", status: 200,
			check: listNames("projects", "Lab")},

		// filters on each field kind, sort, include, pages
		{name: "text icontains", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{name.icontains}=mouse", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "choice", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{sex.in}=F&filter{sex.in}=U", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "date range", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{birth_date.gte}=2023-01-01", status: 200,
			check: listNames("subjects", "Rat1")},
		{name: "date year", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{birth_date.year}=2023", status: 200,
			check: listNames("subjects", "Rat1")},
		{name: "date equal, other year", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{birth_date}=2022-03-22", status: 200,
			check: listNames("subjects")},
		{name: "date not a date", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{birth_date}=22/03/2023", status: 400,
			wantBody: `["“22/03/2023” value has an invalid date format. It must be in YYYY-MM-DD format."]`},
		{name: "date that does not exist", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{birth_date.lt}=2023-02-30", status: 400,
			wantBody: `["“2023-02-30” value has the correct format (YYYY-MM-DD) but it is an invalid date."]`},
		{name: "nullable date isnull", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{birth_date.isnull}=true", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "tags", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{tags}=ca1", status: 200,
			check: listNames("subjects", "Rat1")},
		{name: "to-one through a relation", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{strain.species.name}=Mouse", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "nullable to-one isnull", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{supplier.isnull}=true", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "excluding on a nullable to-one keeps the rows without one", user: owner, method: "GET",
			path: "/api/private/stem/subject/?filter{-supplier.name}=Charles%20River", status: 200, check: listNames("subjects", "PubMouse")},
		{name: "to-many by id", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{projects}={Open}", status: 200,
			check: listNames("subjects", "PubMouse")},
		{name: "read-only empty relation", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{procedures.isnull}=false", status: 200,
			check: listNames("subjects")},
		{name: "unknown filter", user: owner, method: "GET", path: "/api/private/stem/subject/?filter{weight}=1", status: 400,
			wantBody: `["Invalid filter field: weight"]`},
		{name: "sort", user: owner, method: "GET", path: "/api/private/stem/subject/?sort[]=-sex", status: 200,
			check: listNames("subjects", "Rat1", "PubMouse")},
		{name: "include strain and supplier", user: reader, method: "GET",
			path: "/api/private/stem/subject/{Rat1}/?include[]=strain.*&include[]=supplier.*&include[]=projects.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := b["subject"].(map[string]any)
				if s["strain"].(map[string]any)["name"] != "Wistar" || s["supplier"].(map[string]any)["name"] != "Charles River" ||
					names(s["projects"])[0] != "Lab" {
					t.Errorf("embedded %v", s)
				}
			}},
		{name: "page", user: owner, method: "GET", path: "/api/private/stem/subject/?limit=1", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if len(b["subjects"].([]any)) != 1 || b["count"].(float64) != 2 || b["next"] == nil {
					t.Errorf("page %v", b)
				}
			}},

		// writes: permission through the projects
		{name: "reader cannot create", user: reader, method: "POST", path: "/api/private/stem/subject/",
			body: map[string]any{"name": "R2", "projects": []string{"{Lab}"}, "strain": "{Wistar}", "sex": "M"}, status: 403, wantBody: forbidden},
		{name: "outsider cannot patch", user: outsider, method: "PATCH", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"description": "x"}, status: 404, wantBody: notFound},
		{name: "reader cannot patch", user: reader, method: "PATCH", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"description": "x"}, status: 403, wantBody: forbidden},
		{name: "changer cannot move it into Open", user: changer, method: "PATCH", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"projects": []string{"{Lab}", "{Open}"}}, status: 403, wantBody: forbidden},
		{name: "reader cannot delete", user: reader, method: "DELETE", path: "/api/private/stem/subject/{Rat1}/", status: 403},

		// bad input, in DRF's words
		{name: "required fields", user: changer, method: "POST", path: "/api/private/stem/subject/", body: map[string]any{},
			status: 400, wantBody: `{"name": ["This field is required."], "projects": ["This field is required."],
				"strain": ["This field is required."], "sex": ["This field is required."]}`},
		{name: "bad choice, empty projects, bad date", user: changer, method: "POST", path: "/api/private/stem/subject/",
			body:   map[string]any{"name": "R2", "projects": []string{}, "strain": "{Wistar}", "sex": "X", "birth_date": "22/03/2023"},
			status: 400, wantBody: `{"projects": ["This list may not be empty."], "sex": ["\"X\" is not a valid choice."],
				"birth_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`},
		{name: "missing references", user: changer, method: "POST", path: "/api/private/stem/subject/",
			body:   map[string]any{"name": "Rat1", "projects": []string{"{S1}"}, "strain": "{Rat}", "sex": "M", "supplier": "{Disk}", "breeding": "{Lab}"},
			status: 400, wantBody: `{"name": ["subject with this name already exists."], "projects": ["Invalid pk \"{S1}\" - object does not exist."],
				"strain": ["Invalid pk \"{Rat}\" - object does not exist."], "supplier": ["Invalid pk \"{Disk}\" - object does not exist."],
				"breeding": ["Invalid pk \"{Lab}\" - object does not exist."]}`},
		{name: "licenses must exist", user: changer, method: "PATCH", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"licenses": []string{"{Lab}"}}, status: 400,
			wantBody: `{"licenses": ["Invalid pk \"{Lab}\" - object does not exist."]}`},
		{name: "bad extra_fields key", user: changer, method: "PATCH", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"extra_fields": map[string]any{"1x": 1}}, status: 400},
		{name: "wrong type", user: changer, method: "PATCH", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"genotype": 7}, status: 400, wantBody: `{"genotype": ["Not a valid string."]}`},

		// changes
		{name: "patch keeps the other fields", user: changer, method: "PATCH", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"death_date": "2024-01-02", "supplier": nil, "licenses": []string{}}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := b["subject"].(map[string]any)
				if s["death_date"] != "2024-01-02" || s["supplier"] != nil || s["genotype"] != "wt" || s["birth_date"] != "2023-03-22" {
					t.Errorf("subject %v", s)
				}
			}},
		{name: "put resets the omitted fields", user: changer, method: "PUT", path: "/api/private/stem/subject/{Rat1}/",
			body: map[string]any{"name": "Rat1", "projects": []string{"{Lab}"}, "strain": "{Wistar}", "sex": "U"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := b["subject"].(map[string]any)
				if s["sex"] != "U" || s["genotype"] != "" || s["birth_date"] != nil || s["status"] != "active" || len(s["tags"].([]any)) != 0 {
					t.Errorf("subject %v", s)
				}
			}},
		{name: "a strain in use stays", user: staff, method: "DELETE", path: "/api/private/taxonomies/strain/{Wistar}/", status: 400},
		{name: "changer deletes", user: changer, method: "DELETE", path: "/api/private/stem/subject/{Rat1}/", status: 204},
		{name: "gone", user: owner, method: "GET", path: "/api/private/stem/subject/{Rat1}/", status: 404},
		{name: "gone from the project", user: owner, method: "GET", path: "/api/private/stem/project/{Lab}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := ids(b["project"].(map[string]any)["subjects"]); len(got) != 0 {
					t.Errorf("subjects %v", got)
				}
			}},
	})
}
