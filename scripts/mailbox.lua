-- mailbox.lua: the voicemail menus over the `voicemail` module (storage)
-- and the voicemail settings (settings.lua: the store's, then apps.lua).
--
--   require("mailbox").deposit(call, "1001", "busy")  -- leave a message
--   require("mailbox").retrieve(call, nil)            -- *60: any box
--   require("mailbox").retrieve(call, call.from)      -- *61: own box
--
-- Keys while leaving a message: # ends it, 0 goes to the operator (the
-- message is dropped). Retrieval: see the vm/main_menu and vm/message_menu
-- prompts (1 replay, 2 save, 7 delete, 6 next, * back).

local apps = require("apps")
local say = require("say")

local mailbox = {}
-- cfg reads the voicemail settings afresh (settings.lua: the store's over
-- apps.lua), so a change over REST reaches the next message.
local cfg = setmetatable({}, {__index = function(_, k) return require("settings").current().voicemail[k] end})

local function play_list(call, list)
  for _, p in ipairs(list) do call:play{file = p} end
end

-- greet plays the box's greeting for `reason` ("busy", "unavailable"):
-- a temporary greeting wins, then the recorded one, then the standard
-- "the person at extension ... is busy".
local function greet(call, box, number, reason)
  local g = box.greeting or {}
  local own = g.temp or (reason == "busy" and g.busy) or g.unavailable
  if own then
    call:play{file = own}
    return
  end
  call:play{file = "vm/person_at_extension"}
  play_list(call, say.digits(number))
  call:play{file = reason == "busy" and "vm/is_busy" or "vm/is_unavailable"}
end

-- deposit takes a message for box `number`. It answers the call itself.
function mailbox.deposit(call, number, reason)
  local box = voicemail.box(number)
  call:answer()
  if not box then
    call:play{file = "ivr/no_answer"}
    call:hangup()
    return
  end
  greet(call, box, number, reason)
  call:play{file = "vm/leave_message"}
  local rec = call:record{beep = true, terminator = "#0", max_duration = cfg.max_seconds or 180,
    silence = cfg.silence or 10}
  if rec.digit == "0" then
    -- Operator escape: the caller would rather talk to someone.
    voicemail.discard(rec.file)
    call:play{file = "vm/operator"}
    call:transfer(require("settings").current().operator)
    return
  end
  if rec.duration < (cfg.min_seconds or 1) then
    voicemail.discard(rec.file)
    if not rec.hung_up then
      call:play{file = "vm/too_short"}
    end
    return
  end
  local id, err = voicemail.deposit(number, rec.file, call.from, call.from_display)
  if not id then
    log.warn("voicemail deposit for", number, "failed:", err)
    if not rec.hung_up then call:play{file = "vm/mailbox_full"} end
    return
  end
  log.info("voicemail left for", number, "by", call.from, "id", id)
  if not rec.hung_up then
    call:play{file = "vm/message_saved"}
    call:hangup()
  end
end

-- login asks for a box (when not given) and its PIN. A box without a PIN
-- is open only to its own extension (own = true). Only boxes of the
-- call's tenant exist for it: another tenant's is an invalid mailbox.
local function login(call, number, own)
  for _ = 1, 3 do
    if not number then
      number = call:collect{max = 11, terminator = "#", timeout = 8, prompt = "vm/enter_mailbox", flush = true}
    end
    local box = number ~= "" and voicemail.box(number, call.tenant or "")
    if box then
      if not box.has_pin and own then return number end
      if box.has_pin then
        local pin = call:collect{max = 10, terminator = "#", timeout = 8, prompt = "vm/enter_pin"}
        if voicemail.check_pin(number, pin) then return number end
      end
    end
    call:play{file = "vm/login_incorrect"}
    if own then number = call.from else number = nil end
  end
  return nil
end

-- counts says "You have 2 new messages and 1 saved message".
local function counts(call, box)
  if box.new == 0 and box.saved == 0 then
    call:play{file = "vm/no_messages"}
    return
  end
  call:play{file = "vm/you_have"}
  if box.new > 0 then
    play_list(call, say.number(box.new))
    call:play{file = "vm/new"}
    call:play{file = box.new == 1 and "vm/message" or "vm/messages"}
  end
  if box.new > 0 and box.saved > 0 then call:play{file = "vm/and"} end
  if box.saved > 0 then
    play_list(call, say.number(box.saved))
    call:play{file = "vm/saved"}
    call:play{file = box.saved == 1 and "vm/message" or "vm/messages"}
  end
end

-- about says when and from whom a message came.
local function about(call, m)
  call:play{file = "vm/received"}
  play_list(call, say.datetime(m.received, os.time(), cfg.utc_offset or 0))
  if m.caller ~= "" then
    call:play{file = "vm/from"}
    play_list(call, say.digits(m.caller))
  else
    call:play{file = "vm/from_unknown"}
  end
end

-- listen walks one folder; it returns when the caller goes back.
local function listen(call, number, folder)
  local list = voicemail.messages(number, folder) or {}
  if #list == 0 then
    call:play{file = "vm/no_messages"}
    return
  end
  local i = 1
  while i <= #list do
    local m = list[i]
    call:play{file = i == 1 and "vm/first_message" or (i == #list and "vm/last_message" or "vm/next_message")}
    about(call, m)
    -- A message counts as heard once it starts playing.
    if folder == "new" then voicemail.save(number, m.id) end
    local key = call:collect{max = 1, timeout = 0.1, prompt = m.file, flush = true}
    local done = false
    while not done do
      if key == "" then
        key = call:collect{max = 1, timeout = 6, prompt = "vm/message_menu"}
      end
      if key == "1" then
        key = call:collect{max = 1, timeout = 0.1, prompt = m.file}
      elseif key == "2" then
        voicemail.save(number, m.id)
        call:play{file = "vm/message_saved_folder"}
        key = ""
      elseif key == "7" then
        voicemail.delete(number, m.id)
        call:play{file = "vm/message_deleted"}
        done = true
      elseif key == "6" or key == "#" then
        done = true
      elseif key == "*" then
        return
      elseif key == "" then
        done = true -- silence: on to the next one
      else
        key = ""
      end
    end
    i = i + 1
  end
  call:play{file = "vm/no_more_messages"}
end

local function record_greeting(call, number, kind)
  call:play{file = "vm/record_greeting"}
  local rec = call:record{beep = true, terminator = "#", max_duration = cfg.greeting_seconds or 60, silence = 5}
  if rec.hung_up or rec.duration < 1 then
    voicemail.discard(rec.file)
    return
  end
  if voicemail.set_greeting(number, kind, rec.file) then
    call:play{file = "vm/greeting_saved"}
  end
end

local function greetings(call, number)
  local key = call:collect{max = 1, timeout = 6, prompt = "vm/greeting_menu"}
  if key == "1" then record_greeting(call, number, "unavailable")
  elseif key == "2" then record_greeting(call, number, "busy")
  elseif key == "3" then record_greeting(call, number, "temp")
  elseif key == "4" then
    voicemail.remove_greeting(number, "temp")
    call:play{file = "vm/greeting_removed"}
  end
end

local function change_pin(call, number)
  local pin = call:collect{max = 10, terminator = "#", timeout = 8, prompt = "vm/enter_new_pin"}
  local again = call:collect{max = 10, terminator = "#", timeout = 8, prompt = "vm/reenter_pin"}
  if pin == "" or pin ~= again then
    call:play{file = "vm/pin_mismatch"}
    return
  end
  local ok, err = voicemail.set_pin(number, pin)
  if ok then
    call:play{file = "vm/pin_changed"}
  else
    log.info("voicemail pin refused:", err)
    call:play{file = "vm/pin_mismatch"}
  end
end

-- retrieve runs the mailbox menu; number nil asks which box (*60), a
-- number is the caller's own box (*61).
function mailbox.retrieve(call, number)
  call:answer()
  local own = number ~= nil and call.authenticated
  number = login(call, number, own)
  if not number then
    call:play{file = "vm/goodbye"}
    call:hangup()
    return
  end
  counts(call, voicemail.box(number))
  for _ = 1, 20 do
    local key = call:collect{max = 1, timeout = 8, prompt = "vm/main_menu"}
    if key == "1" then listen(call, number, "new")
    elseif key == "2" then listen(call, number, "saved")
    elseif key == "3" then greetings(call, number)
    elseif key == "4" then change_pin(call, number)
    elseif key == "*" or key == "" then break
    end
  end
  call:play{file = "vm/goodbye"}
  call:hangup()
end

return mailbox
