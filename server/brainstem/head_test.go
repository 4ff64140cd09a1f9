package brainstem_test

import (
	"net/http"
	"strconv"
	"testing"
)

// HEAD answers as GET does, without the body (Django's behaviour).
func TestHeadAnswersLikeGet(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		name, user, path string
		status           int
	}{
		{"private list", owner, "/api/private/stem/session/?sort[]=name", http.StatusOK},
		{"private detail", owner, "/api/private/stem/session/" + f.id["S1"] + "/?include[]=projects.*", http.StatusOK},
		{"without trailing slash", owner, "/api/private/stem/project/" + f.id["Lab"], http.StatusOK},
		{"public list", anon, "/api/public/stem/project/", http.StatusOK},
		{"not visible", outsider, "/api/private/stem/session/" + f.id["S1"] + "/", http.StatusNotFound},
		{"no token", anon, "/api/private/stem/session/", http.StatusUnauthorized},
		{"bad filter", owner, "/api/private/stem/session/?filter{nope}=1", http.StatusBadRequest},
	} {
		get := f.env.Do("GET", tc.path, f.tok[tc.user], nil)
		head := f.env.Do("HEAD", tc.path, f.tok[tc.user], nil)
		if get.StatusCode != tc.status || head.StatusCode != tc.status {
			t.Errorf("%s: GET %d, HEAD %d, want %d", tc.name, get.StatusCode, head.StatusCode, tc.status)
			continue
		}
		if len(head.Body) != 0 {
			t.Errorf("%s: HEAD sent a body: %s", tc.name, head.Body)
		}
		if got, want := head.Header.Get("Content-Length"), strconv.Itoa(len(get.Body)); got != want {
			t.Errorf("%s: HEAD Content-Length %q, GET body is %s bytes", tc.name, got, want)
		}
		if got, want := head.Header.Get("Content-Type"), get.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: HEAD Content-Type %q, GET %q", tc.name, got, want)
		}
	}
	// HEAD is a read: it does not turn into a write on the public portal.
	if res := f.env.Do("HEAD", "/api/public/stem/session/"+f.id["Pub1"]+"/", "", nil); res.StatusCode != http.StatusOK {
		t.Errorf("public HEAD detail: %d", res.StatusCode)
	}
}
