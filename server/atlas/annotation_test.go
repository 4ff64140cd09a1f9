package atlas_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server/servertest"
)

type annotation struct {
	ID           string `json:"annotation_id"`
	AttachmentID string `json:"attachment_id"`
	Text         string `json:"annotation_text"`
	Anchor       *struct {
		Start int64 `json:"start"`
		End   int64 `json:"end"`
	} `json:"annotation_anchor"`
	CreatedBy string    `json:"annotation_created_by"`
	CreatedAt time.Time `json:"annotation_created_at"`
}

// annotations lists tok's view of an attachment's annotations.
func (f *fixture) annotations(t *testing.T, tok, attachmentID string) (int, []annotation) {
	t.Helper()
	res := f.do(t, http.MethodGet, "/attachments/"+attachmentID+"/annotations", tok, nil)
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil
	}
	var l struct {
		Items []annotation `json:"items"`
		Count int          `json:"count"`
	}
	res.JSON(t, &l)
	if l.Count < len(l.Items) {
		t.Errorf("count %d < items %d", l.Count, len(l.Items))
	}
	return res.StatusCode, l.Items
}

func wantAnnotationCount(n int) func(*testing.T, *fixture, *servertest.Response) {
	return func(t *testing.T, f *fixture, _ *servertest.Response) {
		t.Helper()
		if code, list := f.annotations(t, f.alice, f.aliceAtt); code != 200 || len(list) != n {
			t.Errorf("annotations: %d %+v, want %d", code, list, n)
		}
	}
}

func TestAnnotationsAPI(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "none yet", method: "GET", path: "/attachments/{att}/annotations", tok: "alice", wantStatus: 200, check: wantAnnotationCount(0)},
		{name: "create", mutates: true, method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":"Look here"}`, wantStatus: 201, check: func(t *testing.T, f *fixture, res *servertest.Response) {
			var a annotation
			res.JSON(t, &a)
			if a.AttachmentID != f.aliceAtt || a.Text != "Look here" || a.Anchor != nil || a.CreatedBy != "alice@example.com" || time.Since(a.CreatedAt) > time.Minute {
				t.Errorf("created: %s", res.Body)
			}
			// A second one with an anchor; the list is oldest first.
			res2 := f.do(t, "POST", "/api/v1/annotations", f.alice, `{"attachment_id":"`+f.aliceAtt+`","text":"hello","anchor":{"start":0,"end":5}}`)
			if res2.StatusCode != 201 {
				t.Fatalf("second: %d %s", res2.StatusCode, res2.Body)
			}
			_, list := f.annotations(t, f.alice, f.aliceAtt)
			if len(list) != 2 || list[0].ID != a.ID || list[1].Anchor == nil || list[1].Anchor.Start != 0 || list[1].Anchor.End != 5 {
				t.Errorf("list: %+v", list)
			}
			if code, _ := f.annotations(t, f.bob, f.aliceAtt); code != 404 {
				t.Errorf("bob lists alice's annotations: %d", code)
			}
			// Deleted with their attachment.
			if res := f.do(t, "DELETE", "/sessions/"+f.aliceSession, f.alice, nil); res.StatusCode != 204 {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			var n int64
			if err := f.env.Store.R.Table("atlas_annotations").Count(&n).Error; err != nil || n != 0 {
				t.Errorf("annotations left after delete: %d %v", n, err)
			}
		}},
		{name: "anchor covering the whole file", mutates: true, method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":"all","anchor":{"start":0,"end":13}}`, wantStatus: 201, check: wantAnnotationCount(1)},
		{name: "anchor past the end", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":"x","anchor":{"start":0,"end":14}}`, wantStatus: 400, wantFields: []string{"anchor"}, check: wantAnnotationCount(0)},
		{name: "anchor backwards", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":"x","anchor":{"start":5,"end":2}}`, wantStatus: 400, wantFields: []string{"anchor"}},
		{name: "anchor without end", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":"x","anchor":{"start":5}}`, wantStatus: 400, wantFields: []string{"anchor.end"}},
		{name: "negative anchor", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":"x","anchor":{"start":-1,"end":2}}`, wantStatus: 400, wantFields: []string{"anchor.start"}},
		{name: "another user's attachment", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{bobatt}","text":"x"}`, wantStatus: 400, wantFields: []string{"attachment_id"}},
		{name: "unknown attachment", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"` + randomUUID + `","text":"x"}`, wantStatus: 400, wantFields: []string{"attachment_id"}},
		{name: "missing text and bad id", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"nope"}`, wantStatus: 400, wantFields: []string{"attachment_id", "text"}},
		{name: "empty text", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":""}`, wantStatus: 400, wantFields: []string{"text"}},
		{name: "unknown field", method: "POST", path: "/annotations", tok: "alice", body: `{"attachment_id":"{att}","text":"x","author":"eve"}`, wantStatus: 400, wantFields: []string{"author"}},
		{name: "without token", method: "POST", path: "/annotations", body: `{"attachment_id":"{att}","text":"x"}`, wantStatus: 401, check: wantWWWAuthenticate},
		{name: "list another user's", method: "GET", path: "/attachments/{bobatt}/annotations", tok: "alice", wantStatus: 404},
		{name: "list bad limit", method: "GET", path: "/attachments/{att}/annotations?limit=0", tok: "alice", wantStatus: 400, wantFields: []string{"limit"}},
	})
}
