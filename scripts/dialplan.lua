-- dialplan.lua: the default dial plan of hookswitch (hook catalogue version 1).
--
-- The Lua engine runs this file once in each interpreter; every global
-- function named after a hook (route, failure, register, ...) answers that
-- hook. Other .lua files of this directory are modules: `require "name"`
-- runs name.lua. Full contract: sdk/lua.md.
--
-- route(call) runs for every new call (an INVITE outside a dialog). call is
-- read-only; its fields (all strings except authenticated):
--   call_id, from, from_display, from_domain, to, to_domain, source_ip,
--   transport, authenticated (the caller proved to be extension `from`)
--
-- route returns a decision table:
--   {action = "bridge", targets = {"1002", ...},  -- extension numbers (digit strings)
--    mode = "parallel" | "sequential",            -- optional, default "parallel"
--    timeout = 30,                                -- optional ring seconds per attempt, (0, 600]
--    caller_id = "..."}                           -- optional caller user part shown to the callee
--   {action = "reject", code = 404, reason = "Not Found"}  -- code 400-699, reason optional
-- or a function(call): a call program that drives the call with
-- call:answer(), call:bridge{...}, call:collect{...}... (see example_ivr.lua).
-- Anything else (unknown action or field, bad code, empty targets...) fails
-- the call with an error.

-- An extension number has 2 to 11 digits (SPEC P1). A byte loop rather
-- than number:find("^%d+$"): gopher-lua compiles a pattern on every call,
-- and this runs for every call the switch sees.
local function is_extension(number)
  if #number < 2 or #number > 11 then return false end
  for i = 1, #number do
    local b = number:byte(i)
    if b < 48 or b > 57 then return false end -- not "0".."9"
  end
  return true
end

local apps = require("apps")
local codes = apps.codes or {}

-- program wraps a module function as a call program.
local function program(fn, ...)
  local args = {...}
  return function(call) return fn(call, unpack(args)) end
end

function route(call)
  local to = call.to
  -- Applications first: their numbers may look like extensions.
  local menu = (apps.ivr_numbers or {})[to]
  if menu then return require("ivr").program(menu) end
  if (apps.conferences or {})[to] then
    return program(require("conference").join, to)
  end
  if to == codes.voicemail_any then
    return program(require("mailbox").retrieve, nil)
  end
  if to == codes.voicemail_own then
    if not call.authenticated then return {action = "reject", code = 403, reason = "Forbidden"} end
    return program(require("mailbox").retrieve, call.from)
  end
  if to == codes.conference then
    return require("conference").ask
  end
  if codes.page and #to > #codes.page and to:sub(1, #codes.page) == codes.page then
    -- Intercom: the called phone answers by itself.
    local ext = to:sub(#codes.page + 1)
    if not is_extension(ext) then return {action = "reject", code = 404, reason = "Not Found"} end
    return function(c)
      c:bridge{targets = {ext}, auto_answer = true, timeout = 20}
    end
  end
  if is_extension(to) then
    -- The core answers 404 if no such extension exists and 480 if it has
    -- no registered contact; failure below sends busy and unanswered
    -- calls to voicemail.
    return {action = "bridge", targets = {to}}
  end
  return {action = "reject", code = 404, reason = "Not Found"}
end

-- failure(req) runs when a bridge attempt failed. req fields: call_id,
-- from, to (what was dialled), targets (what was rung), code (486 busy,
-- 480 no answer or unavailable, ...), reason, attempt (1 for the first
-- failure of this call). It returns the next step, as route does.
function failure(req)
  local code = req.code
  if code < 400 or code > 699 then code = 480 end
  local vm = apps.voicemail or {}
  -- Busy or no answer at an extension with a mailbox: voicemail.
  if vm.ring_before ~= false and (code == 486 or code == 480 or code == 408) and #req.targets == 1
      and req.targets[1] == req.to and voicemail.box(req.to) then
    local reason = code == 486 and "busy" or "unavailable"
    return program(require("mailbox").deposit, req.to, reason)
  end
  return {action = "reject", code = code}
end
