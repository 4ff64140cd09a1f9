package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/store"
	"github.com/sessionhub/sessionhub/store/pgtest"
)

// sqliteExec runs statements on a data dir's database (no server running).
func sqliteExec(t *testing.T, data string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "sessionhub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// `migrate` on a fresh data dir applies every version and says so; run
// again it has nothing to do; on a data dir of the code before versioned
// migrations (tables, no schema_migrations) it records the baseline and
// applies the rest, keeping the rows.
func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	out, _, err := runCLI(t, env(nil), "migrate", "--data", data)
	if err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= store.SchemaVersion; v++ {
		if !strings.Contains(out, fmt.Sprintf("applied version %d (", v)) {
			t.Errorf("migrate on a fresh dir printed %q; want version %d applied", out, v)
		}
	}
	out, _, err = runCLI(t, env(nil), "migrate", "--data", data)
	if err != nil || !strings.Contains(out, fmt.Sprintf("already at version %d", store.SchemaVersion)) {
		t.Errorf("second migrate = %q, %v; want nothing to do", out, err)
	}

	// Back to what the code before versioned migrations left: its tables
	// and rows, no migration table (and none of the later tables).
	if _, _, err := runCLI(t, env(nil), "user", "add", "--data", data, "--email", "old@example.org"); err != nil {
		t.Fatal(err)
	}
	sqliteExec(t, data, "DROP TABLE schema_migrations", "DROP TABLE shared_secrets")
	out, _, err = runCLI(t, env(nil), "migrate", "--data", data)
	if err != nil || !strings.Contains(out, "recorded the existing tables as version 1") || !strings.Contains(out, fmt.Sprintf("schema at version %d", store.SchemaVersion)) {
		t.Fatalf("migrate on an unversioned data dir = %q, %v; want the baseline recorded and version %d reached", out, err, store.SchemaVersion)
	}
	if out, _, err := runCLI(t, env(nil), "token", "create", "--data", data, "--email", "old@example.org"); err != nil || !strings.HasPrefix(out, store.TokenPrefix) {
		t.Fatalf("the old data dir's user after the upgrade: %q, %v", out, err)
	}
}

// serve (and every command) refuses a schema newer than it knows, naming
// both versions, and changes nothing.
func TestServeRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if _, _, err := runCLI(t, env(nil), "migrate", "--data", data); err != nil {
		t.Fatal(err)
	}
	newer := store.SchemaVersion + 1
	sqliteExec(t, data, fmt.Sprintf("INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, 'from a newer release', '2030-01-01 00:00:00')", newer))
	for _, args := range [][]string{
		{"serve", "--data", data, "--addr", freeAddr(t)},
		{"migrate", "--data", data},
		{"user", "add", "--data", data, "--email", "x@example.org"},
	} {
		_, _, err := runCLI(t, env(nil), args...)
		if err == nil {
			t.Fatalf("%s on a schema at version %d: no error", args[0], newer)
		}
		for _, want := range []string{fmt.Sprintf("version %d", newer), fmt.Sprintf("version %d", store.SchemaVersion)} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q does not name %q", args[0], err, want)
			}
		}
	}
}

// serve --db on PostgreSQL: refused until migrated (with the command to
// run), then serves the Atlas API, BrainSTEM sign-in and BrainSTEM records
// (written through the API and seeded by `import --db` beside it).
func TestServePostgres(t *testing.T) {
	t.Parallel()
	url := pgtest.Database(t, "", nil) // an empty database
	data := t.TempDir()
	_, _, err := runCLI(t, env(nil), "serve", "--db", url, "--data", data, "--addr", freeAddr(t))
	if err == nil || !strings.Contains(err.Error(), "sessionhub migrate") {
		t.Fatalf("serve on an empty PostgreSQL database: %v; want a refusal naming `sessionhub migrate`", err)
	}
	out, _, err := runCLI(t, env(nil), "migrate", "--db", url)
	if err != nil || !strings.Contains(out, fmt.Sprintf("PostgreSQL: schema at version %d", store.SchemaVersion)) {
		t.Fatalf("migrate --db = %q, %v", out, err)
	}
	if _, _, err := runCLI(t, env(nil), "user", "add", "--db", url, "--email", "pg@example.org", "--password", "pw-123456"); err != nil {
		t.Fatalf("user add --db: %v", err)
	}
	if _, _, err := runCLI(t, env(nil), "backup", "--db", url, "--out", filepath.Join(data, "b.tar")); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup --db: %v; want a refusal pointing to pg_dump", err)
	}

	addr := freeAddr(t)
	s := startServe(t, addr, env(map[string]string{"SESSIONHUB_DB": url}), "--addr", addr, "--data", data)
	tok, _, err := runCLI(t, env(nil), "token", "create", "--db", url, "--email", "pg@example.org")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)
	client := &http.Client{Timeout: 10 * time.Second}
	call := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		_ = json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	if code, v := call(http.MethodPost, "/sessions", `{"title": "on postgres"}`); code != http.StatusCreated || v["session_title"] != "on postgres" {
		t.Fatalf("POST /sessions = %d %v; want 201", code, v)
	}
	if code, _ := call(http.MethodGet, "/sessions", ""); code != http.StatusOK {
		t.Fatalf("GET /sessions = %d; want 200", code)
	}
	if code, v := call(http.MethodGet, "/api/private/users/tokens/", ""); code != http.StatusOK {
		t.Errorf("BrainSTEM token list on PostgreSQL = %d %v; want 200", code, v)
	}
	if code, v := call(http.MethodPost, "/api/private/stem/project/", `{"name": "Lab on postgres"}`); code != http.StatusCreated {
		t.Fatalf("POST a BrainSTEM project on PostgreSQL = %d %v; want 201", code, v)
	}
	if code, v := call(http.MethodGet, "/api/private/stem/project/?filter{name.icontains}=POSTGRES", ""); code != http.StatusOK || fmt.Sprint(v["count"]) != "1" {
		t.Errorf("GET BrainSTEM projects on PostgreSQL = %d %v; want the one project", code, v)
	}
	species := filepath.Join(data, "species.json")
	if err := os.WriteFile(species, []byte(`[{"name": "Rat"}, {"name": "Mouse"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI(t, env(nil), "import", "--db", url, "--model", "species", "--file", species); err != nil || out != "species: 2 created, 0 updated\n" {
		t.Fatalf("import --db: %q %v", out, err)
	}
	code, v := call(http.MethodGet, "/api/private/taxonomies/species/?sort[]=name", "")
	var names []any
	list, _ := v["species"].([]any)
	for _, sp := range list {
		m, _ := sp.(map[string]any)
		names = append(names, m["name"])
	}
	if code != http.StatusOK || fmt.Sprint(names) != "[Mouse Rat]" {
		t.Errorf("GET species on PostgreSQL after import = %d %v; want Mouse, Rat", code, v)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}
