package lua

import (
	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// callTable is the read-only `call` argument of route. Each pooled state
// keeps one, so a call costs no table allocations: the fields live in data,
// the script sees an empty proxy whose metatable reads from data, refuses
// writes and is itself protected (__metatable).
type callTable struct {
	data  *glua.LTable
	proxy *glua.LTable
	meta  *glua.LTable
}

func newCallTable(L *glua.LState) *callTable {
	ct := &callTable{data: L.CreateTable(0, 9), meta: L.CreateTable(0, 3)}
	ct.meta.RawSetString("__index", ct.data)
	ct.meta.RawSetString("__newindex", L.NewFunction(func(L *glua.LState) int {
		L.RaiseError("call is read-only (field %s)", L.Get(2).String())
		return 0
	}))
	ct.meta.RawSetString("__metatable", glua.LFalse)
	ct.newProxy(L)
	return ct
}

func (ct *callTable) newProxy(L *glua.LState) {
	ct.proxy = L.NewTable()
	L.SetMetatable(ct.proxy, ct.meta)
}

// set fills the fields for one call and returns the table to pass to route.
func (ct *callTable) set(L *glua.LState, r *hook.RouteRequest) *glua.LTable {
	// rawset bypasses __newindex: a proxy that a script wrote into would
	// shadow the next call's fields, so it is replaced.
	if k, _ := ct.proxy.Next(glua.LNil); k != glua.LNil {
		ct.newProxy(L)
	}
	d := ct.data
	setString(d, "call_id", r.CallID)
	setString(d, "from", r.From)
	setString(d, "from_display", r.FromDisplay)
	setString(d, "from_domain", r.FromDomain)
	setString(d, "to", r.To)
	setString(d, "to_domain", r.ToDomain)
	setString(d, "source_ip", r.SourceIP)
	setString(d, "transport", r.Transport)
	if d.RawGetString("authenticated") != glua.LBool(r.Authenticated) {
		d.RawSetString("authenticated", glua.LBool(r.Authenticated))
	}
	return ct.proxy
}

// setString skips unchanged values (domain, transport...): each store
// boxes the string, an allocation.
func setString(t *glua.LTable, key, v string) {
	if old, ok := t.RawGetString(key).(glua.LString); ok && string(old) == v {
		return
	}
	t.RawSetString(key, glua.LString(v))
}
