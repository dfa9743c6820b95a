package queue

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Caller outcomes Leave counts (hook.Queue* reasons); any other reason
// counts as exited.
const (
	ReasonAnswered = "answered"
	ReasonTimeout  = "timeout"
	ReasonHangup   = "hangup" // abandoned: logged
)

// Ticket is one caller's place in a queue.
type Ticket struct {
	m        *Manager
	q        *queueState
	queue    string
	callID   string
	caller   string
	priority int
	seq      uint64
	joined   time.Time
	joinPos  int

	// guarded by m.mu
	ringing  []string  // agents reserved for this caller
	answered string    // the agent that answered
	ended    time.Time // answered or left: the wait stops
	left     bool
	slaSent  bool
}

// Join puts a caller in queue: ErrNotFound when no queue has that number,
// ErrFull at max_callers, ErrEmpty when the queue is empty and join_empty
// is off. Higher priorities wait ahead of lower ones.
func (m *Manager) Join(queue, callID, caller string, priority int) (*Ticket, error) {
	m.mu.Lock()
	q := m.queues[queue]
	var exts []string
	needProbe := q != nil && !q.cfg.JoinsEmpty()
	if needProbe {
		exts = q.extsLocked()
	}
	m.mu.Unlock()
	if q == nil {
		return nil, fmt.Errorf("join queue %s: %w", queue, ErrNotFound)
	}
	var p probe
	if needProbe {
		p = m.probe(exts, false)
	}
	m.mu.Lock()
	if m.queues[queue] != q {
		m.mu.Unlock()
		return nil, fmt.Errorf("join queue %s: %w", queue, ErrNotFound)
	}
	if q.cfg.MaxCallers > 0 && len(q.callers) >= q.cfg.MaxCallers {
		q.stats.Refused++
		m.mu.Unlock()
		return nil, fmt.Errorf("join queue %s: %w (%d callers)", queue, ErrFull, q.cfg.MaxCallers)
	}
	if needProbe && q.presentLocked(p) == 0 {
		q.stats.Refused++
		m.mu.Unlock()
		return nil, fmt.Errorf("join queue %s: %w", queue, ErrEmpty)
	}
	m.seq++
	t := &Ticket{m: m, q: q, queue: queue, callID: callID, caller: caller, priority: priority, seq: m.seq, joined: m.o.Now()}
	i := len(q.callers)
	for i > 0 && q.callers[i-1].priority < priority {
		i--
	}
	q.callers = slices.Insert(q.callers, i, t)
	t.joinPos = i + 1
	q.stats.Joined++
	ev := Event{Queue: queue, Change: ChangeJoined, At: t.joined, CallID: callID, Caller: caller, Position: t.joinPos}
	m.queueLocked(ev)
	m.mu.Unlock()
	m.flush()
	return t, nil
}

// Config is the queue's configuration now (it may change while the
// caller waits), defaults filled.
func (t *Ticket) Config() store.Queue {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	return t.q.configLocked()
}

// Position is the caller's place now (1 = next); 0 once answered or gone.
func (t *Ticket) Position() int {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	return t.positionLocked()
}

func (t *Ticket) positionLocked() int {
	if i := slices.Index(t.q.callers, t); i >= 0 {
		return i + 1
	}
	return 0
}

// Waited is how long the caller has waited, up to the answer or leaving.
func (t *Ticket) Waited() time.Duration {
	t.m.mu.Lock()
	defer t.m.mu.Unlock()
	return t.waitedLocked(t.m.o.Now())
}

func (t *Ticket) waitedLocked(now time.Time) time.Duration {
	if !t.ended.IsZero() {
		now = t.ended
	}
	return max(now.Sub(t.joined), 0)
}

// Next blocks until this caller may ring agents and returns them,
// reserved (ordered by strategy and penalty; see the package doc). ctx
// ending returns ctx.Err(); max_wait passing ErrTimeout; an empty queue
// with leave_when_empty ErrEmpty; the queue's removal ErrNotFound.
func (t *Ticket) Next(ctx context.Context) ([]string, error) {
	m := t.m
	for {
		m.mu.Lock()
		exts, busy, err := t.checkLocked(m.o.Now())
		m.mu.Unlock()
		if err != nil {
			return nil, err
		}
		p := m.probe(exts, busy)
		m.mu.Lock()
		now := m.o.Now()
		var evs []Event
		_, _, err = t.checkLocked(now)
		var agents []string
		if err == nil {
			evs = t.slaLocked(now)
			agents, err = t.tryLocked(p)
		}
		if agents != nil {
			evs = append(evs, t.reserveLocked(agents)...)
		}
		wake := m.wake
		deadline := t.deadlineLocked()
		m.queueLocked(evs...)
		m.mu.Unlock()
		m.flush()
		if agents != nil || err != nil {
			return agents, err
		}
		if err := t.wait(ctx, wake, deadline, now); err != nil {
			return nil, err
		}
	}
}

// checkLocked refuses a Next that cannot go on, and lists the agents to
// probe.
func (t *Ticket) checkLocked(now time.Time) (exts []string, busy bool, err error) {
	q := t.q
	switch {
	case t.left || t.answered != "":
		return nil, false, ErrLeft
	case t.m.queues[t.queue] != q:
		return nil, false, fmt.Errorf("queue %s: %w", t.queue, ErrNotFound)
	case len(t.ringing) > 0:
		return nil, false, ErrRinging
	case q.cfg.MaxWait > 0 && t.waitedLocked(now) >= time.Duration(q.cfg.MaxWait)*time.Second:
		return nil, false, fmt.Errorf("queue %s: %w (%d s)", t.queue, ErrTimeout, q.cfg.MaxWait)
	}
	return q.extsLocked(), q.cfg.SkipsBusy(), nil
}

// tryLocked picks agents when it is this caller's turn; nil when not.
func (t *Ticket) tryLocked(p probe) ([]string, error) {
	q := t.q
	if q.cfg.LeaveWhenEmpty && q.presentLocked(p) == 0 {
		return nil, fmt.Errorf("queue %s: %w", t.queue, ErrEmpty)
	}
	free := t.m.freeLocked(q, p)
	k := 1
	for _, c := range q.callers {
		if c == t {
			break
		}
		if len(c.ringing) == 0 {
			k++
		}
	}
	if len(free) < k {
		return nil, nil
	}
	return q.pickLocked(free, t.m.o.Rand), nil
}

// reserveLocked marks agents as ringing for t.
func (t *Ticket) reserveLocked(agents []string) []Event {
	q := t.q
	t.ringing = slices.Clone(agents) // the caller owns agents
	q.rrLast = agents[len(agents)-1]
	var evs []Event
	for _, ext := range agents {
		t.m.agentLocked(ext).ringing = t
		evs = append(evs, t.m.agentEventsLocked(ext)...)
	}
	return evs
}

// slaLocked raises the SLA alert once the wait passes the queue's sla.
func (t *Ticket) slaLocked(now time.Time) []Event {
	q := t.q
	if t.slaSent || q.cfg.SLA == 0 {
		return nil
	}
	w := t.waitedLocked(now)
	if w < time.Duration(q.cfg.SLA)*time.Second {
		return nil
	}
	t.slaSent = true
	q.stats.SLABreaches++
	return []Event{{Queue: t.queue, Change: ChangeSLA, At: now, CallID: t.callID, Caller: t.caller,
		Position: t.positionLocked(), Waited: int(w / time.Second)}}
}

// deadlineLocked is the next time a waiting caller must look again by
// itself: its max_wait or its SLA alert; zero when none.
func (t *Ticket) deadlineLocked() time.Time {
	var d time.Time
	if w := t.q.cfg.MaxWait; w > 0 {
		d = t.joined.Add(time.Duration(w) * time.Second)
	}
	if s := t.q.cfg.SLA; s > 0 && !t.slaSent {
		if at := t.joined.Add(time.Duration(s) * time.Second); d.IsZero() || at.Before(d) {
			d = at
		}
	}
	return d
}

// wait sleeps until a change, the deadline or ctx's end.
func (t *Ticket) wait(ctx context.Context, wake <-chan struct{}, deadline, now time.Time) error {
	var timer <-chan struct{}
	if !deadline.IsZero() {
		fired := make(chan struct{})
		stop := t.m.o.AfterFunc(max(deadline.Sub(now), 0), func() { close(fired) })
		defer stop()
		timer = fired
	}
	t.m.waiting.Add(1)
	defer t.m.waiting.Add(-1)
	select {
	case <-wake:
	case <-timer:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// Missed reports that none of agents answered: they are free again, and
// paused in this queue when it has auto_pause.
func (t *Ticket) Missed(agents []string) {
	m := t.m
	m.pmu.Lock()
	defer m.pmu.Unlock()
	m.mu.Lock()
	q := t.q
	var evs []Event
	var paused []store.QueueAgentState
	for _, ext := range agents {
		if !slices.Contains(t.ringing, ext) {
			continue
		}
		t.ringing = slices.DeleteFunc(t.ringing, func(e string) bool { return e == ext })
		if a := m.agents[ext]; a != nil && a.ringing == t {
			a.ringing = nil
		}
		mb := q.byExt[ext]
		if mb == nil {
			continue
		}
		mb.missed++
		if q.cfg.AutoPause && !mb.paused && m.queues[t.queue] == q {
			mb.paused, mb.reason = true, "auto_pause"
			paused = append(paused, store.QueueAgentState{Queue: t.queue, Ext: ext, LoggedIn: mb.loggedIn, Paused: true, PauseReason: mb.reason})
		}
		evs = append(evs, m.agentEventsLocked(ext)...)
	}
	evs = append(evs, t.slaLocked(m.o.Now())...)
	m.broadcastLocked()
	m.queueLocked(evs...)
	m.mu.Unlock()
	m.flush()
	// The pause took effect at once (the agent must not ring again); a
	// failure to save it only costs it across a restart.
	for _, s := range paused {
		if m.o.Persist != nil {
			if err := m.o.Persist(s); err != nil {
				m.o.Logger.Warn("queue auto-pause not saved", "queue", s.Queue, "agent", s.Ext, "error", err)
			}
		}
	}
}

// Answered reports that agent answered: it is in a queue call until
// AgentDone, the other reserved agents are free, and the caller is out
// of the line.
func (t *Ticket) Answered(agent string) {
	m := t.m
	m.mu.Lock()
	if t.left || t.answered != "" {
		m.mu.Unlock()
		return
	}
	now := m.o.Now()
	q := t.q
	evs := append(t.slaLocked(now), t.releaseLocked(agent)...)
	a := m.agentLocked(agent)
	a.inCall, a.wrapping = t.queue, 0
	if mb := q.byExt[agent]; mb != nil {
		mb.calls++
		mb.lastCall = now
	}
	evs = append(evs, m.agentEventsLocked(agent)...)
	t.answered = agent
	q.stats.Answered++
	q.waitSum += t.waitedLocked(now)
	evs = append(evs, t.outLocked(now, ReasonAnswered, agent))
	m.queueLocked(evs...)
	m.broadcastLocked()
	m.mu.Unlock()
	m.flush()
}

// Leave takes the caller out of the queue for reason (ReasonTimeout,
// ReasonHangup, "empty", ...; after Answered it only closes the ticket).
// Reserved agents are free again. A hang-up goes to the abandoned log.
// Calling it again does nothing.
func (t *Ticket) Leave(reason string) {
	m := t.m
	m.mu.Lock()
	if t.left {
		m.mu.Unlock()
		return
	}
	t.left = true
	if t.answered != "" {
		m.mu.Unlock()
		return
	}
	now := m.o.Now()
	q := t.q
	evs := append(t.slaLocked(now), t.releaseLocked("")...)
	pos, waited := t.positionLocked(), t.waitedLocked(now)
	switch reason {
	case ReasonTimeout:
		q.stats.Timeouts++
	case ReasonHangup:
		q.stats.Abandoned++
		q.logLocked(Abandoned{Queue: t.queue, CallID: t.callID, Caller: t.caller, Position: pos,
			JoinPosition: t.joinPos, Waited: int(waited / time.Second), At: now})
	default:
		q.stats.Exited++
	}
	evs = append(evs, t.outLocked(now, reason, ""))
	m.queueLocked(evs...)
	m.broadcastLocked()
	m.mu.Unlock()
	m.flush()
}

// releaseLocked frees the agents reserved for t; the events tell their
// new state, but for keep's (the agent that answered).
func (t *Ticket) releaseLocked(keep string) []Event {
	var evs []Event
	for _, ext := range t.ringing {
		if a := t.m.agents[ext]; a != nil && a.ringing == t {
			a.ringing = nil
			if ext != keep {
				evs = append(evs, t.m.agentEventsLocked(ext)...)
			}
		}
	}
	t.ringing = nil
	return evs
}

// outLocked takes t out of the line: its wait ends now.
func (t *Ticket) outLocked(now time.Time, reason, agent string) Event {
	pos := t.positionLocked()
	t.ended = now
	t.q.callers = slices.DeleteFunc(t.q.callers, func(c *Ticket) bool { return c == t })
	return Event{Queue: t.queue, Change: ChangeLeft, At: now, CallID: t.callID, Caller: t.caller,
		Position: pos, Waited: int(t.waitedLocked(now) / time.Second), Reason: reason, Agent: agent}
}

// AgentDone reports that agent's queue call ended: it wraps up for the
// queue's wrap_up, then is free.
func (m *Manager) AgentDone(queue, agent string) {
	m.mu.Lock()
	a := m.agentLocked(agent)
	a.inCall = ""
	wrap := 0
	if q := m.queues[queue]; q != nil {
		wrap = q.cfg.WrapUp
	}
	if wrap > 0 {
		m.seq++
		id := m.seq
		a.wrapping = id
		m.o.AfterFunc(time.Duration(wrap)*time.Second, func() { m.wrapped(agent, id) })
	}
	evs := m.agentEventsLocked(agent)
	m.broadcastLocked()
	m.queueLocked(evs...)
	m.mu.Unlock()
	m.flush()
}

// wrapped ends a wrap-up, unless a newer call has replaced it.
func (m *Manager) wrapped(ext string, id uint64) {
	m.mu.Lock()
	a := m.agents[ext]
	if a == nil || a.wrapping != id {
		m.mu.Unlock()
		return
	}
	a.wrapping = 0
	evs := m.agentEventsLocked(ext)
	m.broadcastLocked()
	m.queueLocked(evs...)
	m.mu.Unlock()
	m.flush()
}

// logLocked adds to the abandoned-call ring.
func (q *queueState) logLocked(a Abandoned) {
	if len(q.lost) < maxAbandoned {
		q.lost = append(q.lost, a)
		return
	}
	q.lost[q.lostNext] = a
	q.lostNext = (q.lostNext + 1) % maxAbandoned
}
