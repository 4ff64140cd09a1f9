package atlas

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Reads are answered from the store's read cache (store.Store.Cached): the
// JSON of a session or of a page of sessions is encoded once and served
// from memory until the next write. Keys name the caller and everything in
// the request the answer depends on.

// sessionKey is the cache key of one session as its owner sees it.
func sessionKey(userID uint, sessionID string) string {
	return "atlas/session/" + strconv.FormatUint(uint64(userID), 10) + "/" + sessionID
}

// listKey is the cache key of one page of a user's sessions.
func listKey(userID uint, limit, offset int) string {
	return "atlas/list/" + strconv.FormatUint(uint64(userID), 10) + "/" + strconv.Itoa(limit) + "/" + strconv.Itoa(offset)
}

// encode renders v as the generated 200 responses do (json.Encoder, with
// its trailing newline), so cached and uncached answers are byte-identical.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encoded200 is a 200 answer whose JSON body is already encoded.
type encoded200 []byte

func (b encoded200) write(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

// VisitGetSessionResponse writes the session.
func (b encoded200) VisitGetSessionResponse(w http.ResponseWriter) error { return b.write(w) }

// VisitListSessionsResponse writes the page.
func (b encoded200) VisitListSessionsResponse(w http.ResponseWriter) error { return b.write(w) }
