-- dialplan.lua: the default dial plan of hookswitch (hook catalogue version 1).
--
-- The core calls route(call) for every new call (an INVITE outside a dialog)
-- and turns the returned decision into SIP. Full contract: sdk/lua.md.
--
-- call is read-only; its fields (all strings except authenticated):
--   call_id        SIP Call-ID
--   from           caller user part (the extension number when authenticated)
--   from_display   caller display name, "" if none
--   from_domain    caller host part
--   to             dialled number: the Request-URI user part
--   to_domain      Request-URI host part
--   source_ip      address the INVITE came from
--   transport      "udp", "tcp", "tls", "ws" or "wss"
--   authenticated  boolean: the caller proved to be extension `from`
--
-- route returns one decision table:
--   {action = "bridge", targets = {"1002", ...},  -- extension numbers (digit strings)
--    mode = "parallel" | "sequential",            -- optional, default "parallel"
--    timeout = 30,                                -- optional ring seconds per attempt, (0, 600]
--    caller_id = "..."}                           -- optional caller user part shown to the callee
--   {action = "reject", code = 404, reason = "Not Found"}  -- code 400-699, reason optional
-- Anything else (unknown action or field, bad code, empty targets...) fails the call with an error.
--
-- Sandbox: base (without load*, dofile, require, print...), string, table,
-- math, os.time/date/clock; log.info/warn/error(msg) write to the switch
-- log with the call id. Each call has a time budget (200 ms by default).

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

function route(call)
  if is_extension(call.to) then
    -- The core answers 404 if no such extension exists and 480 if it has
    -- no registered contact.
    return {action = "bridge", targets = {call.to}}
  end
  return {action = "reject", code = 404, reason = "Not Found"}
end
