package brainstem_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionhub/sessionhub/server/servertest"
	"github.com/sessionhub/sessionhub/store"
)

// TestBodyLimitChunked: a body over the limit sent without a length is
// found to be too large only while it is read; it is still 413 in DRF's
// shape (not a JSON parse error), and nothing is created.
func TestBodyLimitChunked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	big := `{"name": "big", "projects": ["` + f.id["Lab"] + `"], "description": "` + strings.Repeat("x", 3<<20) + `"}`
	path := "/api/private/stem/session/"
	res := f.env.Do("POST", path, f.tok[owner], io.MultiReader(strings.NewReader(big)), "Content-Type", "application/json")
	if res.StatusCode != http.StatusRequestEntityTooLarge || string(res.Body) != `{"detail":"Request body too large."}` {
		t.Errorf("chunked big body: %d %.200s", res.StatusCode, res.Body)
	}
	servertest.CheckSpec(t, "brainstem", "POST", path, res)
	if out := f.must(owner, "GET", path+"?filter{name}=big", nil, http.StatusOK); len(out["sessions"].([]any)) != 0 {
		t.Errorf("a refused body created %v", out)
	}
}

// TestWritesWhenDatabaseFull makes SQLite report SQLITE_FULL (a page limit
// on the writer connection): writes answer 507 in DRF's shape and change
// nothing, reads go on, and once there is room again writes work.
func TestWritesWhenDatabaseFull(t *testing.T) {
	f := newFixture(t) // not parallel with itself; the fixture is its own
	if f.env.Store.Dialect() != store.SQLite {
		t.Skip("SQLITE_FULL is made with a SQLite page limit")
	}
	var pages int64
	if err := f.env.Store.W.Raw("PRAGMA page_count").Scan(&pages).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.env.Store.W.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Error; err != nil {
		t.Fatal(err)
	}
	path := "/api/private/stem/project/" + f.id["Lab"] + "/"
	long := map[string]any{"description": strings.Repeat("d", 20000)}
	res := f.do(owner, "PATCH", path, long)
	if res.StatusCode != http.StatusInsufficientStorage || !strings.HasPrefix(string(res.Body), `{"detail":"Insufficient storage`) {
		t.Errorf("PATCH on a full database: %d %s", res.StatusCode, res.Body)
	}
	if out := f.must(owner, "GET", path, nil, http.StatusOK); out["project"].(map[string]any)["description"] == long["description"] {
		t.Error("a refused PATCH changed the project")
	}
	if err := f.env.Store.W.Exec("PRAGMA max_page_count = 1073741823").Error; err != nil {
		t.Fatal(err)
	}
	f.must(owner, "PATCH", path, long, http.StatusOK)
}
