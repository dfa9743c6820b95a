package ua

import (
	"log/slog"
	"runtime/debug"
	"sync"
)

// maxQueued bounds one account's undelivered events: a receiver that far
// behind is stuck, and its events are dropped (and logged) rather than
// held without limit.
const maxQueued = 1024

// queue delivers one account's events in order on one goroutine.
type queue struct {
	log    *slog.Logger
	mu     sync.Mutex
	items  []func()
	closed bool
	wake   chan struct{}
}

func newQueue(log *slog.Logger) *queue {
	return &queue{log: log, wake: make(chan struct{}, 1)}
}

// push queues f; after close, or when the queue is full, f is dropped.
func (q *queue) push(f func()) {
	q.mu.Lock()
	if q.closed || len(q.items) >= maxQueued {
		full := !q.closed
		q.mu.Unlock()
		if full {
			q.log.Warn("ua: event receiver too slow; event dropped", "queued", maxQueued)
		}
		return
	}
	q.items = append(q.items, f)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// close takes no more events; run returns once the queued ones are delivered.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run delivers events until the queue is closed and empty.
func (q *queue) run() {
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			closed := q.closed
			q.mu.Unlock()
			if closed {
				return
			}
			<-q.wake
			continue
		}
		f := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		q.mu.Unlock()
		q.call(f)
	}
}

// call runs one receiver; a panicking receiver is logged, not fatal.
func (q *queue) call(f func()) {
	defer func() {
		if r := recover(); r != nil {
			q.log.Error("ua: event receiver panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	f()
}
