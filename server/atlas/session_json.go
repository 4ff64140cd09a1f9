package atlas

import (
	"strings"
	"time"

	"github.com/sessionhub/sessionhub/server/jsontext"
	atlasdb "github.com/sessionhub/sessionhub/store/atlas"
)

// encodeSession is encode(sessionOut(s, atts)) without reflection for the
// common case, a session without attachments whose creator's email is
// plain (sessionJSONTest checks the bytes are the same); otherwise it is
// exactly that. The uncached GET spent about a tenth of its time in
// encoding/json's reflection and in re-parsing the email on every answer.
func encodeSession(s *atlasdb.Session, atts []atlasdb.Attachment) ([]byte, error) {
	if len(atts) > 0 || !plainEmail(s.CreatedBy) {
		return encode(sessionOut(s, atts))
	}
	b := make([]byte, 0, 320)
	b = append(b, `{"attachments":[],"imported_projects":[],"is_starred":`...)
	if s.StarredAt != nil {
		b = append(b, "true"...)
	} else {
		b = append(b, "false"...)
	}
	b = append(b, `,"session_created_at":`...)
	b = appendTime(b, s.CreatedAt)
	b = append(b, `,"session_created_by":`...)
	b = jsontext.AppendHTMLString(b, s.CreatedBy)
	b = append(b, `,"session_description":`...)
	b = appendNullString(b, s.Description)
	b = append(b, `,"session_id":"`...)
	b = append(b, parseID(s.ID).String()...)
	b = append(b, `","session_title":`...)
	b = appendNullString(b, s.Title)
	b = append(b, `,"starred_at":`...)
	if s.StarredAt != nil {
		b = appendTime(b, *s.StarredAt)
	} else {
		b = append(b, "null"...)
	}
	return append(b, "}\n"...), nil
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func appendNullString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return jsontext.AppendHTMLString(b, *s)
}

// plainEmail reports whether e is a bare dot-atom address (local@domain of
// letters, digits, dots not first, last or doubled, and the other atext
// characters), which net/mail parses back to e itself: what
// openapi_types.Email's MarshalJSON would write.
func plainEmail(e string) bool {
	at := strings.IndexByte(e, '@')
	if at < 0 {
		return false
	}
	return dotAtom(e[:at], "!#$%&'*+/=?^_`{|}~-") && dotAtom(e[at+1:], "-")
}

func dotAtom(s, extra string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.':
		case strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}
