package queue

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Errors of the engine.
var (
	ErrNotFound = errors.New("no such queue")
	ErrFull     = errors.New("queue full")
	ErrEmpty    = errors.New("no agent logged in")
	ErrTimeout  = errors.New("maximum wait passed")
	ErrNotAgent = errors.New("not an agent")
	ErrStatic   = errors.New("a static agent is always logged in: it cannot log in or out")
	ErrLeft     = errors.New("the caller has left the queue")
	ErrRinging  = errors.New("the caller is ringing agents: report Missed or Answered first")
)

// Options connect the engine to the switch. Every field may be nil.
type Options struct {
	InUse      func(ext string) bool // on any call (skip_busy); nil = never
	Registered func(ext string) bool // has a registration; nil = always
	Now        func() time.Time      // nil = time.Now
	// AfterFunc runs f after d (max_wait, SLA and wrap-up timers); nil =
	// time.AfterFunc. Tests drive a fake clock through it and Now.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// Events gets the queue_status changes, in order, on the goroutine of
	// a change; it may read the manager (Status) but not change it.
	Events func(Event)
	// Persist saves an agent's login and pause state (store.PutQueueAgent)
	// before it takes effect; an error refuses the change.
	Persist func(store.QueueAgentState) error
	Rand    func(n int) int // random strategy: a number in [0, n); nil = math/rand/v2
	Logger  *slog.Logger    // nil = slog.Default()
}

// Manager runs every queue.
type Manager struct {
	o Options

	// pmu serialises login and pause changes with their persistence, so
	// the store's order is memory's.
	pmu sync.Mutex

	mu     sync.Mutex
	queues map[string]*queueState
	agents map[string]*agent // by extension, across queues
	seq    uint64            // order of arrival
	wake   chan struct{}     // closed and replaced on every change
	// pending events, sent by flush under emitMu.
	pending []Event
	emitMu  sync.Mutex

	waiting atomic.Int32 // callers asleep in Next (tests wait for them)
}

// queueState is one queue's configuration and live state.
type queueState struct {
	cfg      store.Queue
	callers  []*Ticket // waiting (and ringing), in queue order
	members  []*member // configured order: static agents, then dynamic
	byExt    map[string]*member
	rotation []string // rrmemory's remembered order of agents
	rrLast   string   // the last agent rung (rrmemory, rrordered)
	stats    Counters
	waitSum  time.Duration // answered callers' waits, for the average
	lost     []Abandoned   // ring buffer of the last maxAbandoned
	lostNext int
}

// member is an agent as one queue sees it.
type member struct {
	ext      string
	penalty  int
	dynamic  bool
	loggedIn bool // always true for static agents
	paused   bool
	reason   string
	calls    int
	missed   int
	lastCall time.Time
}

// agent is an extension's state across queues.
type agent struct {
	ringing  *Ticket // reserved for this caller
	inCall   string  // the queue whose call it is in
	wrapping uint64  // non-zero during wrap-up: the wrap-up's id
}

const maxAbandoned = 1000

// New makes a manager with no queues; Sync gives it some.
func New(o Options) *Manager {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AfterFunc == nil {
		o.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if o.Rand == nil {
		o.Rand = rand.IntN
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Manager{o: o, queues: map[string]*queueState{}, agents: map[string]*agent{}, wake: make(chan struct{})}
}

// Sync applies a configuration (store.ListQueues) and the stored agent
// states (store.ListQueueAgents). Waiting callers of a queue that stays
// keep their place; those of a removed queue get ErrNotFound from Next.
// Agents already known keep their login, pause and counters; new ones
// take the stored state, else the default (static and auto_ready agents
// logged in). A queue that does not validate is left out, and logged.
func (m *Manager) Sync(qs []store.Queue, states []store.QueueAgentState) {
	stored := map[[2]string]store.QueueAgentState{}
	for _, s := range states {
		stored[[2]string{s.Queue, s.Ext}] = s
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := map[string]bool{}
	for _, cfg := range qs {
		if err := cfg.Validate(); err != nil {
			m.o.Logger.Warn("queue left out", "queue", cfg.Number, "error", err)
			continue
		}
		keep[cfg.Number] = true
		q := m.queues[cfg.Number]
		if q == nil {
			q = &queueState{}
			m.queues[cfg.Number] = q
		}
		q.cfg = cfg
		old := q.byExt
		q.members, q.byExt = nil, map[string]*member{}
		add := func(ext string, penalty int, dynamic bool) {
			mb := &member{ext: ext, penalty: penalty, dynamic: dynamic, loggedIn: !dynamic || cfg.AutoReady}
			if o, ok := old[ext]; ok {
				mb.loggedIn, mb.paused, mb.reason = o.loggedIn, o.paused, o.reason
				mb.calls, mb.missed, mb.lastCall = o.calls, o.missed, o.lastCall
			} else if s, ok := stored[[2]string{cfg.Number, ext}]; ok {
				mb.loggedIn, mb.paused, mb.reason = s.LoggedIn, s.Paused, s.PauseReason
			}
			if !dynamic {
				mb.loggedIn = true
			}
			q.members = append(q.members, mb)
			q.byExt[ext] = mb
			if m.agents[ext] == nil {
				m.agents[ext] = &agent{}
			}
		}
		for _, s := range cfg.StaticAgents {
			add(s.Ext, s.Penalty, false)
		}
		for _, ext := range cfg.DynamicAgents {
			add(ext, 0, true)
		}
		// rrmemory keeps its rotation: agents that stay keep their place,
		// new ones join at the end.
		q.rotation = slices.DeleteFunc(q.rotation, func(ext string) bool { return q.byExt[ext] == nil })
		for _, mb := range q.members {
			if !slices.Contains(q.rotation, mb.ext) {
				q.rotation = append(q.rotation, mb.ext)
			}
		}
	}
	for n := range m.queues {
		if !keep[n] {
			delete(m.queues, n)
		}
	}
	m.broadcastLocked()
}

// Wake makes waiting callers look again: call it when what InUse or
// Registered answer may have changed.
func (m *Manager) Wake() {
	m.mu.Lock()
	m.broadcastLocked()
	m.mu.Unlock()
}

func (m *Manager) broadcastLocked() {
	close(m.wake)
	m.wake = make(chan struct{})
}

// agentLocked returns ext's cross-queue state, creating it.
func (m *Manager) agentLocked(ext string) *agent {
	a := m.agents[ext]
	if a == nil {
		a = &agent{}
		m.agents[ext] = a
	}
	return a
}

// probe is what the switch says of some agents, asked outside the lock.
type probe struct {
	registered map[string]bool
	busy       map[string]bool
}

func (m *Manager) probe(exts []string, busy bool) probe {
	p := probe{registered: make(map[string]bool, len(exts)), busy: map[string]bool{}}
	for _, ext := range exts {
		p.registered[ext] = m.o.Registered == nil || m.o.Registered(ext)
		if busy && m.o.InUse != nil {
			p.busy[ext] = m.o.InUse(ext)
		}
	}
	return p
}

// extsLocked lists q's agents for a probe.
func (q *queueState) extsLocked() []string {
	out := make([]string, len(q.members))
	for i, mb := range q.members {
		out[i] = mb.ext
	}
	return out
}

// presentLocked counts the agents that keep the queue from being empty.
func (q *queueState) presentLocked(p probe) int {
	n := 0
	for _, mb := range q.members {
		if mb.loggedIn && !mb.paused && p.registered[mb.ext] {
			n++
		}
	}
	return n
}

// queueLocked queues events for flush.
func (m *Manager) queueLocked(evs ...Event) {
	if m.o.Events != nil {
		m.pending = append(m.pending, evs...)
	}
}

// flush hands the pending events to Events, in the order the changes
// happened: a change queues its events under mu, and whoever flushes
// first sends everything queued so far.
func (m *Manager) flush() {
	if m.o.Events == nil {
		return
	}
	m.emitMu.Lock()
	defer m.emitMu.Unlock()
	m.mu.Lock()
	evs := m.pending
	m.pending = nil
	m.mu.Unlock()
	for _, e := range evs {
		m.o.Events(e)
	}
}

// agentEventLocked tells mb's state in queue n.
func (m *Manager) agentEventLocked(n string, mb *member) Event {
	return Event{Queue: n, Change: ChangeAgent, At: m.o.Now(), Agent: mb.ext, State: m.memberStateLocked(mb), Reason: mb.reason}
}

// agentEventsLocked tells ext's state in every queue it is an agent of.
func (m *Manager) agentEventsLocked(ext string) []Event {
	if m.o.Events == nil {
		return nil
	}
	var evs []Event
	for _, n := range m.sortedLocked() {
		if mb := m.queues[n].byExt[ext]; mb != nil {
			evs = append(evs, m.agentEventLocked(n, mb))
		}
	}
	return evs
}

// sortedLocked lists the queue numbers in order.
func (m *Manager) sortedLocked() []string {
	out := make([]string, 0, len(m.queues))
	for n := range m.queues {
		out = append(out, n)
	}
	slices.SortFunc(out, compareNumbers)
	return out
}

// compareNumbers orders digit strings numerically (shorter first).
func compareNumbers(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
