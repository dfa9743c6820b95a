package media

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Tick bounds: the inactivity check runs at about a tenth of the shortest
// timeout, but not more often than minTick nor less often than maxTick.
const (
	minTick = 5 * time.Millisecond
	maxTick = time.Second
)

// Engine owns the RTP port range and every media session of the process.
type Engine struct {
	cfg    Config
	pool   *portPool
	relay  relayEngine
	clocks clocks
	tick   time.Duration

	// clock is a coarse monotonic time (ns since start), advanced by the
	// ticker: the relay stamps packets with it instead of calling time.Now.
	start time.Time
	clock atomic.Int64

	mu       sync.Mutex
	sessions map[*Session]struct{}
	closed   bool

	stop chan struct{}
	done chan struct{}
}

// NewEngine validates cfg and starts the relay workers and the inactivity
// ticker.
func NewEngine(cfg Config) (*Engine, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	relay, err := newRelayEngine(cfg.Workers)
	if err != nil {
		return nil, fmt.Errorf("new media engine: %w", err)
	}
	tick := min(cfg.TalkTimeout, cfg.HoldTimeout) / 10
	tick = max(minTick, min(maxTick, tick))
	e := &Engine{
		cfg:      cfg,
		pool:     newPortPool(cfg.BindIP, cfg.PortMin, cfg.PortMax),
		relay:    relay,
		clocks:   newClocks(runtime.GOMAXPROCS(0)),
		tick:     tick,
		start:    time.Now(),
		sessions: make(map[*Session]struct{}),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go e.watch()
	return e, nil
}

// NewSession allocates the two legs of a call (4 sockets). onInactive, if
// not nil, is called once in its own goroutine when the session goes silent.
func (e *Engine) NewSession(onInactive func()) (*Session, error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	a, err := e.pool.alloc()
	if err != nil {
		return nil, fmt.Errorf("new media session: leg a: %w", err)
	}
	b, err := e.pool.alloc()
	if err != nil {
		a.close()
		e.pool.release(a)
		return nil, fmt.Errorf("new media session: leg b: %w", err)
	}
	s := newSession(e, a, b, onInactive)

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		for _, p := range []socketPair{a, b} {
			p.close()
			e.pool.release(p)
		}
		return nil, ErrClosed
	}
	e.sessions[s] = struct{}{}
	return s, nil
}

// Sessions returns the number of sessions not yet closed.
func (e *Engine) Sessions() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.sessions)
}

// Close closes every session (their onInactive will not fire) and stops
// the ticker and the relay workers. It is idempotent.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	open := make([]*Session, 0, len(e.sessions))
	for s := range e.sessions {
		open = append(open, s)
	}
	e.mu.Unlock()

	for _, s := range open {
		s.Close()
	}
	close(e.stop)
	<-e.done
	// Every session is closed, so no Close can still wait on a worker.
	e.relay.close()
	return nil
}

func (e *Engine) now() int64 { return e.clock.Load() }

func (e *Engine) forget(s *Session) {
	e.mu.Lock()
	delete(e.sessions, s)
	e.mu.Unlock()
}

// watch advances the clock and fires onInactive of silent sessions: one
// ticker for all sessions rather than a timer per session or per packet.
func (e *Engine) watch() {
	defer close(e.done)
	t := time.NewTicker(e.tick)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
		}
		now := int64(time.Since(e.start))
		e.clock.Store(now)
		talk, hold := int64(e.cfg.TalkTimeout), int64(e.cfg.HoldTimeout)
		e.mu.Lock()
		for s := range e.sessions {
			s.checkInactive(now, talk, hold)
		}
		e.mu.Unlock()
	}
}
