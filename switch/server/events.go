package server

import (
	"context"
	"log/slog"
	"sync"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// maxQueuedEvents bounds the events waiting for a slow event hook; a
// flapping trunk or a busy queue beyond it loses events, not memory.
const maxQueuedEvents = 256

// eventQueue hands events (trunk, queue) to the event hook one at a time, in
// order, on a goroutine of its own that lives while events wait: a slow
// script delays the next event, never a registration.
type eventQueue struct {
	mu      sync.Mutex
	pending []hook.EventRequest
	deliver func(hook.EventRequest)
	busy    bool // a goroutine is draining pending
	closed  bool
	idle    sync.WaitGroup
}

// push queues ev; false when the queue is full (or closed).
func (q *eventQueue) push(ev hook.EventRequest) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || len(q.pending) >= maxQueuedEvents {
		return false
	}
	q.pending = append(q.pending, ev)
	if !q.busy {
		q.busy = true
		q.idle.Add(1)
		go q.drain()
	}
	return true
}

func (q *eventQueue) drain() {
	defer q.idle.Done()
	for {
		q.mu.Lock()
		if len(q.pending) == 0 || q.closed {
			q.busy = false
			q.mu.Unlock()
			return
		}
		ev := q.pending[0]
		q.pending = q.pending[1:]
		q.mu.Unlock()
		q.deliver(ev)
	}
}

// close drops what waits and waits for the event being delivered, so no
// hook runs after the manager closed.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.pending = nil
	q.mu.Unlock()
	q.idle.Wait()
}

// notifyEvent runs the event hook with one event, in the scripts
// generation current now.
func notifyEvent(hooks interface{ Acquire() *hook.Snapshot }, log *slog.Logger, ev hook.EventRequest) {
	if hooks == nil {
		return
	}
	s := hooks.Acquire()
	defer s.Release()
	if !s.Bound(hook.Event) {
		return
	}
	if err := s.Notify(context.Background(), ev); err != nil {
		log.Warn("event hook failed", "topic", ev.Topic, "error", err)
	}
}
