package media

import (
	"sync"
	"sync/atomic"
)

// Lifecycle of onInactive: it fires at most once, and never once Close has
// begun.
const (
	lifeOpen int32 = iota
	lifeFired
	lifeClosed
)

// Session is one anchored call: leg A faces the caller, leg B the callee.
// RTP and RTCP arriving on one leg leave through the other.
type Session struct {
	e          *Engine
	a, b       Leg
	onInactive func()

	hold    atomic.Bool
	running atomic.Bool  // set by Start, read by the ticker
	last    atomic.Int64 // engine clock of the last accepted RTP packet, either leg
	life    atomic.Int32

	// sendMu keeps Leg.Send off the sockets once Close has begun: a
	// send from a media clock must never hit a closed (or reused) fd.
	sendMu  sync.RWMutex
	sendOff bool

	mu      sync.Mutex // orders Start and Close; held until Close is done
	started bool
	closed  bool
	relay   sessionRelay
}

func newSession(e *Engine, a, b socketPair, onInactive func()) *Session {
	s := &Session{e: e, onInactive: onInactive}
	s.a.init(s, a)
	s.b.init(s, b)
	return s
}

// A returns the leg facing the caller.
func (s *Session) A() *Leg { return &s.a }

// B returns the leg facing the callee.
func (s *Session) B() *Leg { return &s.b }

// Start begins relaying and the inactivity watch. It is idempotent and does
// nothing after Close.
func (s *Session) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		return
	}
	s.started = true
	s.last.Store(s.e.now())
	s.running.Store(true)
	s.startRelay()
}

// SetHold switches the inactivity timeout between talk and hold. A change
// counts as activity: the re-INVITE that caused it proves the call is alive.
func (s *Session) SetHold(on bool) {
	if s.hold.Swap(on) != on {
		s.last.Store(s.e.now())
	}
}

// Close stops relaying, closes the sockets and frees the ports. It is
// idempotent, and a concurrent second call returns only once the first is
// done; onInactive does not fire once Close has been called.
func (s *Session) Close() {
	s.life.Store(lifeClosed)
	s.sendMu.Lock()
	s.sendOff = true
	s.sendMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	if s.started {
		// No packet is relayed and no counter moves once this returns.
		s.stopRelay()
	} else {
		s.a.pair.close()
		s.b.pair.close()
	}
	s.e.pool.release(s.a.pair)
	s.e.pool.release(s.b.pair)
	s.e.forget(s)
}

// checkInactive runs on the engine ticker, under the engine lock.
func (s *Session) checkInactive(now, talk, hold int64) {
	if s.life.Load() != lifeOpen {
		return
	}
	if !s.running.Load() {
		return
	}
	timeout := talk
	if s.hold.Load() {
		timeout = hold
	}
	if now-s.last.Load() < timeout {
		return
	}
	if s.life.CompareAndSwap(lifeOpen, lifeFired) && s.onInactive != nil {
		go s.onInactive()
	}
}

// touch records RTP activity.
func (s *Session) touch() {
	// Skip the store when the clock has not moved: both legs' readers hit
	// this line for every packet and a plain load does not contend.
	if now := s.e.now(); s.last.Load() != now {
		s.last.Store(now)
	}
}
