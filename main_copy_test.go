package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store/pgtest"
)

// populated fills a SQLite data dir through a real server: the admin,
// another user with a token, Atlas sessions with attachments, BrainSTEM
// records. It returns the admin's token, a session id and its attachments'
// ids and bytes.
func populated(t *testing.T) (data, tok, session string, files map[string][]byte) {
	t.Helper()
	data = t.TempDir()
	addr := freeAddr(t)
	s := startServe(t, addr, env(nil), "--addr", addr, "--data", data)
	tok = adminToken(s.stdout.String())
	if tok == "" {
		t.Fatalf("no admin token printed: %q", s.stdout.String())
	}
	client := &http.Client{}
	call := func(method, path, body string, want int) []byte {
		t.Helper()
		st, b, err := apiCall(client, method, "http://"+addr+path, tok, strings.NewReader(body))
		if err != nil || st != want {
			t.Fatalf("%s %s: %d %s %v; want %d", method, path, st, b, err, want)
		}
		return b
	}
	var sess struct {
		ID string `json:"session_id"`
	}
	if err := json.Unmarshal(call(http.MethodPost, "/sessions", `{"title": "copied"}`, 201), &sess); err != nil {
		t.Fatal(err)
	}
	call(http.MethodPost, "/sessions", `{"title": "second"}`, 201)
	files = map[string][]byte{}
	for _, content := range [][]byte{[]byte("first attachment"), bytes.Repeat([]byte("0123456789"), 100_000)} {
		id, st, err := uploadOne(client, "http://"+addr, tok, sess.ID, content)
		if err != nil || st != http.StatusCreated {
			t.Fatalf("upload: %d %v", st, err)
		}
		files[id] = content
	}
	if _, _, err := runCLI(t, env(nil), "user", "set-staff", "--data", data, "--email", "admin@localhost"); err != nil {
		t.Fatal(err)
	}
	call(http.MethodPost, "/api/private/taxonomies/species/", `{"name": "Copied rat"}`, 201)
	call(http.MethodPost, "/api/private/resources/supplier/", `{"name": "Copied supplier", "website": "example.org"}`, 201)
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, env(nil), "user", "add", "--data", data, "--email", "second@example.org", "--password", "pw-second-1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, env(nil), "token", "create", "--data", data, "--email", "second@example.org"); err != nil {
		t.Fatal(err)
	}
	return data, tok, sess.ID, files
}

// sqliteTables lists the tables of a data dir's database with their rows,
// read from SQLite's own catalog.
func sqliteTables(t *testing.T, data string) map[string]int64 {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "sessionhub.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		out[n] = c
	}
	return out
}

// `copy` moves a populated single-node installation to PostgreSQL and a
// blob directory or bucket: every table of SQLite's catalog (except the
// migration and pending-upload bookkeeping) is printed with equal row
// counts, every blob verified; a server on the copy serves the same
// session, bytes and tokens. A non-empty target is refused unless
// --replace; a blob whose bytes do not match its row fails the copy.
func TestCopyToPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers and PostgreSQL")
	}
	for _, target := range []string{"dir", "s3"} {
		t.Run(target, func(t *testing.T) {
			url := pgtest.Database(t, "", nil)
			src, tok, session, files := populated(t)
			dst := t.TempDir()
			args := []string{"copy", "--from", "sqlite://" + src, "--to", url}
			var s3 *servertest.S3
			var bucket string
			if target == "s3" {
				if os.Getenv("SESSIONHUB_WEED") == "" {
					t.Skip("no SeaweedFS: set SESSIONHUB_WEED (bash e2e/s3/weed.sh prints its path) to copy into a bucket")
				}
				s3 = servertest.StartS3(t)
				bucket = s3.Bucket(t)
				args = append(args, "--blobs", s3.URL(bucket))
			} else {
				args = append(args, "--data", dst)
			}
			getenv := env(nil)
			if s3 != nil {
				getenv = s3.Getenv
			}
			out, _, err := runCLI(t, getenv, args...)
			if err != nil {
				t.Fatalf("copy: %v\n%s", err, out)
			}
			if !strings.Contains(out, "copy verified") || !strings.Contains(out, "blobs: 2 of 2") {
				t.Errorf("copy printed:\n%s", out)
			}
			for name, n := range sqliteTables(t, src) {
				if name == "schema_migrations" || name == "pending_blobs" {
					continue
				}
				if name == "shared_secrets" {
					n++ // the export-URL key, a file beside SQLite's database
				}
				line := tableLine(out, name)
				if want := []string{name, itoa(n), itoa(n), "ok"}; !slices.Equal(line, want) {
					t.Errorf("table %s (%d rows in SQLite): copy printed %q, want %q", name, n, line, want)
				}
			}
			for _, must := range []string{"users", "tokens", "atlas_sessions", "atlas_attachments", "bs_species", "bs_suppliers"} {
				if sqliteTables(t, src)[must] == 0 {
					t.Errorf("the populated source has no rows in %s: the test copies too little", must)
				}
			}

			// A server on the copy serves what the source did.
			addr := freeAddr(t)
			serveArgs := []string{"--addr", addr, "--data", dst}
			if s3 != nil {
				serveArgs = append(serveArgs, "--blobs", s3.URL(bucket))
			}
			srvEnv := map[string]string{"SESSIONHUB_DB": url}
			if s3 != nil {
				for _, kv := range s3.Environ() {
					k, v, _ := strings.Cut(kv, "=")
					srvEnv[k] = v
				}
			}
			s := startServe(t, addr, env(srvEnv), serveArgs...)
			client := &http.Client{}
			for id, content := range files {
				st, body, err := apiCall(client, http.MethodGet, "http://"+addr+"/sessions/"+session+"/attachments/"+id+"/content", tok, nil)
				if err != nil || st != http.StatusOK || sha256.Sum256(body) != sha256.Sum256(content) {
					t.Errorf("attachment %s on the copy: %d, %d bytes, %v", id, st, len(body), err)
				}
			}
			st, body, err := apiCall(client, http.MethodPost, "http://"+addr+"/sessions", tok, strings.NewReader(`{"title": "after the copy"}`))
			if err != nil || st != http.StatusCreated {
				t.Errorf("a new session on the copy (sequences moved past the copied ids): %d %s %v", st, body, err)
			}
			if err := s.stop(t); err != nil {
				t.Fatal(err)
			}

			// Not into a database with rows, unless --replace.
			out, _, err = runCLI(t, getenv, args...)
			if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "--replace") {
				t.Errorf("copy into a filled database: %v\n%s; want it refused, naming --replace", err, out)
			}
			if out, _, err := runCLI(t, getenv, append(args, "--replace")...); err != nil || !strings.Contains(out, "copy verified") {
				t.Errorf("copy --replace: %v\n%s", err, out)
			}

			// A blob whose bytes are not those of its row: the copy says so.
			for id := range files {
				if err := os.WriteFile(filepath.Join(src, "blobs", "atlas", id), []byte("tampered"), 0o600); err != nil {
					t.Fatal(err)
				}
				break
			}
			out, _, err = runCLI(t, getenv, append(args, "--replace")...)
			if err == nil || !strings.Contains(out, "DIFFERENT") || !strings.Contains(out, "blobs: 1 of 2") {
				t.Errorf("copy of a tampered blob: %v\n%s; want a failure naming it", err, out)
			}
		})
	}
}

// tableLine returns the fields of the first line of out that starts with
// name and a space.
func tableLine(out, name string) []string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			return f
		}
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
