package actionurl

import (
	"sync"
	"time"
)

// breakerState is the state of one URL's circuit breaker.
type breakerState int

const (
	stateUnknown  breakerState = iota
	stateClosed                // requests flow; failures are counted
	stateOpen                  // requests fail at once until the cooldown ends
	stateHalfOpen              // one probe is in flight; others fail at once
)

func (s breakerState) String() string {
	switch s {
	case stateClosed:
		return "closed"
	case stateOpen:
		return "open"
	case stateHalfOpen:
		return "half-open"
	}
	return "unknown"
}

// breaker keeps a slow or dead web app from holding every call up to its
// budget: after threshold consecutive failures it opens for cooldown, then
// lets a single probe decide whether to close again.
type breaker struct {
	mu       sync.Mutex
	state    breakerState
	failures int
	until    time.Time // end of the open period
}

// outcome is what one request tells its breaker.
type outcome int

const (
	outcomeUnknown outcome = iota
	outcomeOK              // the web app answered (any status but 5xx)
	outcomeFailed          // network error, timeout or 5xx
	outcomeAborted         // our side gave up (the call went away): no verdict
)

// allow reports whether a request may go out now. A true answer in the
// half-open state makes the caller the probe, which must report back; a
// probe that never does is replaced after another cooldown.
func (b *breaker) allow(now time.Time, cooldown time.Duration) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case stateOpen, stateHalfOpen:
		if now.Before(b.until) {
			return false
		}
		b.state, b.until = stateHalfOpen, now.Add(cooldown)
	}
	return true
}

// done records an outcome and returns the state change, if any, for logging.
func (b *breaker) done(o outcome, now time.Time, threshold int, cooldown time.Duration) (from, to breakerState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	from = b.state
	switch o {
	case outcomeOK:
		b.state, b.failures = stateClosed, 0
		return from, b.state
	case outcomeAborted:
		if b.state == stateHalfOpen { // let the next request probe at once
			b.state, b.until = stateOpen, now
		}
		return from, b.state
	}
	b.failures++
	if b.state == stateHalfOpen || b.failures >= threshold {
		b.state, b.until = stateOpen, now.Add(cooldown)
	} else {
		b.state = stateClosed
	}
	return from, b.state
}

// idle reports whether the breaker holds no information worth keeping.
func (b *breaker) idle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state != stateOpen && b.state != stateHalfOpen && b.failures == 0
}

// maxBreakers bounds the breaker table: verb documents can name any URL, so
// the table must not grow with what web apps return.
const maxBreakers = 1024

// breakers holds one breaker per URL (scheme, host and path: a query string
// often carries per-call state and would defeat the point).
type breakers struct {
	mu sync.Mutex
	m  map[string]*breaker
}

// get returns the breaker of key, or nil when the table is full of
// breakers that are all tripping (then the URL simply goes unprotected).
func (bs *breakers) get(key string) *breaker {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if b, ok := bs.m[key]; ok {
		return b
	}
	if bs.m == nil {
		bs.m = make(map[string]*breaker)
	}
	if len(bs.m) >= maxBreakers {
		for k, b := range bs.m {
			if b.idle() {
				delete(bs.m, k)
			}
		}
		if len(bs.m) >= maxBreakers {
			return nil
		}
	}
	b := &breaker{state: stateClosed}
	bs.m[key] = b
	return b
}
