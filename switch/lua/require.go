package lua

import (
	"fmt"

	glua "github.com/yuin/gopher-lua"
)

// modules is one state's `require`: built-in modules and the script set's
// module files, each run at most once per state (as Lua's package.loaded).
type modules struct {
	builtin map[string]glua.LValue
	loaded  map[string]glua.LValue
	loading map[string]bool
}

// installModules sets the globals json, config, kv, http, voicemail,
// blacklist, timecond, routing, groups and queue
// (log is set by scriptLog) and require.
func (st *state) installModules() {
	L := st.L
	st.mods = modules{builtin: map[string]glua.LValue{}, loaded: map[string]glua.LValue{}, loading: map[string]bool{}}
	for name, t := range map[string]*glua.LTable{
		"json":      st.jsonModule(),
		"config":    st.configModule(),
		"kv":        st.kvModule(),
		"http":      st.httpModule(),
		"voicemail": st.voicemailModule(),
		"blacklist": st.blacklistModule(),
		"timecond":  st.timecondModule(),
		"routing":   st.routingModule(),
		"queue":     st.queueModule(),
		"groups":    st.groupsModule(),
	} {
		L.SetGlobal(name, t)
		st.mods.builtin[name] = t
	}
	st.mods.builtin["log"] = L.GetGlobal("log")
	L.SetGlobal("require", L.NewFunction(st.require))
}

// require(name) returns a built-in module or runs name.lua from the
// scripts directory (compiled at Build) and returns what it returned (true
// when nothing). Nothing else can be loaded: no paths, no C modules.
func (st *state) require(L *glua.LState) int {
	name := L.CheckString(1)
	if m, ok := st.mods.builtin[name]; ok {
		L.Push(m)
		return 1
	}
	if m, ok := st.mods.loaded[name]; ok {
		L.Push(m)
		return 1
	}
	s, ok := st.e.set.modules[name]
	if !ok {
		L.RaiseError("module %q not found: require loads only name.lua files of the scripts directory", truncate(name))
	}
	if st.mods.loading[name] {
		L.RaiseError("module %q: circular require", name)
	}
	st.mods.loading[name] = true
	defer delete(st.mods.loading, name)
	L.Push(L.NewFunctionFromProto(s.proto))
	L.Push(st.concat)
	L.Call(1, 1)
	ret := L.Get(-1)
	L.Pop(1)
	if ret == glua.LNil {
		ret = glua.LTrue
	}
	st.mods.loaded[name] = ret
	L.Push(ret)
	return 1
}

// argError raises a Lua error naming a module function's argument.
func argError(L *glua.LState, fn string, format string, args ...any) {
	L.RaiseError("%s: %s", fn, fmt.Sprintf(format, args...))
}
