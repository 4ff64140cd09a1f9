package brainstem

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Fixed ids of the query test data set.
const (
	qP1 = "a0000000-0000-4000-8000-000000000001"
	qP2 = "a0000000-0000-4000-8000-000000000002"
	qP3 = "a0000000-0000-4000-8000-000000000003"
	qS1 = "b0000000-0000-4000-8000-000000000001"
	qS2 = "b0000000-0000-4000-8000-000000000002"
	qS3 = "b0000000-0000-4000-8000-000000000003"
	qS4 = "b0000000-0000-4000-8000-000000000004"
	qD1 = "c0000000-0000-4000-8000-000000000001"
	qD2 = "c0000000-0000-4000-8000-000000000002"
	qL1 = "d0000000-0000-4000-8000-000000000001"
	qL2 = "d0000000-0000-4000-8000-000000000002"
	qL3 = "d0000000-0000-4000-8000-000000000003"
)

func tp(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	t = t.UTC()
	return &t
}

// seeAll is the viewer of the query tests: the owner of every data storage
// and a member of every project of seedQueryData, so the filters' results
// are those over the whole data set. (The benchmark's user 1 is a member of
// a few projects only.)
var seeAll = Viewer{UserID: 1}

// seedQueryData writes a small, hand-checked data set:
//
//	projects  Alpha (public, tags mouse/ca1), Beta, gamma_% (tags ["x%y"])
//	sessions  Rat_01   2023-03-22T15:30Z  tags rat,hippocampus  Alpha       D1
//	          rat-02   2023-06-01T00:00Z  tags Rat              Alpha, Beta
//	          Mouse 100%  no date         no tags               Beta        D1(order 1), D2(order 2)
//	          mouse_x  2024-01-01T10:00Z  tags mouse            gamma_%
func seedQueryData(t testing.TB) *Store {
	t.Helper()
	s, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.core.Close() })
	ctx := context.Background()
	u, err := s.core.CreateUser(ctx, "owner@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }
	rows := []any{
		&Project{ID: qP1, Name: "Alpha", Description: "first project", IsPublic: true, Tags: `["mouse","ca1"]`, Publications: `["` + qS1 + `"]`, CreatedAt: at(1)},
		&Project{ID: qP2, Name: "Beta", Description: "Second", CreatedAt: at(2)},
		&Project{ID: qP3, Name: "gamma_%", Tags: `["x%y"]`, CreatedAt: at(3)},
		&Session{ID: qS1, Name: "Rat_01", Description: "first", DateTime: tp("2023-03-22T15:30:00Z"), Tags: `["rat","hippocampus"]`, NameUsedInStorage: "Rat_01", CreatedAt: at(1)},
		&Session{ID: qS2, Name: "rat-02", Description: "Second", DateTime: tp("2023-06-01T00:00:00Z"), Tags: `["Rat"]`, NameUsedInStorage: "rat-02", CreatedAt: at(2)},
		&Session{ID: qS3, Name: "Mouse 100%", Description: "", Tags: `[]`, NameUsedInStorage: "Mouse_100", CreatedAt: at(3)},
		&Session{ID: qS4, Name: "mouse_x", Description: "o'brien", DateTime: tp("2024-01-01T12:00:00+02:00"), Tags: `["mouse"]`, NameUsedInStorage: "mouse_x", CreatedAt: at(4)},
		&SessionProject{SessionID: qS1, ProjectID: qP1},
		&SessionProject{SessionID: qS2, ProjectID: qP1},
		&SessionProject{SessionID: qS2, ProjectID: qP2},
		&SessionProject{SessionID: qS3, ProjectID: qP2},
		&SessionProject{SessionID: qS4, ProjectID: qP3},
		&DataStorage{ID: qD1, Name: "server1", Location: "Lab A", IsPublic: true, OwnerID: u.ID, CreatedAt: at(1)},
		&DataStorage{ID: qD2, Name: "Backup", Location: "lab b", OwnerID: u.ID, CreatedAt: at(2)},
		&SessionDataStorage{ID: qL1, SessionID: qS1, DataStorageID: qD1, Order: 1},
		&SessionDataStorage{ID: qL2, SessionID: qS3, DataStorageID: qD2, Order: 2},
		&SessionDataStorage{ID: qL3, SessionID: qS3, DataStorageID: qD1, Order: 1},
	}
	for _, p := range []string{qP1, qP2, qP3} {
		rows = append(rows, &ProjectMember{ProjectID: p, UserID: u.ID})
	}
	for _, r := range rows {
		if err := s.core.W.Create(r).Error; err != nil {
			t.Fatalf("seed %T: %v", r, err)
		}
	}
	return s
}

// seedPartialMember is seedQueryData with a user who is a member of Alpha
// and gamma_% only, and that user's viewer.
func seedPartialMember(t *testing.T) (*Store, Viewer) {
	t.Helper()
	s := seedQueryData(t)
	u, err := s.core.CreateUser(context.Background(), "partial@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{qP1, qP3} {
		if err := s.core.W.Create(&ProjectMember{ProjectID: p, UserID: u.ID}).Error; err != nil {
			t.Fatal(err)
		}
	}
	return s, Viewer{UserID: u.ID}
}

// TestDrivingFilterUsesExists lists sessions as a member of Alpha and
// gamma_% only: the results are over that member's visible records, and a
// selective filter (an id, a related id) drives the query while the
// visibility condition is written as a correlated EXISTS, or left out when
// a driving filter on the projects implies it ("hidden project" shows that
// it still finds nothing in a project the viewer is not a member of).
func TestDrivingFilterUsesExists(t *testing.T) {
	t.Parallel()
	s, v := seedPartialMember(t)
	is := func(path string, op Op, args ...any) Filter {
		return Filter{Path: strings.Split(path, "."), Op: op, Args: args}
	}
	not := func(f Filter) Filter { f.Negate = true; return f }
	cases := []struct {
		name string
		q    ListQuery
		page Page
		want []string
		vis  string // how the visibility is written: "in", "exists" or "implied" (left out)
	}{
		{"none", ListQuery{}, Page{Limit: 20}, []string{"Rat_01", "rat-02", "mouse_x"}, "in"},
		{"project", ListQuery{Filters: []Filter{is("projects", Eq, qP1)}}, Page{Limit: 20}, []string{"Rat_01", "rat-02"}, "implied"},
		{"hidden project", ListQuery{Filters: []Filter{is("projects", Eq, qP2)}}, Page{Limit: 20}, nil, "implied"},
		{"project and name", ListQuery{Filters: []Filter{is("projects", Eq, qP1), is("projects.name", Eq, "Alpha")}}, Page{Limit: 20}, []string{"Rat_01", "rat-02"}, "implied"},
		{"storage", ListQuery{Filters: []Filter{is("datastorage", Eq, qD1)}}, Page{Limit: 20}, []string{"Rat_01"}, "exists"},
		{"id", ListQuery{Filters: []Filter{is("id", Eq, qS2)}}, Page{Limit: 20}, []string{"rat-02"}, "exists"},
		{"hidden id", ListQuery{Filters: []Filter{is("id", Eq, qS3)}}, Page{Limit: 20}, nil, "exists"},
		{"id in", ListQuery{Filters: []Filter{is("id", In, qS3, qS4)}}, Page{Limit: 20}, []string{"mouse_x"}, "exists"},
		{"not id", ListQuery{Filters: []Filter{not(is("id", Eq, qS1))}}, Page{Limit: 20}, []string{"rat-02", "mouse_x"}, "in"},
		{"not project", ListQuery{Filters: []Filter{not(is("projects", Eq, qP1))}}, Page{Limit: 20}, []string{"mouse_x"}, "in"},
		{"project sorted, paged", ListQuery{Filters: []Filter{is("projects", Eq, qP1)}, Sort: []Sort{{Field: "name", Desc: true}}},
			Page{Limit: 1, Offset: 1}, []string{"Rat_01"}, "implied"},
	}
	for _, c := range cases {
		recs, _, err := s.ListSessions(context.Background(), v, c.q, c.page)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var names []string
		for _, r := range recs {
			names = append(names, r.Name)
		}
		if fmt.Sprint(names) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %q, want %q", c.name, names, c.want)
		}
		compiled, err := compileQuery(s.sqlDialect(), v, "session", c.q)
		if err != nil {
			t.Fatal(err)
		}
		var sql []string
		for _, w := range compiled.where {
			sql = append(sql, w.sql)
		}
		all := strings.Join(sql, " AND ")
		got := "implied"
		if strings.Contains(all, "EXISTS (SELECT 1 FROM bs_session_projects vl JOIN bs_project_members vm ON vm.project_id = vl.project_id WHERE vl.session_id = bs_sessions.id") {
			got = "exists"
		}
		if strings.Contains(all, "bs_sessions.id IN (SELECT session_id FROM bs_session_projects WHERE project_id IN (SELECT project_id FROM bs_project_members") {
			got = "in"
		}
		if got != c.vis {
			t.Errorf("%s: visibility %s, want %s\n%s", c.name, got, c.vis, sql)
		}
		if c.vis != "in" && !compiled.where[0].drive {
			t.Errorf("%s: the first term does not drive: %s", c.name, sql)
		}
	}
	// On the public portal a project filter implies the public visibility:
	// only the public project's sessions, though rat-02 is in Beta too.
	for p, want := range map[string][]string{qP1: {"Rat_01", "rat-02"}, qP2: nil, qP3: nil} {
		q := ListQuery{Filters: []Filter{is("projects", Eq, p)}}
		recs, n, err := s.ListSessions(context.Background(), Viewer{Public: true}, q, Page{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range recs {
			names = append(names, r.Name)
		}
		if fmt.Sprint(names) != fmt.Sprint(want) || n != int64(len(want)) {
			t.Errorf("public, project %s: %q (count %d), want %q", p, names, n, want)
		}
		compiled, err := compileQuery(s.sqlDialect(), Viewer{Public: true}, "session", q)
		if err != nil {
			t.Fatal(err)
		}
		if len(compiled.where) != 1 {
			t.Errorf("public, project %s: %d terms, want the driving filter alone", p, len(compiled.where))
		}
	}
}

// TestProjectPageFromTheLinkTable: a project's sessions filtered and
// sorted by name only are paged from the link table's copies (byLink),
// with the same rows, order and count as the sessions' own columns give;
// any other filter or sort, or several projects, reads the sessions.
func TestProjectPageFromTheLinkTable(t *testing.T) {
	t.Parallel()
	s, member := seedPartialMember(t)
	is := func(path string, op Op, args ...any) Filter {
		return Filter{Path: strings.Split(path, "."), Op: op, Args: args}
	}
	byName := []Sort{{Field: "name"}}
	public := Viewer{Public: true}
	cases := []struct {
		name   string
		v      Viewer
		q      ListQuery
		page   Page
		want   []string
		count  int64
		byLink bool
	}{
		{"by name", member, ListQuery{Filters: []Filter{is("projects", Eq, qP1)}, Sort: byName}, Page{Limit: 20}, []string{"Rat_01", "rat-02"}, 2, true},
		{"by name, paged", member, ListQuery{Filters: []Filter{is("projects", Eq, qP1)}, Sort: []Sort{{Field: "name", Desc: true}}},
			Page{Limit: 1, Offset: 1}, []string{"Rat_01"}, 2, true},
		{"name contains", member, ListQuery{Filters: []Filter{is("projects", Eq, qP1), is("name", IContains, "rat")}, Sort: []Sort{{Field: "name", Desc: true}}},
			Page{Limit: 20}, []string{"rat-02", "Rat_01"}, 2, true},
		{"name starts with", member, ListQuery{Filters: []Filter{is("projects", Eq, qP1), is("name", StartsWith, "R")}, Sort: byName},
			Page{Limit: 20}, []string{"Rat_01"}, 1, true},
		{"hidden project", member, ListQuery{Filters: []Filter{is("projects", Eq, qP2)}, Sort: byName}, Page{Limit: 20}, nil, 0, true},
		{"public", public, ListQuery{Filters: []Filter{is("projects", Eq, qP1)}, Sort: byName}, Page{Limit: 20}, []string{"Rat_01", "rat-02"}, 2, true},
		{"public, private project", public, ListQuery{Filters: []Filter{is("projects", Eq, qP2)}, Sort: byName}, Page{Limit: 20}, nil, 0, true},
		{"not name", member, ListQuery{Filters: []Filter{is("projects", Eq, qP1), {Path: []string{"name"}, Op: Eq, Args: []any{"Rat_01"}, Negate: true}}, Sort: byName},
			Page{Limit: 20}, []string{"rat-02"}, 1, false},
		{"project's name", member, ListQuery{Filters: []Filter{is("projects", Eq, qP1), is("projects.name", Eq, "Alpha")}, Sort: byName},
			Page{Limit: 20}, []string{"Rat_01", "rat-02"}, 2, false},
		{"two projects", member, ListQuery{Filters: []Filter{is("projects", In, qP1, qP3)}, Sort: byName}, Page{Limit: 20}, []string{"Rat_01", "mouse_x", "rat-02"}, 3, false},
		{"unsorted", member, ListQuery{Filters: []Filter{is("projects", Eq, qP1)}}, Page{Limit: 20}, []string{"Rat_01", "rat-02"}, 2, false},
	}
	for _, c := range cases {
		recs, n, err := s.ListSessions(context.Background(), c.v, c.q, c.page)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var names []string
		for _, r := range recs {
			names = append(names, r.Name)
		}
		if fmt.Sprint(names) != fmt.Sprint(c.want) || n != c.count {
			t.Errorf("%s: %q (count %d), want %q (count %d)", c.name, names, n, c.want, c.count)
		}
		compiled, err := compileQuery(s.sqlDialect(), c.v, "session", c.q)
		if err != nil {
			t.Fatal(err)
		}
		if (compiled.byLink != nil) != c.byLink {
			t.Errorf("%s: from the link table %v, want %v", c.name, compiled.byLink != nil, c.byLink)
		}
	}
}

// TestInSub: the EXISTS form of `outer IN (SELECT …)` is only offered when
// it binds to the outer table.
func TestInSub(t *testing.T) {
	t.Parallel()
	cases := []struct{ outer, sel, from, where, want string }{
		{"bs_sessions.id", "session_id", "bs_session_projects", "project_id IN (SELECT project_id FROM bs_project_members WHERE user_id = ?)",
			"EXISTS (SELECT 1 FROM bs_session_projects WHERE bs_session_projects.session_id = bs_sessions.id AND " +
				"(project_id IN (SELECT project_id FROM bs_project_members WHERE user_id = ?)))"},
		{"bs_sessions.id", "id", "bs_sessions", "name = ?", ""},                             // same table
		{"bs_sessions.id", "session_id", "bs_session_projects", "x = bs_sessions.name", ""}, // names the outer table
		{"bs_collections.project_id", "project_id", "bs_project_members", "user_id = ?",
			"EXISTS (SELECT 1 FROM bs_project_members WHERE bs_project_members.project_id = bs_collections.project_id AND (user_id = ?))"},
	}
	for _, c := range cases {
		got := inSub(c.outer, c.sel, c.from, c.where)
		if got.exists != c.want {
			t.Errorf("inSub(%s, %s): %q, want %q", c.outer, c.from, got.exists, c.want)
		}
		if want := c.outer + " IN (SELECT " + c.sel + " FROM " + c.from + " WHERE " + c.where + ")"; got.sql != want {
			t.Errorf("inSub sql %q, want %q", got.sql, want)
		}
	}
}

// seedBenchData writes 100,000 sessions over 1,000 projects (each session in
// one project, every tenth also in a second one); user 1 is a member of 50
// projects. It returns the store, the user id and one of the user's projects.
func seedBenchData(b *testing.B) (*Store, uint, string) {
	b.Helper()
	s, err := openStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.core.Close() })
	ctx := context.Background()
	u, err := s.core.CreateUser(ctx, "bench@example.org", "")
	if err != nil {
		b.Fatal(err)
	}
	other, err := s.core.CreateUser(ctx, "other@example.org", "")
	if err != nil {
		b.Fatal(err)
	}
	const nProjects, nSessions = 1000, 100_000
	id := func(prefix, i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", prefix, i) }
	words := []string{"mouse", "rat", "ferret", "macaque", "zebrafish", "human", "marmoset", "bat", "songbird", "octopus"}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	err = s.core.W.Transaction(func(tx *gorm.DB) error {
		projects := make([]Project, nProjects)
		members := make([]ProjectMember, 0, nProjects+50)
		for i := range projects {
			projects[i] = Project{ID: id(1, i), Name: fmt.Sprintf("project %04d", i), CreatedAt: base, UpdatedAt: base}
			members = append(members, ProjectMember{ProjectID: projects[i].ID, UserID: other.ID, IsOwner: true, CanChange: true})
			if i%20 == 0 {
				members = append(members, ProjectMember{ProjectID: projects[i].ID, UserID: u.ID, CanChange: true})
			}
		}
		if err := tx.CreateInBatches(projects, 500).Error; err != nil {
			return err
		}
		if err := tx.Omit("Project", "User").CreateInBatches(members, 500).Error; err != nil {
			return err
		}
		const batch = 2000
		sessions := make([]Session, 0, batch)
		links := make([]SessionProject, 0, batch+batch/10)
		for i := range nSessions {
			t := base.Add(time.Duration(i) * time.Minute)
			sessions = append(sessions, Session{ID: id(2, i), Name: fmt.Sprintf("%s session %06d", words[(i/7)%len(words)], i),
				DateTime: &t, Tags: `["` + words[i%len(words)] + `"]`, CreatedAt: t, UpdatedAt: t})
			links = append(links, SessionProject{SessionID: id(2, i), ProjectID: id(1, i%nProjects)})
			if i%10 == 0 {
				links = append(links, SessionProject{SessionID: id(2, i), ProjectID: id(1, (i/10)%nProjects)})
			}
			if len(sessions) == batch || i == nSessions-1 {
				if err := tx.CreateInBatches(sessions, 500).Error; err != nil {
					return err
				}
				if err := tx.Omit("Session", "Project").Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(links, 500).Error; err != nil {
					return err
				}
				sessions, links = sessions[:0], links[:0]
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// No ANALYZE: the server never runs it, so plan with SQLite's defaults.
	b.Logf("seeded %d sessions over %d projects in %v", nSessions, nProjects, time.Since(start).Round(time.Millisecond))
	return s, u.ID, id(1, 20) // project 20 is one of the user's
}

// BenchmarkSessionListFiltered runs a list query the way ListSessions
// does (visibility, the filters, COUNT, then the sorted page), and checks
// that its plan has no full scan.
func BenchmarkSessionListFiltered(b *testing.B) {
	s, uid, project := seedBenchData(b)
	v := Viewer{UserID: uid}
	from := time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)
	queries := map[string]struct {
		q    ListQuery
		page Page
	}{
		"icontains+project": {ListQuery{Filters: []Filter{{Path: []string{"name"}, Op: IContains, Args: []any{"rat"}},
			{Path: []string{"projects"}, Args: []any{project}}}, Sort: []Sort{{Field: "name", Desc: true}}}, Page{Limit: 20}},
		"icontains": {ListQuery{Filters: []Filter{{Path: []string{"name"}, Op: IContains, Args: []any{"rat"}}},
			Sort: []Sort{{Field: "name", Desc: true}}}, Page{Limit: 20}},
		"date+page": {ListQuery{Filters: []Filter{{Path: []string{"date_time"}, Op: Gte, Args: []any{from}}},
			Sort: []Sort{{Field: "date_time", Desc: true}}}, Page{Limit: 20, Offset: 100}},
		"default": {ListQuery{}, Page{Limit: 20}},
	}
	for name, c := range queries {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			compiled, err := compileQuery(s.sqlDialect(), v, "session", c.q)
			if err != nil {
				b.Fatal(err)
			}
			base := func(db *gorm.DB) *gorm.DB {
				db = db.Model(&Session{})
				for _, w := range compiled.where {
					db = db.Where(w.sql, w.args...)
				}
				return db
			}
			run := func() (int64, []Session) {
				var n int64
				if err := base(s.core.R.WithContext(ctx)).Count(&n).Error; err != nil {
					b.Fatal(err)
				}
				page := base(s.core.R.WithContext(ctx))
				for _, o := range compiled.order {
					page = page.Order(o)
				}
				var rows []Session
				if err := page.Limit(c.page.Limit).Offset(c.page.Offset).Find(&rows).Error; err != nil {
					b.Fatal(err)
				}
				return n, rows
			}
			n, rows := run()
			if n == 0 || len(rows) == 0 {
				b.Fatalf("%s: no rows (count %d)", name, n)
			}
			dry := base(s.core.R.Session(&gorm.Session{DryRun: true}))
			for _, o := range compiled.order {
				dry = dry.Order(o)
			}
			stmt := dry.Limit(c.page.Limit).Offset(c.page.Offset).Find(&[]Session{}).Statement
			var plan []struct {
				ID, Parent, Notused int
				Detail              string
			}
			s.core.R.Raw("EXPLAIN QUERY PLAN "+stmt.SQL.String(), stmt.Vars...).Scan(&plan)
			var lines []string
			for _, p := range plan {
				lines = append(lines, p.Detail)
				if strings.HasPrefix(p.Detail, "SCAN ") {
					b.Errorf("%s: full scan in the plan: %s", name, p.Detail)
				}
			}
			if len(lines) == 0 {
				b.Fatalf("%s: no query plan", name)
			}
			b.Logf("%s: count %d; plan: %s", name, n, strings.Join(lines, " | "))
			b.ResetTimer()
			for b.Loop() {
				run()
			}
		})
	}
}

// TestVisibilityCoversEveryModel: every model of the query engine has a
// visibility condition on both portals, and it runs on its table (the
// compiler ANDs it into every relation hop into that model).
func TestVisibilityCoversEveryModel(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	for _, name := range QueryModels() {
		for _, v := range []Viewer{{Public: true}, seeAll} {
			c := v.visibleSQL(name)
			if c.sql == "(0)" {
				t.Errorf("%s: no visibility defined for viewer %+v", name, v)
				continue
			}
			var n int64
			if err := s.core.R.Table(bsModels[name].table).Where(c.sql, c.args...).Count(&n).Error; err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

// BenchmarkSessionListPage runs ListSessions (count, page and the
// visible related-id lists of each record) on the benchmark data set, for
// a member and for the public portal (no public project: an empty page).
func BenchmarkSessionListPage(b *testing.B) {
	s, uid, project := seedBenchData(b)
	ctx := context.Background()
	for name, v := range map[string]Viewer{"member": {UserID: uid}, "public": {Public: true}} {
		for qname, q := range map[string]ListQuery{"default": {}, "project": {Filters: []Filter{{Path: []string{"projects"}, Args: []any{project}}}}} {
			b.Run(name+"/"+qname, func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.ListSessions(ctx, v, q, Page{Limit: 20}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestMirroredNameNarrowsTheProjectFilter: a list filtered by a project
// and by the session's name reads the name's copy in the link table
// (SessionProject.SessionName) inside the project filter, and answers as
// the filters on the sessions' own names do, also after renames and new
// links written behind the API's back (the database's triggers keep the
// copy).
func TestMirroredNameNarrowsTheProjectFilter(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	ctx := context.Background()
	is := func(path string, op Op, args ...any) Filter {
		return Filter{Path: strings.Split(path, "."), Op: op, Args: args}
	}
	not := func(f Filter) Filter { f.Negate = true; return f }
	byName := []Sort{{Field: "name"}}
	names := func(q ListQuery) []string {
		t.Helper()
		recs, n, err := s.ListSessions(ctx, seeAll, q, Page{Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range recs {
			out = append(out, r.Name)
		}
		if int(n) != len(out) {
			t.Fatalf("count %d, %d rows", n, len(out))
		}
		return out
	}
	check := func(step string, q ListQuery, want ...string) {
		t.Helper()
		if got := names(q); fmt.Sprint(got) != fmt.Sprint(append([]string{}, want...)) {
			t.Errorf("%s: got %q, want %q", step, got, want)
		}
	}
	mirrored := func(q ListQuery) bool {
		compiled, err := compileQuery(s.sqlDialect(), seeAll, "session", q)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(compiled.where[0].sql, "bs_session_projects.session_name")
	}
	q := func(fs ...Filter) ListQuery { return ListQuery{Filters: fs, Sort: byName} }

	inAlpha := is("projects", Eq, qP1)
	for _, c := range []struct {
		name   string
		q      ListQuery
		mirror bool
		want   []string
	}{
		{"icontains", q(inAlpha, is("name", IContains, "RAT")), true, []string{"Rat_01", "rat-02"}},
		{"contains", q(inAlpha, is("name", Contains, "rat")), true, []string{"rat-02"}},
		{"startswith", q(is("projects", In, qP1, qP2), is("name", StartsWith, "M")), true, []string{"Mouse 100%"}},
		{"exact", q(inAlpha, is("name", Eq, "rat-02")), true, []string{"rat-02"}},
		{"in", q(is("projects", In, qP2, qP3), is("name", In, "mouse_x", "rat-02")), true, []string{"mouse_x", "rat-02"}},
		{"negated name", q(inAlpha, not(is("name", Eq, "rat-02"))), false, []string{"Rat_01"}},
		{"name only", q(is("name", IContains, "rat")), false, []string{"Rat_01", "rat-02"}},
		{"another field", q(inAlpha, is("description", IContains, "second")), false, []string{"rat-02"}},
	} {
		check(c.name, c.q, c.want...)
		if got := mirrored(c.q); got != c.mirror {
			t.Errorf("%s: the project filter reads the name's copy: %v, want %v", c.name, got, c.mirror)
		}
	}

	// Written without the API: a rename, a new link, a link moved to
	// another session. The copies follow.
	for _, q := range []string{
		"UPDATE bs_sessions SET name = 'Vole_01' WHERE id = '" + qS1 + "'",
		"INSERT INTO bs_session_projects (session_id, project_id) VALUES ('" + qS4 + "', '" + qP1 + "')",
		"UPDATE bs_session_projects SET session_id = '" + qS3 + "' WHERE session_id = '" + qS2 + "' AND project_id = '" + qP1 + "'",
	} {
		if err := s.core.W.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	check("after the rename, by the old name", q(inAlpha, is("name", IContains, "rat")))
	check("after the rename, by the new name", q(inAlpha, is("name", IStartsWith, "vole")), "Vole_01")
	check("the new link", q(inAlpha, is("name", Contains, "_x")), "mouse_x")
	check("the moved link", q(inAlpha, is("name", Contains, "%")), "Mouse 100%")
	var stale int64
	if err := s.core.R.Raw("SELECT COUNT(*) FROM bs_session_projects l JOIN bs_sessions s ON s.id = l.session_id WHERE l.session_name <> s.name").Scan(&stale).Error; err != nil {
		t.Fatal(err)
	}
	if stale != 0 {
		t.Fatalf("%d links hold another name than their session's", stale)
	}
}
