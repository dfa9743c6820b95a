package lua

import (
	"fmt"

	glua "github.com/yuin/gopher-lua"
)

// Blacklist is the numbers refused as callers (SPEC P9); *store.Store
// satisfies it.
type Blacklist interface {
	Block(number, by string) error
	Unblock(number string) error
	Blocked(number string) (bool, error)
	// LastCaller is who last called ext ("" when nobody), for *76.
	LastCaller(ext string) (string, error)
}

// blacklistModule: blacklist.has(number) -> bool, blacklist.add(number [,
// by]) -> true, blacklist.remove(number) -> true, blacklist.last_caller(ext)
// -> number or nil. Failures return nil, err.
func (st *state) blacklistModule() *glua.LTable {
	L := st.L
	bl := st.e.opts.Blacklist
	t := L.NewTable()
	fail := func(L *glua.LState, err error) int {
		L.Push(glua.LNil)
		L.Push(glua.LString(err.Error()))
		return 2
	}
	none := fmt.Errorf("blacklist: not configured")
	fn := func(name string, f func(L *glua.LState) int) { t.RawSetString(name, L.NewFunction(f)) }
	fn("has", func(L *glua.LState) int {
		n := L.CheckString(1)
		if bl == nil {
			L.Push(glua.LFalse)
			return 1
		}
		ok, err := bl.Blocked(n)
		if err != nil {
			return fail(L, fmt.Errorf("blacklist.has: %w", err))
		}
		L.Push(glua.LBool(ok))
		return 1
	})
	fn("add", func(L *glua.LState) int {
		n, by := L.CheckString(1), L.OptString(2, "")
		if bl == nil {
			return fail(L, none)
		}
		if err := bl.Block(n, by); err != nil {
			return fail(L, fmt.Errorf("blacklist.add: %w", err))
		}
		L.Push(glua.LTrue)
		return 1
	})
	fn("remove", func(L *glua.LState) int {
		n := L.CheckString(1)
		if bl == nil {
			return fail(L, none)
		}
		if err := bl.Unblock(n); err != nil {
			return fail(L, fmt.Errorf("blacklist.remove: %w", err))
		}
		L.Push(glua.LTrue)
		return 1
	})
	fn("last_caller", func(L *glua.LState) int {
		ext := L.CheckString(1)
		if bl == nil {
			return fail(L, none)
		}
		n, err := bl.LastCaller(ext)
		if err != nil {
			return fail(L, fmt.Errorf("blacklist.last_caller: %w", err))
		}
		if n == "" {
			L.Push(glua.LNil)
			return 1
		}
		L.Push(glua.LString(n))
		return 1
	})
	return t
}
