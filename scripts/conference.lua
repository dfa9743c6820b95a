-- conference.lua: conference rooms by number, with their settings (PIN,
-- leader PIN, waiting for the leader, name announcements, recording,
-- size): a room of the store (REST /api/v1/rooms, config.room, read on
-- every call) first, else one of apps.lua.
--
--   require("conference").join(call, "8000")   -- a room of the store or apps.lua
--   require("conference").ask(call)            -- *8: asks for the number
--
-- Keys in a room: 0 mute yourself, # leave; a leader also has 1 lock,
-- 2 mute everybody else, 3 remove the last who joined.

local apps = require("apps")
local conference = {}

-- room returns room number's settings; nil when there is no such room.
function conference.room(number)
  local r, err = config.room(number)
  if err then log.warn("conference: store:", err) end
  return r or (apps.conferences or {})[number]
end

-- join checks the PIN and puts the caller in room `number`.
function conference.join(call, number)
  local room = conference.room(number)
  call:answer()
  if not room then
    call:play{file = "conf/invalid_number"}
    call:hangup()
    return
  end
  local admin = false
  if room.pin or room.admin_pin then
    local ok = false
    for _ = 1, 3 do
      local pin = call:collect{max = 10, terminator = "#", timeout = 8, prompt = "conf/enter_pin", flush = true}
      if room.admin_pin and pin == room.admin_pin then
        ok, admin = true, true
        break
      end
      if pin == room.pin or (room.pin == nil and pin == "") then
        ok = true
        break
      end
      call:play{file = "conf/invalid_pin"}
    end
    if not ok then
      call:hangup()
      return
    end
  end
  local name
  if room.announce then
    call:play{file = "conf/record_your_name"}
    local rec = call:record{beep = true, terminator = "#", max_duration = 3, silence = 2}
    if rec.duration >= 0.3 then name = rec.file else voicemail.discard(rec.file) end
  end
  local r = call:conference{room = number, admin = admin, wait_leader = room.wait_leader == true,
    muted = room.muted == true, name = name, record = room.record == true, max_members = room.max_members}
  log.info("left conference", number, r.reason)
  if name then voicemail.discard(name) end
  if not r.hung_up then
    call:play{file = "conf/ended"}
    call:hangup()
  end
end

-- ask asks for a room number, then joins it.
function conference.ask(call)
  call:answer()
  for _ = 1, 3 do
    local number = call:collect{max = 8, terminator = "#", timeout = 8, prompt = "conf/enter_number"}
    if conference.room(number) then
      return conference.join(call, number)
    end
    call:play{file = "conf/invalid_number"}
  end
  call:hangup()
end

return conference
