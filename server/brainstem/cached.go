package brainstem

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/gen/brainstemapi"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// cacheReads answers GET operations from the store's read cache
// (store.Store.Cached): a record or a page is rendered once and served
// from memory until the next write. The key names the caller and the
// whole request URL (portal, record, filters, includes, page; scheme and
// host because next/previous are absolute URLs).
//
// The token list is never kept: a revocation by another process (the CLI)
// does not empty this process's cache.
func (h *Handlers) cacheReads(f brainstemapi.StrictHandlerFunc, operationID string) brainstemapi.StrictHandlerFunc {
	return func(c echo.Context, req any) (any, error) {
		if c.Request().Method != http.MethodGet || operationID == "ListTokens" {
			if tag := readTag(c, req); tag != "" {
				requestFrom(c.Request().Context()).refresh = &cacheSlot{readKey(c), tag}
			}
			return f(c, req)
		}
		var other any
		kept, err := h.st.CachedTagged(readKey(c), readTag(c, req), func() ([]byte, error) {
			res, err := f(c, req)
			if err != nil {
				return nil, err
			}
			if r, isData := res.(response); isData && r.status == http.StatusOK {
				body, err := appendValue(make([]byte, 0, 1024), r.body)
				if err != nil {
					return nil, err
				}
				return keptForm(body, recordRoute(c)), nil
			}
			other = res
			return nil, errNotKept
		})
		switch {
		case errors.Is(err, errNotKept):
			return other, nil
		case err != nil:
			return nil, err
		}
		_, body := keptBody(kept)
		return ok(encoded(body)), nil
	}
}

// answerCached answers a GET from the read cache before the spec's
// validation, which was 7 % of the CPU of such a read. Only the answer
// to the same caller's earlier GET of the same URL is kept (readKey), and
// only if it was a 200: that request passed the validation, and a GET's
// validation reads its URL alone (no GET takes a body or a header
// parameter). The answer is the one cacheReads and conditional give.
func (h *Handlers) answerCached(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodGet {
			return next(c)
		}
		kept, ok := h.st.CachedOnly(readKey(c))
		if !ok {
			return next(c)
		}
		etag, body := keptBody(kept)
		w := c.Response()
		if recordRoute(c) {
			if etag == "" {
				etag = etagOf(body)
			}
			w.Header().Set("ETag", etag)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, err := w.Write(body)
		return err
	}
}

// etagLen is the length of etagOf's ETags.
const etagLen = len(`"`) + 32 + len(`"`)

// keptForm is what the read cache keeps of a 200 answer's body: on a
// record's URL its ETag first, so that a hit does not hash the body again
// (that was 4 % of the CPU of a cached read); elsewhere the body alone.
// The two cannot be mistaken: a body is a JSON object, an ETag a string.
func keptForm(body []byte, record bool) []byte {
	if !record {
		return body
	}
	return append(append(make([]byte, 0, etagLen+len(body)), etagOf(body)...), body...)
}

// keptBody splits what keptForm kept into the ETag ("" if none) and the
// body.
func keptBody(kept []byte) (etag string, body []byte) {
	if len(kept) >= etagLen && kept[0] == '"' {
		return string(kept[:etagLen]), kept[etagLen:]
	}
	return "", kept
}

// errNotKept tells Cached not to keep an answer that is not a 200 with
// JSON data; the answer itself is passed on as it is.
var errNotKept = errors.New("brainstem: answer not kept")

// readKey is the cache key of a GET request.
func readKey(c echo.Context) string {
	r := requestFrom(c.Request().Context())
	return "brainstem/" + strconv.FormatUint(uint64(r.userID()), 10) + "/" +
		r.scheme + "://" + r.host + c.Request().URL.RequestURI()
}

// readTag is the read-cache tag of a request on a session's plain URL
// (no query: no includes, no field choices), "" for any other. A GET's
// answer there depends on that session alone (bsdb.SessionTag) and
// outlives the PATCHes of other sessions; any other answer is untagged,
// dropped by every write. A PATCH's or PUT's 200 answer there is byte for
// byte the same user's GET of it, which the write keeps in the cache
// (cacheReads, changeSession): the reads after an edit, the usual next
// step of a client, then hit.
func readTag(c echo.Context, req any) string {
	if c.Request().URL.RawQuery != "" {
		return ""
	}
	switch r := req.(type) {
	case brainstemapi.GetSessionRequestObject:
		return bsdb.SessionTag(r.Id.String())
	case brainstemapi.PublicGetSessionRequestObject:
		return bsdb.SessionTag(r.Id.String())
	case brainstemapi.UpdateSessionRequestObject:
		return bsdb.SessionTag(r.Id.String())
	case brainstemapi.ReplaceSessionRequestObject:
		return bsdb.SessionTag(r.Id.String())
	}
	return ""
}

// cacheSlot is where the read cache keeps a GET's answer: its key and tag.
type cacheSlot struct{ key, tag string }

// encoded is a JSON value already encoded by appendValue.
type encoded []byte
