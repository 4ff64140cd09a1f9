package brainstem

// The BrainSTEM list query language (dynamic-rest's filter{…}, sort[],
// include[], exclude[] plus limit/offset), parsed and validated once and
// turned into the store's typed query (bsdb.ListQuery: registry field
// names, operators and typed bind values). Every 400 of a read is worded
// here; the store builds the SQL.
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
//     the query (the store writes the other terms as correlated EXISTS).
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
// is clamped to 1..100 (limit=0 gives 1 row, limit=101 gives 100). Limit
// and offset arrive as the generated parameters: the spec's validator has
// already answered a non-integer (or empty) limit or offset, or an offset
// out of 0..2^31-1, with a 400.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sessionhub/sessionhub/server/brainstem/typeschema"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// listQuery is a parsed list (or detail) request: the store's typed query,
// the page, and the fields to embed or drop.
type listQuery struct {
	bsdb.ListQuery
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
}

// queryError is a 400 of a read whose body is in Django REST framework's
// shape: a bare JSON list of strings, or {"detail": "…"} for malformed
// keys and unknown include/exclude names.
type queryError struct{ body any }

// Error renders the body for logs.
func (e *queryError) Error() string {
	b, _ := json.Marshal(e.body)
	return "brainstem query: " + string(b)
}

func listErr(format string, a ...any) *queryError {
	return &queryError{body: []string{fmt.Sprintf(format, a...)}}
}

func detailErr(format string, a ...any) *queryError {
	return &queryError{body: map[string]string{"detail": fmt.Sprintf(format, a...)}}
}

// msgTooManyValues answers bsdb.ErrQueryTooLarge.
var msgTooManyValues = fmt.Sprintf("Too many filter values: at most %d in one request.", bsdb.MaxBindValues)

// Bounds of a query.
const (
	bsDefaultLimit = 20
	bsMaxLimit     = 100
	bsMaxInValues  = 1000 // per in filter
	// bsMaxFilterDepth bounds filter paths (each relation is a subquery).
	bsMaxFilterDepth = 6
	bsMaxPattern     = 10000
)

// parseListQuery validates and parses filter{…}, sort[], include[] and
// exclude[] of a request for model (a registry model), with the page the
// generated parameters carry (nil: the defaults). Other parameters are
// ignored. Errors are *queryError.
func parseListQuery(model string, q url.Values, limit *int, offset *int32) (*listQuery, error) {
	m := bsdb.ModelNamed(model)
	if m == nil {
		return nil, fmt.Errorf("brainstem query: unknown model %q", model)
	}
	out := &listQuery{Limit: bsDefaultLimit}
	if limit != nil {
		// limit=0 would be an empty page; DRF falls back to the default
		// there, sessionhub clamps to the nearest valid size instead.
		out.Limit = min(max(*limit, 1), bsMaxLimit)
	}
	if offset != nil {
		out.Offset = int(*offset) // the spec bounds it to 0..2^31-1
	}
	var err error
	if out.Filters, err = parseFilters(m, q); err != nil {
		return nil, err
	}
	if out.Sort, err = parseSort(m, q["sort[]"]); err != nil {
		return nil, err
	}
	if out.Include, err = parseInclude(m, q["include[]"]); err != nil {
		return nil, err
	}
	if out.Exclude, err = parseExclude(m, q["exclude[]"]); err != nil {
		return nil, err
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Sort, include, exclude

func parseSort(m *bsdb.Model, params []string) ([]bsdb.Sort, error) {
	var order []bsdb.Sort
	var invalid []string
	for _, p := range params {
		term := strings.TrimSpace(p)
		name := strings.TrimLeft(term, "-")
		if f := m.Field(name); f == nil || !f.Sort {
			invalid = append(invalid, term)
			continue
		}
		order = append(order, bsdb.Sort{Field: name, Desc: len(name) != len(term)})
	}
	if len(invalid) > 0 {
		// dynamic-rest formats the Python list: ['-foo', 'bar'].
		r := make([]string, len(invalid))
		for i, s := range invalid {
			r[i] = typeschema.Repr(s)
		}
		return nil, listErr("Invalid filter field: [%s]", strings.Join(r, ", "))
	}
	return order, nil
}

func invalidName(m *bsdb.Model, name string) *queryError {
	return detailErr("%q is not a valid field name for %q.", name, m.Name)
}

func parseInclude(m *bsdb.Model, params []string) ([]string, error) {
	var out []string
	for _, p := range params {
		p = strings.TrimSpace(p)
		head, rest, dotted := strings.Cut(p, ".")
		if head == "*" || head == "" && !dotted {
			continue
		}
		f := m.Field(head)
		if head == "" || f == nil {
			return nil, invalidName(m, head)
		}
		if dotted && f.Includable() && f.Target != "" {
			t := bsdb.ModelNamed(f.Target)
			if sub, _, _ := strings.Cut(rest, "."); sub != "*" && sub != "" && t.Field(sub) == nil {
				return nil, invalidName(t, sub)
			}
		}
		if !slices.Contains(out, head) {
			out = append(out, head)
		}
	}
	return out, nil
}

func parseExclude(m *bsdb.Model, params []string) ([]string, error) {
	var out []string
	for _, p := range params {
		p = strings.TrimSpace(p)
		if p != "*" && m.Field(p) == nil {
			return nil, invalidName(m, p)
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

// parseFilters reads every filter{…} key of v (and the JSON form filter{})
// into typed filters on m.
func parseFilters(m *bsdb.Model, v url.Values) ([]bsdb.Filter, error) {
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
			return nil, detailErr("%q is not a well-formed filter key.", key)
		}
		specs[spec] = append(specs[spec], vals...)
	}
	keys := slices.Sorted(maps.Keys(specs)) // deterministic order and error choice
	var out []bsdb.Filter
	for _, k := range keys {
		f, err := parseSpec(k)
		if err != nil {
			return nil, err
		}
		vals := specs[k]
		switch f.op {
		case "in":
			if len(vals) > bsMaxInValues {
				return nil, listErr("Too many values for filter{%s}: at most %d.", k, bsMaxInValues)
			}
		case "range":
			if len(vals) < 2 {
				return nil, listErr("The range filter filter{%s} needs two values (repeat the key).", k)
			}
			vals = vals[:2]
		default:
			vals = vals[:1]
		}
		tf, err := typedFilter(m, f, vals)
		if err != nil {
			return nil, err
		}
		out = append(out, tf)
	}
	if len(complexRaw) > 0 && complexRaw[0] != "" {
		var obj any
		if err := json.Unmarshal([]byte(complexRaw[0]), &obj); err != nil {
			return nil, detailErr("filter{} must be a JSON object: %v", err)
		}
		c, err := parseComplex(m, obj, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// parseComplex handles dynamic-rest's JSON filter form:
// {"$or": [{…}, {…}]}, {"$and": […]} (also ".or"/".and"), or an object of
// clauses {"name.icontains": "x", "-id.in": ["…"]} that are ANDed.
func parseComplex(m *bsdb.Model, obj any, depth int) (bsdb.Filter, error) {
	if depth > 8 {
		return bsdb.Filter{}, detailErr("filter{} is nested too deeply.")
	}
	o, ok := obj.(map[string]any)
	if !ok {
		return bsdb.Filter{}, detailErr("filter{} must be a JSON object.")
	}
	join := func(list any, sep string) ([]bsdb.Filter, error) {
		items, ok := list.([]any)
		if !ok || len(items) == 0 {
			return nil, detailErr("filter{} %s needs a non-empty list of objects.", sep)
		}
		parts := make([]bsdb.Filter, 0, len(items))
		for _, it := range items {
			c, err := parseComplex(m, it, depth+1)
			if err != nil {
				return nil, err
			}
			parts = append(parts, c)
		}
		return parts, nil
	}
	for _, k := range []string{"$or", ".or"} {
		if l, ok := o[k]; ok {
			parts, err := join(l, "OR")
			return bsdb.Filter{Or: parts}, err
		}
	}
	for _, k := range []string{"$and", ".and"} {
		if l, ok := o[k]; ok {
			parts, err := join(l, "AND")
			return bsdb.Filter{And: parts}, err
		}
	}
	and := bsdb.Filter{And: []bsdb.Filter{}} // an empty object matches every row
	for _, k := range slices.Sorted(maps.Keys(o)) {
		f, err := parseSpec(k)
		if err != nil {
			return bsdb.Filter{}, err
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
			return bsdb.Filter{}, listErr("Too many values for %s: at most %d.", k, bsMaxInValues)
		}
		if f.op == "range" && len(vals) != 2 {
			return bsdb.Filter{}, listErr("The range filter %s needs a list of two values.", k)
		}
		if f.op != "in" && f.op != "range" && len(vals) != 1 {
			return bsdb.Filter{}, listErr("The filter %s takes one value, not a list.", k)
		}
		c, err := typedFilter(m, f, vals)
		if err != nil {
			return bsdb.Filter{}, err
		}
		and.And = append(and.And, c)
	}
	return and, nil
}

// typedFilter checks one filter against the registry (the path, the
// operator for the field's kind) and converts its values to the field's
// type, with Django's and dynamic-rest's messages.
func typedFilter(m *bsdb.Model, f filterSpec, vals []string) (bsdb.Filter, error) {
	args, err := pathArgs(m, f.path, f.op, vals)
	if err != nil {
		return bsdb.Filter{}, err
	}
	return bsdb.Filter{Path: f.path, Op: bsdb.Op(f.op), Negate: f.negate, Args: args}, nil
}

// uuidLeaf is how a related record's id (and an empty relation) is checked.
var uuidLeaf = bsdb.Field{Name: "id", Kind: bsdb.UUID}

// pathArgs walks path through the registry from m and returns the typed
// values of op on the field it ends at.
func pathArgs(m *bsdb.Model, path []string, op string, vals []string) ([]any, error) {
	name := path[0]
	if name == "pk" {
		name = "id"
	}
	f := m.Field(name)
	if f == nil || !f.Filterable() {
		return nil, listErr("Invalid filter field: %s", path[0])
	}
	rest := path[1:]
	idOnly := len(rest) == 0 || len(rest) == 1 && (rest[0] == "id" || rest[0] == "pk")
	switch f.Kind {
	case bsdb.ToOne, bsdb.ToMany:
		switch {
		case idOnly && op == "isnull":
			return []any{isTruthy(vals[0])}, nil
		case idOnly:
			return leafArgs(&uuidLeaf, "id", op, vals)
		}
		return pathArgs(bsdb.ModelNamed(f.Target), rest, op, vals)
	case bsdb.Empty:
		if len(rest) > 0 && rest[0] != "id" && rest[0] != "pk" {
			return nil, listErr("Invalid filter field: %s", rest[0])
		}
		if len(rest) > 1 {
			return nil, listErr("Invalid nested filter field: %s", rest[0])
		}
		if op == "isnull" {
			return []any{isTruthy(vals[0])}, nil
		}
		// Validate the values like the related primary key would (it matches nothing).
		return leafArgs(&uuidLeaf, "id", op, vals)
	}
	if len(rest) > 0 {
		return nil, listErr("Invalid nested filter field: %s", path[0])
	}
	return leafArgs(f, name, op, vals)
}

// djClasses is the Django field class of each kind, for "Unsupported
// lookup" messages.
var djClasses = map[bsdb.Kind]string{bsdb.Text: "CharField", bsdb.Int: "PositiveIntegerField",
	bsdb.Bool: "BooleanField", bsdb.UUID: "UUIDField", bsdb.Date: "DateField", bsdb.DateTime: "DateTimeField",
	bsdb.TextList: "TaggableManager", bsdb.UUIDList: "ManyToManyField", bsdb.ToOne: "ForeignKey",
	bsdb.ToMany: "ManyToManyField", bsdb.Empty: "ManyToManyField"}

// leafArgs checks op on field f (its kind) and converts vals: one bool for
// isnull, the raw pattern for the text matches (dashes dropped on UUIDs,
// "1"/"0" on booleans, as Django compares them), an int for year, month,
// day and week_day, and the column's type for comparisons.
func leafArgs(f *bsdb.Field, name, op string, vals []string) ([]any, error) {
	switch f.Kind {
	case bsdb.TextList, bsdb.UUIDList:
		if op == "isnull" {
			return []any{isTruthy(vals[0])}, nil
		}
		elem := bsdb.Field{Name: f.Name, Kind: bsdb.Text}
		if f.Kind == bsdb.UUIDList {
			elem.Kind = bsdb.UUID
		}
		return leafArgs(&elem, name, op, vals)
	}
	switch op {
	case "isnull":
		return []any{isTruthy(vals[0])}, nil
	case "iexact", "icontains", "istartswith", "iendswith", "contains", "startswith", "endswith":
		v := vals[0]
		if len(v) > bsMaxPattern { // SQLite refuses LIKE/GLOB patterns over 50,000 bytes
			return nil, listErr("Filter value too long for %s: at most %d bytes.", op, bsMaxPattern)
		}
		switch f.Kind {
		case bsdb.UUID: // Django compares UUIDs without dashes here
			v = strings.ReplaceAll(v, "-", "")
		case bsdb.Bool:
			v = boolText(v)
		}
		return []any{v}, nil
	case "year", "month", "day", "week_day":
		if f.Kind != bsdb.DateTime && f.Kind != bsdb.Date {
			break
		}
		n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err != nil {
			return nil, listErr("Field '%s' expected a number but got %s.", op, typeschema.Repr(vals[0]))
		}
		return []any{n}, nil
	case "", "gt", "gte", "lt", "lte", "in", "range":
		args := make([]any, len(vals))
		for i, v := range vals {
			a, err := typedValue(f.Kind, name, v)
			if err != nil {
				return nil, err
			}
			args[i] = a
		}
		return args, nil
	}
	cls := f.DjClass
	if cls == "" {
		cls = djClasses[f.Kind]
	}
	return nil, listErr("Unsupported lookup '%s' for %s or join on the field not permitted.", op, cls)
}

// typedValue converts a request value to the column's type the way Django's
// model field would (to_python / get_prep_value), with its error messages.
func typedValue(kind bsdb.Kind, name, v string) (any, error) {
	switch kind {
	case bsdb.UUID:
		u, ok := parseUUID(v)
		if !ok {
			return nil, listErr("“%s” is not a valid UUID.", v)
		}
		return u, nil
	case bsdb.DateTime:
		t, err := parseDjangoDateTime(v)
		if err != nil {
			return nil, err
		}
		return t, nil
	case bsdb.Date:
		return parseDjangoDate(v)
	case bsdb.Bool:
		return isTruthy(v), nil
	case bsdb.Int:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, listErr("Field '%s' expected a number but got %s.", name, typeschema.Repr(v))
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

var (
	djDateTimeRe = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})` +
		`(?::(\d{1,2})(?:[.,](\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$`)
	djDateRe = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
)
