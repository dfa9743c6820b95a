package lua

import (
	"fmt"
	"time"

	glua "github.com/yuin/gopher-lua"
)

// TimeConditions answers the timecond module: office hours by name, and
// the office-closed override that feature codes set.
type TimeConditions interface {
	// OpenAt reports whether the named condition holds at t.
	OpenAt(name string, t time.Time) (bool, error)
	// SetOverride forces "closed" or "open" until `until` (zero: until
	// cleared); mode "none" clears it.
	SetOverride(name, mode string, until time.Time) error
}

// timecondModule: timecond.open(name) -> bool, and
// timecond.set_override(name, "closed" | "open" | "none" [, until_unix])
// -> true. Failures return nil, err.
func (st *state) timecondModule() *glua.LTable {
	L := st.L
	tcs := st.e.opts.TimeConditions
	t := L.NewTable()
	fail := func(L *glua.LState, err error) int {
		L.Push(glua.LNil)
		L.Push(glua.LString(err.Error()))
		return 2
	}
	none := fmt.Errorf("timecond: not configured")
	t.RawSetString("open", L.NewFunction(func(L *glua.LState) int {
		name := L.CheckString(1)
		if tcs == nil {
			return fail(L, none)
		}
		open, err := tcs.OpenAt(name, st.now())
		if err != nil {
			return fail(L, fmt.Errorf("timecond.open: %w", err))
		}
		L.Push(glua.LBool(open))
		return 1
	}))
	t.RawSetString("set_override", L.NewFunction(func(L *glua.LState) int {
		name, mode := L.CheckString(1), L.CheckString(2)
		var until time.Time
		if secs := L.OptNumber(3, 0); secs > 0 {
			until = time.Unix(int64(secs), 0)
		}
		if tcs == nil {
			return fail(L, none)
		}
		if err := tcs.SetOverride(name, mode, until); err != nil {
			return fail(L, fmt.Errorf("timecond.set_override: %w", err))
		}
		L.Push(glua.LTrue)
		return 1
	}))
	return t
}

// now is the engine's clock (Options.Now, else the wall clock).
func (st *state) now() time.Time {
	if st.e.opts.Now != nil {
		return st.e.opts.Now()
	}
	return time.Now()
}
