-- say.lua: turns numbers, digit strings, dates and times into lists of
-- prompt names of the shipped prompt set (prompts/en.txt), without ".wav":
--
--   local say = require("say")
--   for _, p in ipairs(say.number(42)) do call:play{file = p} end
--   -- {"digits/40", "digits/2"}
--
-- Functions (each returns a new list; a wrong argument raises an error
-- naming the function):
--   say.number(n)              American English, no "and": 105 is "one
--                              hundred five"; whole numbers up to
--                              999,999,999 either way. Other numbers are
--                              rounded to two decimals and spoken with
--                              "point" and single digits: 3.14 is "three
--                              point one four", 2.50 is "two point five".
--                              A string of decimal digits is taken as its
--                              number ("42", "-1.5").
--   say.digits(s)              one prompt per digit; * and # are "star" and
--                              "pound"; any other character is skipped.
--   say.count(n, one, many)    the number, then one when it is said as
--                              "one" (1, "1", 1.001), else many;
--                              one and many are a prompt name or a list of
--                              them: say.count(n, {"vm/new", "vm/message"},
--                              {"vm/new", "vm/messages"}).
--   say.duration(seconds)      "1 hour 5 minutes", "20 seconds".
--   say.date(t [, offset])     "Sunday November 22nd 2026".
--   say.time(t [, offset])     12-hour clock: "2 30 PM", "9 oh 5 AM",
--                              "12 o'clock AM" (midnight).
--   say.datetime(t, now [, offset])
--                              "today at ...", "yesterday at ...", or the
--                              date (its year only when not now's year) and
--                              time; now = nil always says the full date.
--
-- t and now are Unix times in seconds; offset is the local time's offset
-- from UTC in seconds (default 0, at most 18 hours either way). The
-- calendar is computed here: this module needs no os library.

local say = {}

local floor = math.floor

-- fail raises an argument error; api turns it into an error that names the
-- say function and points at the line that called it.
local function fail(format, ...)
  error({ say = string.format(format, ...) })
end

local function api(name, f)
  say[name] = function(...)
    local ok, res = pcall(f, ...)
    if ok then return res end
    if type(res) == "table" and res.say then
      -- Level 3 is this function's caller: gopher-lua counts one level
      -- more than Lua 5.1 does (say_test.go checks the position).
      error("say." .. name .. ": " .. res.say, 3)
    end
    error(res, 0)
  end
end

local function isnumber(v)
  return type(v) == "number" and v == v
end

local function describe(v)
  if type(v) == "number" then return v ~= v and "NaN" or tostring(v) end
  if type(v) == "string" then return string.format("string %q", v:sub(1, 40)) end
  return type(v)
end

local function push(out, name)
  out[#out + 1] = name
end

local function digit(out, d)
  push(out, string.format("digits/%d", d))
end

-- below1000 adds 1..999 (0 adds nothing).
local function below1000(out, n)
  local hundreds, rest = floor(n / 100), n % 100
  if hundreds > 0 then
    digit(out, hundreds)
    push(out, "digits/hundred")
  end
  if rest >= 20 then
    digit(out, rest - rest % 10)
    if rest % 10 > 0 then digit(out, rest % 10) end
  elseif rest > 0 then
    digit(out, rest)
  end
end

-- whole adds a whole number 0..999,999,999.
local function whole(out, n)
  if n == 0 then
    digit(out, 0)
    return
  end
  local millions, thousands, rest = floor(n / 1e6), floor(n / 1000) % 1000, n % 1000
  if millions > 0 then
    below1000(out, millions)
    push(out, "digits/million")
  end
  if thousands > 0 then
    below1000(out, thousands)
    push(out, "digits/thousand")
  end
  below1000(out, rest)
end

local maxNumber = 999999999

-- number returns the prompts for n and the value they say (n rounded).
local function number(n)
  if type(n) == "string" then
    local s = n:match("^%s*(.-)%s*$")
    if s:match("^%-?%d+%.?%d*$") or s:match("^%-?%.%d+$") then
      n = tonumber(s)
    end
  end
  if not isnumber(n) then
    fail("want a number, got %s", describe(n))
  end
  -- Hundredths, rounded half away from zero.
  local cents = floor(math.abs(n) * 100 + 0.5)
  local int, frac = floor(cents / 100), cents % 100
  if int > maxNumber then
    fail("%s is out of range: at most %d either way", tostring(n), maxNumber)
  end
  local out = {}
  local negative = n < 0 and cents > 0
  if negative then push(out, "digits/minus") end
  whole(out, int)
  if frac > 0 then
    push(out, "digits/point")
    digit(out, floor(frac / 10))
    if frac % 10 > 0 then digit(out, frac % 10) end
  end
  return out, (negative and -cents or cents) / 100
end

api("number", function(n)
  return (number(n))
end)

-- maxDigits bounds say.digits: the sandbox has no memory limit.
local maxDigits = 256

api("digits", function(s)
  if isnumber(s) and s >= 0 and s == floor(s) and s < 2 ^ 53 then
    s = string.format("%d", s)
  elseif type(s) ~= "string" then
    fail("want a string or a whole number not below 0, got %s", describe(s))
  end
  if #s > maxDigits then
    fail("%d characters: at most %d", #s, maxDigits)
  end
  local out = {}
  for c in s:gmatch(".") do
    if c:match("%d") then
      digit(out, tonumber(c))
    elseif c == "*" then
      push(out, "letters/star")
    elseif c == "#" then
      push(out, "letters/pound")
    end
  end
  return out
end)

-- words checks a prompt name or a list of them and returns it as a list.
local function words(what, v)
  if type(v) == "string" and v ~= "" then return { v } end
  if type(v) == "table" and #v > 0 then
    for i = 1, #v do
      if type(v[i]) ~= "string" or v[i] == "" then
        fail("%s[%d]: want a prompt name, got %s", what, i, describe(v[i]))
      end
    end
    return v
  end
  fail("%s: want a prompt name or a list of them, got %s", what, describe(v))
end

-- count adds n and then one or many to out: one when n says "one".
local function count(out, n, one, many)
  local said, value = number(n)
  for i = 1, #said do push(out, said[i]) end
  local noun = value == 1 and one or many
  for i = 1, #noun do push(out, noun[i]) end
end

api("count", function(n, one, many)
  -- Both forms are checked on every call, so that a missing plural shows
  -- at once and not only on the first call with n ~= 1.
  one, many = words("singular", one), words("plural", many)
  local out = {}
  count(out, n, one, many)
  return out
end)

api("duration", function(seconds)
  if not isnumber(seconds) or seconds < 0 then
    fail("want a number of seconds not below 0, got %s", describe(seconds))
  end
  local s = floor(seconds + 0.5)
  local h, m = floor(s / 3600), floor(s / 60) % 60
  s = s % 60
  local out = {}
  if h > 0 then count(out, h, { "time/hour" }, { "time/hours" }) end
  if m > 0 then count(out, m, { "time/minute" }, { "time/minutes" }) end
  if s > 0 or #out == 0 then count(out, s, { "time/second" }, { "time/seconds" }) end
  return out
end)

-- ---- Calendar -----------------------------------------------------------

local months = {
  "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december",
}
local days = { "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday" }
local ordinals = {
  "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th",
  "11th", "12th", "13th", "14th", "15th", "16th", "17th", "18th", "19th", "20th",
  "21st", "22nd", "23rd", "24th", "25th", "26th", "27th", "28th", "29th", "30th", "31st",
}

-- Times from 0001-01-01 to 9999-12-31 (UTC): four-digit years at most.
local minTime, maxTime = -62135596800, 253402300799
local maxOffset = 18 * 3600

-- civil turns days since 1970-01-01 into year, month (1-12) and day, with
-- H. Hinnant's civil_from_days (proleptic Gregorian calendar, eras of 400
-- years = 146097 days starting on March 1st).
local function civil(z)
  z = z + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local d = doy - floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local function checkTime(what, t)
  if not isnumber(t) then
    fail("%s: want a Unix time in seconds, got %s", what, describe(t))
  end
  if t < minTime or t > maxTime then
    fail("%s: %s is out of range: years 1 to 9999", what, tostring(t))
  end
end

local function checkOffset(offset)
  if offset == nil then return 0 end
  if not isnumber(offset) then
    fail("offset: want seconds east of UTC, got %s", describe(offset))
  end
  if math.abs(offset) > maxOffset then
    fail("offset: %s seconds is out of range: at most %d either way", tostring(offset), maxOffset)
  end
  return floor(offset)
end

-- localTime splits a Unix time into local days since 1970-01-01 and the
-- seconds into that day.
local function localTime(t, offset)
  local lt = floor(t) + offset
  local day = floor(lt / 86400)
  return day, lt - day * 86400
end

-- year says years the American way: 1999 "nineteen ninety-nine", 1900
-- "nineteen hundred", 2005 "two thousand five", 2026 "twenty twenty-six",
-- 1905 "nineteen oh five", 3000 "three thousand".
local function year(out, y)
  if y < 1000 or y % 1000 == 0 or (y >= 2000 and y < 2010) then
    whole(out, y)
    return
  end
  whole(out, floor(y / 100))
  local rest = y % 100
  if rest == 0 then
    push(out, "digits/hundred")
    return
  end
  if rest < 10 then push(out, "time/oh") end
  below1000(out, rest)
end

local function date(out, day, withYear)
  local y, m, d = civil(day)
  push(out, "days/" .. days[(day + 4) % 7 + 1]) -- 1970-01-01 was a Thursday
  push(out, "months/" .. months[m])
  push(out, "ordinals/" .. ordinals[d])
  if withYear then year(out, y) end
end

local function clock(out, secs)
  local hour, min = floor(secs / 3600), floor(secs / 60) % 60
  local h12 = hour % 12
  whole(out, h12 == 0 and 12 or h12)
  if min == 0 then
    push(out, "time/oclock")
  else
    if min < 10 then push(out, "time/oh") end
    whole(out, min)
  end
  push(out, hour < 12 and "time/am" or "time/pm")
end

api("date", function(t, offset)
  checkTime("t", t)
  local day = localTime(t, checkOffset(offset))
  local out = {}
  date(out, day, true)
  return out
end)

api("time", function(t, offset)
  checkTime("t", t)
  local _, secs = localTime(t, checkOffset(offset))
  local out = {}
  clock(out, secs)
  return out
end)

api("datetime", function(t, now, offset)
  checkTime("t", t)
  if now ~= nil then checkTime("now", now) end
  offset = checkOffset(offset)
  local day, secs = localTime(t, offset)
  local out = {}
  if now == nil then
    date(out, day, true)
  else
    local today = localTime(now, offset)
    if day == today then
      push(out, "time/today")
    elseif day == today - 1 then
      push(out, "time/yesterday")
    else
      date(out, day, (civil(day)) ~= (civil(today)))
    end
  end
  push(out, "time/at")
  clock(out, secs)
  return out
end)

return say
