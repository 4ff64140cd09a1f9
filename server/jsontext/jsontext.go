// Package jsontext writes JSON text by hand where encoding/json's
// reflection would show in a request's cost.
package jsontext

import "unicode/utf8"

// AppendString appends s as a JSON string byte for byte as encoding/json
// writes it with HTML escaping off (json.Encoder.SetEscapeHTML(false)):
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func AppendString(buf []byte, s string) []byte { return appendString(buf, s, &safe, true) }

// AppendHTMLString is AppendString with HTML escaping on, as json.Marshal
// and a json.Encoder by default write it: <, > and & as \u003c, \u003e
// and \u0026.
func AppendHTMLString(buf []byte, s string) []byte { return appendString(buf, s, &htmlSafe, true) }

// AppendLogString is AppendString as log/slog's JSON handler writes it,
// which escapes \b and \f as \u0008 and \u000c.
func AppendLogString(buf []byte, s string) []byte { return appendString(buf, s, &safe, false) }

// safe and htmlSafe say which ASCII bytes a JSON string holds as they are.
var safe, htmlSafe [utf8.RuneSelf]bool

func init() {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\'
		htmlSafe[c] = safe[c] && c != '<' && c != '>' && c != '&'
	}
}

// appendString escapes the ASCII bytes ok does not hold; named writes \b
// and \f so rather than as \u00XX.
func appendString(buf []byte, s string, ok *[utf8.RuneSelf]bool, named bool) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf && ok[s[j]] {
			j++
		}
		buf = append(buf, s[i:j]...) // a run that needs no escaping, copied at once
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf { // a quote, a backslash, a control byte or <, >, &
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\b', '\f':
				if !named {
					buf = append(buf, '\\', 'u', '0', '0', '0', hex[c])
				} else if c == '\b' {
					buf = append(buf, '\\', 'b')
				} else {
					buf = append(buf, '\\', 'f')
				}
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
