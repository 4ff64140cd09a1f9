package atlas_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/store"
)

// download fetches an export URL's path and query without a token.
func (f *fixture) download(t *testing.T, pathAndQuery string, headers ...string) (int, string, http.Header) {
	t.Helper()
	res := f.do(t, http.MethodGet, pathAndQuery, "", nil, headers...)
	if res.StatusCode >= 400 {
		problemFields(t, res)
	}
	return res.StatusCode, string(res.Body), res.Header
}

// withQuery returns u with query parameter k set to v.
func withQuery(t *testing.T, u, k, v string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.RequestURI()
}

func TestExportURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	u := f.exportURL(t, f.alice, "", f.aliceAtt)

	code, body, h := f.download(t, u)
	if code != 200 || body != "hello, world\n" || h.Get("Content-Type") != "text/plain" || !strings.Contains(h.Get("Content-Disposition"), "hello.txt") {
		t.Fatalf("download: %d %q %v", code, body, h)
	}
	etag := h.Get("ETag")
	if code, body, _ := f.download(t, u, "Range", "bytes=0-4"); code != 206 || body != "hello" {
		t.Errorf("range: %d %q", code, body)
	}
	if code, body, _ := f.download(t, u, "Range", "lines=0-1"); code != 200 || body != "hello, world\n" {
		t.Errorf("range of another unit: %d %q", code, body)
	}
	if code, _, _ := f.download(t, u, "Range", "bytes=100-"); code != 416 {
		t.Errorf("unsatisfiable range: %d", code)
	}
	if code, _, _ := f.download(t, u, "If-None-Match", etag); code != 304 {
		t.Errorf("If-None-Match: %d", code)
	}
	// The same download as the authenticated one.
	auth := f.do(t, "GET", "/sessions/"+f.aliceSession+"/attachments/"+f.aliceAtt+"/content", f.alice, nil)
	if auth.Header.Get("ETag") != etag {
		t.Errorf("ETag %q, authenticated download's %q", etag, auth.Header.Get("ETag"))
	}

	// Under /api/v1 the URL is under /api/v1 too, and works.
	v1 := f.exportURL(t, f.alice, "/api/v1", f.aliceAtt)
	if code, body, _ := f.download(t, v1); code != 200 || body != "hello, world\n" {
		t.Errorf("v1 download: %d %q", code, body)
	}

	// Tampered URLs.
	p, _ := url.Parse(u)
	q := p.Query()
	sig, exp := q.Get("signature"), q.Get("expires")
	flipped := []byte(sig)
	flipped[3] ^= 1
	later, _ := strconv.ParseInt(exp, 10, 64)
	for name, bad := range map[string]string{
		"changed signature byte": withQuery(t, u, "signature", string(flipped)),
		"later expiry":           withQuery(t, u, "expires", strconv.FormatInt(later+3600, 10)),
		"empty signature":        withQuery(t, u, "signature", ""),
		"other attachment":       strings.Replace(u, f.aliceAtt, f.bobAtt, 1),
	} {
		if code, body, _ := f.download(t, bad); code != 403 {
			t.Errorf("%s: %d %s", name, code, body)
		}
	}
	if code, _, _ := f.download(t, "/attachments/"+f.aliceAtt+"/download?expires="+exp); code != 400 {
		t.Errorf("without signature: %d", code)
	}
	if code, _, _ := f.download(t, "/attachments/"+f.aliceAtt+"/download?expires=soon&signature="+sig); code != 400 {
		t.Errorf("bad expires: %d", code)
	}

	// Only for attachments the caller may see.
	for _, tok := range []string{f.bob} {
		if res := f.do(t, "POST", "/attachments/"+f.aliceAtt+"/export", tok, nil); res.StatusCode != 404 {
			t.Errorf("bob exports alice's: %d %s", res.StatusCode, res.Body)
		}
	}
	if res := f.do(t, "POST", "/attachments/"+f.aliceAtt+"/export", "", nil); res.StatusCode != 401 {
		t.Errorf("export without token: %d %s", res.StatusCode, res.Body)
	}

	// Deleted: the URL stops working.
	if res := f.do(t, "DELETE", "/sessions/"+f.aliceSession, f.alice, nil); res.StatusCode != 204 {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	if code, body, _ := f.download(t, u); code != 403 {
		t.Errorf("after delete: %d %s", code, body)
	}
}

func TestExportURLExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{ExportURLTTL: time.Second})
	u := f.exportURL(t, f.alice, "", f.aliceAtt)
	if code, _, _ := f.download(t, u); code != 200 {
		t.Fatalf("fresh URL: %d", code)
	}
	time.Sleep(2100 * time.Millisecond)
	if code, body, _ := f.download(t, u); code != 403 {
		t.Errorf("expired URL: %d %s", code, body)
	}
}

// TestExportKeyFile checks that the signing key is created once in the data
// directory, readable by its owner only, and read back from there.
func TestExportKeyFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, server.Config{})
	k1, err := f.env.Store.ExportKey()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := f.env.Store.ExportKey()
	if err != nil || string(k1) != string(k2) || len(k1) != 32 {
		t.Fatalf("key not stable: %x %x %v", k1, k2, err)
	}
	if f.env.Store.Dialect() != store.SQLite {
		return // a row of the database, shared by every node (store tests)
	}
	fi, err := os.Stat(filepath.Join(filepath.Dir(f.env.Store.BlobDir), "atlas-export.key"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
}
