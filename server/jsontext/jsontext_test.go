package jsontext

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"testing"
)

// AppendString and AppendHTMLString write byte for byte what encoding/json
// writes, with HTML escaping off and on; AppendLogString what log/slog's
// JSON handler writes.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f", "\b\f",
		"ünïcödé", "\u2028\u2029", "bad \xff utf8 \xe2\x82", "<html>&amp;", "ends with \\"} {
		f.Add(s)
	}
	const alphabet = "a\"\\\n\t\b\f\x01\x7f<>&\xc3\xa9\xe2\x80\xa8\xff "
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{false, true} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(html)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			got := AppendString(nil, s)
			if html {
				got = AppendHTMLString(nil, s)
			}
			if string(got)+"\n" != want.String() {
				t.Fatalf("escape HTML %v: AppendString(%q) = %s; encoding/json writes %s", html, s, got, want.Bytes())
			}
		}
		var line bytes.Buffer
		noTime := func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
		slog.New(slog.NewJSONHandler(&line, &slog.HandlerOptions{ReplaceAttr: noTime})).Info(s)
		got := `{"level":"INFO","msg":` + string(AppendLogString(nil, s)) + "}\n"
		if got != line.String() {
			t.Fatalf("AppendLogString(%q) in a line: %s; log/slog writes %s", s, got, line.Bytes())
		}
	})
}
