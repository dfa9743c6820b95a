//go:build !386

package media

import (
	"fmt"
	"runtime"
)

// The Linux relay: a fixed set of workers, each with its own epoll set,
// moves the packets of all sessions. Per call it costs four handler
// records instead of four goroutines, stacks and buffers, and a packet
// costs two non-blocking syscalls instead of a goroutine wake-up.

// relayEngine is the engine's set of workers.
type relayEngine struct {
	workers []*worker
}

// newRelayEngine starts n workers (0: one per GOMAXPROCS).
func newRelayEngine(n int) (relayEngine, error) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	r := relayEngine{workers: make([]*worker, 0, n)}
	for i := range n {
		w, err := newWorker()
		if err != nil {
			r.close()
			return relayEngine{}, fmt.Errorf("start relay worker %d: %w", i, err)
		}
		r.workers = append(r.workers, w)
	}
	return r, nil
}

// pick returns the worker with the fewest started sessions.
func (r relayEngine) pick() *worker {
	best := r.workers[0]
	for _, w := range r.workers[1:] {
		if w.load.Load() < best.load.Load() {
			best = w
		}
	}
	return best
}

// close stops the workers; the engine has closed every session first.
func (r relayEngine) close() {
	for _, w := range r.workers {
		w.stop()
	}
}

// sessionRelay is a session's share of the relay: its worker, which holds
// both legs so a packet never crosses threads, and its socket handlers.
type sessionRelay struct {
	w  *worker
	hs [4]handler
}

// startRelay hands the session to a worker; called once, under s.mu. The
// sockets are registered only now, so nothing is relayed before Start (the
// kernel buffers it meanwhile).
func (s *Session) startRelay() {
	for i, p := range s.paths() {
		in, out := p.sockets()
		s.relay.hs[i] = handler{path: p, in: in, out: out, slot: -1}
	}
	w := s.e.relay.pick()
	w.load.Add(1)
	s.relay.w = w
	if !w.submit(request{s: s, add: true}) {
		w.load.Add(-1)
		s.relay.w = nil
	}
}

// stopRelay closes the sockets. For a started session the worker does it
// and acknowledges, so no packet is relayed and no counter moves after
// Close returns, and no fd number is reused under the worker.
func (s *Session) stopRelay() {
	if w := s.relay.w; w != nil {
		done := make(chan struct{})
		if w.submit(request{s: s, done: done}) {
			<-done
			return
		}
		// The worker has stopped: its goroutine is gone, nothing reads
		// these sockets any more.
	}
	s.a.pair.close()
	s.b.pair.close()
}
