package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/openapi"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/store"
)

// auditOp is what the audit trail records about a route.
type auditOp struct{ api, id string }

// specParam is a path parameter in a spec path ({id}); Echo writes :id.
var specParam = regexp.MustCompile(`\{([^}]+)\}`)

// loadAuditOps reads the operations of the hand-written specs (the
// generated code's embedded copies spell the ids in Go's case), by
// "METHOD echo-route": the API and operationId. Each route is listed at
// the spec's paths and under every path-only server URL (a base path such
// as /api/v1) the spec declares.
var loadAuditOps = sync.OnceValues(func() (map[string]auditOp, error) {
	ops := map[string]auditOp{}
	for _, api := range []string{"atlas", "brainstem"} {
		raw, err := openapi.Specs.ReadFile(api + ".yaml")
		if err != nil {
			return nil, err
		}
		spec, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			return nil, fmt.Errorf("load %s spec: %w", api, err)
		}
		prefixes := []string{""}
		for _, srv := range spec.Servers {
			if p := strings.TrimSuffix(srv.URL, "/"); strings.HasPrefix(p, "/") {
				prefixes = append(prefixes, p)
			}
		}
		for p, item := range spec.Paths.Map() {
			for _, prefix := range prefixes {
				route := prefix + specParam.ReplaceAllString(p, ":$1")
				for method, op := range item.Operations() {
					ops[method+" "+route] = auditOp{api: api, id: op.OperationID}
				}
			}
		}
	}
	return ops, nil
})

// maxAuditPeek bounds how much of an update's JSON body the audit reads
// for its field names; the APIs refuse larger bodies anyway.
const maxAuditPeek = 2 << 20

// auditWrites appends one row to the audit trail for every write that
// succeeds on API api (any method but GET, HEAD and OPTIONS answered with
// 2xx): the caller, the operation, the record, and for PUT and PATCH the
// top-level fields of the JSON body. Each API runs it first on its groups,
// outside its error mapping, so it sees the status the client gets. The
// answer is held back until the row is written, so a client that got its
// answer finds its write in the trail. This is the only place that writes
// audit rows.
func (s *Server) auditWrites(api string, ops map[string]auditOp) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			var fields []string
			if r.Method == http.MethodPut || r.Method == http.MethodPatch {
				fields = peekJSONFields(r)
			}
			held := &heldResponse{w: c.Response().Writer, code: http.StatusOK}
			c.Response().Writer = held
			defer func() {
				c.Response().Writer = held.w
				held.release()
			}()
			err := next(c)
			if err != nil && !c.Response().Committed {
				c.Error(err)
			}
			if st := c.Response().Status; st >= 200 && st < 300 {
				s.appendAudit(c, api, ops, fields, held.body.Bytes())
			}
			return err
		}
	}
}

// appendAudit writes the audit row of a successful write. A failure is
// logged: the write itself has happened.
func (s *Server) appendAudit(c echo.Context, api string, ops map[string]auditOp, fields []string, answer []byte) {
	r := c.Request()
	route := c.Path()
	op, ok := ops[r.Method+" "+route]
	if !ok {
		op = auditOp{api: api, id: r.Method + " " + route}
	}
	var created []string
	if c.Response().Status == http.StatusCreated {
		created = createdIDs(answer)
	}
	ev := &store.AuditEvent{
		At: time.Now().UTC(), API: op.api, Operation: op.id, Method: r.Method, Route: route,
		Status: c.Response().Status, RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Created: jsonList(created), Fields: jsonList(fields),
	}
	if u := auth.UserFrom(r.Context()); u != nil {
		ev.UserID, ev.UserEmail = &u.ID, u.Email
	}
	if vals := c.ParamValues(); len(vals) > 0 {
		ev.RecordID = vals[len(vals)-1]
	} else if len(created) > 0 {
		ev.RecordID = created[0]
	}
	// A client hanging up after its write must not lose the row.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	if err := s.store.AppendAudit(ctx, ev); err != nil {
		s.log.Error("audit: append", "error", err, "operation", ev.Operation, "record", ev.RecordID)
	}
}

// peekJSONFields returns the sorted top-level keys of a JSON object body
// and puts the bytes it read back in front of the body.
func peekJSONFields(r *http.Request) []string {
	if r.Body == nil || r.Body == http.NoBody || !strings.Contains(r.Header.Get(echo.HeaderContentType), "json") {
		return nil
	}
	buf, err := io.ReadAll(io.LimitReader(r.Body, maxAuditPeek+1))
	r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
	if err != nil || len(buf) > maxAuditPeek {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(buf, &obj) != nil {
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

type readCloser struct {
	io.Reader
	io.Closer
}

// createdIDs reads the ids of created records from a write's JSON answer:
// Atlas's session_id, the attachment_id of each uploaded item, or
// BrainSTEM's {"<model>": {"id": …}}.
func createdIDs(answer []byte) []string {
	var top map[string]json.RawMessage
	if json.Unmarshal(answer, &top) != nil {
		return nil
	}
	str := func(raw json.RawMessage) string {
		var v string
		_ = json.Unmarshal(raw, &v)
		return v
	}
	if id := str(top["session_id"]); id != "" {
		return []string{id}
	}
	var items []struct {
		ID string `json:"attachment_id"`
	}
	if json.Unmarshal(top["items"], &items) == nil && len(items) > 0 {
		ids := make([]string, 0, len(items))
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		return ids
	}
	if len(top) == 1 {
		for _, raw := range top {
			var rec struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &rec) == nil && rec.ID != "" {
				return []string{rec.ID}
			}
		}
	}
	return nil
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// heldResponse keeps a write's answer until the audit row is written.
type heldResponse struct {
	w     http.ResponseWriter
	code  int
	wrote bool
	body  bytes.Buffer
}

// release sends the held answer.
func (h *heldResponse) release() {
	if h.wrote {
		h.w.WriteHeader(h.code)
		_, _ = h.w.Write(h.body.Bytes())
	}
}

func (h *heldResponse) Header() http.Header { return h.w.Header() }

func (h *heldResponse) WriteHeader(code int) { h.code, h.wrote = code, true }

func (h *heldResponse) Write(b []byte) (int, error) {
	h.wrote = true
	return h.body.Write(b)
}

// Flush does nothing: the answer is sent after the audit row is written.
func (h *heldResponse) Flush() {}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (h *heldResponse) Unwrap() http.ResponseWriter { return h.w }
