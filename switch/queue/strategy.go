package queue

import (
	"slices"

	"github.com/hookswitch/hookswitch/switch/store"
)

// freeLocked lists q's agents that may ring now, in configured order.
func (m *Manager) freeLocked(q *queueState, p probe) []*member {
	var out []*member
	for _, mb := range q.members {
		a := m.agents[mb.ext]
		if !mb.loggedIn || mb.paused || !p.registered[mb.ext] || p.busy[mb.ext] {
			continue
		}
		if a != nil && (a.ringing != nil || a.inCall != "" || a.wrapping != 0) {
			continue
		}
		out = append(out, mb)
	}
	return out
}

// pickLocked chooses among free agents (configured order, at least one):
// only the lowest penalty tier among them, then by strategy, every agent
// of the tier for ringall and one for the others.
func (q *queueState) pickLocked(free []*member, rnd func(int) int) []string {
	best := free[0].penalty
	for _, mb := range free {
		best = min(best, mb.penalty)
	}
	tier := slices.DeleteFunc(slices.Clone(free), func(mb *member) bool { return mb.penalty != best })
	var pick *member
	switch q.cfg.Strategy {
	case store.StrategyRingAll, "":
		out := make([]string, len(tier))
		for i, mb := range tier {
			out[i] = mb.ext
		}
		return out
	case store.StrategyLinear:
		pick = tier[0]
	case store.StrategyLeastRecent:
		pick = tier[0]
		for _, mb := range tier[1:] {
			if mb.lastCall.Before(pick.lastCall) {
				pick = mb
			}
		}
	case store.StrategyFewestCalls:
		pick = tier[0]
		for _, mb := range tier[1:] {
			if mb.calls < pick.calls {
				pick = mb
			}
		}
	case store.StrategyRandom:
		pick = tier[rnd(len(tier))]
	case store.StrategyRRMemory:
		pick = rotate(q.rotation, q.rrLast, tier)
	case store.StrategyRROrdered:
		pick = rotate(q.extsLocked(), q.rrLast, tier)
	default:
		pick = tier[0]
	}
	return []string{pick.ext}
}

// rotate picks the first of tier in order after last, wrapping round;
// from the start when last is not in order.
func rotate(order []string, last string, tier []*member) *member {
	start := slices.Index(order, last) + 1
	for i := range order {
		ext := order[(start+i)%len(order)]
		if j := slices.IndexFunc(tier, func(mb *member) bool { return mb.ext == ext }); j >= 0 {
			return tier[j]
		}
	}
	return tier[0]
}
