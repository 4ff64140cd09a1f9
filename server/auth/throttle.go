package auth

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a token bucket per key: Burst attempts at once, then one more
// per Every. A zero Limit (Burst 0) allows everything.
type Limit struct {
	Every time.Duration
	Burst int
}

// PerMinute is the Limit of n attempts a minute, all of which may come at once.
func PerMinute(n int) Limit {
	if n <= 0 {
		return Limit{}
	}
	return Limit{Every: time.Minute / time.Duration(n), Burst: n}
}

func (l Limit) off() bool { return l.Burst <= 0 || l.Every <= 0 }

// DefaultMaxKeys bounds the keys one Limiter remembers.
const DefaultMaxKeys = 100_000

// Limiter keeps one token bucket per key (a client address, an account).
// Its memory is bounded: a bucket that has refilled completely is the same
// as no bucket and is dropped by a sweep that runs at most once a minute,
// or once a second while the Limiter is full. When it is still full of
// buckets in use, new keys are refused (fail closed) until some refill.
type Limiter struct {
	lim     Limit
	maxKeys int
	now     func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	l    *rate.Limiter
	last time.Time
}

// NewLimiter returns a Limiter for lim remembering at most maxKeys keys
// (DefaultMaxKeys when maxKeys <= 0).
func NewLimiter(lim Limit, maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Limiter{lim: lim, maxKeys: maxKeys, now: time.Now, buckets: map[string]*bucket{}}
}

// Len is the number of keys remembered.
func (t *Limiter) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.buckets)
}

// reserve takes one attempt from key's bucket. It returns 0 and an undo
// function when the attempt is allowed now, else how long to wait.
func (t *Limiter) reserve(key string) (time.Duration, func()) {
	if t == nil || t.lim.off() {
		return 0, func() {}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	full := t.lim.Every * time.Duration(t.lim.Burst) // a bucket idle this long has refilled
	b, ok := t.buckets[key]
	if !ok {
		if now.Sub(t.lastSweep) >= time.Minute || (len(t.buckets) >= t.maxKeys && now.Sub(t.lastSweep) >= time.Second) {
			for k, b := range t.buckets {
				if now.Sub(b.last) >= full {
					delete(t.buckets, k)
				}
			}
			t.lastSweep = now
		}
		if len(t.buckets) >= t.maxKeys {
			return t.lim.Every, nil
		}
		b = &bucket{l: rate.NewLimiter(rate.Every(t.lim.Every), t.lim.Burst)}
		t.buckets[key] = b
	}
	b.last = now
	r := b.l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, nil
	}
	return 0, func() {
		t.mu.Lock()
		defer t.mu.Unlock()
		r.CancelAt(now) // the reservation's own time: a later one would restore nothing
	}
}

// Throttled is the error of a refused attempt; RetryAfter is how long to
// wait before the next one can succeed.
type Throttled struct{ RetryAfter time.Duration }

func (e *Throttled) Error() string {
	return fmt.Sprintf("auth: throttled, retry after %s", e.RetryAfter)
}

// Seconds is RetryAfter rounded up to whole seconds, at least 1 (the
// Retry-After header's unit).
func (e *Throttled) Seconds() int { return max(1, int(math.Ceil(e.RetryAfter.Seconds()))) }

// Message is Django REST framework's wording of a throttled request.
func (e *Throttled) Message() string {
	return fmt.Sprintf("Request was throttled. Expected available in %d seconds.", e.Seconds())
}

// keyed is one key of one Limiter.
type keyed struct {
	l   *Limiter
	key string
}

// allow takes one attempt from every keyed bucket, or from none: a refused
// attempt does not use up the other buckets. On success it returns a
// function that gives the attempt back.
func allow(ks ...keyed) (func(), error) {
	var undo []func()
	var wait time.Duration
	for _, k := range ks {
		d, u := k.l.reserve(k.key)
		if u == nil {
			wait = max(wait, d)
			continue
		}
		undo = append(undo, u)
	}
	giveBack := func() {
		for _, u := range undo {
			u()
		}
	}
	if wait > 0 {
		giveBack()
		return nil, &Throttled{RetryAfter: wait}
	}
	return giveBack, nil
}

// ThrottleConfig sets the limits of the password and device-login
// endpoints. The zero value means DefaultThrottle.
type ThrottleConfig struct {
	// LoginPerAddr and LoginPerAccount limit password attempts
	// (POST /api/token/ and the sign-in of the server's pages) per
	// client address and per account (the e-mail, known or not).
	LoginPerAddr, LoginPerAccount Limit
	// DevicePerAddr limits device-login starts (POST /api/auth/device/) per client address.
	DevicePerAddr Limit
	// MaxKeys bounds each limiter's memory (DefaultMaxKeys when <= 0).
	MaxKeys int
	// Off turns every limit off (for benchmarks).
	Off bool
}

// DefaultThrottle: per client address 10 failed password attempts at
// once, then one every 6 s; per account 5, then one a minute; per address
// 10 device-login starts at once, then one every 6 s.
var DefaultThrottle = ThrottleConfig{
	LoginPerAddr:    PerMinute(10),
	LoginPerAccount: Limit{Every: time.Minute, Burst: 5},
	DevicePerAddr:   PerMinute(10),
}

// Throttles are the limiters of the password and device-login endpoints,
// shared by both pages and the API.
type Throttles struct {
	loginAddr, loginAccount, deviceAddr *Limiter
}

// NewThrottles builds the limiters of cfg.
func NewThrottles(cfg ThrottleConfig) *Throttles {
	if cfg.Off {
		return &Throttles{}
	}
	if cfg.LoginPerAddr == (Limit{}) && cfg.LoginPerAccount == (Limit{}) && cfg.DevicePerAddr == (Limit{}) {
		cfg.LoginPerAddr, cfg.LoginPerAccount, cfg.DevicePerAddr =
			DefaultThrottle.LoginPerAddr, DefaultThrottle.LoginPerAccount, DefaultThrottle.DevicePerAddr
	}
	return &Throttles{
		loginAddr:    NewLimiter(cfg.LoginPerAddr, cfg.MaxKeys),
		loginAccount: NewLimiter(cfg.LoginPerAccount, cfg.MaxKeys),
		deviceAddr:   NewLimiter(cfg.DevicePerAddr, cfg.MaxKeys),
	}
}

// Login takes one password attempt for account (an e-mail, normalized by
// the caller) from addr, before the password is checked; a *Throttled
// error when either is over its limit. The caller reports the outcome with
// done: a successful sign-in gives the attempt back, so the limits count
// failed attempts (and attempts still being checked, so that a burst of
// concurrent guesses is limited as well).
func (t *Throttles) Login(addr, account string) (done func(ok bool), err error) {
	giveBack, err := allow(keyed{t.loginAddr, addr}, keyed{t.loginAccount, account})
	if err != nil {
		return nil, err
	}
	return func(ok bool) {
		if ok {
			giveBack()
		}
	}, nil
}

// DeviceStart takes one device-login start from addr.
func (t *Throttles) DeviceStart(addr string) error {
	_, err := allow(keyed{t.deviceAddr, addr})
	return err
}

// ClientAddr is the address a request came from: the host of the TCP peer.
// Forwarding headers (X-Forwarded-For, X-Real-IP) are ignored, because
// anyone can send them; behind a reverse proxy every client shares the
// proxy's limits. IPv6 peers are keyed by their /64.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil && strings.Contains(host, ":") {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return host
}
