package brainstem_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// leakFixture adds to the fixture what the visibility tests need:
//   - "Secret": a private project of the owner alone, described "top-secret plans";
//   - Lab described "lab-internal notes", Disk located at "/vault/disk";
//   - "Both": a public session (through Open) also in Lab and Secret,
//     linked to Cloud and Disk;
//   - "Shared": a session of Lab and Secret, linked to Disk;
//   - "PubNoDS": a public session whose only storage is the private Disk.
func leakFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.id["Secret"] = f.create(owner, "/api/private/stem/project/", "project", map[string]any{"name": "Secret", "description": "top-secret plans"})
	f.must(owner, "PATCH", "/api/private/stem/project/"+f.id["Lab"]+"/", map[string]any{"description": "lab-internal notes"}, http.StatusOK)
	f.must(owner, "PATCH", "/api/private/personal_attributes/datastorage/"+f.id["Disk"]+"/", map[string]any{"location": "/vault/disk"}, http.StatusOK)
	f.id["Both"] = f.create(owner, "/api/private/stem/session/", "session", map[string]any{
		"name": "Both", "projects": []string{f.id["Open"], f.id["Lab"], f.id["Secret"]}, "datastorage": []string{f.id["Cloud"], f.id["Disk"]}})
	f.id["Shared"] = f.create(owner, "/api/private/stem/session/", "session", map[string]any{
		"name": "Shared", "projects": []string{f.id["Lab"], f.id["Secret"]}, "datastorage": []string{f.id["Disk"]}})
	f.id["PubNoDS"] = f.create(owner, "/api/private/stem/session/", "session", map[string]any{
		"name": "PubNoDS", "projects": []string{f.id["Open"]}, "datastorage": []string{f.id["Disk"]}})
	return f
}

// listed checks a list answer: its count and the names (ids for
// sessiondatastorages) of its records, in any order.
func listed(key string, want ...string) func(t *testing.T, b map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		var got []string
		for _, r := range b[key].([]any) {
			m := r.(map[string]any)
			if n, ok := m["name"].(string); ok {
				got = append(got, n)
			} else {
				got = append(got, m["id"].(string))
			}
		}
		slices.Sort(got)
		w := slices.Clone(want)
		slices.Sort(w)
		if !slices.Equal(got, w) || b["count"].(float64) != float64(len(want)) {
			t.Errorf("%s: got %v (count %v), want %v", key, got, b["count"], w)
		}
	}
}

// relIDs checks the related-id list field of the record under key.
func (f *fixture) relIDs(key, field string, want ...string) func(t *testing.T, b map[string]any) {
	return func(t *testing.T, b map[string]any) {
		t.Helper()
		var w []string
		for _, n := range want {
			w = append(w, f.id[n])
		}
		got := ids(record(b, key)[field])
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s.%s: got %v, want the ids of %v", key, field, got, want)
		}
	}
}

func jsonFilter(s string) string { return "filter%7B%7D=" + url.QueryEscape(s) }

// TestRelationFiltersSeeOnlyVisibleRecords: a filter through a relation
// only reaches related records the caller may see (issue 9, item 1), on
// both portals, through filter{…} and filter{}, on every list.
func TestRelationFiltersSeeOnlyVisibleRecords(t *testing.T) {
	t.Parallel()
	f := leakFixture(t)
	const pubS, pubP = "/api/public/stem/session/", "/api/public/stem/project/"
	const privS, privP, sds = "/api/private/stem/session/", "/api/private/stem/project/", "/api/private/stem/sessiondatastorage/"
	get := func(name, user, path string, check func(*testing.T, map[string]any)) scenario {
		return scenario{name: name, user: user, method: "GET", path: path, status: 200, check: check}
	}
	f.run(t, []scenario{
		// public portal, no token
		get("public: a private project's name", anon, pubS+"?filter{projects.name}=Lab", listed("sessions")),
		get("public: a private project's name (control)", anon, pubS+"?filter{projects.name}=Open", listed("sessions", "Pub1", "Both", "PubNoDS")),
		get("public: prefix of a private description", anon, pubS+"?filter{projects.description.startswith}=lab-", listed("sessions")),
		get("public: icontains on a private description", anon, pubS+"?filter{projects.description.icontains}=SECRET", listed("sessions")),
		get("public: prefix of a private location", anon, pubS+"?filter{datastorage.location.startswith}=/vault", listed("sessions")),
		get("public: filter{} JSON", anon, pubS+"?"+jsonFilter(`{"projects.name": "Secret"}`), listed("sessions")),
		get("public: filter{} $or", anon, pubS+"?"+jsonFilter(`{"$or": [{"projects.name": "Lab"}, {"name": "nope"}]}`), listed("sessions")),
		get("public: a private project's id", anon, pubS+"?filter{projects}={Lab}", listed("sessions")),
		get("public: private ids in", anon, pubS+"?filter{projects.in}={Lab}&filter{projects.in}={Secret}", listed("sessions")),
		get("public: a private storage's id", anon, pubS+"?filter{datastorage}={Disk}", listed("sessions")),
		get("public: isnull over the visible links", anon, pubS+"?filter{datastorage.isnull}=true", listed("sessions", "PubNoDS")),
		get("public: negation over the visible links", anon, pubS+"?filter{-projects.name}=Lab", listed("sessions", "Pub1", "Both", "PubNoDS")),
		get("public: through two hops", anon, pubP+"?filter{sessions.projects.name}=Lab", listed("projects")),
		get("public: two hops to a location", anon, pubP+"?filter{sessions.datastorage.location.startswith}=/", listed("projects")),
		get("public: two hops, control", anon, pubP+"?filter{sessions.projects.name}=Open", listed("projects", "Open")),
		get("public portal with a member's token", reader, pubS+"?filter{projects.name}=Lab", listed("sessions")),
		// private portal: reader is a member of Lab only
		get("private: a project the reader is not in", reader, privS+"?filter{projects.name}=Secret", listed("sessions")),
		get("private: control", reader, privS+"?filter{projects.name}=Lab", listed("sessions", "S1", "Both", "Shared")),
		get("private: owner sees Secret", owner, privS+"?filter{projects.name}=Secret", listed("sessions", "Both", "Shared")),
		get("private: prefix of a description", reader, privS+"?filter{projects.description.startswith}=top", listed("sessions")),
		get("private: filter{} JSON", reader, privS+"?"+jsonFilter(`{"projects.name.startswith": "Sec"}`), listed("sessions")),
		get("private: id of a project the reader is not in", reader, privS+"?filter{projects}={Secret}", listed("sessions")),
		get("private: negated id", reader, privS+"?filter{-projects}={Secret}", listed("sessions", "S1", "Both", "Shared")),
		get("private: a storage the reader may not see", reader, privS+"?filter{datastorage.location}=/vault/disk", listed("sessions")),
		get("private: isnull counts visible storages only", reader, privS+"?filter{datastorage.isnull}=1", listed("sessions", "S1", "Shared")),
		get("private: project list through sessions", reader, privP+"?filter{sessions.projects.name}=Secret", listed("projects")),
		get("private: project list control", owner, privP+"?filter{sessions.projects.name}=Secret", listed("projects", "Lab", "Open", "Secret")),
		get("private: sessiondatastorage through session", reader, sds+"?filter{session.projects.name}=Secret", listed("sessiondatastorages")),
		get("private: sessiondatastorage through datastorage", reader, sds+"?filter{datastorage.location.startswith}=/vault", listed("sessiondatastorages")),
		get("private: sessiondatastorage by a hidden storage's id", reader, sds+"?filter{datastorage}={Disk}", listed("sessiondatastorages")),
		get("private: sessiondatastorage JSON", reader, sds+"?"+jsonFilter(`{"session.projects.description.icontains": "secret"}`), listed("sessiondatastorages")),
	})
}

// TestRelatedIDsShowOnlyVisibleRecords: the related-id lists of records
// (issue 9, item 1's last point) and everything built on them.
func TestRelatedIDsShowOnlyVisibleRecords(t *testing.T) {
	t.Parallel()
	f := leakFixture(t)
	get := func(name, user, path string, check func(*testing.T, map[string]any)) scenario {
		return scenario{name: name, user: user, method: "GET", path: path, status: 200, check: check}
	}
	sdsCount := func(want int) func(*testing.T, map[string]any) {
		return func(t *testing.T, b map[string]any) {
			if b["count"].(float64) != float64(want) {
				t.Errorf("sessiondatastorages: %v", b)
			}
		}
	}
	f.run(t, []scenario{
		get("public session: public projects only", anon, "/api/public/stem/session/{Both}/", f.relIDs("session", "projects", "Open")),
		get("public session: public storages only", anon, "/api/public/stem/session/{Both}/", f.relIDs("session", "datastorage", "Cloud")),
		get("public session with only a private storage", anon, "/api/public/stem/session/{PubNoDS}/", f.relIDs("session", "datastorage")),
		get("public project: its sessions", anon, "/api/public/stem/project/{Open}/", f.relIDs("project", "sessions", "Pub1", "Both", "PubNoDS")),
		get("public list", anon, "/api/public/stem/session/?filter{name}=Both", func(t *testing.T, b map[string]any) {
			s := b["sessions"].([]any)[0].(map[string]any)
			if len(s["projects"].([]any)) != 1 || len(s["datastorage"].([]any)) != 1 {
				t.Errorf("public list record %v", s)
			}
		}),
		get("reader: member projects only", reader, "/api/private/stem/session/{Both}/", f.relIDs("session", "projects", "Lab")),
		get("reader: own or public storages only", reader, "/api/private/stem/session/{Both}/", f.relIDs("session", "datastorage", "Cloud")),
		get("owner: everything", owner, "/api/private/stem/session/{Both}/", f.relIDs("session", "projects", "Open", "Lab", "Secret")),
		get("owner: all storages", owner, "/api/private/stem/session/{Both}/", f.relIDs("session", "datastorage", "Cloud", "Disk")),
		get("reader: embedded projects", reader, "/api/private/stem/session/{Both}/?include[]=projects.*", f.relIDs("session", "projects", "Lab")),
		get("reader: project sessions", reader, "/api/private/stem/project/{Lab}/", f.relIDs("project", "sessions", "S1", "Both", "Shared")),
		get("reader: no link rows to hidden storages", reader, "/api/private/stem/sessiondatastorage/", sdsCount(1)),
		get("owner: all link rows", owner, "/api/private/stem/sessiondatastorage/", sdsCount(6)),
		get("outsider: none", outsider, "/api/private/stem/sessiondatastorage/", sdsCount(0)),
	})
}

// TestDataStorageLinkRule: adding or removing a session ↔ data storage link
// needs can_change on the session and ownership of the storage, whether it
// is done through sessiondatastorage or a session's datastorage list
// (issue 9, item 7); links the caller cannot see are kept.
func TestDataStorageLinkRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const s, sds = "/api/private/stem/session/{S1}/", "/api/private/stem/sessiondatastorage/"
	f.must(owner, "PATCH", f.sub(s), map[string]any{"datastorage": []string{f.id["Disk"], f.id["Cloud"]}}, http.StatusOK)
	f.id["Mine"] = f.create(changer, "/api/private/personal_attributes/datastorage/", "datastorage", map[string]any{"name": "Mine"})
	links := f.must(owner, "GET", f.sub(sds+"?filter{session}={S1}&filter{datastorage}={Cloud}"), nil, http.StatusOK)
	f.id["CloudLink"] = links["sessiondatastorages"].([]any)[0].(map[string]any)["id"].(string)
	storages := func(user string, want ...string) scenario {
		return scenario{name: fmt.Sprint(user, " sees ", want), user: user, method: "GET", path: s, status: 200,
			check: func(t *testing.T, b map[string]any) {
				var w []string
				for _, n := range want {
					w = append(w, f.id[n])
				}
				if got := ids(record(b, "session")["datastorage"]); !slices.Equal(got, w) {
					t.Errorf("datastorage %v, want the ids of %v", got, want)
				}
			}}
	}
	f.run(t, []scenario{
		storages(changer, "Cloud"),
		{name: "DELETE of a link to a storage changer does not own", user: changer, method: "DELETE", path: sds + "{CloudLink}/", status: 403, wantBody: forbidden},
		{name: "nor through the session's list", user: changer, method: "PATCH", path: s, body: map[string]any{"datastorage": []string{}}, status: 403, wantBody: forbidden},
		{name: "nor by PUT, which resets the list", user: changer, method: "PUT", path: s, body: map[string]any{"name": "S1", "projects": []string{"{Lab}"}}, status: 403, wantBody: forbidden},
		storages(owner, "Disk", "Cloud"),
		{name: "changer adds his own storage", user: changer, method: "PATCH", path: s, body: map[string]any{"datastorage": []string{"{Mine}", "{Cloud}"}}, status: 200,
			check: f.relIDs("session", "datastorage", "Mine", "Cloud")},
		storages(owner, "Disk", "Cloud"), // Mine is changer's private storage
		{name: "changer reorders the visible ones", user: changer, method: "PATCH", path: s, body: map[string]any{"datastorage": []string{"{Cloud}", "{Mine}"}}, status: 200},
		storages(changer, "Cloud", "Mine"),
		storages(owner, "Disk", "Cloud"),
		{name: "reordering one link needs no ownership either", user: changer, method: "PATCH", path: sds + "{CloudLink}/", body: map[string]any{"order": 7}, status: 200},
		storages(changer, "Mine", "Cloud"),
		{name: "re-pointing a link removes it: ownership needed", user: changer, method: "PATCH", path: sds + "{CloudLink}/", body: map[string]any{"datastorage": "{Mine}"}, status: 403, wantBody: forbidden},
		{name: "changer removes his own", user: changer, method: "PATCH", path: s, body: map[string]any{"datastorage": []string{"{Cloud}"}}, status: 200},
		storages(owner, "Disk", "Cloud"),
		{name: "the owner removes both", user: owner, method: "PATCH", path: s, body: map[string]any{"datastorage": []string{}}, status: 200},
		storages(owner),
	})
}
