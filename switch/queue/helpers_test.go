package queue

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// fakeClock is Now and AfterFunc under the test's control.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	ft := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, ft)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !ft.stopped
		ft.stopped = true
		return was
	}
}

// Advance moves time on and runs the timers now due, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	c.timers = slices.DeleteFunc(c.timers, func(ft *fakeTimer) bool {
		if ft.stopped {
			return true
		}
		if !ft.at.After(c.now) {
			ft.stopped = true
			due = append(due, ft)
			return true
		}
		return false
	})
	c.mu.Unlock()
	slices.SortStableFunc(due, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
	for _, ft := range due {
		ft.f()
	}
}

// recorder keeps events and persisted states.
type recorder struct {
	mu     sync.Mutex
	events []Event
	saved  []store.QueueAgentState
	fail   error // Persist answers this
}

func (r *recorder) event(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) persist(s store.QueueAgentState) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.saved = append(r.saved, s)
	return nil
}

// changes lists the events of one kind as "queue change agent/caller state/reason".
func (r *recorder) changes(change string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, e := range r.events {
		if e.Change == change {
			out = append(out, e)
		}
	}
	return out
}

// fixture is a manager on a fake clock with the given queues.
type fixture struct {
	m          *Manager
	clock      *fakeClock
	rec        *recorder
	mu         sync.Mutex
	unreg      map[string]bool // agents without a registration
	busy       map[string]bool // agents on other calls
	randPicks  []int
	randCalled int
}

func newFixture(t *testing.T, qs ...store.Queue) *fixture {
	t.Helper()
	f := &fixture{clock: newClock(), rec: &recorder{}, unreg: map[string]bool{}, busy: map[string]bool{}}
	f.m = New(Options{
		Now:        f.clock.Now,
		AfterFunc:  f.clock.AfterFunc,
		Events:     f.rec.event,
		Persist:    f.rec.persist,
		Registered: func(ext string) bool { f.mu.Lock(); defer f.mu.Unlock(); return !f.unreg[ext] },
		InUse:      func(ext string) bool { f.mu.Lock(); defer f.mu.Unlock(); return f.busy[ext] },
		Rand: func(n int) int {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.randCalled++
			if len(f.randPicks) == 0 {
				return 0
			}
			p := f.randPicks[0] % n
			f.randPicks = f.randPicks[1:]
			return p
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	f.m.Sync(qs, nil)
	return f
}

func (f *fixture) setBusy(ext string, on bool) {
	f.mu.Lock()
	f.busy[ext] = on
	f.mu.Unlock()
	f.m.Wake()
}

func (f *fixture) setRegistered(ext string, on bool) {
	f.mu.Lock()
	f.unreg[ext] = !on
	f.mu.Unlock()
	f.m.Wake()
}

func (f *fixture) join(t *testing.T, q, callID string, prio int) *Ticket {
	t.Helper()
	tk, err := f.m.Join(q, callID, "caller-"+callID, prio)
	if err != nil {
		t.Fatalf("join %s: %v", callID, err)
	}
	return tk
}

// now is Next without waiting: the agents it would ring now, or nil.
func now(t *testing.T, tk *Ticket) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	agents, err := tk.Next(ctx)
	if err != nil && err != context.Canceled {
		t.Fatalf("next: %v", err)
	}
	return agents
}

// result is what a Next in the background returned.
type result struct {
	agents []string
	err    error
}

// nextAsync runs Next in the background and waits until it sleeps (or
// has returned).
func (f *fixture) nextAsync(t *testing.T, tk *Ticket) <-chan result {
	t.Helper()
	ch := make(chan result, 1)
	before := f.m.waiting.Load()
	go func() {
		a, err := tk.Next(context.Background())
		ch <- result{a, err}
	}()
	waitFor(t, func() bool { return f.m.waiting.Load() > before || len(ch) > 0 })
	return ch
}

// receive takes a background Next's result; the guard only catches a
// hang.
func receive(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("Next never returned")
	}
	return result{}
}

// pending says whether a background Next is still waiting.
func pending(ch <-chan result) bool { return len(ch) == 0 }

// waitFor waits for a condition that another goroutine makes true.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never became true")
		}
		time.Sleep(time.Millisecond)
	}
}

func boolp(b bool) *bool { return &b }

func intp(i int) *int { return &i }
