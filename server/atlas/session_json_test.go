package atlas

import (
	"bytes"
	"testing"
	"time"

	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// encodeSession writes the same bytes as the generic encoder for every
// kind of session it handles itself, and falls back for the others.
func TestEncodeSessionMatchesGenericEncoder(t *testing.T) {
	str := func(s string) *string { return &s }
	starred := time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))
	created := time.Date(2025, 12, 31, 23, 59, 59, 123456789, time.UTC)
	tricky := "<b>&\"quotes\"\\ \n\r\t\b\f \x01\x1f \u2028\u2029 é 日本 \xff\xfe end"
	sessions := []atlasdb.Session{
		{ID: "0f8fad5b-d9cb-469f-a165-70867728950e", CreatedBy: "a@example.org", CreatedAt: created},
		{ID: "0F8FAD5B-D9CB-469F-A165-70867728950E", CreatedBy: "bench@localhost", CreatedAt: created.Truncate(time.Second),
			Title: str(tricky), Description: str(""), StarredAt: &starred},
		{ID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", CreatedBy: "first.last+tag@sub.example.co", CreatedAt: starred,
			Title: str("plain"), Description: str(tricky)},
		// Not plain: the generic encoder's answer either way.
		{ID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", CreatedBy: `"quoted local"@example.org`, CreatedAt: created},
		{ID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", CreatedBy: "Name <n@example.org>", CreatedAt: created},
	}
	for i := range sessions {
		s := &sessions[i]
		want, wantErr := encode(sessionOut(s, nil))
		got, err := encodeSession(s, nil)
		if !bytes.Equal(got, want) || (err == nil) != (wantErr == nil) {
			t.Errorf("session %d:\n got %s (%v)\nwant %s (%v)", i, got, err, want, wantErr)
		}
	}
	for _, e := range []string{"a@b", "a.b@c.d", "x-y_z@h-1.example", "!#$%&'*+/=?^_`{|}~-@x"} {
		if !plainEmail(e) {
			t.Errorf("plainEmail(%q) = false", e)
		}
	}
	for _, e := range []string{"", "@x", "a@", ".a@x", "a.@x", "a..b@x", "a@b@c", "a b@x", "a@[1.2.3.4]", "é@x", "a@x_y"} {
		if plainEmail(e) {
			t.Errorf("plainEmail(%q) = true", e)
		}
	}
}
