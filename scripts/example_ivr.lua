-- example_ivr.lua: a small auto attendant, written as a call program.
--
-- Nothing loads this module by default. To use it, return its run
-- function from route in dialplan.lua:
--
--   function route(call)
--     if call.to == "*500" then return require("example_ivr").run end
--     ...
--   end
--
-- A call program drives one call with blocking primitives. Each returns
-- its value, or nil and an error text. When the caller hangs up, the
-- primitive does not return: the program simply ends. (The default
-- attendant, configurable without code, is ivr.lua with apps.lua.)

local ivr = {}

-- Which extension each key rings.
local menu = {
  ["1"] = "1001", -- sales
  ["2"] = "1002", -- support
}
local operator = "1000"

-- ring rings one extension and reports whether someone answered.
local function ring(call, number)
  local result, err = call:bridge{targets = {number}, timeout = 20}
  if not result then
    log.warn("bridge to", number, "failed:", err)
    return false
  end
  -- result.answered: someone picked up (the bridge ran until a hang-up);
  -- otherwise result.code says why not (486 busy, 480 no answer, ...).
  return result.answered
end

function ivr.run(call)
  local ok, err = call:answer()
  if not ok then
    log.warn("answer failed:", err)
    return
  end

  -- Up to three tries to get a valid key.
  for _ = 1, 3 do
    local digit, cerr = call:collect{max = 1, timeout = 5, prompt = {"ivr/welcome", "ivr/main_menu"}}
    if not digit then
      log.info("collect:", cerr)
      break
    end
    local number = menu[digit]
    if number then
      if ring(call, number) then return end
      break -- busy or no answer: try the operator
    end
    log.info("no such option:", digit)
  end

  if not ring(call, operator) then
    call:hangup(480, "Nobody Available")
  end
end

return ivr
