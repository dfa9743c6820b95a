package queue

import (
	"fmt"
	"slices"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Agent states.
const (
	StateLoggedOut   = "logged_out"
	StateReady       = "ready"
	StateRinging     = "ringing"
	StateInCall      = "in_call"
	StateWrapUp      = "wrap_up"
	StatePaused      = "paused"
	StateBusy        = "busy"        // on a call that is not the queue's (InUse)
	StateUnavailable = "unavailable" // not registered
)

// EventName is the key of queue events on the queue_events topic (seed
// 001, chapter 15).
const EventName = "queue_status"

// What changed (Event.Change).
const (
	ChangeJoined = "caller_joined"
	ChangeLeft   = "caller_left" // Reason says why: answered, timeout, hangup, ...
	ChangeAgent  = "agent_state"
	ChangeSLA    = "sla_breach" // a caller has waited longer than the queue's sla
)

// Event is one queue_status change.
type Event struct {
	Queue    string    `json:"queue"`
	Change   string    `json:"change"`
	At       time.Time `json:"at"`
	CallID   string    `json:"call_id,omitempty"`
	Caller   string    `json:"caller,omitempty"`
	Position int       `json:"position,omitempty"`
	Waited   int       `json:"waited,omitempty"` // seconds
	Reason   string    `json:"reason,omitempty"` // why a caller left; why an agent paused
	Agent    string    `json:"agent,omitempty"`
	State    string    `json:"state,omitempty"` // an agent's new state
}

// QueueStatus is a queue's live state.
type QueueStatus struct {
	Number   string         `json:"number"`
	Name     string         `json:"name,omitempty"`
	Strategy string         `json:"strategy"`
	Callers  []CallerStatus `json:"callers"`
	Agents   []AgentStatus  `json:"agents"`
	Counters Counters       `json:"counters"`
}

// Ready counts the agents that could ring now.
func (s *QueueStatus) Ready() int {
	n := 0
	for _, a := range s.Agents {
		if a.State == StateReady {
			n++
		}
	}
	return n
}

// CallerStatus is a waiting caller.
type CallerStatus struct {
	Position int      `json:"position"`
	CallID   string   `json:"call_id"`
	Caller   string   `json:"caller"`
	Priority int      `json:"priority,omitempty"`
	Waited   int      `json:"waited"`            // seconds
	Ringing  []string `json:"ringing,omitempty"` // agents being rung for it
}

// AgentStatus is an agent as a queue sees it.
type AgentStatus struct {
	Ext         string    `json:"ext"`
	Dynamic     bool      `json:"dynamic"`
	Penalty     int       `json:"penalty"`
	State       string    `json:"state"`
	PauseReason string    `json:"pause_reason,omitempty"`
	Calls       int       `json:"calls"`  // queue calls answered
	Missed      int       `json:"missed"` // rung without answering
	LastCall    time.Time `json:"last_call,omitzero"`
}

// Counters are a queue's totals since the switch started.
type Counters struct {
	Joined      int `json:"joined"`
	Answered    int `json:"answered"`
	Abandoned   int `json:"abandoned"` // hung up while waiting
	Timeouts    int `json:"timeouts"`  // max_wait passed
	Exited      int `json:"exited"`    // left for another reason (empty, ...)
	Refused     int `json:"refused"`   // could not join: full or empty
	SLABreaches int `json:"sla_breaches"`
	AverageWait int `json:"average_wait"` // seconds, over answered callers
}

// Abandoned is a caller who hung up while waiting.
type Abandoned struct {
	Queue        string    `json:"queue"`
	CallID       string    `json:"call_id"`
	Caller       string    `json:"caller"`
	Position     int       `json:"position"`      // when it hung up
	JoinPosition int       `json:"join_position"` // when it joined
	Waited       int       `json:"waited"`        // seconds
	At           time.Time `json:"at"`
}

// Status is queue's live state; ErrNotFound when no queue has that
// number.
func (m *Manager) Status(queue string) (QueueStatus, error) {
	m.mu.Lock()
	q := m.queues[queue]
	var exts []string
	if q != nil {
		exts = q.extsLocked()
	}
	m.mu.Unlock()
	if q == nil {
		return QueueStatus{}, fmt.Errorf("queue %s: %w", queue, ErrNotFound)
	}
	p := m.probe(exts, true)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statusLocked(q, p), nil
}

// List is every queue's live state, by number.
func (m *Manager) List() []QueueStatus {
	m.mu.Lock()
	var exts []string
	for _, q := range m.queues {
		exts = append(exts, q.extsLocked()...)
	}
	m.mu.Unlock()
	slices.Sort(exts)
	p := m.probe(slices.Compact(exts), true)
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []QueueStatus{}
	for _, n := range m.sortedLocked() {
		out = append(out, m.statusLocked(m.queues[n], p))
	}
	return out
}

// Abandoned is queue's abandoned-call log (the last 1000), newest first;
// nil for an unknown queue.
func (m *Manager) Abandoned(queue string) []Abandoned {
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.queues[queue]
	if q == nil {
		return nil
	}
	out := make([]Abandoned, 0, len(q.lost))
	for i := range q.lost {
		out = append(out, q.lost[(q.lostNext+len(q.lost)-1-i)%len(q.lost)])
	}
	return out
}

func (m *Manager) statusLocked(q *queueState, p probe) QueueStatus {
	now := m.o.Now()
	s := QueueStatus{Number: q.cfg.Number, Name: q.cfg.Name, Strategy: q.cfg.Strategy, Counters: q.stats,
		Callers: make([]CallerStatus, 0, len(q.callers)), Agents: make([]AgentStatus, 0, len(q.members))}
	if q.stats.Answered > 0 {
		s.Counters.AverageWait = int(q.waitSum / time.Duration(q.stats.Answered) / time.Second)
	}
	for i, t := range q.callers {
		s.Callers = append(s.Callers, CallerStatus{Position: i + 1, CallID: t.callID, Caller: t.caller, Priority: t.priority,
			Waited: int(t.waitedLocked(now) / time.Second), Ringing: slices.Clone(t.ringing)})
	}
	for _, mb := range q.members {
		st := m.memberStateLocked(mb)
		if st == StateReady && !p.registered[mb.ext] {
			st = StateUnavailable
		} else if st == StateReady && p.busy[mb.ext] {
			st = StateBusy
		}
		s.Agents = append(s.Agents, AgentStatus{Ext: mb.ext, Dynamic: mb.dynamic, Penalty: mb.penalty, State: st,
			PauseReason: mb.reason, Calls: mb.calls, Missed: mb.missed, LastCall: mb.lastCall})
	}
	return s
}

// memberStateLocked is mb's state from what the engine knows (no probe):
// what the agent is doing comes before its pause, so a paused agent still
// shows its call.
func (m *Manager) memberStateLocked(mb *member) string {
	a := m.agents[mb.ext]
	switch {
	case !mb.loggedIn:
		return StateLoggedOut
	case a != nil && a.inCall != "":
		return StateInCall
	case a != nil && a.ringing != nil:
		return StateRinging
	case a != nil && a.wrapping != 0:
		return StateWrapUp
	case mb.paused:
		return StatePaused
	}
	return StateReady
}

// Config is the queue's configuration as last synced, defaults filled;
// ok false when no queue has that number.
func (m *Manager) Config(number string) (store.Queue, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	q := m.queues[number]
	if q == nil {
		return store.Queue{}, false
	}
	return q.configLocked(), true
}

// configLocked is a copy of the configuration the caller may change.
func (q *queueState) configLocked() store.Queue {
	c := q.cfg
	c.StaticAgents = slices.Clone(c.StaticAgents)
	c.DynamicAgents = slices.Clone(c.DynamicAgents)
	return c
}
