-- settings.lua: the application settings in effect for a call: what an
-- admin set over REST or the admin UI (config.settings(), read afresh on
-- every call, so changes need no reload) over the defaults of apps.lua.
--
--   local s = require("settings").current()
--   s.operator, s.unrouted_to_operator, s.office_hours, s.block_anonymous,
--   s.voicemail.max_seconds ...

local apps = require("apps")
local settings = {}

function settings.current()
  local set = config.settings() or {} -- nil, err when the store fails: apps.lua alone
  local function pick(k)
    if set[k] ~= nil then return set[k] end
    return apps[k]
  end
  local vm = {}
  for k, v in pairs(apps.voicemail or {}) do vm[k] = v end
  for k, v in pairs(set.voicemail or {}) do vm[k] = v end
  local office = pick("office_hours")
  if office == "" then office = nil end -- "" set over REST: no office hours
  return {operator = pick("operator"), unrouted_to_operator = pick("unrouted_to_operator"),
    office_hours = office, block_anonymous = pick("block_anonymous"), voicemail = vm}
end

return settings
