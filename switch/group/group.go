// Package group orders the members of a ring group for one call (SPEC P2)
// and keeps what the strategies remember between calls: who was rung
// first last (cyclic) and who answered how often (leastworked). It is pure:
// the store holds the groups, the dial plan rings them.
package group

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"sync"
)

// Ring strategies (SPEC P2; seed 001 5.8, seed 004 "Departments").
const (
	RingAll     = "ringall"     // every member at once (the default)
	Hunt        = "hunt"        // prioritized: members in their order
	Cyclic      = "cyclic"      // the member not rung for the longest first
	LeastWorked = "leastworked" // the member who answered fewest calls first
	Random      = "random"      // members in a random order
)

// Strategies lists the strategies, the default first.
var Strategies = []string{RingAll, Hunt, Cyclic, LeastWorked, Random}

// Valid reports whether s is a strategy.
func Valid(s string) bool { return slices.Contains(Strategies, s) }

// Parallel reports whether a strategy rings every member at once (ring
// time is the total) rather than one after another (ring time per member).
func Parallel(s string) bool { return s == RingAll }

// Tracker remembers, per group, what cyclic and leastworked need. The zero
// value is ready; it is safe for concurrent use. Memory is bounded by the
// groups ordered by cyclic or leastworked and their members.
type Tracker struct {
	mu     sync.Mutex
	groups map[string]*memory
}

// memory is one group's state.
type memory struct {
	seq      uint64            // stamps rotations, increasing
	lastRung map[string]uint64 // member -> seq when last rung first; absent: never
	answered map[string]uint64 // member -> calls answered from this group
	members  []string          // as of the last Order: what Answered may count
}

// Order returns the ring order of members for one call to group number
// with strategy (an unknown strategy rings in member order). For cyclic
// it advances the rotation: the member put first counts as rung now. The
// result is a new slice; members is not changed.
func (t *Tracker) Order(number, strategy string, members []string) []string {
	out := slices.Clone(members)
	switch strategy {
	case Random:
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	case Cyclic, LeastWorked:
	default:
		return out
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.memory(number, members)
	if strategy == LeastWorked {
		// Stable: ties keep member order.
		slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(m.answered[a], m.answered[b]) })
		return out
	}
	// Never rung (0) sorts first, ties in member order; stamps are unique.
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(m.lastRung[a], m.lastRung[b]) })
	if len(out) > 0 {
		m.seq++
		m.lastRung[out[0]] = m.seq
	}
	return out
}

// Answered counts a call to group number that member answered
// (leastworked). It counts only for a member the group had when last
// ordered by cyclic or leastworked: anything else is ignored, so a script
// cannot grow the tracker.
func (t *Tracker) Answered(number, member string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	m, ok := t.groups[number]
	if !ok || !slices.Contains(m.members, member) {
		return
	}
	m.answered[member]++
}

// Forget drops what is remembered about group number (it was deleted).
func (t *Tracker) Forget(number string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.groups, number)
}

// memory returns number's state with members as its current members,
// dropping what it remembers of former ones. t.mu held.
func (t *Tracker) memory(number string, members []string) *memory {
	if t.groups == nil {
		t.groups = map[string]*memory{}
	}
	m, ok := t.groups[number]
	if !ok {
		m = &memory{lastRung: map[string]uint64{}, answered: map[string]uint64{}}
		t.groups[number] = m
	}
	if !slices.Equal(m.members, members) {
		m.members = slices.Clone(members)
		for _, mp := range []map[string]uint64{m.lastRung, m.answered} {
			for k := range mp {
				if !slices.Contains(members, k) {
					delete(mp, k)
				}
			}
		}
	}
	return m
}
