package lua

import (
	"fmt"
	"math"
	"time"

	glua "github.com/yuin/gopher-lua"
)

// MaxKVValue bounds a kv value, as the store does.
const MaxKVValue = 64 << 10

// configModule: config.extension(number) -> {number, name, email,
// max_contacts, dnd, forward = {all, busy, no_answer, unavailable},
// follow_me = {{number, timeout}...}, voicemail, call_waiting,
// pickup_group, recording, tenant, codecs = {...}, dtmf_mode, language} |
// nil and config.extensions() -> list, read
// from Options.Directory (dirEntry below; sdk/lua.md documents them);
// config.set_dnd and config.set_forward write through Options.Features.
func (st *state) configModule() *glua.LTable {
	L := st.L
	dir := st.e.opts.Directory
	t := L.NewTable()
	t.RawSetString("extension", L.NewFunction(func(L *glua.LState) int {
		number := L.CheckString(1)
		if dir == nil {
			L.Push(glua.LNil)
			return 1
		}
		e, ok := dir.Extension(number)
		if !ok {
			L.Push(glua.LNil)
			return 1
		}
		L.Push(dirEntry(L, e))
		return 1
	}))
	// set_dnd(ext, on) and set_forward(ext, kind, target or nil): what
	// feature codes change. true, or nil and an error.
	features := st.e.opts.Features
	result := func(L *glua.LState, err error) int {
		if err != nil {
			L.Push(glua.LNil)
			L.Push(glua.LString(err.Error()))
			return 2
		}
		L.Push(glua.LTrue)
		return 1
	}
	t.RawSetString("set_dnd", L.NewFunction(func(L *glua.LState) int {
		ext, on := L.CheckString(1), L.CheckBool(2)
		if features == nil {
			return result(L, fmt.Errorf("config.set_dnd: not available"))
		}
		return result(L, features.SetDND(ext, on))
	}))
	t.RawSetString("set_forward", L.NewFunction(func(L *glua.LState) int {
		ext, kind, target := L.CheckString(1), L.CheckString(2), L.OptString(3, "")
		if features == nil {
			return result(L, fmt.Errorf("config.set_forward: not available"))
		}
		return result(L, features.SetForward(ext, kind, target))
	}))
	t.RawSetString("extensions", L.NewFunction(func(L *glua.LState) int {
		var list []DirEntry
		if dir != nil {
			list = dir.Extensions()
		}
		out := L.CreateTable(len(list), 0)
		for _, e := range list {
			out.Append(dirEntry(L, e))
		}
		L.Push(out)
		return 1
	}))
	st.appsFuncs(t) // config.ivr, config.room, config.settings (apps.go)
	return t
}

func dirEntry(L *glua.LState, e DirEntry) *glua.LTable {
	t := L.CreateTable(0, 7)
	t.RawSetString("number", glua.LString(e.Number))
	t.RawSetString("name", glua.LString(e.Name))
	t.RawSetString("email", glua.LString(e.Email))
	t.RawSetString("max_contacts", glua.LNumber(e.MaxContacts))
	t.RawSetString("dnd", glua.LBool(e.DND))
	fwd := L.CreateTable(0, len(e.Forward))
	for kind, target := range e.Forward {
		fwd.RawSetString(kind, glua.LString(target))
	}
	t.RawSetString("forward", fwd)
	fm := L.CreateTable(len(e.FollowMe), 0)
	for _, s := range e.FollowMe {
		step := L.CreateTable(0, 2)
		step.RawSetString("number", glua.LString(s.Number))
		step.RawSetString("timeout", glua.LNumber(s.Timeout))
		fm.Append(step)
	}
	t.RawSetString("follow_me", fm)
	t.RawSetString("voicemail", glua.LBool(e.Voicemail))
	t.RawSetString("call_waiting", glua.LBool(e.CallWaiting))
	t.RawSetString("pickup_group", glua.LNumber(e.PickupGroup))
	t.RawSetString("recording", glua.LString(e.Recording))
	t.RawSetString("tenant", glua.LString(e.Tenant))
	codecs := L.CreateTable(len(e.Codecs), 0)
	for _, c := range e.Codecs {
		codecs.Append(glua.LString(c))
	}
	t.RawSetString("codecs", codecs)
	t.RawSetString("dtmf_mode", glua.LString(e.DTMFMode))
	t.RawSetString("language", glua.LString(e.Language))
	return t
}

// kvModule: kv.get(key) -> value | nil, kv.set(key, value[, ttl_seconds])
// -> true and kv.delete(key) -> true, in Options.Namespace. Failures
// return nil, err; wrong argument types raise an error.
func (st *state) kvModule() *glua.LTable {
	L := st.L
	store, ns := st.e.opts.KV, st.e.opts.Namespace
	fail := func(L *glua.LState, err error) int {
		L.Push(glua.LNil)
		L.Push(glua.LString(err.Error()))
		return 2
	}
	noStore := fmt.Errorf("kv: no store configured")
	t := L.NewTable()
	t.RawSetString("get", L.NewFunction(func(L *glua.LState) int {
		key := L.CheckString(1)
		if store == nil {
			return fail(L, noStore)
		}
		v, ok, err := store.Get(ns, key)
		if err != nil {
			return fail(L, fmt.Errorf("kv.get: %w", err))
		}
		if !ok {
			L.Push(glua.LNil)
			return 1
		}
		L.Push(glua.LString(v))
		return 1
	}))
	t.RawSetString("set", L.NewFunction(func(L *glua.LState) int {
		key := L.CheckString(1)
		val := L.CheckString(2)
		var ttl time.Duration
		if L.GetTop() >= 3 && L.Get(3) != glua.LNil {
			secs := float64(L.CheckNumber(3))
			if !(secs > 0) || secs > 10*365*24*3600 || math.IsInf(secs, 0) {
				argError(L, "kv.set", "ttl must be seconds > 0, got %v", secs)
			}
			ttl = time.Duration(secs * float64(time.Second))
		}
		if store == nil {
			return fail(L, noStore)
		}
		if len(val) > MaxKVValue {
			return fail(L, fmt.Errorf("kv.set: value of %d bytes (max %d)", len(val), MaxKVValue))
		}
		if err := store.Set(ns, key, val, ttl); err != nil {
			return fail(L, fmt.Errorf("kv.set: %w", err))
		}
		L.Push(glua.LTrue)
		return 1
	}))
	t.RawSetString("delete", L.NewFunction(func(L *glua.LState) int {
		key := L.CheckString(1)
		if store == nil {
			return fail(L, noStore)
		}
		if err := store.Delete(ns, key); err != nil {
			return fail(L, fmt.Errorf("kv.delete: %w", err))
		}
		L.Push(glua.LTrue)
		return 1
	}))
	return t
}
