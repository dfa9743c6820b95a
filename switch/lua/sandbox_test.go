package lua

import (
	"strings"
	"testing"
)

func TestSandboxRemovesEscapes(t *testing.T) {
	e, _ := newTestEngine(t, `
local found = {}
local function absent(name, v) if v ~= nil then found[#found + 1] = name .. " present" end end
local function present(name, v) if v == nil then found[#found + 1] = name .. " missing" end end
absent("io", io)
absent("debug", debug)
absent("package", package)
absent("coroutine", coroutine)
absent("channel", channel)
absent("module", module)
absent("load", load)
absent("loadstring", loadstring)
absent("loadfile", loadfile)
absent("dofile", dofile)
absent("print", print)
absent("collectgarbage", collectgarbage)
absent("getfenv", getfenv)
absent("setfenv", setfenv)
absent("_printregs", _printregs)
absent("newproxy", newproxy)
absent("string.dump", string.dump)
for _, name in ipairs({"execute", "exit", "getenv", "remove", "rename", "setenv", "tmpname", "difftime"}) do
  absent("os." .. name, os[name])
end
present("os.time", os.time)
present("os.date", os.date)
present("os.clock", os.clock)
present("pcall", pcall)
present("setmetatable", setmetatable)
present("string.format", string.format)
present("string.find", string.find)
present("table.insert", table.insert)
present("table.sort", table.sort)
present("math.floor", math.floor)
present("log.info", log.info)
present("require", require)
for _, name in ipairs({"json", "config", "kv", "http", "log"}) do
  present(name, _G[name])
  if require(name) ~= _G[name] then found[#found + 1] = "require " .. name end
end
-- require reaches only name.lua files of the scripts directory.
for _, name in ipairs({"io", "os", "debug", "../dialplan", "/etc/passwd", "dialplan", "string"}) do
  if pcall(require, name) then found[#found + 1] = "require " .. name .. " loaded" end
end

function route(call)
  if #found > 0 then error(table.concat(found, ", ")) end
  -- the restricted os still works
  local t = os.time({year = 2024, month = 1, day = 2, hour = 12})
  if os.date("!%Y-%m-%d", t) == nil or os.clock() < 0 then error("os broken") end
  return {action = "reject", code = 403}
end
`, 0)
	d, err := route(e, "1002")
	if err != nil {
		t.Fatal(err)
	}
	if d.Code != 403 {
		t.Fatalf("got %+v", d)
	}
}

func TestSandboxGlobalsAreNotTheHostProcess(t *testing.T) {
	// Even through the string metatable, nothing leads outside the sandbox.
	e, _ := newTestEngine(t, `
function route(call)
  local mt = getmetatable("")
  if mt.__index ~= string then error("string metatable is not the string table") end
  local ok = pcall(function() return os.execute("true") end)
  if ok then error("os.execute ran") end
  return {action = "reject", code = 403}
end
`, 0)
	if _, err := route(e, "1"); err != nil {
		t.Fatal(err)
	}
}

func TestMemoryBombsRefused(t *testing.T) {
	e, _ := newTestEngine(t, `
local bombs = {
  rep = function() return string.rep("x", 2^30) end,
  repmethod = function() return ("xx"):rep(2^29) end,
  doubling = function() local s = "x" for i = 1, 40 do s = s .. s end return s end,
  chain = function() local s = string.rep("x", 2^19) return s .. s .. s end,
  tconcat = function()
    local s, t = string.rep("x", 2^19), {}
    for i = 1, 100 do t[i] = s end
    return table.concat(t)
  end,
  tsep = function() return table.concat({"a", "b"}, string.rep("x", 2^20)) end,
  width = function() return string.format("%999999s", "x") end,
  star = function() return string.format("%*d", 999999, 1) end,
  formatmany = function() local s = string.rep("x", 2^19) return string.format("%s%s%s", s, s, s) end,
  gsubstr = function() return (string.rep("x", 2^12):gsub("x", string.rep("%0", 400))) end,
  gsubfn = function()
    local big = string.rep("y", 2^19)
    return (string.rep("x", 100):gsub("x", function() return big end))
  end,
  gsubtable = function()
    local big = {x = string.rep("y", 2^19)}
    return (string.rep("x", 100):gsub("x", big))
  end,
  date = function() return os.date(string.rep("%c", 1000)) end,
  unpack = function() return unpack({}, 1, 1e7) end,
  bytes = function() return string.byte(string.rep("x", 2^20), 1, -1) end,
}
function route(call)
  local bomb = bombs[call.to]
  if bomb then bomb() end
  return {action = "reject", code = 500}
end
`, 0)
	for _, tc := range []struct{ name, msg string }{
		{"rep", "string.rep"},
		{"repmethod", "string.rep"},
		{"doubling", "string concatenation"},
		{"chain", "string concatenation"},
		{"tconcat", "table.concat"},
		{"tsep", "table.concat"},
		{"width", "width or precision too long"},
		{"star", "not supported"},
		{"formatmany", "string.format"},
		{"gsubstr", "string.gsub"},
		{"gsubfn", "string.gsub"},
		{"gsubtable", "string.gsub"},
		{"date", "os.date"},
		{"unpack", ""},
		{"bytes", ""},
	} {
		_, err := route(e, tc.name)
		wantErr(t, err, ErrRuntime, tc.msg)
		if tc.msg != "" && !strings.Contains(err.Error(), e.script+":") {
			t.Errorf("%s: error %q lacks the script position", tc.name, err)
		}
	}
	if d, err := route(e, "none"); err != nil || d.Code != 500 {
		t.Fatalf("after the bombs: %+v %v", d, err)
	}
}

func TestCallTableIsReadOnly(t *testing.T) {
	e, _ := newTestEngine(t, `
function route(call)
  if call.to == "write" then call.to = "999" end
  if call.to == "meta" then setmetatable(call, nil) end
  if call.to == "rawset" then
    rawset(call, "from", "spoofed")
    if call.from ~= "spoofed" then error("rawset did not write") end
    return {action = "reject", code = 403}
  end
  if getmetatable(call) ~= false then error("metatable exposed") end
  if type(call.authenticated) ~= "boolean" then error("authenticated is not a boolean") end
  return {action = "bridge", targets = {call.to}, caller_id = call.from}
end
`, 0)
	_, err := route(e, "write")
	wantErr(t, err, ErrRuntime, "read-only")
	_, err = route(e, "meta")
	wantErr(t, err, ErrRuntime, "protected metatable")
	// rawset writes only into this call's proxy; the next call on the same
	// (single pooled) state must see its own fields.
	if _, err := route(e, "rawset"); err != nil {
		t.Fatal(err)
	}
	d, err := route(e, "1002")
	if err != nil {
		t.Fatal(err)
	}
	if d.CallerID != "1001" {
		t.Fatalf("a previous call's rawset leaked: caller_id %q", d.CallerID)
	}
}
