package brainstem_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestValidation checks that each spec rule and business rule answers 400
// in Django REST framework's words, and that nothing is written.
func TestValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const sessions = "/api/private/stem/session/"
	long := strings.Repeat("a", 101)
	missing := "0b7a3c2e-1d4f-4a5b-8c6d-7e8f9a0b1c2d"
	f.run(t, []scenario{
		{name: "required name and projects", user: owner, method: "POST", path: sessions, body: map[string]any{},
			status: 400, wantBody: `{"name": ["This field is required."], "projects": ["This field is required."]}`},
		{name: "name too long", user: owner, method: "POST", path: sessions, body: map[string]any{"name": long, "projects": []string{"{Lab}"}},
			status: 400, wantBody: `{"name": ["Ensure this field has no more than 100 characters."]}`},
		{name: "blank name", user: owner, method: "POST", path: sessions, body: map[string]any{"name": "", "projects": []string{"{Lab}"}},
			status: 400, wantBody: `{"name": ["This field may not be blank."]}`},
		{name: "duplicate name", user: owner, method: "POST", path: sessions, body: map[string]any{"name": "S1", "projects": []string{"{Lab}"}},
			status: 400, wantBody: `{"name": ["session with this name already exists."]}`},
		{name: "duplicate name on patch", user: owner, method: "PATCH", path: sessions + "{Pub1}/", body: map[string]any{"name": "S1"},
			status: 400, wantBody: `{"name": ["session with this name already exists."]}`},
		{name: "empty projects", user: owner, method: "POST", path: sessions, body: map[string]any{"name": "X", "projects": []string{}},
			status: 400, wantBody: `{"projects": ["This list may not be empty."]}`},
		{name: "projects not a list", user: owner, method: "POST", path: sessions, body: map[string]any{"name": "X", "projects": "{Lab}"},
			status: 400, wantBody: `{"projects": ["Expected a list of items but got type \"str\"."]}`},
		{name: "unknown project", user: owner, method: "POST", path: sessions, body: map[string]any{"name": "X", "projects": []string{missing}},
			status: 400, wantBody: `{"projects": ["Invalid pk \"` + missing + `\" - object does not exist."]}`},
		{name: "unknown datastorage", user: owner, method: "POST", path: sessions, body: map[string]any{"name": "X", "projects": []string{"{Lab}"}, "datastorage": []string{missing}},
			status: 400, wantBody: `{"datastorage": ["Invalid pk \"` + missing + `\" - object does not exist."]}`},
		{name: "bad uuid in body", user: owner, method: "POST", path: sessions, body: map[string]any{"name": "X", "projects": []string{"abc"}},
			status: 400, wantBody: `{"projects": ["“abc” is not a valid UUID."]}`},
		{name: "bad uuid in path", user: owner, method: "GET", path: sessions + "abc/", status: 404, wantBody: notFound},
		{name: "bad uuid in path, PATCH", user: owner, method: "PATCH", path: sessions + "abc/", body: map[string]any{}, status: 404, wantBody: notFound},
		{name: "wrong type", user: owner, method: "POST", path: sessions, body: map[string]any{"name": 5, "projects": []string{"{Lab}"}},
			status: 400, wantBody: `{"name": ["Not a valid string."]}`},
		{name: "bad date_time", user: owner, method: "PATCH", path: sessions + "{S1}/", body: map[string]any{"date_time": "yesterday"},
			status: 400, wantBody: `{"date_time": ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."]}`},
		{name: "extra_fields bad key", user: owner, method: "PATCH", path: sessions + "{S1}/", body: map[string]any{"extra_fields": map[string]any{"1st": "x"}},
			status: 400, wantBody: `{"extra_fields": ["Invalid key \"1st\": keys must start with a letter and contain only letters, digits and underscores."]}`},
		{name: "extra_fields bad value", user: owner, method: "PATCH", path: sessions + "{S1}/", body: map[string]any{"extra_fields": map[string]any{"ok": []int{1}}},
			status: 400, wantBody: `{"extra_fields": ["Invalid value for \"ok\": values must be strings or numbers."]}`},
		{name: "extra_fields boolean value", user: owner, method: "PATCH", path: sessions + "{S1}/", body: map[string]any{"extra_fields": map[string]any{"ok": true}},
			status: 400, wantBody: `{"extra_fields": ["Invalid value for \"ok\": values must be strings or numbers."]}`},
		{name: "extra_fields null value", user: owner, method: "PATCH", path: sessions + "{S1}/", body: `{"extra_fields": {"ok": null}}`,
			status: 400, wantBody: `{"extra_fields": ["Invalid value for \"ok\": values must be strings or numbers."]}`},
		{name: "extra_fields object value", user: owner, method: "PATCH", path: sessions + "{S1}/", body: map[string]any{"extra_fields": map[string]any{"ok": map[string]any{}}},
			status: 400, wantBody: `{"extra_fields": ["Invalid value for \"ok\": values must be strings or numbers."]}`},
		{name: "extra_fields string and number values", user: owner, method: "PATCH", path: sessions + "{S1}/", body: map[string]any{"extra_fields": map[string]any{"a": "x", "b": 1.5}},
			status: 200},
		{name: "extra_fields not an object", user: owner, method: "PATCH", path: sessions + "{S1}/", body: map[string]any{"extra_fields": "x"},
			status: 400, wantBody: `{"extra_fields": ["Expected a dictionary of items but got type \"str\"."]}`},
		{name: "download_links bad repository and scheme", user: owner, method: "PATCH", path: sessions + "{S1}/",
			body: map[string]any{"download_links": []any{
				map[string]string{"repository": "DANDI", "url": "https://dandiarchive.org/1"},
				map[string]string{"repository": "Dropbox", "url": "file:///etc/passwd"},
			}},
			status: 400, wantBody: `{"download_links": [{}, {"repository": ["\"Dropbox\" is not a valid choice."], "url": ["Enter a valid URL."]}]}`},
		{name: "download_links missing url", user: owner, method: "PATCH", path: sessions + "{S1}/",
			body:   map[string]any{"download_links": []any{map[string]string{"repository": "Zenodo"}}},
			status: 400, wantBody: `{"download_links": [{"url": ["This field is required."]}]}`},
		{name: "malformed JSON", user: owner, method: "POST", path: sessions, body: `{"name": `,
			status: 400, check: func(t *testing.T, b map[string]any) {
				if d, _ := b["detail"].(string); !strings.HasPrefix(d, "JSON parse error - ") {
					t.Errorf("detail %q", d)
				}
			}},
		{name: "body not an object", user: owner, method: "POST", path: sessions, body: `[1]`, status: 400},
		{name: "project name too long", user: owner, method: "POST", path: "/api/private/stem/project/", body: map[string]any{"name": strings.Repeat("p", 201)},
			status: 400, wantBody: `{"name": ["Ensure this field has no more than 200 characters."]}`},
		{name: "duplicate project", user: changer, method: "POST", path: "/api/private/stem/project/", body: map[string]any{"name": "Lab"},
			status: 400, wantBody: `{"name": ["project with this name already exists."]}`},
		{name: "unknown member email", user: owner, method: "PATCH", path: "/api/private/stem/project/{Lab}/",
			body:   map[string]any{"users": map[string]any{"ghost@lab.org": map[string]any{"can_change": true}}},
			status: 400, wantBody: `{"users": ["User with email \"ghost@lab.org\" does not exist."]}`},
		{name: "duplicate datastorage", user: changer, method: "POST", path: "/api/private/personal_attributes/datastorage/", body: map[string]any{"name": "Disk"},
			status: 400, wantBody: `{"name": ["data storage with this name already exists."]}`},
		{name: "datastorage description too long", user: changer, method: "POST", path: "/api/private/personal_attributes/datastorage/",
			body:   map[string]any{"name": "D2", "description": strings.Repeat("d", 501), "location": strings.Repeat("l", 101)},
			status: 400, wantBody: `{"description": ["Ensure this field has no more than 500 characters."], "location": ["Ensure this field has no more than 100 characters."]}`},
		{name: "datastorage protocols item", user: changer, method: "POST", path: "/api/private/personal_attributes/datastorage/",
			body:   map[string]any{"name": "D3", "data_protocols": []any{map[string]any{"protocol": "SMB", "path": "/x", "is_public": "yes"}}},
			status: 400, wantBody: `{"data_protocols": [{"is_public": ["Must be a valid boolean."]}]}`},
		{name: "datastorage protocols item null", user: changer, method: "POST", path: "/api/private/personal_attributes/datastorage/",
			body: map[string]any{"name": "D4", "data_protocols": []any{
				map[string]any{"protocol": "SMB", "path": "/x"},
				map[string]any{"protocol": "SMB", "path": "/y", "is_public": nil}}},
			status: 400, wantBody: `{"data_protocols": [{}, {"is_public": ["This field may not be null."]}]}`},
	})
	// nothing of the above was written
	res := f.do(owner, "GET", "/api/private/stem/session/", nil)
	var b map[string]any
	res.JSON(t, &b)
	if b["count"].(float64) != 2 {
		t.Errorf("sessions after failed writes: %s", res.Body)
	}
	// a body with a content type other than JSON
	res = f.env.Do("POST", sessions, f.tok[owner], strings.NewReader("name=x"), "Content-Type", "application/x-www-form-urlencoded")
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form body: %d %s", res.StatusCode, res.Body)
	}
}

// TestRoutingAndMethods covers the optional trailing slash, 405, unknown
// paths, ?format=json and Accept: */*.
func TestRoutingAndMethods(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.run(t, []scenario{
		{name: "list without slash", user: owner, method: "GET", path: "/api/private/stem/session", status: 200},
		{name: "detail without slash", user: owner, method: "GET", path: "/api/private/stem/session/{S1}", status: 200},
		{name: "create without slash", user: owner, method: "POST", path: "/api/private/stem/project",
			body: map[string]any{"name": "NoSlash"}, status: 201},
		{name: "format=json", user: owner, method: "GET", path: "/api/private/stem/session/?format=json", status: 200},
		{name: "405 on detail POST", user: owner, method: "POST", path: "/api/private/stem/session/{S1}/", body: map[string]any{},
			status: 405, wantBody: `{"detail": "Method \"POST\" not allowed."}`},
		{name: "405 on collection DELETE", user: owner, method: "DELETE", path: "/api/private/stem/project/",
			status: 405, wantBody: `{"detail": "Method \"DELETE\" not allowed."}`},
		{name: "405 on public detail POST", user: anon, method: "POST", path: "/api/public/stem/session/{Pub1}/", body: map[string]any{},
			status: 405, wantBody: `{"detail": "Method \"POST\" not allowed."}`},
	})
	for _, p := range []string{"/api/private/stem/nothing/", "/api/public/stem/sessiondatastorage/"} {
		res := f.env.Do("GET", p, f.tok[owner], nil)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(string(res.Body), `"detail":"Not found."`) {
			t.Errorf("GET %s: %d %s", p, res.StatusCode, res.Body)
		}
	}
	res := f.env.Do("GET", "/api/private/stem/session/", f.tok[owner], nil, "Accept", "*/*")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("Accept */*: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestBodyLimit: an oversized body is refused before it is buffered.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	big := `{"name": "big", "projects": ["` + f.id["Lab"] + `"], "description": "` + strings.Repeat("x", 3<<20) + `"}`
	res := f.env.Do("POST", "/api/private/stem/session/", f.tok[owner], big)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(res.Body), "Request body too large.") {
		t.Errorf("big body: %d %.200s", res.StatusCode, res.Body)
	}
}
