-- ivr.lua: the auto attendant, driven by the menus of apps.lua.
--
--   return require("ivr").program("main")   -- from route: a call program
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
  if number == "operator" then number = apps.operator end
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
      if action.ext ~= apps.operator then
        require("mailbox").deposit(call, action.ext, "unavailable")
      end
    end
    return nil
  end
  log.warn("ivr: menu", menu, "key", key, "has no known action")
  return menu
end

-- menu runs one menu; it returns the next menu's name or nil.
local function menu(call, name)
  local m = apps.menus[name]
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
    local action = key ~= "" and m.keys[key]
    if action then
      return run(call, action, name, key)
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
-- closed reports whether the office is closed now (office_hours in
-- apps.lua; no such condition counts as open).
local function closed()
  if not apps.office_hours then return false end
  local open = timecond.open(apps.office_hours)
  return open == false
end

function ivr.program(start)
  return function(call)
    call:answer()
    local m = apps.menus[start]
    if m and m.when_closed and closed() then start = m.when_closed end
    local name, hops = start, 0
    while name and hops < 20 do -- nested menus; a loop of menus ends
      name = menu(call, name)
      hops = hops + 1
    end
  end
end

return ivr
