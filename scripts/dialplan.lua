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

-- confirm answers a feature code with "activated" or "deactivated".
local function confirm(ok, on)
  return function(c)
    c:answer()
    if ok then
      c:play{file = on and "feature/activated" or "feature/deactivated"}
    else
      c:play{file = "feature/invalid"}
    end
    c:hangup()
  end
end

-- feature applies the caller's own feature codes (SPEC P6); nil when `to`
-- is none of them.
local function feature(call, to)
  local kinds = {
    {codes.forward_all, codes.forward_all_off, "all"},
    {codes.forward_busy, codes.forward_busy_off, "busy"},
    {codes.forward_no_answer, codes.forward_no_answer_off, "no_answer"},
  }
  local office = require("settings").current().office_hours
  if (to == codes.office_closed or to == codes.office_closed_off) and office then
    local ok, err = timecond.set_override(office, to == codes.office_closed and "closed" or "none")
    if not ok then log.warn("office closed override failed:", err) end
    return confirm(ok, to == codes.office_closed)
  end
  if to == codes.dnd or to == codes.dnd_off then
    local ok, err = config.set_dnd(call.from, to == codes.dnd)
    if not ok then log.warn("dnd for", call.from, "failed:", err) end
    return confirm(ok, to == codes.dnd)
  end
  for _, k in ipairs(kinds) do
    local on, off, kind = k[1], k[2], k[3]
    if off and to == off then
      local ok, err = config.set_forward(call.from, kind, nil)
      if not ok then log.warn("forward", kind, "for", call.from, "failed:", err) end
      return confirm(ok, false)
    end
    if on and #to > #on and to:sub(1, #on) == on then
      local ok, err = config.set_forward(call.from, kind, to:sub(#on + 1))
      if not ok then log.warn("forward", kind, "for", call.from, "failed:", err) end
      return confirm(ok, true)
    end
  end
  return nil
end

-- blacklisting runs the blacklist feature codes (SPEC P9); nil when `to`
-- is none of them.
local function blacklisting(call, to)
  if to == codes.block_last then
    local last = blacklist.last_caller(call.from)
    local ok = last and blacklist.add(last, call.from)
    return confirm(ok, true)
  end
  if to ~= codes.block and to ~= codes.unblock then return nil end
  return function(c)
    c:answer()
    local number = c:collect{max = 32, terminator = "#", timeout = 10, inter_digit = 5,
      prompt = "ivr/enter_extension"}
    local ok, err
    if to == codes.block then
      ok, err = blacklist.add(number, call.from)
    else
      ok, err = blacklist.remove(number)
    end
    if not ok then log.info("blacklist", to, number, "refused:", err) end
    c:play{file = ok and (to == codes.block and "feature/activated" or "feature/deactivated") or "feature/invalid"}
    c:hangup()
  end
end

-- anonymous reports a caller who hides its number.
local function anonymous(call)
  local f = call.from:lower()
  return f == "" or f == "anonymous" or f == "unknown" or call.from_display:lower() == "anonymous"
end

-- has_mailbox reports whether calls to ext may go to its voicemail: it
-- has a box and its voicemail setting is not off (SPEC P1).
local function has_mailbox(ext)
  local e = config.extension(ext)
  return voicemail.box(ext) and not (e and e.voicemail == false)
end

-- forward sends a call on to a forwarding target: one hop only, so two
-- extensions forwarding to each other cannot loop.
local function forward(target, ext, reason, trunk)
  if is_extension(target) and config.extension(target) then
    return {action = "bridge", targets = {target}}
  end
  -- An outside number goes out by the dial rules, as if ext dialled it
  -- (and within the class of the trunk a call from outside came in on);
  -- the provider learns the call was diverted from ext.
  local o = routing.outbound({from = ext, to = target, trunk = trunk})
  if o and not o.refused then
    return {action = "bridge", targets = {o.number}, trunks = o.trunks,
      diversion = ext, diversion_reason = reason or "unconditional"}
  end
  log.warn("forward of", ext, "to", target, "has no route", o and o.refused or "")
  return {action = "reject", code = 404, reason = "Not Found"}
end

-- follow_me rings the extension, then each follow-me number in turn.
local function follow_me(ext, steps)
  return function(call)
    local r = call:bridge{targets = {ext}, timeout = 20}
    if r.answered then return end
    for _, s in ipairs(steps) do
      if is_extension(s.number) then
        r = call:bridge{targets = {s.number}, timeout = s.timeout}
        if r.answered then return end
      end
    end
    if has_mailbox(ext) then
      require("mailbox").deposit(call, ext, "unavailable")
    else
      call:hangup(480)
    end
  end
end

-- extension routes a call to an extension with its call features; trunk
-- is the trunk a call from outside came in on.
local function extension(ext, trunk)
  local e = config.extension(ext)
  -- Unknown here: the core answers 404 (or rings it, when the directory
  -- is not ours to see).
  if not e then return {action = "bridge", targets = {ext}} end
  if e.forward.all then return forward(e.forward.all, ext, nil, trunk) end
  if e.dnd then
    if has_mailbox(ext) then return program(require("mailbox").deposit, ext, "busy") end
    return {action = "reject", code = 486, reason = "Busy Here (do not disturb)"}
  end
  if #e.follow_me > 0 then return follow_me(ext, e.follow_me) end
  return {action = "bridge", targets = {ext}}
end

local destination

-- run carries out a route decision inside a call program: what a group's
-- or a queue's no-answer destination decides after the caller waited.
-- caller_id, when set, is the caller number sent out through a trunk.
local function run(c, d, caller_id)
  if type(d) == "function" then return d(c) end
  if d.action == "bridge" then
    if d.trunks and caller_id then d.caller_id = caller_id end
    local r = c:bridge{targets = d.targets, mode = d.mode, timeout = d.timeout, caller_id = d.caller_id,
      trunks = d.trunks, time_limit = d.time_limit}
    if not r.answered and not r.hung_up then c:hangup(r.code >= 400 and r.code or 480) end
    return
  end
  c:hangup(d.code or 480, d.reason)
end

local function no_answer(c, d, caller_id) return run(c, destination(c, d), caller_id) end

-- ring_group rings a ring group (hookswitch group); nil when number is none.
local function ring_group(number)
  local g, err = groups.get(number)
  if err then log.warn("ring group", number, ":", err) end
  if not g then return nil end
  return program(require("ringgroup").ring, g, no_answer)
end

-- call_queue puts the caller in a queue (hookswitch queue); nil when
-- number is none.
local function call_queue(number)
  if not queue.get(number) then return nil end
  return program(require("callqueue").wait, number, no_answer)
end

-- destination carries out an inbound rule's destination.
destination = function(call, d)
  local kind, target = d.kind, d.target
  if kind == "extension" then return extension(target, call.trunk) end
  if kind == "group" or kind == "queue" then
    local p = kind == "group" and ring_group(target) or call_queue(target)
    if p then return p end
    log.warn("inbound rule", d.rule, ": no", kind, target)
    return {action = "reject", code = 404, reason = "Not Found"}
  end
  if kind == "ivr" then return require("ivr").program(target) end
  if kind == "voicemail" then return program(require("mailbox").deposit, target, "unavailable") end
  if kind == "conference" then return program(require("conference").join, target) end
  if kind == "external" then
    -- Out again by the dial rules (those open to every extension, "*").
    local o = routing.outbound({from = "", to = target, trunk = call.trunk})
    if o and not o.refused then
      return {action = "bridge", targets = {o.number}, trunks = o.trunks, time_limit = o.time_limit}
    end
    log.warn("inbound rule", d.rule, ": no dial rule reaches", target, o and o.refused or "")
    return {action = "reject", code = 404, reason = "Not Found"}
  end
  return {action = "reject", code = 480, reason = "Temporarily Unavailable"}
end

-- with_pin asks the caller for a PIN of the dial rule's PIN set (three
-- tries) before the call goes out; the PIN's label goes to the log.
local function with_pin(set, out)
  return function(c)
    c:answer()
    for _ = 1, 3 do
      local pin = c:collect{max = 16, terminator = "#", timeout = 8, inter_digit = 4, prompt = "feature/enter_pin", flush = true}
      local ok, label = routing.check_pin(set, pin)
      if ok then
        log.info("call from", c.from, "to", out.targets[1], "with PIN of", label ~= "" and label or "(no label)", "in", set)
        return run(c, out)
      end
      c:play{file = "feature/invalid_pin"}
    end
    c:hangup()
  end
end

-- agent_code recognises a queue agent's feature codes (SPEC P3): login
-- *51*<queue>, logout *52*<queue> (*51* and *52* alone: every queue),
-- pause *95, unpause *095; nil when `to` is none of them.
local function agent_code(to)
  for kind, code in pairs({login = codes.queue_login, logout = codes.queue_logout}) do
    if to:sub(1, #code) == code then
      return program(require("callqueue").agent, kind, to:sub(#code + 1))
    end
  end
  if to == codes.queue_pause then return program(require("callqueue").agent, "pause", "") end
  if to == codes.queue_unpause then return program(require("callqueue").agent, "unpause", "") end
  return nil
end

-- pickup recognises the call pickup codes (*9 your group, ** + extension
-- directed); nil when `to` is none of them. Nothing ringing: 404.
local function pickup(to)
  local ext
  if to == codes.pickup then
    ext = nil
  elseif codes.pickup_directed and #to > #codes.pickup_directed
      and to:sub(1, #codes.pickup_directed) == codes.pickup_directed then
    ext = to:sub(#codes.pickup_directed + 1)
    if not is_extension(ext) then return nil end
  else
    return nil
  end
  return function(c)
    local _, err = c:pickup(ext) -- on success the program ends here
    log.info("pickup by", c.from, "failed:", err)
    c:hangup(404, "Not Found (nothing to pick up)")
  end
end

-- inbound routes a call that came in on a trunk (call.trunk): by the
-- inbound rules (DID, caller, office hours), else a DID that is an
-- extension number or an attendant number, else the operator (when
-- apps.unrouted_to_operator is on and the operator is an extension).
-- Trunk callers never reach feature codes or other internal services.
local function inbound(call, set)
  local d, err = routing.inbound(call)
  if err then log.warn("inbound rules:", err) end
  if d then return destination(call, d) end
  local to = call.to
  if is_extension(to) and config.extension(to) then return extension(to, call.trunk) end
  -- (config.extension is nil for unknown numbers: DIDs that are not
  -- extensions need an inbound rule.)
  if config.ivr(to) then return require("ivr").program(to) end -- an IVR of the store
  local menu = (apps.ivr_numbers or {})[to]
  if menu then return require("ivr").program(menu) end
  if set.unrouted_to_operator and set.operator and config.extension(set.operator) then
    log.info("inbound call on trunk", call.trunk, "to unknown DID", to, ": to the operator")
    return extension(set.operator, call.trunk)
  end
  log.info("inbound call on trunk", call.trunk, "to unknown DID", to)
  return {action = "reject", code = 404, reason = "Not Found"}
end

function route(call)
  local to = call.to
  -- The settings of the store (REST /api/v1/settings) over apps.lua.
  local set = require("settings").current()
  if set.block_anonymous and anonymous(call) then
    return {action = "reject", code = 433, reason = "Anonymity Disallowed"}
  end
  if blacklist.has(call.from) then
    return {action = "reject", code = 603, reason = "Decline"}
  end
  if call.trunk ~= "" then return inbound(call, set) end
  -- Feature codes start with * or # (apps.lua codes): numbers that start
  -- with a digit skip them all.
  local first = to:byte(1)
  if call.authenticated and first and (first < 48 or first > 57) then
    local f = feature(call, to) or blacklisting(call, to) or agent_code(to) or pickup(to)
    if f then return f end
  end
  -- Applications first: their numbers may look like extensions. IVRs and
  -- rooms of the store, then those of apps.lua.
  if config.ivr(to) then return require("ivr").program(to) end
  local menu = (apps.ivr_numbers or {})[to]
  if menu then return require("ivr").program(menu) end
  if require("conference").room(to) then
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
  if is_extension(to) and not config.extension(to) then
    local p = ring_group(to) or call_queue(to)
    if p then return p end
  end
  if call.authenticated and not config.extension(to) then
    -- Outside numbers (extensions come first): the first dial rule that
    -- matches (routing.outbound applies its strip/prepend and trunk order).
    local o, err = routing.outbound(call)
    if err then log.warn("dial rules:", err) end
    if o and o.refused then
      log.info("dial policy:", o.refused)
      return {action = "reject", code = 403, reason = "Forbidden (dial policy)"}
    end
    if o then
      local out = {action = "bridge", targets = {o.number}, trunks = o.trunks, time_limit = o.time_limit,
        caller_id = o.caller_id}
      if o.pin_set then return with_pin(o.pin_set, out) end
      return out
    end
  end
  if is_extension(to) then
    -- The core answers 480 when the extension has no registered contact;
    -- failure below forwards busy and unanswered calls, or takes them to
    -- voicemail.
    return extension(to)
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
  -- Forwarding on busy, no answer or unavailable (one hop: only for the
  -- extension that was dialled).
  local e = #req.targets == 1 and req.targets[1] == req.to and config.extension(req.to)
  if e then
    local kind
    if code == 486 or code == 600 then kind = "busy"
    elseif code == 480 and req.reason:find("no answer", 1, true) then kind = "no_answer"
    elseif code == 480 or code == 408 then kind = "unavailable" end
    local target = kind and e.forward[kind]
    local reasons = {busy = "user-busy", no_answer = "no-answer", unavailable = "unavailable"}
    if target and target ~= req.to then return forward(target, req.to, reasons[kind]) end
  end
  local vm = require("settings").current().voicemail
  -- Busy or no answer at an extension with a mailbox: voicemail.
  if vm.ring_before ~= false and (code == 486 or code == 480 or code == 408) and #req.targets == 1
      and req.targets[1] == req.to and has_mailbox(req.to) then
    local reason = code == 486 and "busy" or "unavailable"
    return program(require("mailbox").deposit, req.to, reason)
  end
  return {action = "reject", code = code}
end
