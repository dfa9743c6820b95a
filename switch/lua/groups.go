package lua

import (
	"fmt"

	glua "github.com/yuin/gopher-lua"
)

// Groups backs the groups module: ring groups (SPEC P2) as the dial plan
// rings them.
type Groups interface {
	// Get returns the ring group with number, its members in the order
	// this call rings them (the strategy applied); ok false when there is
	// no such group.
	Get(number string) (g Group, ok bool, err error)
	// Answered records that extension ext answered a call to the group
	// (the leastworked strategy counts it).
	Answered(number, ext string) error
}

// Group is a ring group as one call rings it.
type Group struct {
	Number, Name, Strategy string
	RingTime               int      // seconds: per member when sequential, the total when parallel
	Members                []string // in this call's order
	Parallel               bool     // ring every member at once
	// NoAnswerKind and NoAnswerTarget are where the call goes when nobody
	// answers (a routing destination: extension, voicemail, external, ...);
	// kind "" means hang up.
	NoAnswerKind, NoAnswerTarget     string
	CallerIDPrefix, OutboundCallerID string
}

// groupsModule: groups.get(number) -> {number, name, strategy, ring_time,
// members = {...}, mode = "parallel" | "sequential", no_answer = {kind,
// target} or nil, caller_id_prefix, outbound_caller_id} or nil (no such
// group); groups.answered(number, ext) -> true. Failures return nil, err.
func (st *state) groupsModule() *glua.LTable {
	L := st.L
	gs := st.e.opts.Groups
	t := L.NewTable()
	fail := func(L *glua.LState, err error) int {
		L.Push(glua.LNil)
		L.Push(glua.LString(err.Error()))
		return 2
	}
	t.RawSetString("get", L.NewFunction(func(L *glua.LState) int {
		number := L.CheckString(1)
		if gs == nil {
			L.Push(glua.LNil)
			return 1
		}
		g, ok, err := gs.Get(number)
		if err != nil {
			return fail(L, fmt.Errorf("groups.get: %w", err))
		}
		if !ok {
			L.Push(glua.LNil)
			return 1
		}
		d := L.CreateTable(0, 9)
		d.RawSetString("number", glua.LString(g.Number))
		d.RawSetString("name", glua.LString(g.Name))
		d.RawSetString("strategy", glua.LString(g.Strategy))
		d.RawSetString("ring_time", glua.LNumber(g.RingTime))
		mode := "sequential"
		if g.Parallel {
			mode = "parallel"
		}
		d.RawSetString("mode", glua.LString(mode))
		ms := L.CreateTable(len(g.Members), 0)
		for _, m := range g.Members {
			ms.Append(glua.LString(m))
		}
		d.RawSetString("members", ms)
		if g.NoAnswerKind != "" {
			na := L.CreateTable(0, 2)
			na.RawSetString("kind", glua.LString(g.NoAnswerKind))
			if g.NoAnswerTarget != "" {
				na.RawSetString("target", glua.LString(g.NoAnswerTarget))
			}
			d.RawSetString("no_answer", na)
		}
		d.RawSetString("caller_id_prefix", glua.LString(g.CallerIDPrefix))
		d.RawSetString("outbound_caller_id", glua.LString(g.OutboundCallerID))
		L.Push(d)
		return 1
	}))
	t.RawSetString("answered", L.NewFunction(func(L *glua.LState) int {
		number, ext := L.CheckString(1), L.CheckString(2)
		if gs == nil {
			return fail(L, fmt.Errorf("groups: not configured"))
		}
		if err := gs.Answered(number, ext); err != nil {
			return fail(L, fmt.Errorf("groups.answered: %w", err))
		}
		L.Push(glua.LTrue)
		return 1
	}))
	return t
}
