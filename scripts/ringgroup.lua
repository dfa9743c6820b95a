-- ringgroup.lua: ring groups (SPEC P2), configured with `hookswitch group`
-- and read through the groups module:
--
--   require("ringgroup").ring(call, g, on_no_answer)
--
-- g is what groups.get(number) returned: its members come in the order of
-- the group's strategy for this call (ringall rings them together, the
-- hunts one after another, ring_time each). When nobody answers, the
-- group's no_answer destination runs through on_no_answer(call, dest,
-- caller_id), caller_id being the group's outbound caller ID for a
-- destination out through a trunk; a group without one hangs up. Members
-- see the caller's name after the group's caller_id_prefix.

local ringgroup = {}

function ringgroup.ring(call, g, on_no_answer)
  local code = 480
  -- (members is empty when every member's extension has been deleted)
  if #g.members > 0 then
    local name
    if g.caller_id_prefix ~= "" then
      local shown = call.from_display ~= "" and call.from_display or call.from
      name = (g.caller_id_prefix .. shown):gsub('["\\]', ""):sub(1, 64)
    end
    local r = call:bridge{targets = g.members, mode = g.mode, timeout = g.ring_time, caller_name = name}
    if r.answered then
      groups.answered(g.number, r.target)
      return
    end
    if r.hung_up then return end
    if r.code >= 400 then code = r.code end
  end
  if g.no_answer and on_no_answer then
    local cid = g.outbound_caller_id ~= "" and g.outbound_caller_id or nil
    return on_no_answer(call, g.no_answer, cid)
  end
  call:hangup(code)
end

return ringgroup
