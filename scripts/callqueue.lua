-- callqueue.lua: call queues (SPEC P3), configured with `hookswitch queue`.
--
--   require("callqueue").wait(call, number, on_no_answer)
--   require("callqueue").agent(call, code_kind, queue)
--
-- wait puts the caller in the queue (the switch plays its intro, music,
-- position and periodic prompts and rings agents by its strategy). When
-- the queue gives up (maximum wait, full, no agents), the queue's
-- no_answer destination runs through on_no_answer(call, dest); a queue
-- without one hangs up.
--
-- agent carries out an agent's feature code: "login" or "logout" for one
-- queue (or every queue the caller is a dynamic agent of, when queue is
-- ""), "pause" or "unpause" in every queue.

local callqueue = {}

function callqueue.wait(call, number, on_no_answer)
  local q = queue.get(number)
  local r = call:queue{queue = number}
  if r.reason == "answered" or r.hung_up then return end
  log.info("queue", number, "gave up on", call.from, ":", r.reason, "after", r.waited, "s")
  if r.reason == "not_found" then return call:hangup(404) end
  if q and q.no_answer and on_no_answer then return on_no_answer(call, q.no_answer) end
  call:hangup(480)
end

local done = {login = "queue/agent_login", logout = "queue/agent_logout",
  pause = "queue/paused", unpause = "queue/unpaused"}

function callqueue.agent(call, kind, number)
  local ok, err
  if kind == "login" then ok, err = queue.login(number, call.from)
  elseif kind == "logout" then ok, err = queue.logout(number, call.from)
  elseif kind == "pause" then ok, err = queue.pause(call.from)
  else ok, err = queue.unpause(call.from) end
  if not ok then log.info("queue agent", call.from, kind, number, "refused:", err) end
  call:answer()
  call:play{file = ok and done[kind] or "feature/invalid"}
  call:hangup()
end

return callqueue
