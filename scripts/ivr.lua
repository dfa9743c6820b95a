-- ivr.lua: the auto attendant, driven by the IVRs of the store (REST
-- /api/v1/ivrs, config.ivr) and the menus of apps.lua.
--
--   return require("ivr").program("main")   -- from route: a call program
--
-- A name is looked up as a store IVR's number first (read on every call:
-- changes need no reload), then as an apps.lua menu, then as an
-- apps.lua ivr_numbers entry.
--
-- A menu plays its prompt and waits for a key. A key runs its action; a
-- digit that starts an extension number (direct_dial) is followed by the
-- rest of the number. A bad key or silence plays the invalid or timeout
-- prompt and repeats the menu, up to `loops` times.

local apps = require("apps")

local ivr = {}

local function prompts(p)
  if p == nil then return {} end
  if type(p) == "string" then return {p} end
  return p
end

local function ring(call, number)
  if number == "operator" then number = require("settings").current().operator end
  call:play{file = "ivr/transfer"}
  local r = call:bridge{targets = {number}, timeout = 30}
  return r and r.answered
end

-- ask calls a web app that decides (an action URL bound to a key).
local function ask(call, url, menu, key)
  local body = json.encode{call_id = call.call_id, from = call.from, to = call.to, menu = menu, key = key}
  local res, err = http.post(url, body, {["Content-Type"] = "application/json"})
  if not res or res.status ~= 200 then
    log.warn("ivr action url failed:", url, err or (res and res.status))
    return nil
  end
  local ok, dec = pcall(json.decode, res.body)
  if not ok or type(dec) ~= "table" then
    log.warn("ivr action url answered no JSON object:", url)
    return nil
  end
  return dec
end

-- run carries out one action; it returns the next menu's name, or nil
-- when the call is done with the attendant.
local function run(call, action, menu, key)
  if action.url then
    action = ask(call, action.url, menu, key) or {ext = "operator"}
  end
  if action.menu then return action.menu end
  if action.hangup then
    call:play{file = "ivr/goodbye"}
    call:hangup()
    return nil
  end
  if action.group then
    local g = groups.get(action.group)
    if g then require("ringgroup").ring(call, g, nil) else call:hangup(404) end
    return nil
  end
  if action.queue then
    require("callqueue").wait(call, action.queue, nil)
    return nil
  end
  if action.voicemail then
    require("mailbox").deposit(call, action.voicemail, "unavailable")
    return nil
  end
  if action.conference then
    require("conference").join(call, action.conference)
    return nil
  end
  if action.ext then
    if not ring(call, action.ext) then
      call:play{file = "ivr/no_answer"}
      if action.ext ~= "operator" and action.ext ~= require("settings").current().operator then
        require("mailbox").deposit(call, action.ext, "unavailable")
      end
    end
    return nil
  end
  log.warn("ivr: menu", menu, "key", key, "has no known action")
  return menu
end

-- action turns a store destination {kind, target} into a menu action.
local function action(d)
  if not d then return nil end
  local k, t = d.kind, d.target
  if k == "extension" then return {ext = t} end
  if k == "ivr" then return {menu = t} end
  if k == "hangup" then return {hangup = true} end
  if k == "group" or k == "queue" or k == "voicemail" or k == "conference" or k == "url" then return {[k] = t} end
  return nil
end

-- from_store turns a store IVR (config.ivr) into an apps.lua menu.
local function from_store(r)
  local keys = {}
  for key, d in pairs(r.keys or {}) do keys[key] = action(d) end
  local wc = r.when_closed
  return {prompt = r.prompts, keys = keys, direct_dial = r.direct_dial, timeout = r.timeout,
    inter_digit = r.inter_digit, loops = r.loops, invalid = r.invalid_prompt,
    timeout_prompt = r.timeout_prompt, on_timeout = action(r.on_timeout),
    when_closed = wc and wc.ivr, closed_by = wc and wc.time_condition}
end

-- find returns the menu called name: a store IVR, an apps.lua menu or an
-- apps.lua attendant number; nil when none.
local function find(name)
  local r, err = config.ivr(name)
  if err then log.warn("ivr: store:", err) end
  if r then return from_store(r) end
  local menus = apps.menus or {}
  return menus[name] or menus[(apps.ivr_numbers or {})[name] or ""]
end

-- menu runs one menu; it returns the next menu's name or nil.
local function menu(call, name)
  local m = find(name)
  if not m then
    log.warn("ivr: no menu named", name)
    return nil
  end
  local loops = m.loops or 3
  for _ = 1, loops do
    local key = call:collect{max = 1, timeout = m.timeout or 5, prompt = prompts(m.prompt)}
    if key ~= "" and m.direct_dial and key:match("%d") then
      -- Maybe the start of an extension number: more digits within the
      -- inter-digit gap make it one, none leave the key's own action.
      local gap = m.inter_digit or 2
      local rest = call:collect{max = 10, timeout = gap, inter_digit = gap, terminator = "#"}
      if rest ~= "" then
        local number = key .. rest
        if config.extension(number) then
          return run(call, {ext = number}, name, number)
        end
        key = "invalid"
      end
    end
    local act = key ~= "" and (m.keys or {})[key]
    if act then
      return run(call, act, name, key)
    end
    if key == "" then
      call:play{file = m.timeout_prompt or "ivr/timeout"}
    else
      call:play{file = m.invalid or "ivr/invalid"}
    end
  end
  if m.on_timeout then return run(call, m.on_timeout, name, "") end
  return run(call, {ext = "operator"}, name, "")
end

-- program returns a call program running the attendant from menu `start`.
-- closed reports whether the office is closed now: by the menu's own
-- time condition (a store IVR's when_closed), else office_hours (settings,
-- apps.lua); no such condition counts as open.
local function closed(cond)
  cond = cond or require("settings").current().office_hours
  if not cond then return false end
  local open = timecond.open(cond)
  return open == false
end

function ivr.program(start)
  return function(call)
    call:answer()
    local m = find(start)
    if m and m.when_closed and closed(m.closed_by) then start = m.when_closed end
    local name, hops = start, 0
    while name and hops < 20 do -- nested menus; a loop of menus ends
      name = menu(call, name)
      hops = hops + 1
    end
  end
end

return ivr
