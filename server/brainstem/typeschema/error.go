package typeschema

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var english = message.NewPrinter(language.English)

// Error is a rejected selector, version or payload, as Django REST framework
// reports a serializer's validation errors: field name → messages, e.g.
//
//	{"details": ["sr.value: 'fast' is not of type 'number'"]}
//
// Fields has exactly one key, one of type / type_schema_version / details
// (or coordinates_system / coordinates_schema_version / coordinates_details).
// The messages are:
//
//   - unknown selector: DRF's ChoiceField wording followed by the choices,
//     `"X" is not a valid choice. Valid choices: A, B, C.`; an empty one:
//     `This field may not be blank.`
//   - unknown version: `"0.0.0" is not a valid choice. Schema versions of
//     ExtracellularEphys: 1.1.0.`
//   - payload: one message per failing keyword, each the text Python's
//     jsonschema library gives (which is what a Django service validating
//     with it reports), prefixed by the JSON path of the failing value
//     and ": " unless the value is the payload itself. Paths join object keys
//     with "." and write array indices as "[i]": `sr.value`,
//     `electrodeGroups[0].label`, `[0].amplitude.unit` (manipulation
//     payloads are arrays). The texts:
//     `'x' is not of type 'number'`, `'x' is not one of ['a', 'b']`,
//     `-1 is less than the minimum of 0`, `4 is greater than the maximum of 3`,
//     `'route' is a required property` (one message per missing property,
//     on the path of the object that lacks it), `[] should be non-empty` /
//     `[1] is too short`; values are written as Python's repr writes them.
//     Messages are sorted by path, then text; unlike jsonschema.validate,
//     which raises only its best match, every failure is listed.
type Error struct {
	Fields map[string][]string
}

// Error returns the fields and their messages on one line.
func (e *Error) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("typeschema: invalid")
	for _, k := range keys {
		fmt.Fprintf(&b, " %s: %s;", k, strings.Join(e.Fields[k], " "))
	}
	return strings.TrimSuffix(b.String(), ";")
}

func invalid(field, msg string) *Error {
	return &Error{Fields: map[string][]string{field: {msg}}}
}

type located struct{ path, msg string }

// messages flattens the validator's tree of errors into path-prefixed texts.
func messages(ve *jsonschema.ValidationError, inst any) []string {
	var found []located
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		p := jsonPath(inst, e.InstanceLocation)
		for _, m := range describe(e.ErrorKind, at(inst, e.InstanceLocation)) {
			found = append(found, located{p, m})
		}
	}
	walk(ve)
	slices.SortFunc(found, func(a, b located) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return strings.Compare(a.msg, b.msg)
	})
	out := make([]string, 0, len(found))
	for _, f := range found {
		if f.path == "" {
			out = append(out, f.msg)
		} else {
			out = append(out, f.path+": "+f.msg)
		}
	}
	return slices.Compact(out)
}

// describe words one failing keyword as Python's jsonschema does.
func describe(k jsonschema.ErrorKind, v any) []string {
	switch k := k.(type) {
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = Repr(w)
		}
		return []string{fmt.Sprintf("%s is not of type %s", Repr(v), strings.Join(want, ", "))}
	case *kind.Enum:
		return []string{fmt.Sprintf("%s is not one of %s", Repr(v), Repr(k.Want))}
	case *kind.Const:
		return []string{fmt.Sprintf("%s was expected", Repr(k.Want))}
	case *kind.Minimum:
		return []string{fmt.Sprintf("%s is less than the minimum of %s", Repr(v), ratRepr(k.Want))}
	case *kind.Maximum:
		return []string{fmt.Sprintf("%s is greater than the maximum of %s", Repr(v), ratRepr(k.Want))}
	case *kind.MinItems:
		if k.Want == 1 {
			return []string{fmt.Sprintf("%s should be non-empty", Repr(v))}
		}
		return []string{fmt.Sprintf("%s is too short", Repr(v))}
	case *kind.Required:
		out := make([]string, len(k.Missing))
		for i, m := range k.Missing {
			out[i] = fmt.Sprintf("%s is a required property", Repr(m))
		}
		return out
	default:
		return []string{k.LocalizedString(english)}
	}
}

// jsonPath writes an instance location as `a.b[0].c`: a segment is an
// index when the value it selects from is an array, a key otherwise.
func jsonPath(inst any, loc []string) string {
	var b strings.Builder
	for _, seg := range loc {
		if _, isArray := inst.([]any); isArray {
			b.WriteString("[" + seg + "]")
		} else {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg)
		}
		inst = at(inst, []string{seg})
	}
	return b.String()
}

// at returns the value at loc inside v (nil if there is none).
func at(v any, loc []string) any {
	for _, seg := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func ratRepr(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Repr writes a decoded JSON value as Python's repr() writes the value
// Python's json module decodes from the same text (object keys sorted). DRF
// and dynamic-rest quote the values in their messages the same way.
func Repr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return pyString(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int:
		return strconv.Itoa(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Repr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyString(k) + ": " + Repr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	default:
		return fmt.Sprint(x)
	}
}

// pyString quotes s as Python's repr() does.
func pyString(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case !unicode.IsPrint(r):
			switch {
			case r < 0x100:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r < 0x10000:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}
