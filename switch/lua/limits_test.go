package lua

import (
	"testing"
)

// The bounded replacements must behave like the Lua 5.1 originals below
// their limits. Each check runs inside route so errors carry a line.
func TestBoundedBuiltinsKeepSemantics(t *testing.T) {
	e, _ := newTestEngine(t, `
local function eq(got, want)
  if got ~= want then error(string.format("got %q, want %q", tostring(got), tostring(want)), 2) end
end

local function checks()
  -- .. (rewritten to the bounded concat)
  eq("a" .. "b" .. "c", "abc")
  eq(1 .. "", "1")
  eq(1.5 .. "x", "1.5x")
  eq("n" .. 10 .. 20, "n1020")
  local up = "up"
  local function closure(x) return up .. x end
  eq(closure("!"), "up!")
  eq(("a" .. "b"):upper(), "AB")
  eq(#("ab" .. "cd"), 4)
  local t = {k = "v" .. 1}
  eq(t.k, "v1")
  local mt = {__concat = function(a, b)
    local l = type(a) == "table" and a.name or a
    local r = type(b) == "table" and b.name or b
    return l .. "+" .. r
  end}
  local obj = setmetatable({name = "obj"}, mt)
  eq(obj .. "s", "obj+s")
  eq("s" .. obj, "s+obj")
  local n = 0
  for i = 1, 3 do n = n + #(i .. "") end
  eq(n, 3)
  local ok, err = pcall(function() return "a" .. {} end)
  eq(ok, false)
  eq(err:find("attempt to concatenate a table value", 1, true) ~= nil, true)

  -- string.rep
  eq(string.rep("ab", 3), "ababab")
  eq(string.rep("ab", 0), "")
  eq(string.rep("ab", -1), "")
  eq(#string.rep("x", 2^20), 2^20)

  -- table.concat
  eq(table.concat({1, 2, "a"}), "12a")
  eq(table.concat({1, 2, 3}, ", "), "1, 2, 3")
  eq(table.concat({1, 2, 3, 4}, "-", 2, 3), "2-3")
  eq(table.concat({1, 2}, "-", 3), "")
  eq(table.concat({}), "")
  ok = pcall(table.concat, {1, {}, 3})
  eq(ok, false)

  -- string.format
  eq(string.format("%5.2f|%d|%s|%%|%-3s|%x", 3.14159, 42, "hi", "a", 255), " 3.14|42|hi|%|a  |ff")
  eq(string.format("%q", "a"), '"a"')

  -- string.gsub
  local s, c = ("hello world"):gsub("o", "0")
  eq(s, "hell0 w0rld"); eq(c, 2)
  s, c = ("hello world"):gsub("o", "0", 1)
  eq(s, "hell0 world"); eq(c, 1)
  s, c = ("hello"):gsub("l", "L", 0)
  eq(s, "hello"); eq(c, 0)
  eq((("hello world"):gsub("(%w+) (%w+)", "%2 %1")), "world hello")
  eq((("abc"):gsub("%w", "%0%0")), "aabbcc")
  eq((("abc"):gsub("b", "%%")), "a%c")
  eq((("abc"):gsub("b", "%1")), "abc")
  eq((("abc"):gsub("()b", "%1")), "a2c")
  eq((("abc"):gsub("", "-")), "-a-b-c-")
  eq((("x = 1"):gsub("%s", 5)), "x5=51")
  eq((("$name is $age"):gsub("%$(%w+)", {name = "bob", age = 42})), "bob is 42")
  eq((("$name $none"):gsub("%$(%w+)", {name = "bob"})), "bob $none")
  eq((("1 2 3"):gsub("%d", function(d) return d * 2 end)), "2 4 6")
  eq((("a b"):gsub("%w", function() return false end)), "a b")
  eq((("k=v"):gsub("(%w)=(%w)", function(k, v) return v .. "=" .. k end)), "v=k")
  ok = pcall(string.gsub, "abc", "(b)", "%2")
  eq(ok, false)
  ok = pcall(string.gsub, "abc", "b", {})
  eq(ok, true)
  ok = pcall(string.gsub, "abc", "b", function() return {} end)
  eq(ok, false)
  ok = pcall(string.gsub, "abc", "[", "x")
  eq(ok, false)

  -- os.date with a short format
  eq(os.date("!%Y", 0), "1970")
end

function route(call)
  checks()
  return {action = "reject", code = 404}
end
`, 0)
	if _, err := route(e, "1"); err != nil {
		t.Fatal(err)
	}
}
