//go:build !386

package media

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
)

// Worker loop bounds: events taken per poll, and datagrams read from
// one socket per round, so one busy socket cannot starve the others (the
// level-triggered set reports what is left on the next round).
const (
	maxEvents  = 256
	drainBatch = 16
)

// handler is a socket's registration: the epoll event of the socket
// carries the handler's slot in its worker's table, so dispatch is an index
// and never touches a closed fd number. What to do with a packet is the
// path's; a consumer other than the other leg would be another field here.
type handler struct {
	path
	in, out udpSocket
	slot    int32 // in the worker's slots; -1 when not registered
}

// request asks a worker to register (add) or unregister and close the
// sockets of a session; done, for removals, is closed once that is done.
type request struct {
	s    *Session
	add  bool
	done chan struct{}
}

// worker owns one epoll set and relays every packet of its sessions from
// one goroutine with one buffer. Only that goroutine touches slots, the
// buffer and the registered fds; other goroutines talk to it by request.
type worker struct {
	poll   poller
	slots  []*handler // by epoll token; nil when free
	free   []int32
	events []syscall.EpollEvent
	batch  *batch
	sa     sockaddr // destination scratch

	load atomic.Int32 // started sessions, for least-loaded assignment

	mu      sync.Mutex
	pending []request
	stopped bool // no more requests: the loop ends
	done    chan struct{}
}

func newWorker() (*worker, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	w := &worker{
		poll:   p,
		events: make([]syscall.EpollEvent, maxEvents),
		batch:  newBatch(),
		done:   make(chan struct{}),
	}
	go w.run()
	return w, nil
}

// submit queues r and wakes the worker; false once it has stopped.
func (w *worker) submit(r request) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return false
	}
	w.pending = append(w.pending, r)
	if len(w.pending) == 1 {
		w.poll.wake()
	}
	return true
}

// stop ends the loop once the queued requests are applied, then closes
// the epoll set.
func (w *worker) stop() {
	w.mu.Lock()
	if !w.stopped {
		w.stopped = true
		w.poll.wake()
	}
	w.mu.Unlock()
	<-w.done
}

func (w *worker) run() {
	defer close(w.done)
	defer w.poll.close()
	if err := w.poll.serve(w.events, w.handle); err != nil {
		// Only a bug (the epoll fd closed under the worker) gets here; a
		// silent worker would stall its calls and every Close waiting on it.
		panic(fmt.Errorf("media worker: %w", err))
	}
}

// handle relays the packets of n ready events; false when the worker must
// stop.
func (w *worker) handle(n int) bool {
	woken := false
	for _, ev := range w.events[:n] {
		if ev.Fd == wakeToken {
			woken = true
			continue
		}
		if h := w.slots[ev.Fd]; h != nil {
			w.drain(h)
		}
	}
	// Requests apply between batches: every event of a batch names a slot
	// that was live when it was polled and still is, and a deleted fd is
	// never reported again.
	return !woken || w.apply()
}

// drain relays up to drainBatch datagrams waiting on h's socket.
func (w *worker) drain(h *handler) {
	// An error leaves nothing to do this round: EAGAIN (another round took
	// the data) or a pending socket error, reported once.
	n, _ := w.batch.recv(h.in.fd)
	for i := range n {
		pkt, src := w.batch.packet(i)
		to := h.route(pkt, src)
		if !to.IsValid() {
			continue
		}
		if sendTo(h.out, pkt, to, &w.sa) == 0 {
			h.sent(len(pkt))
		}
	}
}

// apply runs the queued requests; false when the worker must stop.
func (w *worker) apply() bool {
	w.poll.clearWake()
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, r := range w.pending {
		if r.add {
			w.register(r.s)
		} else {
			w.unregister(r.s)
			close(r.done)
		}
		w.pending[i] = request{}
	}
	w.pending = w.pending[:0]
	return !w.stopped
}

// register adds the session's four sockets to the epoll set. A socket that
// cannot be added (the kernel's epoll watch limit) stays silent.
func (w *worker) register(s *Session) {
	for i := range s.relay.hs {
		h := &s.relay.hs[i]
		slot := w.alloc()
		if err := w.poll.add(h.in.fd, slot); err != nil {
			w.release(slot)
			continue
		}
		h.slot = slot
		w.slots[slot] = h
	}
}

// unregister removes the session's sockets from the epoll set and closes
// them here, on the worker, so no fd number is reused while it may still
// be read.
func (w *worker) unregister(s *Session) {
	for i := range s.relay.hs {
		h := &s.relay.hs[i]
		if h.slot >= 0 {
			w.poll.del(h.in.fd)
			w.release(h.slot)
			h.slot = -1
		}
	}
	s.a.pair.close()
	s.b.pair.close()
	w.load.Add(-1)
}

func (w *worker) alloc() int32 {
	if n := len(w.free); n > 0 {
		slot := w.free[n-1]
		w.free = w.free[:n-1]
		return slot
	}
	w.slots = append(w.slots, nil)
	return int32(len(w.slots) - 1)
}

func (w *worker) release(slot int32) {
	w.slots[slot] = nil
	w.free = append(w.free, slot)
}
