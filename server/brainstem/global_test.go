package brainstem_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
)

// The global tables (species, strain, supplier): read by everyone on both
// portals, written by staff users only.

const staff = "staff"

// newGlobalFixture is newFixture with a staff user and Rat (with an RRID),
// Mouse, the strains Wistar (Rat) and C57BL/6 (Mouse), and the supplier
// Charles River.
func newGlobalFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	f.tok[staff] = f.addUser("staff@lab.org")
	if err := f.env.Store.SetStaff(context.Background(), "staff@lab.org", true); err != nil {
		t.Fatal(err)
	}
	f.id["Rat"] = f.create(staff, "/api/private/taxonomies/species/", "species", map[string]any{
		"name": "Rat", "description": "Rattus norvegicus", "rrid": "RRID:NCBITaxon_10116",
		"external_identifiers": []any{map[string]any{"source": "NCBI Taxonomy", "id": "10116"}}})
	f.id["Mouse"] = f.create(staff, "/api/private/taxonomies/species/", "species", map[string]any{"name": "Mouse"})
	f.id["Wistar"] = f.create(staff, "/api/private/taxonomies/strain/", "strain", map[string]any{
		"name": "Wistar", "species": f.id["Rat"], "rrid": "RRID:RGD_13508588"})
	f.id["C57"] = f.create(staff, "/api/private/taxonomies/strain/", "strain", map[string]any{
		"name": "C57BL/6", "species": f.id["Mouse"], "description": "black 6"})
	f.id["CR"] = f.create(staff, "/api/private/resources/supplier/", "supplier", map[string]any{
		"name": "Charles River", "website": "https://www.criver.com/"})
	return f
}

const (
	ratJSON = `{"id": "{Rat}", "name": "Rat", "description": "Rattus norvegicus", "rrid": "RRID:NCBITaxon_10116",
		"rrid_url": "https://scicrunch.org/resolver/RRID:NCBITaxon_10116",
		"external_identifiers": [{"source": "NCBI Taxonomy", "id": "10116"}]}`
	mouseJSON  = `{"id": "{Mouse}", "name": "Mouse", "description": "", "rrid": null, "rrid_url": null, "external_identifiers": []}`
	wistarJSON = `{"id": "{Wistar}", "name": "Wistar", "description": "", "species": "{Rat}", "rrid": "RRID:RGD_13508588",
		"rrid_url": "https://scicrunch.org/resolver/RRID:RGD_13508588", "external_identifiers": []}`
	c57JSON = `{"id": "{C57}", "name": "C57BL/6", "description": "black 6", "species": "{Mouse}", "rrid": null,
		"rrid_url": null, "external_identifiers": []}`
	crJSON = `{"id": "{CR}", "name": "Charles River", "description": "", "website": "https://www.criver.com/"}`
)

// listNames checks the names of a list's records, in order, and its count.
func listNames(key string, want ...string) func(t *testing.T, b map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		got := names(b[key])
		if !slices.Equal(got, want) || int(b["count"].(float64)) != len(want) {
			t.Errorf("%s: %v (count %v), want %v", key, got, b["count"], want)
		}
	}
}

func TestGlobalTablesRead(t *testing.T) {
	t.Parallel()
	f := newGlobalFixture(t)
	var scenarios []scenario
	// Every reader sees every record on both portals.
	for _, portal := range []string{"private", "public"} {
		for _, u := range []string{owner, outsider, staff, anon} {
			if portal == "private" && u == anon {
				continue
			}
			p := "/api/" + portal
			scenarios = append(scenarios,
				scenario{name: portal + " species list as " + u, user: u, method: "GET", path: p + "/taxonomies/species/", status: 200,
					check: listNames("species", "Rat", "Mouse")},
				scenario{name: portal + " species detail as " + u, user: u, method: "GET", path: p + "/taxonomies/species/{Rat}/", status: 200,
					wantBody: `{"species": ` + ratJSON + `}`},
				scenario{name: portal + " strain list as " + u, user: u, method: "GET", path: p + "/taxonomies/strain/", status: 200,
					wantBody: `{"strains": [` + wistarJSON + `, ` + c57JSON + `], "count": 2, "next": null, "previous": null,
						"meta": {"page": 1, "per_page": 20, "total_pages": 1, "total_results": 2}}`},
				scenario{name: portal + " supplier detail as " + u, user: u, method: "GET", path: p + "/resources/supplier/{CR}/", status: 200,
					wantBody: `{"supplier": ` + crJSON + `}`},
			)
		}
	}
	scenarios = append(scenarios,
		scenario{name: "private list needs a token", user: anon, method: "GET", path: "/api/private/taxonomies/species/", status: 401,
			wantBody: `{"detail": "Authentication credentials were not provided."}`},
		scenario{name: "unknown id", user: owner, method: "GET", path: "/api/private/taxonomies/species/{S1}/", status: 404,
			wantBody: `{"detail": "Not found."}`},
		scenario{name: "mouse detail", user: anon, method: "GET", path: "/api/public/taxonomies/species/{Mouse}/", status: 200,
			wantBody: `{"species": ` + mouseJSON + `}`},

		// filters on each field kind
		scenario{name: "name icontains", user: owner, method: "GET", path: "/api/private/taxonomies/species/?filter{name.icontains}=AT", status: 200,
			check: listNames("species", "Rat")},
		scenario{name: "id in", user: owner, method: "GET", path: "/api/private/taxonomies/species/?filter{id.in}={Mouse}&filter{id.in}={Rat}", status: 200,
			check: listNames("species", "Rat", "Mouse")},
		scenario{name: "nullable rrid isnull", user: owner, method: "GET", path: "/api/private/taxonomies/species/?filter{rrid.isnull}=true", status: 200,
			check: listNames("species", "Mouse")},
		scenario{name: "excluding on a nullable text keeps nulls", user: owner, method: "GET", path: "/api/private/taxonomies/strain/?filter{-rrid.startswith}=RRID", status: 200,
			check: listNames("strains", "C57BL/6")},
		scenario{name: "to-one relation by id", user: anon, method: "GET", path: "/api/public/taxonomies/strain/?filter{species}={Rat}", status: 200,
			check: listNames("strains", "Wistar")},
		scenario{name: "through the relation", user: owner, method: "GET", path: "/api/private/taxonomies/strain/?filter{species.name}=Mouse", status: 200,
			check: listNames("strains", "C57BL/6")},
		scenario{name: "negated through the relation", user: owner, method: "GET", path: "/api/private/taxonomies/strain/?filter{-species.name}=Mouse", status: 200,
			check: listNames("strains", "Wistar")},
		scenario{name: "JSON or", user: owner, method: "GET",
			path: `/api/private/taxonomies/strain/?filter{}={"$or":[{"name":"Wistar"},{"description.icontains":"BLACK"}]}`, status: 200,
			check: listNames("strains", "Wistar", "C57BL/6")},
		scenario{name: "supplier website", user: owner, method: "GET", path: "/api/private/resources/supplier/?filter{website.icontains}=criver", status: 200,
			check: listNames("suppliers", "Charles River")},
		scenario{name: "unknown filter field", user: owner, method: "GET", path: "/api/private/taxonomies/species/?filter{strains}=x", status: 400,
			wantBody: `["Invalid filter field: strains"]`},
		scenario{name: "bad uuid", user: owner, method: "GET", path: "/api/private/taxonomies/strain/?filter{species}=nope", status: 400,
			wantBody: `["“nope” is not a valid UUID."]`},

		// sort, include, exclude, pagination
		scenario{name: "sort by name descending", user: owner, method: "GET", path: "/api/private/taxonomies/species/?sort[]=-name", status: 200,
			check: listNames("species", "Rat", "Mouse")},
		scenario{name: "sort by name", user: owner, method: "GET", path: "/api/private/taxonomies/strain/?sort[]=name", status: 200,
			check: listNames("strains", "C57BL/6", "Wistar")},
		scenario{name: "bad sort", user: owner, method: "GET", path: "/api/private/taxonomies/strain/?sort[]=website", status: 400,
			wantBody: `["Invalid filter field: ['website']"]`},
		scenario{name: "include species", user: anon, method: "GET", path: "/api/public/taxonomies/strain/{Wistar}/?include[]=species.*", status: 200,
			check: func(t *testing.T, b map[string]any) {
				sp := b["strain"].(map[string]any)["species"].(map[string]any)
				if sp["name"] != "Rat" || sp["rrid_url"] != "https://scicrunch.org/resolver/RRID:NCBITaxon_10116" {
					t.Errorf("embedded species %v", sp)
				}
			}},
		scenario{name: "include an unknown field", user: owner, method: "GET", path: "/api/private/taxonomies/strain/?include[]=subjects.*", status: 400,
			wantBody: `{"detail": "\"subjects\" is not a valid field name for \"strain\"."}`},
		scenario{name: "exclude", user: owner, method: "GET", path: "/api/private/resources/supplier/{CR}/?exclude[]=description&exclude[]=website", status: 200,
			wantBody: `{"supplier": {"id": "{CR}", "name": "Charles River"}}`},
		scenario{name: "page 2", user: owner, method: "GET", path: "/api/private/taxonomies/species/?limit=1&offset=1", status: 200,
			check: func(t *testing.T, b map[string]any) {
				if got := names(b["species"]); !slices.Equal(got, []string{"Mouse"}) || b["count"].(float64) != 2 || b["next"] != nil || b["previous"] == nil {
					t.Errorf("page 2: %v", b)
				}
			}},
	)
	f.run(t, scenarios)
}

func TestGlobalTablesWrite(t *testing.T) {
	t.Parallel()
	f := newGlobalFixture(t)
	forbidden := `{"detail": "You do not have permission to perform this action."}`
	var scenarios []scenario
	// Non-staff users get 403 on every write, even for an id that does not exist.
	for _, u := range []string{owner, changer, outsider} {
		for _, w := range []struct{ method, path string }{
			{"POST", "/api/private/taxonomies/species/"},
			{"PATCH", "/api/private/taxonomies/species/{Rat}/"},
			{"PUT", "/api/private/taxonomies/strain/{Wistar}/"},
			{"DELETE", "/api/private/resources/supplier/{CR}/"},
			{"PATCH", "/api/private/resources/supplier/{S1}/"},
		} {
			scenarios = append(scenarios, scenario{name: w.method + " " + w.path + " as " + u, user: u, method: w.method, path: w.path,
				body: map[string]any{"name": "X", "species": "{Rat}"}, status: 403, wantBody: forbidden})
		}
	}
	scenarios = append(scenarios,
		scenario{name: "public portal write", user: staff, method: "POST", path: "/api/public/taxonomies/species/",
			body: map[string]any{"name": "X"}, status: 403, wantBody: forbidden},
		scenario{name: "anonymous private write", user: anon, method: "POST", path: "/api/private/taxonomies/species/",
			body: map[string]any{"name": "X"}, status: 401},

		// staff: create, bad input, change, delete
		scenario{name: "create supplier (scheme added)", user: staff, method: "POST", path: "/api/private/resources/supplier/",
			body: map[string]any{"name": "MyNewSupplier", "website": "newsupplier.com"}, status: 201,
			check: func(t *testing.T, b map[string]any) {
				if s := b["supplier"].(map[string]any); s["website"] != "http://newsupplier.com" || s["description"] != "" {
					t.Errorf("supplier %v", s)
				}
			}},
		scenario{name: "duplicate name", user: staff, method: "POST", path: "/api/private/taxonomies/species/",
			body: map[string]any{"name": "Rat"}, status: 400, wantBody: `{"name": ["species with this name already exists."]}`},
		scenario{name: "duplicate strain name on change", user: staff, method: "PATCH", path: "/api/private/taxonomies/strain/{C57}/",
			body: map[string]any{"name": "Wistar"}, status: 400, wantBody: `{"name": ["strain with this name already exists."]}`},
		scenario{name: "name required", user: staff, method: "POST", path: "/api/private/taxonomies/species/",
			body: map[string]any{"description": "x"}, status: 400, wantBody: `{"name": ["This field is required."]}`},
		scenario{name: "species required", user: staff, method: "POST", path: "/api/private/taxonomies/strain/",
			body: map[string]any{"name": "Long-Evans"}, status: 400, wantBody: `{"species": ["This field is required."]}`},
		scenario{name: "species that does not exist", user: staff, method: "POST", path: "/api/private/taxonomies/strain/",
			body: map[string]any{"name": "Long-Evans", "species": "{S1}"}, status: 400,
			wantBody: `{"species": ["Invalid pk \"{S1}\" - object does not exist."]}`},
		scenario{name: "wrong type", user: staff, method: "POST", path: "/api/private/taxonomies/species/",
			body: map[string]any{"name": 5}, status: 400, wantBody: `{"name": ["Not a valid string."]}`},
		scenario{name: "name too long", user: staff, method: "POST", path: "/api/private/resources/supplier/",
			body: map[string]any{"name": string(make([]byte, 101))}, status: 400},
		scenario{name: "website too long after the scheme", user: staff, method: "POST", path: "/api/private/resources/supplier/",
			body: map[string]any{"name": "Long", "website": "a" + string(slices.Repeat([]byte("b"), 198))}, status: 400,
			wantBody: `{"website": ["Ensure this field has no more than 200 characters."]}`},
		scenario{name: "clear the rrid", user: staff, method: "PATCH", path: "/api/private/taxonomies/species/{Rat}/",
			body: map[string]any{"rrid": nil}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				s := b["species"].(map[string]any)
				if s["rrid"] != nil || s["rrid_url"] != nil || s["description"] != "Rattus norvegicus" {
					t.Errorf("species %v", s)
				}
			}},
		scenario{name: "move a strain", user: staff, method: "PATCH", path: "/api/private/taxonomies/strain/{C57}/",
			body: map[string]any{"species": "{Rat}"}, status: 200,
			check: func(t *testing.T, b map[string]any) {
				if s := b["strain"].(map[string]any); s["species"] != f.id["Rat"] || s["description"] != "black 6" {
					t.Errorf("strain %v", s)
				}
			}},
		scenario{name: "replace resets the omitted fields", user: staff, method: "PUT", path: "/api/private/taxonomies/strain/{C57}/",
			body: map[string]any{"name": "C57BL/6J", "species": "{Mouse}"}, status: 200,
			wantBody: `{"strain": {"id": "{C57}", "name": "C57BL/6J", "description": "", "species": "{Mouse}", "rrid": null, "rrid_url": null, "external_identifiers": []}}`},
		scenario{name: "a species with strains stays", user: staff, method: "DELETE", path: "/api/private/taxonomies/species/{Mouse}/",
			status: 400, wantBody: `{"detail": "This record cannot be deleted: other records refer to it."}`},
		scenario{name: "delete the strain", user: staff, method: "DELETE", path: "/api/private/taxonomies/strain/{C57}/", status: 204},
		scenario{name: "then the species", user: staff, method: "DELETE", path: "/api/private/taxonomies/species/{Mouse}/", status: 204},
		scenario{name: "gone", user: anon, method: "GET", path: "/api/public/taxonomies/species/{Mouse}/", status: 404},
		scenario{name: "delete unknown", user: staff, method: "DELETE", path: "/api/private/resources/supplier/{S1}/", status: 404},
		scenario{name: "list after the changes", user: outsider, method: "GET", path: "/api/private/taxonomies/strain/", status: 200,
			check: listNames("strains", "Wistar")},
	)
	f.run(t, scenarios)

	// Taking the flag away takes effect on the next request.
	if err := f.env.Store.SetStaff(context.Background(), "staff@lab.org", false); err != nil {
		t.Fatal(err)
	}
	f.must(staff, "PATCH", "/api/private/resources/supplier/"+f.id["CR"]+"/", map[string]any{"description": "x"}, http.StatusForbidden)
}
