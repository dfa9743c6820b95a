// Package queue is the call-queue engine (SPEC P3): who waits in which
// order, which agents to ring for whom, agents' login, pause and wrap-up,
// and the counters and abandoned-call log. It knows no SIP and no media:
// the call side (switch/call) plays music and announcements, rings the
// agents this package picks, and reports back.
//
// A caller's life, as the call side drives it:
//
//	t, err := m.Join(queue, callID, caller, priority) // ErrNotFound, ErrFull, ErrEmpty
//	defer t.Leave(reason)                              // "answered", "timeout", "hangup", "empty", ...
//	for {
//		agents, err := t.Next(ctx) // blocks; ctx ending returns ctx.Err(), e.g. to announce
//		// ErrTimeout (max_wait), ErrEmpty (leave_when_empty), ErrNotFound (queue removed)
//		ring agents for AgentTimeout seconds:
//		- one answers: t.Answered(agent); when that call ends, m.AgentDone(queue, agent)
//		- none does:   t.Missed(agents); wait RetrySeconds; loop
//	}
//
// Next returns the agents reserved for this caller (state ringing, so no
// other caller gets them): for ringall every free agent of the lowest
// penalty tier that has one, for the other strategies one agent of that
// tier. An agent is free when logged in (static agents always are), not
// paused, registered, not ringing for another caller, not in a queue call
// nor its wrap-up, and, with skip_busy, not on any other call. Callers
// wait by priority (higher first), then in order of arrival; with
// autofill the caller at position k rings once k agents are free, where
// k counts only the callers ahead that are not ringing already.
//
// A queue is empty (join_empty, leave_when_empty) when none of its agents
// is logged in, registered and unpaused.
//
// Nothing polls: waiting callers sleep on a broadcast channel closed on
// every change (an agent freed, a caller ahead gone, a login, a config
// Sync), and on their own timers (max_wait, the SLA). The switch calls
// Wake when what InUse or Registered answer may have changed (a call
// ended, a registration came or went).
//
// Every method is safe for concurrent use. The Options callbacks are
// called without the manager's lock held, so they may take the switch's
// own locks; Events and Persist run on the goroutine of a change, and
// Events sees the changes in the order they happened.
package queue
