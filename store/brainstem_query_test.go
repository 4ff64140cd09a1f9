package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
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
var seeAll = BSViewer{UserID: 1}

// seedQueryData writes a small, hand-checked data set:
//
//	projects  Alpha (public, tags mouse/ca1), Beta, gamma_% (tags ["x%y"])
//	sessions  Rat_01   2023-03-22T15:30Z  tags rat,hippocampus  Alpha       D1
//	          rat-02   2023-06-01T00:00Z  tags Rat              Alpha, Beta
//	          Mouse 100%  no date         no tags               Beta        D1(order 1), D2(order 2)
//	          mouse_x  2024-01-01T10:00Z  tags mouse            gamma_%
func seedQueryData(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
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
		&BSProject{ID: qP1, Name: "Alpha", Description: "first project", IsPublic: true, Tags: `["mouse","ca1"]`, Publications: `["` + qS1 + `"]`, CreatedAt: at(1)},
		&BSProject{ID: qP2, Name: "Beta", Description: "Second", CreatedAt: at(2)},
		&BSProject{ID: qP3, Name: "gamma_%", Tags: `["x%y"]`, CreatedAt: at(3)},
		&BSSession{ID: qS1, Name: "Rat_01", Description: "first", DateTime: tp("2023-03-22T15:30:00Z"), Tags: `["rat","hippocampus"]`, NameUsedInStorage: "Rat_01", CreatedAt: at(1)},
		&BSSession{ID: qS2, Name: "rat-02", Description: "Second", DateTime: tp("2023-06-01T00:00:00Z"), Tags: `["Rat"]`, NameUsedInStorage: "rat-02", CreatedAt: at(2)},
		&BSSession{ID: qS3, Name: "Mouse 100%", Description: "", Tags: `[]`, NameUsedInStorage: "Mouse_100", CreatedAt: at(3)},
		&BSSession{ID: qS4, Name: "mouse_x", Description: "o'brien", DateTime: tp("2024-01-01T12:00:00+02:00"), Tags: `["mouse"]`, NameUsedInStorage: "mouse_x", CreatedAt: at(4)},
		&BSSessionProject{SessionID: qS1, ProjectID: qP1},
		&BSSessionProject{SessionID: qS2, ProjectID: qP1},
		&BSSessionProject{SessionID: qS2, ProjectID: qP2},
		&BSSessionProject{SessionID: qS3, ProjectID: qP2},
		&BSSessionProject{SessionID: qS4, ProjectID: qP3},
		&BSDataStorage{ID: qD1, Name: "server1", Location: "Lab A", IsPublic: true, OwnerID: u.ID, CreatedAt: at(1)},
		&BSDataStorage{ID: qD2, Name: "Backup", Location: "lab b", OwnerID: u.ID, CreatedAt: at(2)},
		&BSSessionDataStorage{ID: qL1, SessionID: qS1, DataStorageID: qD1, Order: 1},
		&BSSessionDataStorage{ID: qL2, SessionID: qS3, DataStorageID: qD2, Order: 2},
		&BSSessionDataStorage{ID: qL3, SessionID: qS3, DataStorageID: qD1, Order: 1},
	}
	for _, p := range []string{qP1, qP2, qP3} {
		rows = append(rows, &BSProjectMember{ProjectID: p, UserID: u.ID})
	}
	for _, r := range rows {
		if err := s.W.Create(r).Error; err != nil {
			t.Fatalf("seed %T: %v", r, err)
		}
	}
	return s
}

var bsModelRows = map[string]struct {
	model any
	col   string
}{
	"session":            {&BSSession{}, "bs_sessions.name"},
	"project":            {&BSProject{}, "bs_projects.name"},
	"datastorage":        {&BSDataStorage{}, "bs_datastorages.name"},
	"sessiondatastorage": {&BSSessionDataStorage{}, "bs_session_datastorages.id"},
}

// runQuery parses raw for model and returns the matching names (ids for
// sessiondatastorage) in order, the COUNT, or the parse error.
func runQuery(t *testing.T, s *Store, model, raw string) ([]string, int64, error) {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("bad test query %q: %v", raw, err)
	}
	q, err := ParseBSQuery(model, v, seeAll)
	if err != nil {
		return nil, 0, err
	}
	m := bsModelRows[model]
	base := s.R.Model(m.model)
	var n int64
	if err := q.Where(base.Session(&gorm.Session{})).Count(&n).Error; err != nil {
		t.Fatalf("%s count: %v", raw, err)
	}
	var names []string
	if err := q.Scope(base.Session(&gorm.Session{})).Limit(q.Limit).Offset(q.Offset).Pluck(m.col, &names).Error; err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return names, n, nil
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

func TestBSQueryLimitClamp(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]int{"": 20, "limit=0": 1, "limit=1": 1, "limit=100": 100, "limit=101": 100,
		"limit=99999999999999999999999": 100, "limit=%2B7": 7, "limit=%207%20": 7} {
		v, _ := url.ParseQuery(raw)
		q, err := ParseBSQuery("session", v, seeAll)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if q.Limit != want {
			t.Errorf("%s: limit %d, want %d", raw, q.Limit, want)
		}
	}
}

func TestBSQueryErrors(t *testing.T) {
	t.Parallel()
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
		{"limit not a number", "session", "limit=ten", `["Invalid limit 'ten': a valid integer is required."]`},
		{"offset not a number", "session", "offset=1.5", `["Invalid offset '1.5': a valid integer is required."]`},
		{"offset negative", "session", "offset=-1", `["Invalid offset '-1': ensure this value is greater than or equal to 0."]`},
		{"offset too big", "session", "offset=99999999999999999999", `["Invalid offset '99999999999999999999': ensure this value is less than or equal to 2147483647."]`},
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
			v, err := url.ParseQuery(c.q)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseBSQuery(c.model, v, seeAll)
			var qe *BSQueryError
			if !errors.As(err, &qe) {
				t.Fatalf("%s: err %v, want *BSQueryError", c.q, err)
			}
			got, _ := json.Marshal(qe.Body)
			if string(got) != c.want {
				t.Errorf("%s\n got %s\nwant %s", c.q, got, c.want)
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
		q, err := ParseBSQuery(c.model, v, seeAll)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if fmt.Sprint(q.Include) != fmt.Sprint(c.inc) || fmt.Sprint(q.Exclude) != fmt.Sprint(c.exclude) {
			t.Errorf("%s: include %q exclude %q, want %q %q", c.q, q.Include, q.Exclude, c.inc, c.exclude)
		}
	}
	if _, err := ParseBSQuery("nope", nil, seeAll); err == nil {
		t.Error("unknown model accepted")
	}
}

const testVisibleSQL = "bs_sessions.id IN (SELECT session_id FROM bs_session_projects WHERE project_id IN " +
	"(SELECT project_id FROM bs_project_members WHERE user_id = ?))"

// TestBSQueryWithVisibility runs queries the way the server does, after a
// visibility condition, so the driving-filter rewrite is exercised.
func TestBSQueryWithVisibility(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	// The caller's visibility below is that of a member of Alpha and
	// gamma_% only; the filters are compiled for seeAll, so that their own
	// relation visibility does not change the results this test checks.
	u, err := s.CreateUser(context.Background(), "partial@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{qP1, qP3} {
		if err := s.W.Create(&BSProjectMember{ProjectID: p, UserID: u.ID}).Error; err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		q          string
		want       []string
		wantExists bool
	}{
		{"", []string{"Rat_01", "rat-02", "mouse_x"}, false},
		{"filter{projects}=" + qP2, []string{"rat-02"}, true},
		{"filter{projects}=" + qP2 + "&filter{projects.name}=Alpha", []string{"rat-02"}, true},
		{"filter{projects}=" + qP2 + "&filter{projects.name}=Beta&filter{name.icontains}=mouse", nil, true},
		{"filter{datastorage}=" + qD1, []string{"Rat_01"}, true},
		{"filter{projects.in}=" + qP2 + "&filter{projects.in}=" + qP3 + "&filter{-tags}=mouse", []string{"rat-02"}, true},
		{"filter{-projects}=" + qP1, []string{"mouse_x"}, false},
		{"filter{id}=" + qS2, []string{"rat-02"}, true},
		{"filter{id}=" + qS3, nil, true},
		{"filter{id.in}=" + qS3 + "&filter{id.in}=" + qS4, []string{"mouse_x"}, true},
		{"filter{-id}=" + qS1, []string{"rat-02", "mouse_x"}, false},
		{"filter{projects}=" + qP1 + "&sort[]=-name&limit=1&offset=1", []string{"Rat_01"}, true},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.q)
		q, err := ParseBSQuery("session", v, seeAll)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		base := s.R.Model(&BSSession{}).Where(testVisibleSQL, u.ID)
		var names []string
		if err := q.Scope(base.Session(&gorm.Session{})).Limit(q.Limit).Offset(q.Offset).Pluck("name", &names).Error; err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if fmt.Sprint(names) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %q, want %q", c.q, names, c.want)
		}
		stmt := q.Where(s.R.Session(&gorm.Session{DryRun: true}).Model(&BSSession{}).Where(testVisibleSQL, u.ID)).
			Find(&[]BSSession{}).Statement
		sql := stmt.SQL.String()
		if got := strings.Contains(sql, "EXISTS (SELECT 1 FROM bs_session_projects WHERE bs_session_projects.session_id = bs_sessions.id"); got != c.wantExists {
			t.Errorf("%s: visibility rewritten to EXISTS = %v, want %v\n%s", c.q, got, c.wantExists, sql)
		}
	}
}

func TestBSQuerySDSWithVisibility(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	// The caller's visibility below is that of a member of Alpha and
	// gamma_% only; the filters are compiled for seeAll, so that their own
	// relation visibility does not change the results this test checks.
	u, err := s.CreateUser(context.Background(), "partial@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{qP1, qP3} {
		if err := s.W.Create(&BSProjectMember{ProjectID: p, UserID: u.ID}).Error; err != nil {
			t.Fatal(err)
		}
	}
	const visible = "bs_session_datastorages.session_id IN (SELECT session_id FROM bs_session_projects WHERE project_id IN " +
		"(SELECT project_id FROM bs_project_members WHERE user_id = ?))"
	cases := []struct {
		q          string
		want       []string
		wantExists bool
	}{
		{"", []string{qL1}, false},
		{"filter{session}=" + qS1, []string{qL1}, true},
		{"filter{session.id}=" + qS3, nil, true},
		{"filter{datastorage}=" + qD1, []string{qL1}, true},
		{"filter{session.in}=" + qS1 + "&filter{session.in}=" + qS3, []string{qL1}, true},
		{"filter{-session}=" + qS3, []string{qL1}, false},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.q)
		q, err := ParseBSQuery("sessiondatastorage", v, seeAll)
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		base := s.R.Model(&BSSessionDataStorage{}).Where(visible, u.ID)
		var ids []string
		if err := q.Scope(base).Pluck("bs_session_datastorages.id", &ids).Error; err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		if fmt.Sprint(ids) != fmt.Sprint(c.want) {
			t.Errorf("%s: got %q, want %q", c.q, ids, c.want)
		}
		stmt := q.Where(s.R.Session(&gorm.Session{DryRun: true}).Model(&BSSessionDataStorage{}).Where(visible, u.ID)).
			Find(&[]BSSessionDataStorage{}).Statement
		sql := stmt.SQL.String()
		if got := strings.Contains(sql, "EXISTS (SELECT 1 FROM bs_session_projects WHERE bs_session_projects.session_id = bs_session_datastorages.session_id"); got != c.wantExists {
			t.Errorf("%s: visibility rewritten = %v, want %v\n%s", c.q, got, c.wantExists, sql)
		}
	}
}

func TestInToExists(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{testVisibleSQL, "EXISTS (SELECT 1 FROM bs_session_projects WHERE bs_session_projects.session_id = bs_sessions.id AND " +
			"(project_id IN (SELECT project_id FROM bs_project_members WHERE user_id = ?)))"},
		{"(bs_sessions.id IN (SELECT session_id FROM bs_session_projects WHERE project_id = ?))",
			"EXISTS (SELECT 1 FROM bs_session_projects WHERE bs_session_projects.session_id = bs_sessions.id AND (project_id = ?))"},
		{"bs_sessions.id IN (SELECT id FROM bs_sessions WHERE name = ?)", ""},                                      // same table: refused
		{"bs_projects.id IN (SELECT project_id FROM bs_session_projects WHERE x = ?)", ""},                         // another outer table
		{"bs_sessions.id IN (SELECT a FROM t WHERE x = 1) OR bs_sessions.id IN (SELECT b FROM u WHERE y = 2)", ""}, // not one subquery
		{"bs_sessions.id IN (SELECT a FROM t WHERE x = ')') OR (1)", ""},
		{"bs_sessions.name = ?", ""},
		{"bs_projects.id IN (SELECT project_id FROM bs_project_members WHERE user_id = ?)", ""},           // another outer table
		{"bs_sessions.id IN (SELECT session_id FROM bs_session_projects WHERE x = bs_sessions.name)", ""}, // correlated already

	}
	for _, c := range cases {
		got, ok := inToExists(c.in, "bs_sessions")
		if ok != (c.want != "") || got != c.want {
			t.Errorf("inToExists(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestPyRepr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"-foo": `'-foo'`, "it's": `"it's"`, `a'b"c`: `'a\'b"c'`, "a\\b\n": `'a\\b\n'`} {
		if got := pyRepr(in); got != want {
			t.Errorf("pyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

// seedBenchData writes 100,000 sessions over 1,000 projects (each session in
// one project, every tenth also in a second one); user 1 is a member of 50
// projects. It returns the store, the user id and one of the user's projects.
func seedBenchData(b *testing.B) (*Store, uint, string) {
	b.Helper()
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "bench@example.org", "")
	if err != nil {
		b.Fatal(err)
	}
	other, err := s.CreateUser(ctx, "other@example.org", "")
	if err != nil {
		b.Fatal(err)
	}
	const nProjects, nSessions = 1000, 100_000
	id := func(prefix, i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", prefix, i) }
	words := []string{"mouse", "rat", "ferret", "macaque", "zebrafish", "human", "marmoset", "bat", "songbird", "octopus"}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	err = s.W.Transaction(func(tx *gorm.DB) error {
		projects := make([]BSProject, nProjects)
		members := make([]BSProjectMember, 0, nProjects+50)
		for i := range projects {
			projects[i] = BSProject{ID: id(1, i), Name: fmt.Sprintf("project %04d", i), CreatedAt: base, UpdatedAt: base}
			members = append(members, BSProjectMember{ProjectID: projects[i].ID, UserID: other.ID, IsOwner: true, CanChange: true})
			if i%20 == 0 {
				members = append(members, BSProjectMember{ProjectID: projects[i].ID, UserID: u.ID, CanChange: true})
			}
		}
		if err := tx.CreateInBatches(projects, 500).Error; err != nil {
			return err
		}
		if err := tx.Omit("Project", "User").CreateInBatches(members, 500).Error; err != nil {
			return err
		}
		const batch = 2000
		sessions := make([]BSSession, 0, batch)
		links := make([]BSSessionProject, 0, batch+batch/10)
		for i := range nSessions {
			t := base.Add(time.Duration(i) * time.Minute)
			sessions = append(sessions, BSSession{ID: id(2, i), Name: fmt.Sprintf("%s session %06d", words[(i/7)%len(words)], i),
				DateTime: &t, Tags: `["` + words[i%len(words)] + `"]`, CreatedAt: t, UpdatedAt: t})
			links = append(links, BSSessionProject{SessionID: id(2, i), ProjectID: id(1, i%nProjects)})
			if i%10 == 0 {
				links = append(links, BSSessionProject{SessionID: id(2, i), ProjectID: id(1, (i/10)%nProjects)})
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

// BenchmarkSessionListFiltered runs a list request the way the server does:
// visibility IN-subquery, the parsed filters, COUNT, then the sorted page.
func BenchmarkSessionListFiltered(b *testing.B) {
	s, uid, project := seedBenchData(b)
	const visible = testVisibleSQL
	queries := map[string]string{
		"icontains+project": "filter{name.icontains}=rat&filter{projects}=" + project + "&sort[]=-name&limit=20",
		"icontains":         "filter{name.icontains}=rat&sort[]=-name&limit=20",
		"date+page":         "filter{date_time.gte}=2020-02-01&sort[]=-date_time&limit=20&offset=100",
		"default":           "",
	}
	for name, raw := range queries {
		b.Run(name, func(b *testing.B) {
			v, _ := url.ParseQuery(raw)
			q, err := ParseBSQuery("session", v, seeAll)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			run := func() (int64, []BSSession) {
				base := s.R.WithContext(ctx).Model(&BSSession{}).Where(visible, uid)
				var n int64
				if err := q.Where(base.Session(&gorm.Session{})).Count(&n).Error; err != nil {
					b.Fatal(err)
				}
				var rows []BSSession
				if err := q.Scope(base.Session(&gorm.Session{})).Limit(q.Limit).Offset(q.Offset).Find(&rows).Error; err != nil {
					b.Fatal(err)
				}
				return n, rows
			}
			n, rows := run()
			if n == 0 || len(rows) == 0 {
				b.Fatalf("%s: no rows (count %d)", raw, n)
			}
			stmt := q.Scope(s.R.Session(&gorm.Session{DryRun: true}).Model(&BSSession{}).Where(visible, uid)).
				Limit(q.Limit).Offset(q.Offset).Find(&[]BSSession{}).Statement
			var plan []struct {
				ID, Parent, Notused int
				Detail              string
			}
			s.R.Raw("EXPLAIN QUERY PLAN "+stmt.SQL.String(), stmt.Vars...).Scan(&plan)
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

// FuzzParseBSQuery checks that any query string either parses into SQL
// that SQLite accepts or fails with a *BSQueryError (a 400), never a panic
// or a database error (a 500).
func FuzzParseBSQuery(f *testing.F) {
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
		m, ok := bsModelRows[model]
		if !ok {
			return
		}
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseBSQuery(model, v, seeAll)
		var qe *BSQueryError
		if err != nil {
			if !errors.As(err, &qe) {
				t.Fatalf("%s: non-query error %v", raw, err)
			}
			return
		}
		base := s.R.Model(m.model)
		if model == "session" {
			base = base.Where(testVisibleSQL, 1)
		}
		var n int64
		if err := q.Where(base.Session(&gorm.Session{})).Count(&n).Error; err != nil {
			t.Fatalf("%s: count: %v", raw, err)
		}
		var names []string
		if err := q.Scope(base.Session(&gorm.Session{})).Limit(q.Limit).Offset(q.Offset).Pluck(m.col, &names).Error; err != nil {
			t.Fatalf("%s: page: %v", raw, err)
		}
	})
}

// TestVisibilityCoversEveryModel: every model of the query engine has a
// visibility condition on both portals, and it runs on its table (the
// compiler ANDs it into every relation hop into that model).
func TestVisibilityCoversEveryModel(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	for _, name := range BSQueryModels() {
		for _, v := range []BSViewer{{Public: true}, seeAll} {
			c := v.visibleSQL(name)
			if c.sql == "(0)" {
				t.Errorf("%s: no visibility defined for viewer %+v", name, v)
				continue
			}
			var n int64
			if err := s.R.Table(bsModels[name].table).Where(c.sql, c.args...).Count(&n).Error; err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
}

// BenchmarkSessionListPage runs ListBSSessions (count, page and the
// visible related-id lists of each record) on the benchmark data set, for
// a member and for the public portal (no public project: an empty page).
func BenchmarkSessionListPage(b *testing.B) {
	s, uid, project := seedBenchData(b)
	ctx := context.Background()
	for name, v := range map[string]BSViewer{"member": {UserID: uid}, "public": {Public: true}} {
		for qname, raw := range map[string]string{"default": "", "project": "filter{projects}=" + project} {
			b.Run(name+"/"+qname, func(b *testing.B) {
				vals, _ := url.ParseQuery(raw)
				q, err := ParseBSQuery("session", vals, v)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, _, err := s.ListBSSessions(ctx, v, q, BSPage{Limit: 20}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
