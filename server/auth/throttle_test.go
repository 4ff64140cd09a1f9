package auth

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLimiterBurstRefillAndBound(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	l := NewLimiter(Limit{Every: time.Second, Burst: 2}, 3)
	l.now = clock.now
	for i := range 2 {
		if d, undo := l.reserve("a"); undo == nil {
			t.Fatalf("attempt %d refused (%v)", i, d)
		}
	}
	d, undo := l.reserve("a")
	if undo != nil || d <= 0 || d > time.Second {
		t.Fatalf("third attempt: %v %v", d, undo != nil)
	}
	clock.t = clock.t.Add(time.Second)
	if _, undo := l.reserve("a"); undo == nil {
		t.Fatal("no refill after Every")
	}
	// Full of keys in use: a new key is refused, an old one is not.
	l.reserve("b")
	l.reserve("c")
	if _, undo := l.reserve("d"); undo != nil {
		t.Fatal("a fourth key was admitted to a limiter of three")
	}
	// Once the buckets have refilled, the sweep makes room.
	clock.t = clock.t.Add(3 * time.Second)
	if _, undo := l.reserve("d"); undo == nil {
		t.Fatal("refilled buckets were not swept")
	}
	if n := l.Len(); n != 1 {
		t.Errorf("after the sweep %d keys, want 1", n)
	}
}

func TestThrottlesAllOrNothing(t *testing.T) {
	th := NewThrottles(ThrottleConfig{LoginPerAddr: Limit{Every: time.Hour, Burst: 3}, LoginPerAccount: Limit{Every: time.Hour, Burst: 1}})
	done, err := th.Login("1.2.3.4", "a@x")
	if err != nil {
		t.Fatal(err)
	}
	done(false)
	var te *Throttled
	if _, err := th.Login("1.2.3.4", "a@x"); !errors.As(err, &te) || te.Seconds() < 3000 {
		t.Fatalf("second attempt on the account: %v", err)
	}
	// The refused attempt did not use up the address's bucket, and a
	// successful sign-in gives its attempt back: two more failures pass.
	for _, acct := range []string{"b@x", "ok@x", "ok@x", "ok@x", "c@x"} {
		done, err := th.Login("1.2.3.4", acct)
		if err != nil {
			t.Fatalf("%s: %v", acct, err)
		}
		done(acct == "ok@x")
	}
	if _, err := th.Login("1.2.3.4", "d@x"); !errors.As(err, &te) {
		t.Fatalf("fourth attempt from the address: %v", err)
	}
	if want := fmt.Sprintf("Request was throttled. Expected available in %d seconds.", te.Seconds()); te.Message() != want {
		t.Errorf("message %q", te.Message())
	}
	if err := NewThrottles(ThrottleConfig{Off: true}).DeviceStart("x"); err != nil {
		t.Errorf("Off: %v", err)
	}
}

func TestClientAddr(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1:5555":             "192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "2001:db8:1:2::/64",
		"[::ffff:192.0.2.1]:80":      "::ffff:192.0.2.1",
	} {
		r := &http.Request{RemoteAddr: in, Header: http.Header{"X-Forwarded-For": {"203.0.113.9"}}}
		if got := ClientAddr(r); got != want {
			t.Errorf("ClientAddr(%s) = %s, want %s", in, got, want)
		}
	}
}
