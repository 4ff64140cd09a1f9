package brainstem

// The query language's parsing, wording and semantics, checked on a small
// hand-made data set through the store's list functions (the full-stack
// scenarios are in list_test.go and visibility_test.go).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/store"
	"github.com/sessionhub/sessionhub/store/pgtest"

	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
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
// are those over the whole data set.
var seeAll = bsdb.Viewer{UserID: 1}

// seedQueryData writes a small, hand-checked data set:
//
//	projects  Alpha (public, tags mouse/ca1), Beta, gamma_% (tags ["x%y"])
//	sessions  Rat_01   2023-03-22T15:30Z  tags rat,hippocampus  Alpha       D1
//	          rat-02   2023-06-01T00:00Z  tags Rat              Alpha, Beta
//	          Mouse 100%  no date         no tags               Beta        D1(order 1), D2(order 2)
//	          mouse_x  2024-01-01T10:00Z  tags mouse            gamma_%
//
// It is on SQLite, or with SESSIONHUB_TEST_DB=postgres on a fresh
// PostgreSQL database (the cases then check the PostgreSQL dialect).
func seedQueryData(t testing.TB) *bsdb.Store { return bsdb.New(seedQueryCore(t)) }

// seedQueryCore is seedQueryData's core store.
func seedQueryCore(t testing.TB) *store.Store {
	t.Helper()
	o := store.Options{DataDir: t.TempDir(), Migrate: true, Tables: []store.Tables{bsdb.Tables()}}
	if pgtest.Enabled() {
		o.DatabaseURL = pgtest.Database(t, "", nil)
	}
	s, err := store.OpenWith(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "owner@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Hour) }
	rows := []any{
		&bsdb.Project{ID: qP1, Name: "Alpha", Description: "first project", IsPublic: true, Tags: `["mouse","ca1"]`, Publications: `["` + qS1 + `"]`, CreatedAt: at(1)},
		&bsdb.Project{ID: qP2, Name: "Beta", Description: "Second", CreatedAt: at(2)},
		&bsdb.Project{ID: qP3, Name: "gamma_%", Tags: `["x%y"]`, CreatedAt: at(3)},
		&bsdb.Session{ID: qS1, Name: "Rat_01", Description: "first", DateTime: tp("2023-03-22T15:30:00Z"), Tags: `["rat","hippocampus"]`, NameUsedInStorage: "Rat_01", CreatedAt: at(1)},
		&bsdb.Session{ID: qS2, Name: "rat-02", Description: "Second", DateTime: tp("2023-06-01T00:00:00Z"), Tags: `["Rat"]`, NameUsedInStorage: "rat-02", CreatedAt: at(2)},
		&bsdb.Session{ID: qS3, Name: "Mouse 100%", Description: "", Tags: `[]`, NameUsedInStorage: "Mouse_100", CreatedAt: at(3)},
		&bsdb.Session{ID: qS4, Name: "mouse_x", Description: "o'brien", DateTime: tp("2024-01-01T12:00:00+02:00"), Tags: `["mouse"]`, NameUsedInStorage: "mouse_x", CreatedAt: at(4)},
		&bsdb.SessionProject{SessionID: qS1, ProjectID: qP1},
		&bsdb.SessionProject{SessionID: qS2, ProjectID: qP1},
		&bsdb.SessionProject{SessionID: qS2, ProjectID: qP2},
		&bsdb.SessionProject{SessionID: qS3, ProjectID: qP2},
		&bsdb.SessionProject{SessionID: qS4, ProjectID: qP3},
		&bsdb.DataStorage{ID: qD1, Name: "server1", Location: "Lab A", IsPublic: true, OwnerID: u.ID, CreatedAt: at(1)},
		&bsdb.DataStorage{ID: qD2, Name: "Backup", Location: "lab b", OwnerID: u.ID, CreatedAt: at(2)},
		&bsdb.SessionDataStorage{ID: qL1, SessionID: qS1, DataStorageID: qD1, Order: 1},
		&bsdb.SessionDataStorage{ID: qL2, SessionID: qS3, DataStorageID: qD2, Order: 2},
		&bsdb.SessionDataStorage{ID: qL3, SessionID: qS3, DataStorageID: qD1, Order: 1},
	}
	for _, p := range []string{qP1, qP2, qP3} {
		rows = append(rows, &bsdb.ProjectMember{ProjectID: p, UserID: u.ID})
	}
	for _, r := range rows {
		if err := s.W.Create(r).Error; err != nil {
			t.Fatalf("seed %T: %v", r, err)
		}
	}
	return s
}

// queryModels lists the records of a model for runQuery, with the field
// that names a record (the id for sessiondatastorage).
var queryModels = map[string]func(s *bsdb.Store, q bsdb.ListQuery, p bsdb.Page) ([]string, int64, error){
	"session":            names((*bsdb.Store).ListSessions, "session", "name"),
	"project":            names((*bsdb.Store).ListProjects, "project", "name"),
	"datastorage":        names((*bsdb.Store).ListDataStorages, "datastorage", "name"),
	"sessiondatastorage": names((*bsdb.Store).ListSessionDataStorages, "sessiondatastorage", "id"),
}

func names[T any](list func(*bsdb.Store, context.Context, bsdb.Viewer, bsdb.ListQuery, bsdb.Page) ([]T, int64, error), model, field string) func(*bsdb.Store, bsdb.ListQuery, bsdb.Page) ([]string, int64, error) {
	get := bsdb.ModelNamed(model).Field(field).Get
	return func(s *bsdb.Store, q bsdb.ListQuery, p bsdb.Page) ([]string, int64, error) {
		recs, n, err := list(s, context.Background(), seeAll, q, p)
		if err != nil {
			return nil, 0, err
		}
		var out []string
		for i := range recs {
			out = append(out, get(&recs[i]).(string))
		}
		return out, n, nil
	}
}

// runQuery parses raw for model (limit and offset as the generated
// parameters would carry them) and returns the matching names (ids for
// sessiondatastorage) in order, the COUNT, or the error.
func runQuery(t *testing.T, s *bsdb.Store, model, raw string) ([]string, int64, error) {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("bad test query %q: %v", raw, err)
	}
	var limit *int
	var offset *int32
	if n, err := strconv.Atoi(strings.TrimSpace(v.Get("limit"))); err == nil {
		limit = &n
	}
	if n, err := strconv.ParseInt(v.Get("offset"), 10, 32); err == nil && n >= 0 {
		o := int32(n)
		offset = &o
	}
	q, err := parseListQuery(model, v, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	return queryModels[model](s, q.ListQuery, bsdb.Page{Limit: q.Limit, Offset: q.Offset})
}

func TestBSQueryFilters(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	all := []string{"Rat_01", "rat-02", "Mouse 100%", "mouse_x"} // default order: created_at
	cases := []struct {
		name, model, q string
		want           []string
	}{
		{"no filter", "session", "", all},
		// text operators
		{"exact", "session", "filter{name}=rat-02", []string{"rat-02"}},
		{"exact is case-sensitive", "session", "filter{name}=RAT-02", nil},
		{"eq", "session", "filter{name.eq}=rat-02", []string{"rat-02"}},
		{"iexact", "session", "filter{name.iexact}=RAT-02", []string{"rat-02"}},
		{"iexact underscore is literal", "session", "filter{name.iexact}=rat_02", nil},
		{"icontains", "session", "filter{name.icontains}=RAT", []string{"Rat_01", "rat-02"}},
		{"icontains percent is literal", "session", "filter{name.icontains}=0%25", []string{"Mouse 100%"}},
		{"icontains underscore is literal", "session", "filter{name.icontains}=T_0", []string{"Rat_01"}},
		{"icontains backslash", "session", `filter{name.icontains}=\`, nil},
		{"contains is case-sensitive", "session", "filter{name.contains}=rat", []string{"rat-02"}},
		{"contains star is literal", "session", "filter{name.contains}=*", nil},
		{"contains bracket is literal", "session", "filter{name.contains}=[", nil},
		{"startswith", "session", "filter{name.startswith}=mouse", []string{"mouse_x"}},
		{"istartswith", "session", "filter{name.istartswith}=mouse", []string{"Mouse 100%", "mouse_x"}},
		{"endswith", "session", "filter{name.endswith}=_x", []string{"mouse_x"}},
		{"endswith question mark literal", "session", "filter{name.endswith}=_?", nil},
		{"iendswith", "session", "filter{name.iendswith}=0%25", []string{"Mouse 100%"}},
		{"text gt", "session", "filter{name.gt}=n", []string{"rat-02"}},
		{"text gte", "session", "filter{name.gte}=rat-02", []string{"rat-02"}},
		{"text lt", "session", "filter{name.lt}=Rat_01", []string{"Mouse 100%"}},
		{"text lte", "session", "filter{name.lte}=Rat_01", []string{"Rat_01", "Mouse 100%"}},
		{"text in", "session", "filter{name.in}=rat-02&filter{name.in}=mouse_x&filter{name.in}=nope", []string{"rat-02", "mouse_x"}},
		{"text range", "session", "filter{name.range}=N&filter{name.range}=s", []string{"Rat_01", "rat-02", "mouse_x"}},
		{"range ignores a third value", "session", "filter{name.range}=N&filter{name.range}=n&filter{name.range}=zz", []string{"Rat_01", "mouse_x"}},
		{"non-in operator uses the first value", "session", "filter{name}=rat-02&filter{name}=mouse_x", []string{"rat-02"}},
		{"description empty", "session", "filter{description}=", []string{"Mouse 100%"}},
		{"description isnull false", "session", "filter{description.isnull}=false", all},
		{"quote in value", "session", "filter{description}=o'brien", []string{"mouse_x"}},
		{"name_used_in_storage", "session", "filter{name_used_in_storage.icontains}=_1", []string{"Mouse 100%"}},
		{"[] alias", "session", "filter{name.icontains}[]=mouse", []string{"Mouse 100%", "mouse_x"}},
		{"several filters are ANDed", "session", "filter{name.icontains}=mouse&filter{name.contains}=M", []string{"Mouse 100%"}},
		{"injection stays a value", "session", "filter{name}=x' OR '1'='1", nil},
		{"injection in like stays a value", "session", "filter{name.icontains}=%25' OR 1=1 --", nil},
		{"unicode value", "session", "filter{name.icontains}=ü", nil},
		// values PostgreSQL's text cannot hold (NUL, invalid UTF-8): they
		// equal and match nothing and compare as bytes, as on SQLite
		{"NUL value", "session", "filter{name}=rat%00", nil},
		{"NUL value excluded", "session", "filter{-name}=rat%00", all},
		{"NUL in icontains", "session", "filter{name.icontains}=%00", nil},
		{"invalid UTF-8 in iexact", "session", "filter{name.iexact}=%FF", nil},
		{"invalid UTF-8 in startswith", "session", "filter{name.startswith}=%C3", nil},
		{"NUL among in values", "session", "filter{name.in}=%00&filter{name.in}=rat-02", []string{"rat-02"}},
		{"NUL in gt compares bytes", "session", "filter{name.gt}=mouse%00", []string{"rat-02", "mouse_x"}},
		{"invalid UTF-8 in lt compares bytes", "session", "filter{name.lt}=%FF", all},
		{"invalid UTF-8 in range", "session", "filter{name.range}=R%FF&filter{name.range}=s", []string{"rat-02", "mouse_x"}},
		{"NUL in a tag", "session", "filter{tags}=rat%00", nil},
		{"NUL in a tag gt", "session", "filter{tags.gt}=r%00", []string{"Rat_01"}},
		{"NUL in a tag gte is above its prefix", "session", "filter{tags.gte}=rat%00", nil},
		{"NUL in a related name", "session", "filter{projects.name.istartswith}=%00", nil},
		// uuid
		{"id exact", "session", "filter{id}=" + qS3, []string{"Mouse 100%"}},
		{"pk alias", "session", "filter{pk}=" + qS3, []string{"Mouse 100%"}},
		{"id upper-case without dashes", "session", "filter{id}=" + strings.ToUpper(strings.ReplaceAll(qS3, "-", "")), []string{"Mouse 100%"}},
		{"id in", "session", "filter{id.in}=" + qS1 + "&filter{id.in}=" + qS4, []string{"Rat_01", "mouse_x"}},
		{"id icontains compares without dashes", "session", "filter{id.icontains}=00040008", all},
		{"id endswith", "session", "filter{id.endswith}=04", []string{"mouse_x"}},
		{"id gt", "session", "filter{id.gt}=" + qS2, []string{"Mouse 100%", "mouse_x"}},
		// datetime
		{"date_time exact", "session", "filter{date_time}=2023-03-22T15:30:00Z", []string{"Rat_01"}},
		{"date_time exact with offset", "session", "filter{date_time}=2023-03-22T17:30:00%2B02:00", []string{"Rat_01"}},
		{"date_time exact space form", "session", "filter{date_time}=2023-03-22 15:30", []string{"Rat_01"}},
		{"date_time plain date is midnight", "session", "filter{date_time}=2023-06-01", []string{"rat-02"}},
		{"date_time gt", "session", "filter{date_time.gt}=2023-06-01", []string{"mouse_x"}},
		{"date_time gte", "session", "filter{date_time.gte}=2023-06-01", []string{"rat-02", "mouse_x"}},
		{"date_time lt", "session", "filter{date_time.lt}=2023-06-01T00:00:00Z", []string{"Rat_01"}},
		{"date_time lte", "session", "filter{date_time.lte}=2024-01-01T10:00:00Z", []string{"Rat_01", "rat-02", "mouse_x"}},
		{"date_time lte before an offset time", "session", "filter{date_time.lte}=2024-01-01T11:59:59%2B02:00", []string{"Rat_01", "rat-02"}},
		{"date_time range", "session", "filter{date_time.range}=2023-01-01&filter{date_time.range}=2023-12-31", []string{"Rat_01", "rat-02"}},
		{"date_time isnull", "session", "filter{date_time.isnull}=true", []string{"Mouse 100%"}},
		{"date_time isnull truthy word", "session", "filter{date_time.isnull}=yes", []string{"Mouse 100%"}},
		{"date_time isnull false", "session", "filter{date_time.isnull}=False", []string{"Rat_01", "rat-02", "mouse_x"}},
		{"date_time isnull 0", "session", "filter{date_time.isnull}=0", []string{"Rat_01", "rat-02", "mouse_x"}},
		{"date_time year", "session", "filter{date_time.year}=2023", []string{"Rat_01", "rat-02"}},
		{"date_time month", "session", "filter{date_time.month}=3", []string{"Rat_01"}},
		{"date_time day", "session", "filter{date_time.day}=1", []string{"rat-02", "mouse_x"}},
		{"date_time week_day", "session", "filter{date_time.week_day}=4", []string{"Rat_01"}}, // 2023-03-22 was a Wednesday
		{"date_time in", "session", "filter{date_time.in}=2023-06-01&filter{date_time.in}=2024-01-01T10:00:00Z", []string{"rat-02", "mouse_x"}},
		// exclusion
		{"exclude icontains", "session", "filter{-name.icontains}=rat", []string{"Mouse 100%", "mouse_x"}},
		{"exclude on nullable keeps NULL rows", "session", "filter{-date_time.gt}=2023-05-01", []string{"Rat_01", "Mouse 100%"}},
		{"exclude isnull", "session", "filter{-date_time.isnull}=true", []string{"Rat_01", "rat-02", "mouse_x"}},
		{"exclude in", "session", "filter{-id.in}=" + qS1 + "&filter{-id.in}=" + qS2, []string{"Mouse 100%", "mouse_x"}},
		{"exclude and include", "session", "filter{name.icontains}=mouse&filter{-name.contains}=M", []string{"mouse_x"}},
		{"exclude relation", "session", "filter{-projects}=" + qP1, []string{"Mouse 100%", "mouse_x"}},
		{"exclude relation field", "session", "filter{-projects.name}=Beta", []string{"Rat_01", "mouse_x"}},
		{"exclude tags", "session", "filter{-tags}=mouse", []string{"Rat_01", "rat-02", "Mouse 100%"}},
		// relations
		{"projects", "session", "filter{projects}=" + qP1, []string{"Rat_01", "rat-02"}},
		{"projects.id", "session", "filter{projects.id}=" + qP2, []string{"rat-02", "Mouse 100%"}},
		{"projects.pk", "session", "filter{projects.pk}=" + qP2, []string{"rat-02", "Mouse 100%"}},
		{"projects.id.in", "session", "filter{projects.id.in}=" + qP1 + "&filter{projects.id.in}=" + qP2, []string{"Rat_01", "rat-02", "Mouse 100%"}},
		{"projects.name", "session", "filter{projects.name}=Beta", []string{"rat-02", "Mouse 100%"}},
		{"projects.name.icontains wildcard literal", "session", "filter{projects.name.icontains}=a_%25", []string{"mouse_x"}},
		{"projects.is_public", "session", "filter{projects.is_public}=true", []string{"Rat_01", "rat-02"}},
		{"projects.isnull", "session", "filter{projects.isnull}=false", all},
		{"projects.isnull true", "session", "filter{projects.isnull}=true", nil},
		{"two relation filters", "session", "filter{projects}=" + qP1 + "&filter{projects}=" + qP2, []string{"Rat_01", "rat-02"}},
		{"relation and text", "session", "filter{projects}=" + qP2 + "&filter{name.icontains}=mouse", []string{"Mouse 100%"}},
		{"datastorage", "session", "filter{datastorage}=" + qD1, []string{"Rat_01", "Mouse 100%"}},
		{"datastorage.id", "session", "filter{datastorage.id}=" + qD2, []string{"Mouse 100%"}},
		{"datastorage.name", "session", "filter{datastorage.name.iexact}=BACKUP", []string{"Mouse 100%"}},
		{"datastorage.isnull", "session", "filter{datastorage.isnull}=true", []string{"rat-02", "mouse_x"}},
		{"nested two levels", "session", "filter{projects.sessions.name}=Rat_01", []string{"Rat_01", "rat-02"}},
		{"empty relation", "session", "filter{epochs}=" + qS1, nil},
		{"empty relation isnull", "session", "filter{behaviors.isnull}=true", all},
		// tags (element match)
		{"tags exact", "session", "filter{tags}=rat", []string{"Rat_01"}},
		{"tags exact case", "session", "filter{tags}=Rat", []string{"rat-02"}},
		{"tags icontains", "session", "filter{tags.icontains}=rat", []string{"Rat_01", "rat-02"}},
		{"tags icontains element only", "session", "filter{tags.icontains}=rat\",\"hip", nil},
		{"tags in", "session", "filter{tags.in}=mouse&filter{tags.in}=hippocampus", []string{"Rat_01", "mouse_x"}},
		{"tags startswith", "session", "filter{tags.startswith}=hip", []string{"Rat_01"}},
		{"tags isnull", "session", "filter{tags.isnull}=true", []string{"Mouse 100%"}},
		// project
		{"project is_public", "project", "filter{is_public}=true", []string{"Alpha"}},
		{"project is_public falsey", "project", "filter{is_public}=FALSE", []string{"Beta", "gamma_%"}},
		{"project is_public in", "project", "filter{is_public.in}=0&filter{is_public.in}=1", []string{"Alpha", "Beta", "gamma_%"}},
		{"project tags", "project", "filter{tags}=ca1", []string{"Alpha"}},
		{"project tags percent literal", "project", "filter{tags.icontains}=%25", []string{"gamma_%"}},
		{"project sessions", "project", "filter{sessions}=" + qS2, []string{"Alpha", "Beta"}},
		{"project sessions.name", "project", "filter{sessions.name.startswith}=mouse", []string{"gamma_%"}},
		{"project publications", "project", "filter{publications}=" + qS1, []string{"Alpha"}},
		{"project description", "project", "filter{description.icontains}=second", []string{"Beta"}},
		// datastorage
		{"datastorage location", "datastorage", "filter{location.iexact}=LAB B", []string{"Backup"}},
		{"datastorage is_public", "datastorage", "filter{is_public}=1", []string{"server1"}},
		// sessiondatastorage
		{"sds session", "sessiondatastorage", "filter{session}=" + qS3, []string{qL3, qL2}},
		{"sds session.id", "sessiondatastorage", "filter{session.id}=" + qS1, []string{qL1}},
		{"sds datastorage", "sessiondatastorage", "filter{datastorage}=" + qD1, []string{qL1, qL3}},
		{"sds datastorage.name", "sessiondatastorage", "filter{datastorage.name}=Backup", []string{qL2}},
		{"sds session.name", "sessiondatastorage", "filter{session.name.icontains}=rat", []string{qL1}},
		{"sds order", "sessiondatastorage", "filter{order}=2", []string{qL2}},
		{"sds order gte", "sessiondatastorage", "filter{order.gte}=1", []string{qL1, qL3, qL2}},
		{"sds order in", "sessiondatastorage", "filter{order.in}=2&filter{order.in}=5", []string{qL2}},
		{"sds -order", "sessiondatastorage", "filter{-order}=1", []string{qL2}},
		// complex JSON form
		{"complex or", "session", `filter{}={"$or":[{"name":"rat-02"},{"tags":"mouse"}]}`, []string{"rat-02", "mouse_x"}},
		{"complex and", "session", `filter{}={"$and":[{"name.icontains":"rat"},{"-projects.in":["` + qP2 + `"]}]}`, []string{"Rat_01"}},
		{"complex clauses with other filters", "session", `filter{}={"name.icontains":"mouse"}&filter{tags}=mouse`, []string{"mouse_x"}},
		{"complex empty object", "session", `filter{}={}`, all},
		{"complex empty param", "session", `filter{}=`, all},
		{"complex or with an and", "session", `filter{}={"$or":[{"name":"rat-02"},{"tags":"mouse"}]}&filter{name.icontains}=RAT`, []string{"rat-02"}},
		{"complex range list", "session", `filter{}={"date_time.range":["2023-01-01","2023-04-01"]}`, []string{"Rat_01"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, n, err := runQuery(t, s, c.model, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.q, err)
			}
			if !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s\n got %q\nwant %q", c.q, got, c.want)
			}
			if n != int64(len(c.want)) {
				t.Errorf("%s: count %d, want %d", c.q, n, len(c.want))
			}
		})
	}
}

func TestBSQuerySortAndPage(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	cases := []struct {
		name, model, q string
		want           []string
		count          int64
	}{
		{"sort name", "session", "sort[]=name", []string{"Mouse 100%", "Rat_01", "mouse_x", "rat-02"}, 4},
		{"sort -name", "session", "sort[]=-name", []string{"rat-02", "mouse_x", "Rat_01", "Mouse 100%"}, 4},
		{"sort date_time nulls first", "session", "sort[]=date_time", []string{"Mouse 100%", "Rat_01", "rat-02", "mouse_x"}, 4},
		{"sort -date_time", "session", "sort[]=-date_time", []string{"mouse_x", "rat-02", "Rat_01", "Mouse 100%"}, 4},
		{"sort multi with tiebreak", "session", "sort[]=description&sort[]=-name", []string{"Mouse 100%", "rat-02", "Rat_01", "mouse_x"}, 4},
		{"sort id", "session", "sort[]=-id", []string{"mouse_x", "Mouse 100%", "rat-02", "Rat_01"}, 4},
		{"sort project is_public", "project", "sort[]=-is_public", []string{"Alpha", "Beta", "gamma_%"}, 3},
		{"sort datastorage location", "datastorage", "sort[]=location", []string{"server1", "Backup"}, 2},
		{"sort sds order", "sessiondatastorage", "sort[]=-order", []string{qL2, qL1, qL3}, 3},
		{"sds default order", "sessiondatastorage", "", []string{qL1, qL3, qL2}, 3},
		{"sort whitespace trimmed", "session", "sort[]=%20name%20", []string{"Mouse 100%", "Rat_01", "mouse_x", "rat-02"}, 4},
		{"limit", "session", "sort[]=name&limit=2", []string{"Mouse 100%", "Rat_01"}, 4},
		{"limit offset", "session", "sort[]=name&limit=2&offset=1", []string{"Rat_01", "mouse_x"}, 4},
		{"offset past the end", "session", "offset=10", nil, 4},
		{"limit 0 is 1", "session", "sort[]=name&limit=0", []string{"Mouse 100%"}, 4},
		{"limit negative is 1", "session", "sort[]=name&limit=-5", []string{"Mouse 100%"}, 4},
		{"empty limit is the default", "session", "limit=&offset=", []string{"Rat_01", "rat-02", "Mouse 100%", "mouse_x"}, 4},
		{"filter sort page count", "session", "filter{name.icontains}=r&sort[]=-name&limit=1&offset=1", []string{"Rat_01"}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, n, err := runQuery(t, s, c.model, c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.q, err)
			}
			if !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s\n got %q\nwant %q", c.q, got, c.want)
			}
			if n != c.count {
				t.Errorf("%s: count %d, want %d", c.q, n, c.count)
			}
		})
	}
}

func TestLimitClamp(t *testing.T) {
	t.Parallel()
	n := func(i int) *int { return &i }
	for _, c := range []struct {
		limit *int
		want  int
	}{{nil, 20}, {n(0), 1}, {n(-5), 1}, {n(1), 1}, {n(100), 100}, {n(101), 100}, {n(1 << 40), 100}} {
		q, err := parseListQuery("session", nil, c.limit, nil)
		if err != nil {
			t.Fatal(err)
		}
		if q.Limit != c.want {
			t.Errorf("limit %v: %d, want %d", c.limit, q.Limit, c.want)
		}
	}
}

func TestBSQueryErrors(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	cases := []struct {
		name, model, q string
		want           string // JSON body
	}{
		{"unknown field", "session", "filter{foobar}=1", `["Invalid filter field: foobar"]`},
		{"unknown field with op", "session", "filter{foobar.icontains}=1", `["Invalid filter field: foobar"]`},
		{"unknown op on a plain field", "session", "filter{name.foo}=1", `["Invalid nested filter field: name"]`},
		{"unknown field behind a relation", "session", "filter{projects.foo}=1", `["Invalid filter field: foo"]`},
		{"too deep behind a relation", "session", "filter{projects.name.id}=1", `["Invalid nested filter field: name"]`},
		{"unfilterable serializer field", "session", "filter{extra_fields}=1", `["Invalid filter field: extra_fields"]`},
		{"exclusion unknown", "session", "filter{-nope}=1", `["Invalid filter field: nope"]`},
		{"empty key", "session", "filter{}[]=1", `["Invalid filter field: "]`},
		{"malformed key", "session", "filter{name=x", `{"detail":"\"filter{name\" is not a well-formed filter key."}`},
		{"malformed key with suffix", "session", "filter{name}x=1", `{"detail":"\"filter{name}x\" is not a well-formed filter key."}`},
		{"bad uuid", "session", "filter{id}=123x", `["“123x” is not a valid UUID."]`},
		{"bad uuid in relation", "session", "filter{projects}=abc", `["“abc” is not a valid UUID."]`},
		{"bad uuid in list", "session", "filter{id.in}=" + qS1 + "&filter{id.in}=zz", `["“zz” is not a valid UUID."]`},
		{"bad uuid in empty relation", "session", "filter{epochs}=zz", `["“zz” is not a valid UUID."]`},
		{"bad date", "session", "filter{date_time.gt}=x", `["“x” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."]`},
		{"invalid date", "session", "filter{date_time}=2023-02-30", `["“2023-02-30” value has the correct format (YYYY-MM-DD) but it is an invalid date."]`},
		{"invalid datetime", "session", "filter{date_time}=2023-01-01T25:00", `["“2023-01-01T25:00” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time."]`},
		{"bad int", "sessiondatastorage", "filter{order}=x", `["Field 'order' expected a number but got 'x'."]`},
		{"range with one value", "session", "filter{date_time.range}=2023-01-01", `["The range filter filter{date_time.range} needs two values (repeat the key)."]`},
		{"unsupported lookup", "session", "filter{name.regex}=^a", `["Unsupported lookup 'regex' for CharField or join on the field not permitted."]`},
		{"year on text", "session", "filter{name.year}=2023", `["Unsupported lookup 'year' for CharField or join on the field not permitted."]`},
		{"bad year", "session", "filter{date_time.year}=abc", `["Field 'year' expected a number but got 'abc'."]`},
		{"sort unknown", "session", "sort[]=-foo", `["Invalid filter field: ['-foo']"]`},
		{"sort docs example", "session", "sort[]=name&sort[]=-created_date&sort[]=x'y", `["Invalid filter field: ['-created_date', \"x'y\"]"]`},
		{"sort dotted", "session", "sort[]=projects.name", `["Invalid filter field: ['projects.name']"]`},
		{"sort empty", "session", "sort[]=", `["Invalid filter field: ['']"]`},
		{"include unknown", "session", "include[]=foo.*", `{"detail":"\"foo\" is not a valid field name for \"session\"."}`},
		{"include unknown nested", "session", "include[]=projects.foo", `{"detail":"\"foo\" is not a valid field name for \"project\"."}`},
		{"include on datastorage", "datastorage", "include[]=sessions.*", `{"detail":"\"sessions\" is not a valid field name for \"datastorage\"."}`},
		{"exclude unknown", "project", "exclude[]=nope", `{"detail":"\"nope\" is not a valid field name for \"project\"."}`},
		{"complex not json", "session", "filter{}={nope", `{"detail":"filter{} must be a JSON object: invalid character 'n' looking for beginning of object key string"}`},
		{"complex bad field", "session", `filter{}={"$or":[{"nope":1}]}`, `["Invalid filter field: nope"]`},
		{"too many in values", "session", "filter{name.in}=a" + strings.Repeat("&filter{name.in}=a", 1000), `["Too many values for filter{name.in}: at most 1000."]`},
		{"too many values in all", "session", "filter{}={\"$or\":[" + strings.Repeat(`{"name":"a"},`, 10000) + `{"name":"b"}]}`, `["Too many filter values: at most 10000 in one request."]`},
		{"path too deep", "session", "filter{projects.sessions.projects.sessions.projects.sessions.name}=x", `["Filter path too deep: projects.sessions.projects.sessions.projects.sessions.name (at most 6 fields)."]`},
		{"pattern too long", "session", "filter{description.icontains}=" + strings.Repeat("ab", 30000), `["Filter value too long for icontains: at most 10000 bytes."]`},
		{"sideload filter", "session", "filter{projects|name}=x", `["Relational filters on included records are not supported: projects|name"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runQuery(t, s, c.model, c.q)
			if err == nil {
				t.Fatalf("%.200s: no error", c.q)
			}
			status, body := errorResponse(err, httptest.NewRequest(http.MethodGet, "/", nil))
			if status != 400 {
				t.Errorf("%.200s: status %d, want 400", c.q, status)
			}
			got, _ := json.Marshal(body)
			if string(got) != c.want {
				t.Errorf("%.200s\n got %s\nwant %s", c.q, got, c.want)
			}
		})
	}
}

func TestBSQueryIncludeExclude(t *testing.T) {
	t.Parallel()
	cases := []struct {
		model, q     string
		inc, exclude []string
	}{
		{"session", "include[]=projects.*&include[]=datastorage&include[]=projects&include[]=name&include[]=*", []string{"projects", "datastorage", "name"}, nil},
		{"session", "include[]=epochs.*&include[]=projects.name", []string{"epochs", "projects"}, nil},
		{"project", "include[]=sessions.*&exclude[]=users&exclude[]=*&exclude[]=users", []string{"sessions"}, []string{"users", "*"}},
		{"sessiondatastorage", "include[]=session.*&include[]=datastorage.*", []string{"session", "datastorage"}, nil},
		{"datastorage", "exclude[]=data_protocols", nil, []string{"data_protocols"}},
		{"session", "exclude[]=*&include[]=name&include[]=id", []string{"name", "id"}, []string{"*"}},
		{"session", "include[]=name.*", []string{"name"}, nil},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.q)
		q, err := parseListQuery(c.model, v, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if fmt.Sprint(q.Include) != fmt.Sprint(c.inc) || fmt.Sprint(q.Exclude) != fmt.Sprint(c.exclude) {
			t.Errorf("%s: include %q exclude %q, want %q %q", c.q, q.Include, q.Exclude, c.inc, c.exclude)
		}
	}
	if _, err := parseListQuery("nope", nil, nil, nil); err == nil {
		t.Error("unknown model accepted")
	}
}

// TestBSQueryStoredNULInAList: a JSON list column holding the escape
// \u0000 (SQLite stores it; PostgreSQL's jsonb refuses it) is still
// filtered, on both databases.
func TestBSQueryStoredNULInAList(t *testing.T) {
	t.Parallel()
	core := seedQueryCore(t)
	s := bsdb.New(core)
	if err := core.W.Model(&bsdb.Session{}).Where("id = ?", qS3).Update("tags", `["x\u0000y", "a\\u0000"]`).Error; err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"filter{tags}=rat":             {"Rat_01"},
		"filter{tags.icontains}=x":     {"Mouse 100%"},
		"filter{tags.startswith}=a%5C": {"Mouse 100%"},
		"filter{tags.isnull}=true":     nil,
		"filter{-tags.isnull}=true":    {"Rat_01", "rat-02", "Mouse 100%", "mouse_x"},
	} {
		got, _, err := runQuery(t, s, "session", q)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %q, %v; want %q", q, got, err, want)
		}
	}
}

// FuzzParseListQuery checks that any query string either parses into a
// query whose SQL SQLite accepts or fails with a *queryError (a 400), never
// a panic or a database error (a 500).
func FuzzParseListQuery(f *testing.F) {
	for _, seed := range []string{
		"filter{name.icontains}=rat&sort[]=-name&limit=5",
		"filter{projects.sessions.projects.name.iexact}=a_b",
		"filter{-date_time.range}=2023-01-01&filter{-date_time.range}=2023-02-01T10:00%2B01:00",
		`filter{}={"$or":[{"tags.in":["a","b"]},{"-id":"` + qS1 + `"}]}`,
		"filter{epochs.isnull}=0&include[]=projects.*&exclude[]=*",
		"filter{id.in}=" + qS1 + "&filter{pk}=" + qS2 + "&offset=3",
		"filter{tags.gt}=m&filter{date_time.week_day}=2&sort[]=date_time",
	} {
		f.Add("session", seed)
	}
	f.Add("project", "filter{sessions.date_time.year}=2023&filter{is_public.in}=yes")
	f.Add("sessiondatastorage", "filter{session.name}=x&filter{order.range}=1&filter{order.range}=3")
	f.Add("datastorage", "filter{location.istartswith}=%25&sort[]=-is_public")
	s := seedQueryData(f)
	f.Fuzz(func(t *testing.T, model, raw string) {
		if _, ok := queryModels[model]; !ok {
			return
		}
		if _, _, err := runQuery(t, s, model, raw); err != nil {
			var qe *queryError
			if !errors.As(err, &qe) && !errors.Is(err, bsdb.ErrQueryTooLarge) {
				t.Fatalf("%s: non-query error %v", raw, err)
			}
		}
	})
}
