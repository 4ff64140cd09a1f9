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

// attachmentKey is the cache key of one attachment as userID sees it.
func attachmentKey(userID uint, attachmentID string) string {
	return "atlas/attachment/" + strconv.FormatUint(uint64(userID), 10) + "/" + attachmentID
}

// attachmentListKey is the cache key of one page of the attachments userID
// sees through the given filters (query is the request's canonical query
// string: url.Values.Encode sorts it).
func attachmentListKey(userID uint, query string) string {
	return "atlas/attachments/" + strconv.FormatUint(uint64(userID), 10) + "?" + query
}

// annotationListKey is the cache key of one page of an attachment's
// annotations as userID sees them.
func annotationListKey(userID uint, attachmentID string, limit, offset int) string {
	return "atlas/annotations/" + strconv.FormatUint(uint64(userID), 10) + "/" + attachmentID + "/" + strconv.Itoa(limit) + "/" + strconv.Itoa(offset)
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

// encoded200 is a 200 answer whose JSON body is already encoded, with the
// record's ETag when it is a single record.
type encoded200 struct {
	body []byte
	etag string
}

// list is a 200 answer with a list body (no ETag).
func list(body []byte) encoded200 { return encoded200{body: body} }

// record is a 200 answer with one record and its ETag.
func record(body []byte) encoded200 { return encoded200{body: body, etag: etagOf(body)} }

func (b encoded200) write(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	if b.etag != "" {
		w.Header().Set("ETag", b.etag)
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.body)
	return err
}

// created is a 201 answer whose JSON body is already encoded, written as
// the generated CreateSession201JSONResponse writes its own.
type created []byte

// VisitCreateSessionResponse writes the new session.
func (b created) VisitCreateSessionResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, err := w.Write(b)
	return err
}

// VisitGetSessionResponse writes the session.
func (b encoded200) VisitGetSessionResponse(w http.ResponseWriter) error { return b.write(w) }

// VisitUpdateSessionResponse writes the session.
func (b encoded200) VisitUpdateSessionResponse(w http.ResponseWriter) error { return b.write(w) }

// VisitListSessionsResponse writes the page.
func (b encoded200) VisitListSessionsResponse(w http.ResponseWriter) error { return b.write(w) }

// VisitListAttachmentsResponse writes the page.
func (b encoded200) VisitListAttachmentsResponse(w http.ResponseWriter) error { return b.write(w) }

// VisitGetAttachmentResponse writes the attachment.
func (b encoded200) VisitGetAttachmentResponse(w http.ResponseWriter) error { return b.write(w) }

// VisitUpdateAttachmentResponse writes the attachment.
func (b encoded200) VisitUpdateAttachmentResponse(w http.ResponseWriter) error { return b.write(w) }

// VisitListAnnotationsResponse writes the page.
func (b encoded200) VisitListAnnotationsResponse(w http.ResponseWriter) error { return b.write(w) }
