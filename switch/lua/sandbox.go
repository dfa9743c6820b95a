package lua

import glua "github.com/yuin/gopher-lua"

// Interpreter limits. Lua 5.1 itself allows 200 nested C calls; the value
// stack (registry) starts at 16 KiB and may grow to 1 MiB of values, so
// runaway recursion or unpack() of a huge range fails with a Lua error. It
// grows in large steps: each step copies the whole stack, and gopher-lua's
// default step of 32 values makes reaching the cap take seconds.
const (
	callStackSize    = 200
	registrySize     = 1024
	registryMaxSize  = 64 * 1024
	registryGrowStep = 4096
)

// removedGlobals reach files, the module loader, the collector, function
// environments or stdout. Lua code keeps pcall, error, pairs, setmetatable...
var removedGlobals = []string{
	"dofile", "loadfile", "load", "loadstring", "require", "module",
	"collectgarbage", "getfenv", "setfenv", "print", "_printregs", "newproxy",
}

// newSandbox returns a state with only base, table, string and math, a
// restricted os, and the size-capped string builders of limits.go. It never
// calls SetMx: gopher-lua's memory watcher calls os.Exit.
func newSandbox() *glua.LState {
	L := glua.NewState(glua.Options{
		SkipOpenLibs:     true,
		CallStackSize:    callStackSize,
		RegistrySize:     registrySize,
		RegistryMaxSize:  registryMaxSize,
		RegistryGrowStep: registryGrowStep,
	})
	for _, lib := range []struct {
		name string
		open glua.LGFunction
	}{
		{glua.BaseLibName, glua.OpenBase},
		{glua.TabLibName, glua.OpenTable},
		{glua.StringLibName, glua.OpenString},
		{glua.MathLibName, glua.OpenMath},
		{glua.OsLibName, glua.OpenOs},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(glua.LString(lib.name))
		L.Call(1, 0)
	}
	for _, name := range removedGlobals {
		L.SetGlobal(name, glua.LNil)
	}

	str := L.GetGlobal(glua.StringLibName).(*glua.LTable)
	format := str.RawGetString("format").(*glua.LFunction).GFunction
	str.RawSetString("format", L.NewFunction(boundedFormat(format)))
	str.RawSetString("rep", L.NewFunction(strRep))
	str.RawSetString("gsub", L.NewFunction(strGsub))
	str.RawSetString("dump", glua.LNil)

	tab := L.GetGlobal(glua.TabLibName).(*glua.LTable)
	tab.RawSetString("concat", L.NewFunction(tableConcat))

	// os keeps only the clock functions: no execute, exit, getenv, remove,
	// rename, setenv or tmpname.
	full := L.GetGlobal(glua.OsLibName).(*glua.LTable)
	osTab := L.NewTable()
	osTab.RawSetString("time", full.RawGetString("time"))
	osTab.RawSetString("clock", full.RawGetString("clock"))
	date := full.RawGetString("date").(*glua.LFunction).GFunction
	osTab.RawSetString("date", L.NewFunction(boundedDate(date)))
	L.SetGlobal(glua.OsLibName, osTab)
	return L
}
