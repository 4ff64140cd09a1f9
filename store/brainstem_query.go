package store

// The BrainSTEM list query language (dynamic-rest's filter{…}, sort[],
// include[], exclude[] plus limit/offset), parsed and validated once and
// compiled to SQL from whitelisted column expressions only. Request values
// are always bind parameters.
//
// Semantics follow AltSchool/dynamic-rest (dynamic_rest/filters.py,
// viewsets.py) and the Django lookups it produces:
//   - filter{path[.op]}: path through serializer field names, op one of
//     VALID_FILTER_OPERATORS; no op or "eq" is exact. An unknown first field
//     gives ["Invalid filter field: x"], a dotted path through a non-relation
//     ["Invalid nested filter field: x"] (so filter{name.foo} reports "name").
//   - filter{-…} excludes (~Q). Like Django, excluding on the nullable
//     date_time keeps the rows whose date_time is NULL.
//   - repeated keys: "in" uses every value, "range" the first two, all
//     other operators the first one. filter{x}[] is an alias of filter{x}.
//   - every hop of a relation filter (filter{…} and filter{}) reaches only
//     the related records the caller may see (BSViewer.visible): the
//     filters are evaluated as over the caller's visible records and the
//     links between them only. So filter{projects}=<id> of a hidden project
//     matches nothing, filter{projects.isnull}=true matches the sessions
//     without a visible project, and filter{-projects.name}=x keeps those
//     whose visible projects are not named x. Django, which filters the
//     related tables unrestricted, would leak hidden records through them.
//   - relation filters are `IN (subquery)` (never JOINs, so no duplicates);
//     excluding on a relation is `NOT IN`, as Django does for multi-valued
//     relations. Selective ones (a related id, or the record's own id) drive
//     the query: see frontLoad.
//   - isnull and boolean fields go through dynamic-rest's is_truthy: every
//     string except "", "0" and "false" (any case) is true.
//   - the JSON form filter{}={"$or": [...]} / {"$and": [...]} is supported;
//     unlike dynamic-rest, which then ignores the other filter{…} keys, it is
//     ANDed with them.
//   - contains/startswith/endswith are case-sensitive (GLOB, as on
//     PostgreSQL; Django on SQLite would use the case-insensitive LIKE);
//     the i-variants and iexact use LIKE … ESCAPE '\' (ASCII case folding).
//
// Pagination deliberately differs from DRF's LimitOffsetPagination, which
// silently falls back to the default on bad input: limit defaults to 20 and
// is clamped to 1..100 (limit=0 gives 1 row, limit=101 gives 100); an empty
// limit/offset counts as absent; a non-integer limit or offset, or a
// negative offset, is a 400.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// BSQuery is a validated list query of one BrainSTEM model.
type BSQuery struct {
	// Limit is the page size: default 20, clamped to 1..100.
	Limit int
	// Offset is the number of rows to skip (default 0).
	Offset int
	// Include holds the top-level fields named by include[] (include[]=rel.*,
	// include[]=rel, include[]=field), deduplicated, in request order. The
	// relations among them are to be embedded; plain fields only matter
	// with exclude[]=*, which drops every field not listed here.
	Include []string
	// Exclude holds the top-level field names to drop (exclude[]=field; "*"
	// drops every field not explicitly included).
	Exclude []string

	model *bsModel
	vis   bsVisibility
	conds []bsCond
	order []string
}

// bsVisibility returns the condition, on the table of model, that selects
// the rows the caller may see. The compiler ANDs it into every relation
// hop, so filters, negations and isnull over relations are evaluated as if
// the database held only the caller's visible records and the links
// between them (a link counts when its target is visible; its source is
// the visible record being filtered).
type bsVisibility func(model string) bsCond

// BSQueryError is a 400 whose Body is already in Django REST framework's
// shape: a bare JSON list of strings, or map{"detail": "…"} for malformed
// keys and unknown include/exclude names.
type BSQueryError struct{ Body any }

// Error renders the body for logs.
func (e *BSQueryError) Error() string {
	b, _ := json.Marshal(e.Body)
	return "brainstem query: " + string(b)
}

func listErr(format string, a ...any) *BSQueryError {
	return &BSQueryError{Body: []string{fmt.Sprintf(format, a...)}}
}

func detailErr(format string, a ...any) *BSQueryError {
	return &BSQueryError{Body: map[string]string{"detail": fmt.Sprintf(format, a...)}}
}

// Bounds of a query.
const (
	bsDefaultLimit = 20
	bsMaxLimit     = 100
	bsMaxOffset    = 1<<31 - 1
	bsMaxInValues  = 1000 // per in filter
	// bsMaxFilterDepth bounds filter paths (each relation is a subquery).
	bsMaxFilterDepth = 6
	bsMaxPattern     = 10000
	// bsMaxBindValues bounds all filter values of a request (SQLite allows
	// 32766 bind parameters per statement, the caller adds a few).
	bsMaxBindValues = 10000
)

// ParseBSQuery validates and parses filter{…}, sort[], include[], exclude[],
// limit and offset of a list request by v for a model of the engine
// (BSQueryModels). Other parameters are ignored.
// Every relation a filter goes through only reaches the related records v
// may see (see bsVisibility). Errors are *BSQueryError.
func ParseBSQuery(model string, q url.Values, v BSViewer) (*BSQuery, error) {
	m, ok := bsModels[model]
	if !ok {
		return nil, fmt.Errorf("brainstem query: unknown model %q", model)
	}
	out := &BSQuery{model: m, Limit: bsDefaultLimit, vis: v.visibleSQL}
	var err error
	if out.Limit, err = parseLimit(q.Get("limit")); err != nil {
		return nil, err
	}
	if out.Offset, err = parseOffset(q.Get("offset")); err != nil {
		return nil, err
	}
	if err := out.parseFilters(q); err != nil {
		return nil, err
	}
	if out.order, err = m.parseSort(q["sort[]"]); err != nil {
		return nil, err
	}
	if out.Include, err = m.parseInclude(q["include[]"]); err != nil {
		return nil, err
	}
	if out.Exclude, err = m.parseExclude(q["exclude[]"]); err != nil {
		return nil, err
	}
	return out, nil
}

// Where adds only the filters to db (for COUNT). db must be a query on the
// model's table, usually already carrying the caller's visibility
// condition; when a selective filter is present, Where moves it first and
// turns the caller's `<table>.<col> IN (SELECT …)` terms into correlated
// EXISTS (same rows, see frontLoad).
func (q *BSQuery) Where(db *gorm.DB) *gorm.DB {
	drivers := 0
	for _, c := range q.conds {
		if !c.drive {
			db = db.Where(c.sql, c.args...)
		}
	}
	for _, c := range q.conds {
		if c.drive {
			db = db.Where(c.sql, c.args...)
			drivers++
		}
	}
	return frontLoad(db, q.model.table, drivers)
}

// frontLoad moves the last k WHERE terms (the driving filters) to the front
// and turns every other `<table>.<col> IN (SELECT c FROM t WHERE …)` term
// (the caller's visibility condition, nested relation filters) into the
// equivalent correlated EXISTS. SQLite estimates every `id IN (subquery)`
// alike and drives the loop from the first one, materialising the others:
// with filter{projects}=<id> (~100 rows) next to a visibility list of
// thousands of sessions, materialising that list cost ~20 ms, checking it
// per candidate row with EXISTS ~0.5 ms. The rewrite is only done when a
// driving filter exists; ANDed terms may be reordered freely.
func frontLoad(db *gorm.DB, table string, k int) *gorm.DB {
	c, ok := db.Statement.Clauses["WHERE"]
	w, isWhere := c.Expression.(clause.Where)
	if k == 0 || !ok || !isWhere || len(w.Exprs) <= k {
		return db
	}
	n := len(w.Exprs)
	exprs := make([]clause.Expression, 0, n)
	exprs = append(exprs, w.Exprs[n-k:]...)
	for _, e := range w.Exprs[:n-k] {
		if x, ok := e.(clause.Expr); ok {
			if sql, ok := inToExists(x.SQL, table); ok {
				x.SQL = sql
				e = x
			}
		}
		exprs = append(exprs, e)
	}
	w.Exprs = exprs
	c.Expression = w
	db.Statement.Clauses["WHERE"] = c
	return db
}

var inSubqueryRe = regexp.MustCompile(`^([a-z_]+)\.([a-z_]+) IN \(SELECT ([a-z_]+) FROM ([a-z_]+) WHERE (.*)\)$`)

// inToExists rewrites `table.c IN (SELECT col FROM t WHERE rest)` to
// `EXISTS (SELECT 1 FROM t WHERE t.col = table.c AND (rest))`. It refuses
// anything else: another outer table, t == table (the correlation would
// bind to the inner table), rest naming the outer table, or parentheses
// that do not enclose exactly the subquery.
func inToExists(sql, table string) (string, bool) {
	sql = strings.TrimSpace(sql)
	for len(sql) > 1 && sql[0] == '(' && closingParen(sql, 0) == len(sql)-1 {
		sql = strings.TrimSpace(sql[1 : len(sql)-1])
	}
	m := inSubqueryRe.FindStringSubmatch(sql)
	if m == nil || m[1] != table || m[4] == table || strings.Contains(m[5], table+".") {
		return "", false
	}
	open := strings.Index(sql, "(")
	if closingParen(sql, open) != len(sql)-1 {
		return "", false
	}
	return fmt.Sprintf("EXISTS (SELECT 1 FROM %s WHERE %s.%s = %s.%s AND (%s))", m[4], m[4], m[3], table, m[2], m[5]), true
}

// closingParen returns the index of the parenthesis closing the one at
// open, skipping quoted strings, or -1.
func closingParen(s string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '(':
			depth++
		case ch == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// Scope adds the filters and the ORDER BY (always ending with a unique
// column, so pages are stable) to db. It adds no LIMIT/OFFSET.
func (q *BSQuery) Scope(db *gorm.DB) *gorm.DB {
	db = q.Where(db)
	for _, o := range q.order {
		db = db.Order(o)
	}
	return db
}

func parseLimit(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return bsDefaultLimit, nil
	}
	n, ok := parseDigits(v)
	if !ok {
		return 0, listErr("Invalid limit %s: a valid integer is required.", pyRepr(v))
	}
	// limit=0 would be an empty page; DRF falls back to the default there,
	// sessionhub clamps to the nearest valid size instead (documented above).
	return min(max(n, 1), bsMaxLimit), nil
}

func parseOffset(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, ok := parseDigits(v)
	if !ok {
		return 0, listErr("Invalid offset %s: a valid integer is required.", pyRepr(v))
	}
	if n < 0 {
		return 0, listErr("Invalid offset %s: ensure this value is greater than or equal to 0.", pyRepr(v))
	}
	if n > bsMaxOffset {
		return 0, listErr("Invalid offset %s: ensure this value is less than or equal to %d.", pyRepr(v), bsMaxOffset)
	}
	return n, nil
}

// parseDigits parses an optionally signed decimal integer, saturating huge
// values instead of failing on them.
func parseDigits(v string) (int, bool) {
	s := strings.TrimLeft(v, "+-")
	if len(v)-len(s) > 1 || s == "" {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil { // out of range: saturate
		if strings.HasPrefix(v, "-") {
			return -bsMaxOffset - 1, true
		}
		return bsMaxOffset + 1, true
	}
	return int(max(min(n, bsMaxOffset+1), -bsMaxOffset-1)), true
}

// ---------------------------------------------------------------------------
// Models and fields

type bsKind int

const (
	bsText     bsKind = iota // TEXT column
	bsUUID                   // UUID stored as canonical lower-case text
	bsDateTime               // nullable timestamp
	bsDate                   // calendar date stored as YYYY-MM-DD text
	bsBool                   // boolean (0/1)
	bsInt                    // integer
	bsTextList               // JSON array of strings (element match)
	bsUUIDList               // JSON array of UUID strings (element match)
	bsRelation               // to-many (link table) or to-one (foreign key column)
	bsEmptyRel               // a relation that has no table here: always empty
)

type bsField struct {
	kind     bsKind
	col      string // qualified column (or the FK column of a to-one relation)
	nullable bool
	djClass  string // Django field class for "Unsupported lookup" messages

	// relations
	target  string // model name
	link    string // link table of a to-many relation ("" = to-one via col)
	linkSrc string // link column pointing at this model's id
	linkDst string // link column pointing at the target's id
}

type bsModel struct {
	name    string
	table   string
	fields  map[string]*bsField
	all     []string          // every serializer field (include/exclude names)
	include map[string]string // includable relation → target model ("" when not modelled)
	sorts   map[string]string // sort[] name → column
	unique  map[string]bool   // sort names whose column is unique (no tiebreak needed)
	deflt   []string          // default ORDER BY
}

func (m *bsModel) pk() string { return m.table + ".id" }

// bsModels is the query engine's view of the registry: per model, the
// filterable fields by name with qualified columns, the include[]/exclude[]
// names, the sort columns and the default order.
var bsModels = engineModels(bsRegistry)

// djClasses is the Django field class of each kind, for "Unsupported
// lookup" messages.
var djClasses = map[BSKind]string{BSText: "CharField", BSInt: "PositiveIntegerField", BSBool: "BooleanField",
	BSUUID: "UUIDField", BSDate: "DateField", BSDateTime: "DateTimeField", BSTextList: "TaggableManager",
	BSUUIDList: "ManyToManyField", BSToOne: "ForeignKey", BSToMany: "ManyToManyField", BSEmpty: "ManyToManyField"}

var engineKinds = map[BSKind]bsKind{BSText: bsText, BSInt: bsInt, BSBool: bsBool, BSUUID: bsUUID, BSDate: bsDate,
	BSDateTime: bsDateTime, BSTextList: bsTextList, BSUUIDList: bsUUIDList, BSToOne: bsRelation,
	BSToMany: bsRelation, BSEmpty: bsEmptyRel}

func engineModels(reg map[string]*BSModel) map[string]*bsModel {
	out := make(map[string]*bsModel, len(reg))
	for name, d := range reg {
		m := &bsModel{name: name, table: d.Table, fields: map[string]*bsField{}, include: map[string]string{},
			sorts: map[string]string{}, unique: map[string]bool{}}
		for _, f := range d.Fields {
			m.all = append(m.all, f.Name)
			col := ""
			if f.Col != "" {
				col = d.Table + "." + f.Col
			}
			if f.Filterable() {
				cls := f.DjClass
				if cls == "" {
					cls = djClasses[f.Kind]
				}
				m.fields[f.Name] = &bsField{kind: engineKinds[f.Kind], col: col, nullable: f.Nullable, djClass: cls,
					target: f.Target, link: f.Link, linkSrc: f.LinkSrc, linkDst: f.LinkDst}
			}
			if f.Includable() {
				m.include[f.Name] = f.Target
			}
			if f.Sort {
				m.sorts[f.Name] = col
				m.unique[f.Name] = f.Unique
			}
		}
		for _, c := range d.DefaultOrder {
			m.deflt = append(m.deflt, d.Table+"."+c)
		}
		out[name] = m
	}
	return out
}

// ---------------------------------------------------------------------------
// Sort, include, exclude

func (m *bsModel) parseSort(params []string) ([]string, error) {
	if len(params) == 0 {
		return m.deflt, nil
	}
	var order, invalid []string
	unique := false
	for _, p := range params {
		term := strings.TrimSpace(p)
		name := strings.TrimLeft(term, "-")
		col, ok := m.sorts[name]
		if !ok {
			invalid = append(invalid, term)
			continue
		}
		if len(name) != len(term) {
			col += " DESC"
		}
		order = append(order, col)
		unique = m.unique[name]
	}
	if len(invalid) > 0 {
		// dynamic-rest formats the Python list: ['-foo', 'bar'].
		r := make([]string, len(invalid))
		for i, s := range invalid {
			r[i] = pyRepr(s)
		}
		return nil, listErr("Invalid filter field: [%s]", strings.Join(r, ", "))
	}
	if !unique {
		order = append(order, m.pk())
	}
	return order, nil
}

func (m *bsModel) invalidName(name string) *BSQueryError {
	return detailErr("%q is not a valid field name for %q.", name, m.name)
}

func (m *bsModel) parseInclude(params []string) ([]string, error) {
	var out []string
	for _, p := range params {
		p = strings.TrimSpace(p)
		head, rest, dotted := strings.Cut(p, ".")
		if head == "*" || head == "" && !dotted {
			continue
		}
		if head == "" || !slices.Contains(m.all, head) {
			return nil, m.invalidName(head)
		}
		if target := m.include[head]; dotted && target != "" {
			sub, _, _ := strings.Cut(rest, ".")
			if t := bsModels[target]; sub != "*" && sub != "" && !slices.Contains(t.all, sub) {
				return nil, t.invalidName(sub)
			}
		}
		if !slices.Contains(out, head) {
			out = append(out, head)
		}
	}
	return out, nil
}

func (m *bsModel) parseExclude(params []string) ([]string, error) {
	var out []string
	for _, p := range params {
		p = strings.TrimSpace(p)
		if p != "*" && !slices.Contains(m.all, p) {
			return nil, m.invalidName(p)
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Filters

// validOps is dynamic-rest's VALID_FILTER_OPERATORS.
var validOps = map[string]bool{
	"in": true, "any": true, "all": true, "icontains": true, "contains": true, "startswith": true,
	"istartswith": true, "endswith": true, "iendswith": true, "year": true, "month": true, "day": true,
	"week_day": true, "regex": true, "range": true, "gt": true, "lt": true, "gte": true, "lte": true,
	"isnull": true, "eq": true, "iexact": true,
}

type bsCond struct {
	sql   string
	args  []any
	drive bool // a selective IN on the primary key that should drive the query
}

type filterSpec struct {
	negate bool
	path   []string
	op     string
}

func parseSpec(spec string) (filterSpec, error) {
	var f filterSpec
	if strings.HasPrefix(spec, "-") {
		f.negate = true
		spec = spec[1:]
	}
	if strings.Contains(spec, "|") {
		return f, listErr("Relational filters on included records are not supported: %s", spec)
	}
	f.path = strings.Split(spec, ".")
	if n := len(f.path); n > 1 && validOps[f.path[n-1]] {
		f.op = f.path[n-1]
		f.path = f.path[:n-1]
	}
	if f.op == "eq" {
		f.op = ""
	}
	if len(f.path) > bsMaxFilterDepth {
		return f, listErr("Filter path too deep: %s (at most %d fields).", spec, bsMaxFilterDepth)
	}
	return f, nil
}

func (q *BSQuery) parseFilters(v url.Values) error {
	specs := map[string][]string{}
	var complexRaw []string
	for _, key := range slices.Sorted(maps.Keys(v)) { // deterministic errors
		vals := v[key]
		if !strings.HasPrefix(key, "filter{") {
			continue
		}
		if key == "filter{}" {
			complexRaw = vals
			continue
		}
		var spec string
		switch {
		case strings.HasSuffix(key, "}"):
			spec = key[len("filter{") : len(key)-1]
		case strings.HasSuffix(key, "}[]"):
			spec = key[len("filter{") : len(key)-3]
		default:
			return detailErr("%q is not a well-formed filter key.", key)
		}
		specs[spec] = append(specs[spec], vals...)
	}
	keys := make([]string, 0, len(specs))
	for k := range specs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic SQL and error choice
	for _, k := range keys {
		f, err := parseSpec(k)
		if err != nil {
			return err
		}
		vals := specs[k]
		switch f.op {
		case "in":
			if len(vals) > bsMaxInValues {
				return listErr("Too many values for filter{%s}: at most %d.", k, bsMaxInValues)
			}
		case "range":
			if len(vals) < 2 {
				return listErr("The range filter filter{%s} needs two values (repeat the key).", k)
			}
			vals = vals[:2]
		default:
			vals = vals[:1]
		}
		c, err := q.model.compile(q.vis, f, vals)
		if err != nil {
			return err
		}
		q.conds = append(q.conds, c)
	}
	if len(complexRaw) > 0 && complexRaw[0] != "" {
		var obj any
		if err := json.Unmarshal([]byte(complexRaw[0]), &obj); err != nil {
			return detailErr("filter{} must be a JSON object: %v", err)
		}
		c, err := q.model.compileComplex(q.vis, obj, 0)
		if err != nil {
			return err
		}
		// Parenthesised: an OR must not leak into the caller's AND, and a
		// bare "1" would be taken by GORM for a primary key.
		c.sql = "(" + c.sql + ")"
		q.conds = append(q.conds, c)
	}
	total := 0
	for _, c := range q.conds {
		total += len(c.args)
	}
	if total > bsMaxBindValues {
		return listErr("Too many filter values: at most %d in one request.", bsMaxBindValues)
	}
	return nil
}

// compileComplex handles dynamic-rest's JSON filter form:
// {"$or": [{…}, {…}]}, {"$and": […]} (also ".or"/".and"), or an object of
// clauses {"name.icontains": "x", "-id.in": ["…"]} that are ANDed.
func (m *bsModel) compileComplex(vis bsVisibility, obj any, depth int) (bsCond, error) {
	if depth > 8 {
		return bsCond{}, detailErr("filter{} is nested too deeply.")
	}
	o, ok := obj.(map[string]any)
	if !ok {
		return bsCond{}, detailErr("filter{} must be a JSON object.")
	}
	join := func(list any, sep string) (bsCond, error) {
		items, ok := list.([]any)
		if !ok || len(items) == 0 {
			return bsCond{}, detailErr("filter{} %s needs a non-empty list of objects.", strings.TrimSpace(sep))
		}
		var parts []string
		var args []any
		for _, it := range items {
			c, err := m.compileComplex(vis, it, depth+1)
			if err != nil {
				return bsCond{}, err
			}
			parts = append(parts, "("+c.sql+")")
			args = append(args, c.args...)
		}
		return bsCond{sql: strings.Join(parts, sep), args: args}, nil
	}
	for _, k := range []string{"$or", ".or"} {
		if l, ok := o[k]; ok {
			return join(l, " OR ")
		}
	}
	for _, k := range []string{"$and", ".and"} {
		if l, ok := o[k]; ok {
			return join(l, " AND ")
		}
	}
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return bsCond{sql: "1"}, nil
	}
	var parts []string
	var args []any
	for _, k := range keys {
		f, err := parseSpec(k)
		if err != nil {
			return bsCond{}, err
		}
		var vals []string
		switch v := o[k].(type) {
		case []any:
			for _, e := range v {
				vals = append(vals, jsonScalar(e))
			}
		default:
			vals = []string{jsonScalar(v)}
		}
		if len(vals) > bsMaxInValues {
			return bsCond{}, listErr("Too many values for %s: at most %d.", k, bsMaxInValues)
		}
		if f.op == "range" && len(vals) != 2 {
			return bsCond{}, listErr("The range filter %s needs a list of two values.", k)
		}
		if f.op != "in" && f.op != "range" && len(vals) != 1 {
			return bsCond{}, listErr("The filter %s takes one value, not a list.", k)
		}
		c, err := m.compile(vis, f, vals)
		if err != nil {
			return bsCond{}, err
		}
		parts = append(parts, "("+c.sql+")")
		args = append(args, c.args...)
	}
	return bsCond{sql: strings.Join(parts, " AND "), args: args}, nil
}

func jsonScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// compile turns one filter into a condition on m's table.
func (m *bsModel) compile(vis bsVisibility, f filterSpec, vals []string) (bsCond, error) {
	c, err := m.compilePath(vis, f.path, f.op, vals)
	if err != nil {
		return bsCond{}, err
	}
	if f.negate {
		c.drive = false
		// Django's ~Q on a nullable column: NOT (cond AND col IS NOT NULL).
		if fld := m.fields[f.path[0]]; len(f.path) == 1 && fld != nil && fld.nullable && f.op != "isnull" {
			c.sql = "NOT (" + c.sql + ") OR " + fld.col + " IS NULL"
		} else {
			c.sql = "NOT (" + c.sql + ")"
		}
	}
	c.sql = "(" + c.sql + ")"
	return c, nil
}

func (m *bsModel) compilePath(vis bsVisibility, path []string, op string, vals []string) (bsCond, error) {
	name := path[0]
	if name == "pk" {
		name = "id"
	}
	fld, ok := m.fields[name]
	if !ok {
		return bsCond{}, listErr("Invalid filter field: %s", path[0])
	}
	rest := path[1:]
	switch fld.kind {
	case bsRelation:
		return m.compileRelation(vis, fld, rest, op, vals)
	case bsEmptyRel:
		if len(rest) > 0 && rest[0] != "id" && rest[0] != "pk" {
			return bsCond{}, listErr("Invalid filter field: %s", rest[0])
		}
		if len(rest) > 1 {
			return bsCond{}, listErr("Invalid nested filter field: %s", rest[0])
		}
		if op == "isnull" {
			if isTruthy(vals[0]) {
				return bsCond{sql: "1"}, nil
			}
			return bsCond{sql: "0"}, nil
		}
		// Validate the values like the related primary key would, match nothing.
		if _, err := leaf(&bsField{kind: bsUUID, col: "NULL", djClass: "UUIDField"}, "id", op, vals); err != nil {
			return bsCond{}, err
		}
		return bsCond{sql: "0"}, nil
	}
	if len(rest) > 0 {
		return bsCond{}, listErr("Invalid nested filter field: %s", path[0])
	}
	c, err := leaf(fld, name, op, vals)
	// Looking rows up by primary key is as selective as it gets.
	c.drive = name == "id" && (op == "" || op == "in")
	return c, err
}

// compileRelation filters through a relation: `rel` alone (or rel.id/rel.pk)
// compares the related ids; a longer path recurses into the target model.
// Every hop into the target model ANDs the target's visibility (vis), so
// only related records the caller may see can match: a filter on a
// related field, an id comparison on a link table, isnull and their
// negations all behave as over the caller's visible records only.
// Everything stays an uncorrelated IN (subquery).
func (m *bsModel) compileRelation(vis bsVisibility, fld *bsField, rest []string, op string, vals []string) (bsCond, error) {
	target := bsModels[fld.target]
	visible := vis(target.name)
	// targetIn selects the visible target ids that satisfy inner.
	targetIn := func(inner bsCond) bsCond {
		return bsCond{sql: fmt.Sprintf("SELECT %s FROM %s WHERE (%s) AND (%s)", target.pk(), target.table, inner.sql, visible.sql),
			args: append(slices.Clip(inner.args), visible.args...)}
	}
	idOnly := len(rest) == 0 || len(rest) == 1 && (rest[0] == "id" || rest[0] == "pk")
	if fld.link == "" { // to-one: the foreign key column is on this table
		if idOnly && op == "isnull" { // no visible target: NULL, or a target the caller may not see
			sel := targetIn(bsCond{sql: "1"})
			if isTruthy(vals[0]) {
				return bsCond{sql: fmt.Sprintf("(%s IS NULL OR %s NOT IN (%s))", fld.col, fld.col, sel.sql), args: sel.args}, nil
			}
			return bsCond{sql: fmt.Sprintf("(%s IS NOT NULL AND %s IN (%s))", fld.col, fld.col, sel.sql), args: sel.args}, nil
		}
		var inner bsCond
		var err error
		if idOnly {
			inner, err = leaf(&bsField{kind: bsUUID, col: target.pk(), djClass: "UUIDField"}, "id", op, vals)
		} else {
			inner, err = target.compilePath(vis, rest, op, vals)
		}
		if err != nil {
			return bsCond{}, err
		}
		sel := targetIn(inner)
		if fld.nullable { // never NULL itself, so that a negation keeps the rows without a target, as Django does
			return bsCond{sql: fmt.Sprintf("(%s IS NOT NULL AND %s IN (%s))", fld.col, fld.col, sel.sql), args: sel.args}, nil
		}
		return bsCond{sql: fmt.Sprintf("%s IN (%s)", fld.col, sel.sql), args: sel.args,
			drive: idOnly && (op == "" || op == "in")}, nil
	}
	src := fld.link + "." + fld.linkSrc
	dst := fld.link + "." + fld.linkDst
	if idOnly && op == "isnull" {
		in := "IN"
		if isTruthy(vals[0]) {
			in = "NOT IN"
		}
		sel := targetIn(bsCond{sql: "1"})
		return bsCond{sql: fmt.Sprintf("%s %s (SELECT %s FROM %s WHERE %s IN (%s))", m.pk(), in, src, fld.link, dst, sel.sql),
			args: sel.args}, nil
	}
	var inner bsCond
	var err error
	if idOnly {
		inner, err = leaf(&bsField{kind: bsUUID, col: dst, djClass: "UUIDField"}, "id", op, vals)
		sel := targetIn(bsCond{sql: "1"})
		inner.sql = fmt.Sprintf("(%s) AND %s IN (%s)", inner.sql, dst, sel.sql)
		inner.args = append(slices.Clip(inner.args), sel.args...)
	} else {
		inner, err = target.compilePath(vis, rest, op, vals)
		sel := targetIn(inner)
		inner = bsCond{sql: fmt.Sprintf("%s IN (%s)", dst, sel.sql), args: sel.args}
	}
	if err != nil {
		return bsCond{}, err
	}
	return bsCond{sql: fmt.Sprintf("%s IN (SELECT %s FROM %s WHERE %s)", m.pk(), src, fld.link, inner.sql),
		args: inner.args, drive: idOnly && (op == "" || op == "in")}, nil
}

// leaf builds the condition of one operator on one column.
func leaf(fld *bsField, name, op string, vals []string) (bsCond, error) {
	col := fld.col
	switch fld.kind {
	case bsTextList, bsUUIDList:
		if op == "isnull" {
			cmp := "> 0"
			if isTruthy(vals[0]) {
				cmp = "= 0"
			}
			return bsCond{sql: fmt.Sprintf("json_array_length(%s) %s", col, cmp)}, nil
		}
		elem := &bsField{kind: bsText, col: "je.value", djClass: "CharField"}
		if fld.kind == bsUUIDList {
			elem.kind, elem.djClass = bsUUID, "UUIDField"
		}
		c, err := leaf(elem, name, op, vals)
		if err != nil {
			return bsCond{}, err
		}
		c.sql = fmt.Sprintf("EXISTS (SELECT 1 FROM json_each(%s) AS je WHERE %s)", col, c.sql)
		return c, nil
	}

	switch op {
	case "isnull":
		if isTruthy(vals[0]) {
			return bsCond{sql: col + " IS NULL"}, nil
		}
		return bsCond{sql: col + " IS NOT NULL"}, nil
	case "iexact", "icontains", "istartswith", "iendswith", "contains", "startswith", "endswith":
		v := vals[0]
		if len(v) > bsMaxPattern { // SQLite refuses LIKE/GLOB patterns over 50,000 bytes
			return bsCond{}, listErr("Filter value too long for %s: at most %d bytes.", op, bsMaxPattern)
		}
		if fld.kind == bsUUID { // Django compares UUIDs without dashes here
			col = "replace(" + col + ", '-', '')"
			v = strings.ReplaceAll(v, "-", "")
		}
		if fld.kind == bsBool {
			v = boolText(v)
		}
		switch op {
		case "iexact":
			return bsCond{sql: col + ` LIKE ? ESCAPE '\'`, args: []any{likeEscape(v)}}, nil
		case "icontains":
			return bsCond{sql: col + ` LIKE ? ESCAPE '\'`, args: []any{"%" + likeEscape(v) + "%"}}, nil
		case "istartswith":
			return bsCond{sql: col + ` LIKE ? ESCAPE '\'`, args: []any{likeEscape(v) + "%"}}, nil
		case "iendswith":
			return bsCond{sql: col + ` LIKE ? ESCAPE '\'`, args: []any{"%" + likeEscape(v)}}, nil
		case "contains":
			return bsCond{sql: col + " GLOB ?", args: []any{"*" + globEscape(v) + "*"}}, nil
		case "startswith":
			return bsCond{sql: col + " GLOB ?", args: []any{globEscape(v) + "*"}}, nil
		default:
			return bsCond{sql: col + " GLOB ?", args: []any{"*" + globEscape(v)}}, nil
		}
	case "year", "month", "day", "week_day":
		if fld.kind != bsDateTime && fld.kind != bsDate {
			break
		}
		n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err != nil {
			return bsCond{}, listErr("Field '%s' expected a number but got %s.", op, pyRepr(vals[0]))
		}
		expr := map[string]string{"year": "%Y", "month": "%m", "day": "%d", "week_day": "%w"}[op]
		sql := fmt.Sprintf("CAST(strftime('%s', %s) AS INTEGER)", expr, col)
		if op == "week_day" { // Django: 1 = Sunday … 7 = Saturday
			sql += " + 1"
		}
		return bsCond{sql: sql + " = ?", args: []any{n}}, nil
	case "", "gt", "gte", "lt", "lte", "in", "range":
		args := make([]any, len(vals))
		for i, v := range vals {
			a, err := typedValue(fld, name, v)
			if err != nil {
				return bsCond{}, err
			}
			args[i] = a
		}
		switch op {
		case "":
			return bsCond{sql: col + " = ?", args: args}, nil
		case "in":
			return bsCond{sql: col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ") + ")", args: args}, nil
		case "range":
			return bsCond{sql: col + " BETWEEN ? AND ?", args: args}, nil
		default:
			sym := map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
			return bsCond{sql: col + " " + sym + " ?", args: args}, nil
		}
	}
	cls := fld.djClass
	return bsCond{}, listErr("Unsupported lookup '%s' for %s or join on the field not permitted.", op, cls)
}

// typedValue converts a request value to the column's type the way Django's
// model field would (to_python / get_prep_value), with its error messages.
func typedValue(fld *bsField, name, v string) (any, error) {
	switch fld.kind {
	case bsUUID:
		u, ok := parseUUID(v)
		if !ok {
			return nil, listErr("“%s” is not a valid UUID.", v)
		}
		return u, nil
	case bsDateTime:
		t, err := parseDjangoDateTime(v)
		if err != nil {
			return nil, err
		}
		return t, nil
	case bsDate:
		return parseDjangoDate(v)
	case bsBool:
		return isTruthy(v), nil
	case bsInt:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, listErr("Field '%s' expected a number but got %s.", name, pyRepr(v))
		}
		return n, nil
	}
	return v, nil
}

// isTruthy is dynamic-rest's is_truthy for strings.
func isTruthy(s string) bool {
	switch strings.ToLower(s) {
	case "", "0", "false":
		return false
	}
	return true
}

func boolText(s string) string {
	if isTruthy(s) {
		return "1"
	}
	return "0"
}

// likeEscape escapes LIKE's wildcards for ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// globEscape makes GLOB's special characters literal by bracketing them.
func globEscape(s string) string {
	return strings.NewReplacer(`*`, `[*]`, `?`, `[?]`, `[`, `[[]`).Replace(s)
}

// parseUUID accepts what Python's uuid.UUID(hex=…) accepts (optional
// braces and urn:uuid: prefix, dashes anywhere, any case) and returns the
// canonical lower-case dashed form the tables store.
func parseUUID(s string) (string, bool) {
	h := strings.TrimSpace(s)
	h = strings.TrimPrefix(strings.TrimPrefix(h, "urn:"), "uuid:")
	h = strings.Trim(h, "{}")
	h = strings.ReplaceAll(h, "-", "")
	if len(h) != 32 {
		return "", false
	}
	for _, r := range h {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return "", false
		}
	}
	h = strings.ToLower(h)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], true
}

var (
	djDateTimeRe = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})` +
		`(?::(\d{1,2})(?:[.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$`)
	djDateRe = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
)

// parseDjangoDate parses a value as Django's DateField does (YYYY-MM-DD,
// with its error messages) and returns it in the form the tables store.
func parseDjangoDate(v string) (string, error) {
	t := strings.TrimSpace(v)
	m := djDateRe.FindStringSubmatch(t)
	if m == nil {
		return "", listErr("“%s” value has an invalid date format. It must be in YYYY-MM-DD format.", v)
	}
	d, err := time.Parse("2006-1-2", m[1]+"-"+m[2]+"-"+m[3])
	if err != nil || d.Year() < 1 {
		return "", listErr("“%s” value has the correct format (YYYY-MM-DD) but it is an invalid date.", v)
	}
	return d.Format(time.DateOnly), nil
}

// parseDjangoDateTime parses like Django's DateTimeField.to_python:
// "YYYY-MM-DD[ T]HH:MM[:ss[.uuuuuu]][TZ]" or a plain date (midnight).
// Times without a zone are taken as UTC (TIME_ZONE = "UTC"). The result
// is in UTC, the zone the tables are written in.
func parseDjangoDateTime(v string) (time.Time, error) {
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	valid := func(y, mo, d, h, mi, sec int) bool {
		t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
		return y >= 1 && t.Year() == y && t.Month() == time.Month(mo) && t.Day() == d &&
			t.Hour() == h && t.Minute() == mi && t.Second() == sec
	}
	if m := djDateTimeRe.FindStringSubmatch(v); m != nil {
		y, mo, d, h, mi, sec := atoi(m[1]), atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6])
		if !valid(y, mo, d, h, mi, sec) {
			return time.Time{}, listErr("“%s” value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.", v)
		}
		us := 0
		if m[7] != "" {
			us = atoi((m[7] + "000000")[:6])
		}
		loc := time.UTC
		if tz := m[8]; tz != "" && tz != "Z" {
			digits := strings.ReplaceAll(tz[1:], ":", "")
			off := atoi(digits[:2]) * 3600
			if len(digits) == 4 {
				off += atoi(digits[2:]) * 60
			}
			if tz[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
		return time.Date(y, time.Month(mo), d, h, mi, sec, us*1000, loc).UTC(), nil
	}
	if m := djDateRe.FindStringSubmatch(v); m != nil {
		y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
		if !valid(y, mo, d, 0, 0, 0) {
			return time.Time{}, listErr("“%s” value has the correct format (YYYY-MM-DD) but it is an invalid date.", v)
		}
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), nil
	}
	return time.Time{}, listErr("“%s” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.", v)
}

// pyRepr renders s like Python's repr() of a str, as dynamic-rest's
// messages show it.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// BSFilterField describes one filterable field of a model of the query
// engine, for tests and documentation that must cover every model and
// relation without listing them again.
type BSFilterField struct {
	// Name is the field name in filter{…} paths.
	Name string
	// Kind is one of "text", "uuid", "datetime", "bool", "int", "textlist",
	// "uuidlist", "relation" (Target is the related model) or "empty" (a
	// relation that is always empty here).
	Kind   string
	Target string
}

// BSQueryModels returns the names of the models the query engine knows, sorted.
func BSQueryModels() []string { return slices.Sorted(maps.Keys(bsModels)) }

// BSFilterFields returns the filterable fields of model, sorted by name
// (nil for an unknown model).
func BSFilterFields(model string) []BSFilterField {
	m, ok := bsModels[model]
	if !ok {
		return nil
	}
	kinds := map[bsKind]string{bsText: "text", bsUUID: "uuid", bsDateTime: "datetime", bsDate: "date", bsBool: "bool", bsInt: "int",
		bsTextList: "textlist", bsUUIDList: "uuidlist", bsRelation: "relation", bsEmptyRel: "empty"}
	var out []BSFilterField
	for _, name := range slices.Sorted(maps.Keys(m.fields)) {
		f := m.fields[name]
		out = append(out, BSFilterField{Name: name, Kind: kinds[f.kind], Target: f.target})
	}
	return out
}
