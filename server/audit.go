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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/sessionhub/sessionhub/openapi"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/store"
)

// auditOp is what the audit trail records about a route: the API, the
// operationId, and the one 2xx status the spec gives it (0: several).
type auditOp struct {
	api, id string
	status  int
}

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
					ops[method+" "+route] = auditOp{api: api, id: op.OperationID, status: successStatus(op)}
				}
			}
		}
	}
	return ops, nil
})

// successStatus is op's one 2xx status, 0 if it has none or several.
func successStatus(op *openapi3.Operation) int {
	status := 0
	for code := range op.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			if status != 0 {
				return 0
			}
			status = n
		}
	}
	return status
}

// maxAuditPeek bounds how much of an update's JSON body the audit reads
// for its field names; the APIs refuse larger bodies anyway.
const maxAuditPeek = 2 << 20

// auditWrites appends one row to the audit trail for every write that
// succeeds on API api (any method but GET, HEAD and OPTIONS answered with
// 2xx): the caller, the operation, the record, and for PUT and PATCH the
// top-level fields of the JSON body. Each API runs it first on its groups,
// outside its error mapping, so it sees the status the client gets.
//
// An operation of the specs, whose success status is known before it
// runs, hands its row to the store (store.AuditSlot): the request's first
// store write that succeeds commits the row with itself, so a write is
// never stored without its row and the row costs no commit of its own.
// (A write that committed keeps its row even if its answer then fails.)
// When no write took the row (a request that stores nothing, a create
// whose store does not name what it created, a page outside the specs),
// it is appended after a 2xx answer, and the answer is held back until
// then: a client that got its answer finds its write in the trail either
// way. This is the only place that writes audit rows.
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
			slot := auditSlot(c, ops, fields)
			if slot != nil {
				c.SetRequest(r.WithContext(store.WithAuditSlot(r.Context(), slot)))
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
			if st := c.Response().Status; st >= 200 && st < 300 && (slot == nil || !slot.Written()) {
				s.appendAudit(c, api, ops, fields, held.body.Bytes())
			}
			return err
		}
	}
}

// auditSlot is the row of a request to an operation of the specs, for its
// store writes to commit (see auditWrites); nil for other routes.
func auditSlot(c echo.Context, ops map[string]auditOp, fields []string) *store.AuditSlot {
	r := c.Request()
	route := c.Path()
	op, ok := ops[r.Method+" "+route]
	if !ok || op.status == 0 {
		return nil
	}
	ev := store.AuditEvent{
		API: op.api, Operation: op.id, Method: r.Method, Route: route, Status: op.status,
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Fields: jsonList(fields),
	}
	if vals := c.ParamValues(); len(vals) > 0 {
		ev.RecordID = vals[len(vals)-1]
	}
	return &store.AuditSlot{Event: ev, User: auditUser, Creates: op.status == http.StatusCreated}
}

// auditUser names the authenticated caller of ctx's request.
func auditUser(ctx context.Context) (*uint, string) {
	if u := auth.UserFrom(ctx); u != nil {
		return &u.ID, u.Email
	}
	return nil, ""
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
	ev.UserID, ev.UserEmail = auditUser(r.Context())
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
