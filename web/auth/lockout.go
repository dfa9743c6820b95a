package auth

import (
	"net/netip"
	"sync"
	"time"
)

// Login protection (SPEC A2): MaxFailures failed logins within
// FailureWindow from one IP, or for one user name, lock that IP or name
// out for LockoutTime.
const (
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
	LockoutTime   = 15 * time.Minute
	// maxTracked bounds the counters held (names and IPs each): a spray of
	// made-up names or addresses cannot grow memory without bound.
	maxTracked = 100_000
)

type failures struct {
	times       []time.Time // within the window, oldest first, at most MaxFailures
	lockedUntil time.Time
}

// limiter counts failures per key ("ip:..." or "user:...").
type limiter struct {
	mu sync.Mutex
	m  map[string]*failures
}

// locked reports how long key stays locked, 0 when it is not.
func (l *limiter) locked(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.m[key]; f != nil && now.Before(f.lockedUntil) {
		return f.lockedUntil.Sub(now)
	}
	return 0
}

// fail records a failure; it reports whether this one locked the key.
func (l *limiter) fail(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*failures{}
	}
	f := l.m[key]
	if f == nil {
		if len(l.m) >= maxTracked {
			l.sweepLocked(now)
		}
		if len(l.m) >= maxTracked {
			return false // full of fresh counters: the per-IP ones still hold
		}
		f = &failures{}
		l.m[key] = f
	}
	if now.Before(f.lockedUntil) {
		return false
	}
	keep := f.times[:0]
	for _, t := range f.times {
		if now.Sub(t) < FailureWindow {
			keep = append(keep, t)
		}
	}
	f.times = append(keep, now)
	if len(f.times) >= MaxFailures {
		f.times = f.times[:0]
		f.lockedUntil = now.Add(LockoutTime)
		return true
	}
	return false
}

// reset forgets key's failures (a successful login for that name).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.m, key)
	l.mu.Unlock()
}

func (l *limiter) sweepLocked(now time.Time) {
	for k, f := range l.m {
		if !now.Before(f.lockedUntil) && (len(f.times) == 0 || now.Sub(f.times[len(f.times)-1]) >= FailureWindow) {
			delete(l.m, k)
		}
	}
}

// ipKey is the lockout key of a client address: IPv6 clients are counted
// per /64, since one host usually holds a whole /64.
func ipKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "ip:" + p.String()
	}
	return "ip:" + a.String()
}
