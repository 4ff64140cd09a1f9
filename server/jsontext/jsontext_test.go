package jsontext

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// AppendString writes what encoding/json writes, read back: the same
// string, with invalid UTF-8 as U+FFFD.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f",
		"ünïcödé", "\u2028\u2029", "bad \xff utf8 \xe2\x82", "<html>&amp;", "ends with \\"} {
		f.Add(s)
	}
	const alphabet = "a\"\\\n\t\x01\x7f\xc3\xa9\xe2\x80\xa8\xff "
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := AppendString(nil, s)
		var back, want string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("AppendString(%q) = %s: not JSON: %v", s, got, err)
		}
		enc, _ := json.Marshal(s)
		if err := json.Unmarshal(enc, &want); err != nil {
			t.Fatal(err)
		}
		if back != want {
			t.Fatalf("AppendString(%q) reads back as %q, encoding/json's as %q", s, back, want)
		}
	})
}
