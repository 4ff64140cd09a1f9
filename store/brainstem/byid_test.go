package brainstem

import (
	"context"
	"fmt"
	"testing"
)

func TestNumberPlaceholders(t *testing.T) {
	for in, want := range map[string]string{
		"a = ? AND b IN (?, ?)":               "a = $1 AND b IN ($2, $3)",
		`x LIKE '?%' ESCAPE '\' AND y = ?`:    `x LIKE '?%' ESCAPE '\' AND y = $1`,
		`"col?" = ? AND z = 'it''s ?' OR w=?`: `"col?" = $1 AND z = 'it''s ?' OR w=$2`,
		"no placeholders":                     "no placeholders",
	} {
		if got := numberPlaceholders(in); got != want {
			t.Errorf("numberPlaceholders(%q) = %q, want %q", in, got, want)
		}
	}
}

// SessionsByID answers the visible sessions among any ids, in their
// order, each once: ids that are not stored, not visible, repeated or not
// even text a column could hold match nothing and break nothing.
func TestSessionsByIDAnyIDs(t *testing.T) {
	t.Parallel()
	s := seedQueryData(t)
	ctx := context.Background()
	u, err := s.core.CreateUser(ctx, "partial-byid@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{qP1, qP3} {
		if err := s.core.W.Create(&ProjectMember{ProjectID: p, UserID: u.ID}).Error; err != nil {
			t.Fatal(err)
		}
	}
	ids := []string{qS4, "nope", qS3, `x"]'?`, "\x00\xff", qS1, qS4, ""}
	for _, c := range []struct {
		v    Viewer
		want []string
	}{
		{Viewer{UserID: u.ID}, []string{qS4, qS1}}, // qS3 is only in qP2
		{Viewer{Public: true}, []string{qS1}},      // of the public qP1 only
	} {
		for range 2 { // the second time from the kept statement
			recs, err := s.SessionsByID(ctx, c.v, ids)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("%+v: got %v, want %v", c.v, got, c.want)
			}
		}
	}
}
