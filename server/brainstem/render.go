package brainstem

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/sessionhub/sessionhub/server/jsontext"
	bsdb "github.com/sessionhub/sessionhub/store/brainstem"
)

// object is a JSON object that keeps its key order (the generated structs
// would sort keys, and the clients rely on the records key coming first).
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) { return o.appendJSON(nil) }

// appendJSON writes the object into buf in one pass (json.Marshal would
// re-validate and re-compact every nested level).
func (o object) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, '{')
	for i, m := range o {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = jsontext.AppendString(buf, m.key)
		buf = append(buf, ':')
		var err error
		if buf, err = appendValue(buf, m.value); err != nil {
			return nil, fmt.Errorf("field %s: %w", m.key, err)
		}
	}
	return append(buf, '}'), nil
}

// appendValue writes the value types the renderers use, and falls back to
// encoding/json for anything else.
func appendValue(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case object:
		return x.appendJSON(buf)
	case []object:
		buf = append(buf, '[')
		for i, o := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = o.appendJSON(buf); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	case string:
		return jsontext.AppendString(buf, x), nil
	case []string:
		buf = append(buf, '[')
		for i, s := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = jsontext.AppendString(buf, s)
		}
		return append(buf, ']'), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case encoded:
		return append(buf, x...), nil
	case json.RawMessage:
		if !json.Valid(x) {
			return nil, fmt.Errorf("invalid stored JSON %.40q", x)
		}
		return append(buf, x...), nil
	}
	b, err := marshal(v)
	if err != nil {
		return nil, err
	}
	return append(buf, b...), nil
}

// without drops the excluded fields ("*" drops all but the included ones).
func (o object) without(exclude, include []string) object {
	if len(exclude) == 0 {
		return o
	}
	all := slices.Contains(exclude, "*")
	out := make(object, 0, len(o))
	for _, m := range o {
		if all && !slices.Contains(include, m.key) {
			continue
		}
		if slices.Contains(exclude, m.key) && !slices.Contains(include, m.key) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// marshal encodes JSON without HTML escaping, as Django REST framework does.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// writeJSON writes a JSON response.
func writeJSON(w http.ResponseWriter, status int, body any) error {
	b, err := appendValue(make([]byte, 0, 1024), body)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// rawJSON returns a JSON column as raw JSON, falling back to def when the
// stored text is empty.
func rawJSON(text, def string) json.RawMessage {
	if text == "" {
		text = def
	}
	return json.RawMessage(text)
}

// listEnvelope builds a page: the records key first, then count, next,
// previous and meta.
func listEnvelope(key string, records []object, total int64, page bsdb.Page, r *request) object {
	if records == nil {
		records = []object{}
	}
	limit := max(page.Limit, 1)
	pages := int64(math.Ceil(float64(total) / float64(limit)))
	var next, prev any
	if int64(page.Offset+limit) < total {
		next = pageURL(r, limit, page.Offset+limit)
	}
	if page.Offset > 0 {
		prev = pageURL(r, limit, max(page.Offset-limit, 0))
	}
	return object{
		{key, records},
		{"count", total},
		{"next", next},
		{"previous", prev},
		{"meta", object{
			{"page", page.Offset/limit + 1},
			{"per_page", limit},
			{"total_pages", pages},
			{"total_results", total},
		}},
	}
}

// pageURL is the request's absolute URL with limit and offset replaced.
func pageURL(r *request, limit, offset int) string {
	q := url.Values{}
	for k, v := range r.query {
		q[k] = v
	}
	q.Set("limit", strconv.Itoa(limit))
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	} else {
		q.Del("offset")
	}
	u := url.URL{Scheme: r.scheme, Host: r.host, Path: r.url.Path, RawQuery: q.Encode()}
	return u.String()
}

// response is a JSON response whose body keeps its key order. It
// implements the generated response interfaces of the operations that
// return records.
type response struct {
	status int
	body   any
}

func ok(body any) response      { return response{status: http.StatusOK, body: body} }
func created(body any) response { return response{status: http.StatusCreated, body: body} }

func (r response) visit(w http.ResponseWriter) error { return writeJSON(w, r.status, r.body) }
