package brainstem_test

import (
	"testing"
)

// TestBreedingScenarios: breedings through their project; parents and
// offspring only as far as the caller may see them.
func TestBreedingScenarios(t *testing.T) {
	t.Parallel()
	f := newSubjectFixture(t)
	f.id["Rat2"] = f.create(changer, "/api/private/stem/subject/", "subject", map[string]any{
		"name": "Rat2", "projects": []string{f.id["Lab"]}, "strain": f.id["Wistar"], "sex": "F"})
	f.id["B1"] = f.create(changer, "/api/private/stem/breeding/", "breeding", map[string]any{
		"name": "Spring 2026", "project": f.id["Lab"], "mother": f.id["Rat2"], "father": f.id["Rat1"],
		"start_date": "2026-03-01", "litter_size": 9, "expected_genotype": "wt/wt", "tags": []string{"colony"}})
	// a public breeding whose father is in the private project only
	f.id["PubB"] = f.create(owner, "/api/private/stem/breeding/", "breeding", map[string]any{
		"name": "Public pair", "project": f.id["Open"], "mother": f.id["PubMouse"], "father": f.id["Rat1"]})
	forbidden := `{"detail": "You do not have permission to perform this action."}`
	f.run(t, []scenario{
		{name: "detail", user: reader, method: "GET", path: "/api/private/stem/breeding/{B1}/", status: 200,
			wantBody: `{"breeding": {"id": "{B1}", "name": "Spring 2026", "project": "{Lab}", "mother": "{Rat2}", "father": "{Rat1}",
				"description": "", "tags": ["colony"], "birth_date": null, "start_date": "2026-03-01", "end_date": null,
				"weaning_date": null, "litter_size": 9, "expected_genotype": "wt/wt"}}`},
		{name: "a hidden parent is null", user: anon, method: "GET", path: "/api/public/stem/breeding/{PubB}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				br := b["breeding"].(map[string]any)
				if br["father"] != nil || br["mother"] != f.id["PubMouse"] {
					t.Errorf("parents %v %v", br["mother"], br["father"])
				}
			}},
		{name: "nor found through a filter", user: anon, method: "GET", path: "/api/public/stem/breeding/?filter{father}={Rat1}", status: 200,
			check: listNames("breedings")},
		{name: "list as the owner", user: owner, method: "GET", path: "/api/private/stem/breeding/?sort[]=name", status: 200,
			check: listNames("breedings", "Public pair", "Spring 2026")},
		{name: "outsider", user: outsider, method: "GET", path: "/api/private/stem/breeding/", status: 200, check: listNames("breedings")},
		{name: "hidden", user: outsider, method: "GET", path: "/api/private/stem/breeding/{B1}/", status: 404},
		{name: "by litter size", user: owner, method: "GET", path: "/api/private/stem/breeding/?filter{litter_size.gte}=5", status: 200,
			check: listNames("breedings", "Spring 2026")},
		{name: "by litter size isnull", user: owner, method: "GET", path: "/api/private/stem/breeding/?filter{litter_size.isnull}=true", status: 200,
			check: listNames("breedings", "Public pair")},
		{name: "by mother's sex", user: owner, method: "GET", path: "/api/private/stem/breeding/?filter{mother.sex}=F", status: 200,
			check: listNames("breedings", "Spring 2026", "Public pair")},
		{name: "bad integer", user: owner, method: "GET", path: "/api/private/stem/breeding/?filter{litter_size}=many", status: 400,
			wantBody: `["Field 'litter_size' expected a number but got 'many'."]`},
		{name: "include parents", user: reader, method: "GET", path: "/api/private/stem/breeding/{B1}/?include[]=mother.*&include[]=father.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				br := b["breeding"].(map[string]any)
				if br["mother"].(map[string]any)["name"] != "Rat2" || br["father"].(map[string]any)["name"] != "Rat1" {
					t.Errorf("parents %v", br)
				}
			}},

		// offspring
		{name: "a subject of the breeding", user: changer, method: "PATCH", path: "/api/private/stem/subject/{Rat2}/",
			body: map[string]any{"breeding": "{B1}"}, status: 200},
		{name: "subjects of a breeding", user: reader, method: "GET", path: "/api/private/stem/subject/?filter{breeding.name}=Spring%202026&include[]=breeding.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				subs := b["subjects"].([]any)
				if len(subs) != 1 || subs[0].(map[string]any)["breeding"].(map[string]any)["litter_size"] != float64(9) {
					t.Errorf("subjects %v", subs)
				}
			}},
		{name: "a breeding the writer may not see", user: changer, method: "PATCH", path: "/api/private/stem/subject/{Rat2}/",
			body: map[string]any{"breeding": "{PubB}"}, status: 400, wantBody: `{"breeding": ["Invalid pk \"{PubB}\" - object does not exist."]}`},

		// writes
		{name: "reader cannot create", user: reader, method: "POST", path: "/api/private/stem/breeding/",
			body: map[string]any{"name": "x", "project": "{Lab}", "mother": "{Rat2}", "father": "{Rat1}"}, status: 403, wantBody: forbidden},
		{name: "required", user: changer, method: "POST", path: "/api/private/stem/breeding/", body: map[string]any{"name": "x"}, status: 400,
			wantBody: `{"project": ["This field is required."], "mother": ["This field is required."], "father": ["This field is required."]}`},
		{name: "a parent the writer may not see", user: changer, method: "POST", path: "/api/private/stem/breeding/",
			body: map[string]any{"name": "x", "project": "{Lab}", "mother": "{PubMouse}", "father": "{Rat1}", "litter_size": -1}, status: 400,
			wantBody: `{"litter_size": ["Ensure this value is greater than or equal to 0."]}`},
		{name: "a parent the writer may not see (valid body)", user: changer, method: "POST", path: "/api/private/stem/breeding/",
			body: map[string]any{"name": "x", "project": "{Lab}", "mother": "{PubMouse}", "father": "{Rat1}"}, status: 400,
			wantBody: `{"mother": ["Invalid pk \"{PubMouse}\" - object does not exist."]}`},
		{name: "patch", user: changer, method: "PATCH", path: "/api/private/stem/breeding/{B1}/",
			body: map[string]any{"litter_size": nil, "end_date": "2026-04-01"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				br := b["breeding"].(map[string]any)
				if br["litter_size"] != nil || br["end_date"] != "2026-04-01" || br["start_date"] != "2026-03-01" {
					t.Errorf("breeding %v", br)
				}
			}},
		{name: "a parent is not deleted", user: changer, method: "DELETE", path: "/api/private/stem/subject/{Rat1}/", status: 400,
			wantBody: `{"detail": "This record cannot be deleted: other records refer to it."}`},
		{name: "reader cannot delete", user: reader, method: "DELETE", path: "/api/private/stem/breeding/{B1}/", status: 403},
		{name: "delete", user: changer, method: "DELETE", path: "/api/private/stem/breeding/{B1}/", status: 204},
		{name: "the offspring lose it", user: changer, method: "GET", path: "/api/private/stem/subject/{Rat2}/", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if s := b["subject"].(map[string]any); s["breeding"] != nil {
					t.Errorf("breeding %v", s["breeding"])
				}
			}},
	})
}
