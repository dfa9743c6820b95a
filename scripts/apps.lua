-- apps.lua: the settings of the default PBX applications (auto attendant,
-- voicemail, conference rooms, feature codes). This is the file an admin
-- edits; dialplan.lua and the application modules read it. Edit and
-- reload (hookswitch script reload, or save the file when the scripts
-- directory is watched): calls in progress keep the settings they started
-- with.

return {
  -- The extension that answers "0" in menus and voicemail.
  operator = "1000",
  -- Calls from trunks to a DID that no inbound rule, extension or
  -- attendant takes go to the operator (false: they get 404).
  unrouted_to_operator = true,

  -- Feature codes. Each starts with * or # (dialplan.lua looks for them
  -- only in numbers that do not start with a digit).
  codes = {
    voicemail_any = "*60", -- log in to any mailbox (number and PIN asked)
    voicemail_own = "*61", -- the caller's own mailbox (PIN asked if set)
    conference = "*8",     -- asks for a room number (rooms below)
    page = "*80",          -- *80 + extension: intercom, the phone answers by itself
    -- Call features of the caller's own extension: the code + a number
    -- sets, the "off" code clears.
    forward_all = "*71", forward_all_off = "*071",
    forward_busy = "*72", forward_busy_off = "*072",
    forward_no_answer = "*73", forward_no_answer_off = "*073",
    dnd = "*74", dnd_off = "*074",
    -- The system blacklist: *75 asks for a number to block, *075 for one
    -- to unblock, *76 blocks whoever called you last.
    block = "*75", unblock = "*075", block_last = "*76",
    -- Office closed: force the office_hours time condition closed, or
    -- back to its schedule.
    office_closed = "*78", office_closed_off = "*078",
    -- Queue agents (hookswitch queue): log in to a queue with *51*<queue>
    -- (*51* alone: every queue you are a dynamic agent of), log out with
    -- *52*<queue> or *52*; pause in every queue with *95, resume with *095.
    queue_login = "*51*", queue_logout = "*52*",
    queue_pause = "*95", queue_unpause = "*095",
    -- Call pickup: *9 answers a call ringing a phone of your pickup group
    -- (the extension's pickup_group setting); ** + extension answers a
    -- call ringing that extension.
    pickup = "*9", pickup_directed = "**",
  },

  -- The time condition (hookswitch timecond ...) that says when the office
  -- is open; menus with when_closed use it. Without that condition the
  -- office counts as open.
  office_hours = "office",

  -- Refuse callers who hide their number (433 Anonymity Disallowed).
  block_anonymous = false,

  -- Auto attendants: a number rings a menu. Each menu:
  --   prompt       what it plays (a prompt name, or a list of them)
  --   keys         key -> action; actions:
  --                  {ext = "1001"}             ring an extension
  --                  {menu = "sales"}           another menu
  --                  {voicemail = "1001"}       leave a message in a box
  --                  {conference = "8000"}      a conference room (below)
  --                  {url = "http://host/ivr"}  ask a web app (action URL):
  --                     it gets a JSON POST {call_id, from, to, menu, key}
  --                     and answers {"ext": "1002"} or {"menu": "..."}
  --                     or {"hangup": true}; its host must be allowed
  --                     (script_http_allow)
  --                  {hangup = true}
  --   direct_dial  true: the caller may dial an extension number
  --   timeout      seconds to wait for the first key (5)
  --   inter_digit  seconds between keys of an extension number; with
  --                direct_dial a single key waits this long for more (2)
  --   loops        how often the menu repeats on a timeout or a bad key (3)
  --   invalid      played on a bad key; timeout: played on silence
  --   on_timeout   the action after the last loop (default: the operator)
  --   when_closed  another menu to run instead while office_hours is closed
  menus = {
    main = {
      prompt = {"ivr/welcome", "ivr/main_menu"},
      keys = {
        ["1"] = {ext = "1001"},
        ["2"] = {ext = "1002"},
        ["0"] = {ext = "operator"},
      },
      direct_dial = true,
      timeout = 5,
      inter_digit = 2,
      loops = 3,
      invalid = "ivr/invalid",
      timeout_prompt = "ivr/timeout",
      when_closed = "closed", -- the menu while office_hours is closed
    },
    closed = {
      prompt = {"ivr/closed"},
      keys = {["0"] = {ext = "operator"}},
      loops = 1,
      timeout = 3,
      on_timeout = {hangup = true},
    },
  },
  ivr_numbers = {
    ["5000"] = "main",
  },

  voicemail = {
    min_seconds = 1,    -- shorter messages are dropped
    max_seconds = 180,  -- a message stops here
    silence = 10,       -- seconds of silence that end a message
    greeting_seconds = 60,
    ring_before = true, -- busy and unanswered calls go to voicemail
    utc_offset = 0,     -- seconds east of UTC: when messages are said to have come
  },

  -- Conference rooms by number. pin: to join; admin_pin: to join as the
  -- leader (may lock, kick, mute all); wait_leader: members hear music
  -- until a leader is in; announce: members record their name, said on
  -- join and leave; record: the room is recorded; max_members.
  conferences = {
    ["8000"] = {},
    ["8001"] = {pin = "1234", admin_pin = "4321", wait_leader = true, announce = true},
  },
}
