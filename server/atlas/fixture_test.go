package atlas_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/servertest"
)

// fixture is a server with two users, each with one session holding one
// uploaded attachment.
type fixture struct {
	env                      *servertest.Env
	alice, bob               string // tokens
	aliceSession, bobSession string
	aliceAtt, bobAtt         string
}

func newFixture(t *testing.T, cfg server.Config) *fixture {
	t.Helper()
	env := servertest.New(t, cfg)
	if strings.HasPrefix(t.Name(), "TestS3/") {
		maxFile := cfg.MaxUploadBytes
		if maxFile == 0 {
			maxFile = server.DefaultMaxUploadBytes
		}
		env.Store.SetBlobs(s3Server.Blobs(t, maxFile))
	}
	// No passwords: bcrypt would make every fixture slow, and the API uses tokens only.
	f := &fixture{env: env, alice: env.AddUser("alice@example.com", ""), bob: env.AddUser("bob@example.com", "")}
	f.aliceSession = env.AtlasSession(f.alice, map[string]any{"title": "Alice's"})
	f.bobSession = env.AtlasSession(f.bob, nil)
	f.aliceAtt = f.upload(t, f.alice, f.aliceSession, servertest.UploadFile{Name: "hello.txt", ContentType: "text/plain", Data: []byte("hello, world\n")})[0].ID
	f.bobAtt = f.upload(t, f.bob, f.bobSession, servertest.UploadFile{Name: "bob.bin", ContentType: "application/octet-stream", Data: []byte{1, 2, 3}})[0].ID
	return f
}

// expand replaces {alice}, {bob}, {att} and {bobatt} in s.
func (f *fixture) expand(s string) string {
	return strings.NewReplacer("{alice}", f.aliceSession, "{bob}", f.bobSession, "{att}", f.aliceAtt, "{bobatt}", f.bobAtt).Replace(s)
}

// do sends a request and checks the response against the spec.
func (f *fixture) do(t *testing.T, method, path, tok string, body any, headers ...string) *servertest.Response {
	t.Helper()
	res := f.env.Do(method, path, tok, body, headers...)
	servertest.CheckSpec(t, "atlas", method, path, res)
	return res
}

func (f *fixture) upload(t *testing.T, tok, sessionID string, files ...servertest.UploadFile) []attachment {
	t.Helper()
	res := f.env.AtlasUpload(tok, sessionID, files...)
	servertest.CheckSpec(t, "atlas", http.MethodPost, "/sessions/"+sessionID+"/upload-files", res)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.StatusCode, res.Body)
	}
	var list struct {
		Items []attachment `json:"items"`
		Count int          `json:"count"`
	}
	res.JSON(t, &list)
	want := 0
	for _, f := range files {
		if f.Field == "" || f.Field == "files" {
			want++
		}
	}
	if list.Count != want || len(list.Items) != want {
		t.Fatalf("upload of %d files answered %s", want, res.Body)
	}
	return list.Items
}

// session and attachment are the wire shapes as tests read them.
type session struct {
	ID               string          `json:"session_id"`
	Title            *string         `json:"session_title"`
	Description      *string         `json:"session_description"`
	CreatedBy        string          `json:"session_created_by"`
	CreatedAt        time.Time       `json:"session_created_at"`
	Attachments      []attachment    `json:"attachments"`
	ImportedProjects json.RawMessage `json:"imported_projects"`
	IsStarred        bool            `json:"is_starred"`
	StarredAt        *time.Time      `json:"starred_at"`
}

type attachment struct {
	ID        string  `json:"attachment_id"`
	Name      string  `json:"attachment_name"`
	Type      string  `json:"attachment_type"`
	Source    *string `json:"attachment_source_session_id"`
	CreatedBy string  `json:"attachment_created_by"`
	IsVisible bool    `json:"is_visible"`
}

type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// problemFields decodes a problem body and returns the fields it names.
func problemFields(t *testing.T, res *servertest.Response) []string {
	t.Helper()
	var p problem
	res.JSON(t, &p)
	if p.Status != res.StatusCode || p.Type == "" || p.Title == "" {
		t.Errorf("bad problem %s for status %d", res.Body, res.StatusCode)
	}
	var fields []string
	for _, e := range p.Errors {
		if e.Message == "" {
			t.Errorf("field %q without message in %s", e.Field, res.Body)
		}
		fields = append(fields, e.Field)
	}
	slices.Sort(fields)
	return fields
}

// getSession fetches a session as tok, failing unless it is 200.
func (f *fixture) getSession(t *testing.T, tok, id string) session {
	t.Helper()
	res := f.do(t, http.MethodGet, "/sessions/"+id, tok, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("get session %s: %d %s", id, res.StatusCode, res.Body)
	}
	var s session
	res.JSON(t, &s)
	return s
}

// sessionCount is the count of tok's sessions as the list reports it.
func (f *fixture) sessionCount(t *testing.T, tok string) int {
	t.Helper()
	res := f.do(t, http.MethodGet, "/sessions", tok, nil)
	var l struct {
		Count int `json:"count"`
	}
	res.JSON(t, &l)
	return l.Count
}
