package queue

import (
	"fmt"
	"slices"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Login logs dynamic agent ext in to queue ("" = every queue ext is a
// dynamic agent of; *51*q, *51). ErrNotFound: no such queue; ErrNotAgent:
// ext is not an agent there (or of any queue); ErrStatic: a static agent.
func (m *Manager) Login(queue, ext string) error {
	return m.change("login", queue, ext, true, func(mb *member) { mb.loggedIn = true })
}

// Logout logs dynamic agent ext out of queue ("" = every queue; *52*q,
// *52), with Login's errors.
func (m *Manager) Logout(queue, ext string) error {
	return m.change("logout", queue, ext, true, func(mb *member) { mb.loggedIn = false })
}

// Pause stops calls to ext from every queue it is an agent of (*95).
func (m *Manager) Pause(ext, reason string) error { return m.SetPaused("", ext, true, reason) }

// Unpause lets calls to ext again in every queue (*095).
func (m *Manager) Unpause(ext string) error { return m.SetPaused("", ext, false, "") }

// SetPaused pauses or resumes agent ext (static or dynamic) in queue (""
// = every queue it is an agent of).
func (m *Manager) SetPaused(queue, ext string, paused bool, reason string) error {
	if !paused {
		reason = ""
	}
	verb := "unpause"
	if paused {
		verb = "pause"
	}
	return m.change(verb, queue, ext, false, func(mb *member) { mb.paused, mb.reason = paused, reason })
}

// change applies set to ext's membership in queue (every queue when ""),
// only to dynamic memberships when dynamicOnly: the new state is saved
// first (Persist), then takes effect.
func (m *Manager) change(verb, queue, ext string, dynamicOnly bool, set func(*member)) error {
	m.pmu.Lock()
	defer m.pmu.Unlock()
	m.mu.Lock()
	var targets []string
	if queue != "" {
		q := m.queues[queue]
		switch {
		case q == nil:
			m.mu.Unlock()
			return fmt.Errorf("%s %s in queue %s: %w", verb, ext, queue, ErrNotFound)
		case q.byExt[ext] == nil:
			m.mu.Unlock()
			return fmt.Errorf("%s %s in queue %s: %w there", verb, ext, queue, ErrNotAgent)
		case dynamicOnly && !q.byExt[ext].dynamic:
			m.mu.Unlock()
			return fmt.Errorf("%s %s in queue %s: %w", verb, ext, queue, ErrStatic)
		}
		targets = []string{queue}
	} else {
		for _, n := range m.sortedLocked() {
			if mb := m.queues[n].byExt[ext]; mb != nil && (mb.dynamic || !dynamicOnly) {
				targets = append(targets, n)
			}
		}
		if len(targets) == 0 {
			m.mu.Unlock()
			what := ""
			if dynamicOnly {
				what = " as a dynamic agent"
			}
			return fmt.Errorf("%s %s: %w of any queue%s", verb, ext, ErrNotAgent, what)
		}
	}
	var saves []store.QueueAgentState
	for _, n := range targets {
		mb := *m.queues[n].byExt[ext]
		set(&mb)
		saves = append(saves, store.QueueAgentState{Queue: n, Ext: ext, LoggedIn: mb.loggedIn, Paused: mb.paused, PauseReason: mb.reason})
	}
	m.mu.Unlock()

	var done []string
	var err error
	for _, s := range saves {
		if m.o.Persist != nil {
			if err = m.o.Persist(s); err != nil {
				err = fmt.Errorf("%s %s in queue %s: %w", verb, ext, s.Queue, err)
				break
			}
		}
		done = append(done, s.Queue)
	}

	// What was saved takes effect (a Sync meanwhile may have removed it).
	m.mu.Lock()
	var evs []Event
	for _, n := range done {
		q := m.queues[n]
		if q == nil || q.byExt[ext] == nil {
			continue
		}
		mb := q.byExt[ext]
		wasIn := mb.loggedIn
		set(mb)
		if mb.loggedIn && !wasIn {
			// rrmemory: an agent coming back joins the end of the rotation.
			q.rotation = append(slices.DeleteFunc(q.rotation, func(e string) bool { return e == ext }), ext)
		}
		evs = append(evs, m.agentEventLocked(n, mb))
	}
	m.broadcastLocked()
	m.queueLocked(evs...)
	m.mu.Unlock()
	m.flush()
	return err
}
