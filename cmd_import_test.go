package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// send sends method path with a token and a JSON body; it returns the status and body.
func send(t *testing.T, addr, method, path, tok, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStaffAndImportCLI: `user add --staff` lets a user write the global
// tables through the API; `user set-staff --off` beside the running server
// takes it away at once; `import` seeds the tables beside the server
// (creating new names, changing existing ones, a strain's species by name)
// and imports nothing when one entry is bad.
func TestStaffAndImportCLI(t *testing.T) {
	t.Parallel()
	data, files := t.TempDir(), t.TempDir()
	noEnv := env(nil)
	if out, _, err := runCLI(t, noEnv, "user", "add", "--data", data, "--email", "curator@lab.org", "--staff"); err != nil || !strings.Contains(out, "staff user curator@lab.org") {
		t.Fatalf("user add --staff: %q %v", out, err)
	}
	if _, _, err := runCLI(t, noEnv, "user", "add", "--data", data, "--email", "member@lab.org"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := runCLI(t, noEnv, "token", "create", "--data", data, "--email", "curator@lab.org")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)
	member, _, err := runCLI(t, noEnv, "token", "create", "--data", data, "--email", "member@lab.org")
	if err != nil {
		t.Fatal(err)
	}
	member = strings.TrimSpace(member)

	addr := freeAddr(t)
	startServe(t, addr, noEnv, "--addr", addr, "--data", data)
	if code, body := send(t, addr, "POST", "/api/private/taxonomies/species/", tok, `{"name": "Rat"}`); code != 201 {
		t.Fatalf("staff POST: %d %s", code, body)
	}
	if code, body := send(t, addr, "POST", "/api/private/taxonomies/species/", member, `{"name": "Mouse"}`); code != 403 {
		t.Fatalf("member POST: %d %s", code, body)
	}

	// import beside the server
	species := writeFile(t, files, "species.json", `[
		{"name": "Rat", "description": "Rattus norvegicus", "rrid": "RRID:NCBITaxon_10116"},
		{"name": "Mouse", "description": "Mus musculus"}]`)
	out, err := cliProcess(t, "import", "--data", data, "--model", "species", "--file", species)
	if err != nil || out != "species: 1 created, 1 updated\n" {
		t.Fatalf("import species: %q %v", out, err)
	}
	strains := writeFile(t, files, "strains.json", `[{"name": "Wistar", "species": "Rat"}, {"name": "C57BL/6", "species": "Mouse"}]`)
	if out, err := cliProcess(t, "import", "--data", data, "--model", "strain", "--file", strains); err != nil || out != "strain: 2 created, 0 updated\n" {
		t.Fatalf("import strains: %q %v", out, err)
	}
	suppliers := writeFile(t, files, "suppliers.json", `[{"name": "Charles River", "website": "criver.com"}]`)
	if out, err := cliProcess(t, "import", "--data", data, "--model", "supplier", "--file", suppliers); err != nil || out != "supplier: 1 created, 0 updated\n" {
		t.Fatalf("import suppliers: %q %v", out, err)
	}
	code, body := get(t, addr, "/api/public/taxonomies/strain/?filter{species.name}=Rat&include[]=species.*", member)
	if code != 200 || !strings.Contains(body, `"name":"Wistar"`) || !strings.Contains(body, `"description":"Rattus norvegicus"`) || !strings.Contains(body, `"count":1`) {
		t.Errorf("strains of Rat: %d %s", code, body)
	}
	if code, body := get(t, addr, "/api/public/resources/supplier/", member); !strings.Contains(body, `"website":"http://criver.com"`) {
		t.Errorf("suppliers: %d %s", code, body)
	}

	// the resources and taxonomies: to-one relations by name, brain regions keyed by atlas and acronym
	for _, c := range []struct{ model, text, want string }{
		{"setuptype", `[{"name": "Theta maze", "category": "F"}, {"name": "Y-maze", "category": "U"}]`, "setuptype: 2 created, 0 updated\n"},
		{"setuptype", `[{"name": "Theta maze", "description": "A circular maze", "category": "F"}]`, "setuptype: 0 created, 1 updated\n"},
		{"behavioralcategory", `[{"name": "Learning"}, {"name": "Spatial", "parent": "Learning"}]`, "behavioralcategory: 2 created, 0 updated\n"},
		{"behavioralparadigm", `[{"name": "Water maze", "category": "Spatial"}]`, "behavioralparadigm: 1 created, 0 updated\n"},
		{"brainregion", `[{"name": "Hippocampus", "acronym": "HIP", "atlas": "AIA"}, {"name": "Hippocampus", "acronym": "HIP", "atlas": "BM4"}]`, "brainregion: 2 created, 0 updated\n"},
		{"brainregion", `[{"name": "Hippocampal region", "acronym": "HIP", "atlas": "AIA"}]`, "brainregion: 0 created, 1 updated\n"},
		{"regulatoryauthority", `[{"name": "Home Office", "country": "GB", "authority_type": "national"}]`, "regulatoryauthority: 1 created, 0 updated\n"},
		{"hardwaredevice", `[{"name": "Intan RHD2000", "supplier": "Charles River"}]`, "hardwaredevice: 1 created, 0 updated\n"},
		{"consumable", `[{"name": "A1x32", "supplier": "Charles River", "type": "SiliconProbeDesign", "details": {"nChannels": 32}}]`, "consumable: 1 created, 0 updated\n"},
	} {
		p := writeFile(t, files, c.model+".json", c.text)
		if out, err := cliProcess(t, "import", "--data", data, "--model", c.model, "--file", p); err != nil || out != c.want {
			t.Fatalf("import %s: %q %v, want %q", c.model, out, err, c.want)
		}
	}
	if code, body := get(t, addr, "/api/public/taxonomies/behavioralcategory/?filter{parent.name}=Learning", member); code != 200 || !strings.Contains(body, `"name":"Spatial"`) || !strings.Contains(body, `"count":1`) {
		t.Errorf("categories: %d %s", code, body)
	}
	if code, body := get(t, addr, "/api/private/taxonomies/brainregion/?filter{atlas}=AIA", member); code != 200 || !strings.Contains(body, `"name":"Hippocampal region"`) {
		t.Errorf("brain regions: %d %s", code, body)
	}
	if code, body := get(t, addr, "/api/public/resources/hardwaredevice/?filter{supplier.name}=Charles%20River", member); code != 200 || !strings.Contains(body, `"count":1`) {
		t.Errorf("devices: %d %s", code, body)
	}
	if code, body := get(t, addr, "/api/public/taxonomies/setuptype/?filter{name}=Theta%20maze", member); !strings.Contains(body, `"description":"A circular maze","category":"F"`) {
		t.Errorf("setup types: %d %s", code, body)
	}

	// a bad entry: nothing of the file is imported
	for name, c := range map[string]struct{ model, text, want string }{
		"unknown supplier": {"hardwaredevice", `[{"name": "RZ5D", "supplier": "Charles River"}, {"name": "X", "supplier": "Nobody"}]`, `Invalid pk "Nobody"`},
		"bad choice":       {"setuptype", `[{"name": "Z-maze", "category": "Q"}]`, "entry 0"},
		"no key":           {"brainregion", `[{"name": "CA1", "atlas": "AIA"}]`, "entry 0"},
		"unknown species":  {"strain", `[{"name": "Long-Evans", "species": "Rat"}, {"name": "SD", "species": "Hamster"}]`, `Invalid pk "Hamster"`},
		"schema":           {"species", `[{"name": "Zebrafish"}, {"name": 7}]`, "entry 1"},
		"no name":          {"supplier", `[{"website": "x.org"}]`, "entry 0"},
		"not a list":       {"species", `{"name": "x"}`, "not a JSON list"},
	} {
		p := writeFile(t, files, strings.ReplaceAll(name, " ", "_")+".json", c.text)
		if _, err := cliProcess(t, "import", "--data", data, "--model", c.model, "--file", p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
		}
	}
	if _, body := get(t, addr, "/api/public/taxonomies/strain/?filter{name}=Long-Evans", member); !strings.Contains(body, `"count":0`) {
		t.Errorf("a failed import wrote: %s", body)
	}
	if _, body := get(t, addr, "/api/public/resources/hardwaredevice/?filter{name}=RZ5D", member); !strings.Contains(body, `"count":0`) {
		t.Errorf("a failed import wrote: %s", body)
	}
	if _, body := get(t, addr, "/api/public/taxonomies/species/?filter{name}=Zebrafish", member); !strings.Contains(body, `"count":0`) {
		t.Errorf("a failed import wrote: %s", body)
	}

	// set-staff --off beside the server counts on the next request
	if out, err := cliProcess(t, "user", "set-staff", "--data", data, "--email", "curator@lab.org", "--off"); err != nil || !strings.Contains(out, "no longer staff") {
		t.Fatalf("set-staff --off: %q %v", out, err)
	}
	if code, body := send(t, addr, "POST", "/api/private/taxonomies/species/", tok, `{"name": "Hamster"}`); code != 403 {
		t.Errorf("POST after set-staff --off: %d %s", code, body)
	}
	if out, err := cliProcess(t, "user", "set-staff", "--data", data, "--email", "member@lab.org"); err != nil || !strings.Contains(out, "member@lab.org is now staff") {
		t.Fatalf("set-staff: %q %v", out, err)
	}
	if code, body := send(t, addr, "POST", "/api/private/taxonomies/species/", member, `{"name": "Hamster"}`); code != 201 {
		t.Errorf("POST after set-staff: %d %s", code, body)
	}
}

func TestStaffAndImportCLIErrors(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"set-staff without email", []string{"user", "set-staff", "--data", data}, "usage"},
		{"set-staff of nobody", []string{"user", "set-staff", "--data", data, "--email", "ghost@lab.org"}, "no user ghost@lab.org"},
		{"import without model", []string{"import", "--data", data, "--file", "x.json"}, "usage"},
		{"import of another model", []string{"import", "--data", data, "--model", "session", "--file", "x.json"}, "usage"},
		{"import of a personal attribute", []string{"import", "--data", data, "--model", "setup", "--file", "x.json"}, "usage"},
		{"import of a missing file", []string{"import", "--data", data, "--model", "species", "--file", filepath.Join(data, "nope.json")}, "no such file"},
	} {
		if _, _, err := runCLI(t, env(nil), c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}
