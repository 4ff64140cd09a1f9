package brainstem

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// Optimistic concurrency on the record URLs (…/{id}/), kept here and out
// of the handlers and the query engine: a GET that answers 200 carries a
// strong ETag of its body; a PUT, PATCH or DELETE with If-Match first reads
// the record as a GET of the same URL without query parameters (the same
// caller, through the whole stack) and answers 412 unless its ETag is
// listed (`*` admits any record that exists). Conditional writes to one
// record hold a lock from that read to the end of the write, so two
// clients sending the same ETag cannot both succeed. Without If-Match
// nothing changes.

// msgPreconditionFailed is the detail of a 412.
const msgPreconditionFailed = "Precondition failed."

// recordRoute reports whether the matched route is one record's URL.
func recordRoute(c echo.Context) bool { return strings.HasSuffix(c.Path(), "/:id/") }

// etagOf is the strong ETag of a response body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// recordLocks serialize conditional writes per record URL (striped, so
// memory stays bounded).
type recordLocks [64]sync.Mutex

func (l *recordLocks) lock(path string) func() {
	h := fnv.New32a()
	h.Write([]byte(path))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}

// conditional implements ETag and If-Match on the record URLs; e serves
// the internal GET of an If-Match check.
func conditional(e *echo.Echo) echo.MiddlewareFunc {
	var locks recordLocks
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !recordRoute(c) {
				return next(c)
			}
			r := c.Request()
			switch r.Method {
			case http.MethodGet:
				return withETag(c, next)
			case http.MethodPut, http.MethodPatch, http.MethodDelete:
				ifMatch := r.Header.Get("If-Match")
				if ifMatch == "" {
					return next(c)
				}
				defer locks.lock(r.URL.Path)()
				ok, err := currentETagMatches(e, r, ifMatch)
				if err != nil {
					return err
				}
				if !ok {
					return errPreconditionFailed
				}
			}
			return next(c)
		}
	}
}

// currentETagMatches reads the record as r's caller sees it and reports
// whether ifMatch admits it. A record the GET cannot find is left to the
// write itself (which answers 404 or 403).
func currentETagMatches(e *echo.Echo, r *http.Request, ifMatch string) (bool, error) {
	get, err := http.NewRequestWithContext(r.Context(), http.MethodGet, r.URL.Path, http.NoBody)
	if err != nil {
		return false, err
	}
	get.Host = r.Host
	for _, h := range []string{"Authorization", "Cookie"} {
		if v := r.Header.Get(h); v != "" {
			get.Header.Set(h, v)
		}
	}
	rec := &bufferedWriter{header: http.Header{}}
	e.ServeHTTP(rec, get)
	switch {
	case rec.status >= http.StatusInternalServerError:
		return false, fmt.Errorf("brainstem: If-Match: GET %s answered %d", r.URL.Path, rec.status)
	case rec.status != http.StatusOK:
		return true, nil
	}
	if strings.TrimSpace(ifMatch) == "*" {
		return true, nil
	}
	current := rec.header.Get("ETag")
	for tag := range strings.SplitSeq(ifMatch, ",") {
		if strings.TrimSpace(tag) == current {
			return true, nil
		}
	}
	return false, nil
}

// withETag runs next with the response buffered and sends a 200 with the
// ETag of its body.
func withETag(c echo.Context, next echo.HandlerFunc) error {
	res := c.Response()
	orig := res.Writer
	bw := &bufferedWriter{header: orig.Header()}
	res.Writer = bw
	err := next(c)
	res.Writer = orig
	if !bw.wrote {
		return err
	}
	if bw.status == http.StatusOK {
		orig.Header().Set("ETag", etagOf(bw.body.Bytes()))
	}
	orig.WriteHeader(bw.status)
	_, werr := orig.Write(bw.body.Bytes())
	if err != nil {
		return err
	}
	return werr
}

// bufferedWriter keeps a response's status and body until withETag sends them.
type bufferedWriter struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header { return w.header }

func (w *bufferedWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}
