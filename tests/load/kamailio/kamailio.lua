-- Routing logic of the Kamailio reference proxy (KEMI, app_lua), rendered by
-- tests/load/bench.sh: @UAS@ becomes the SIP URI of the load generator's UAS.
--
-- What it does per request, the least a stateful proxy does:
--   max-forwards check (RFC 3261 16.3), in-dialog requests by Route
--   (loose routing, RFC 3261 16.4) or, without a route set, by Request-URI,
--   CANCEL and non-2xx ACK matched to their
--   transaction, REGISTER saved in memory without authentication, INVITE
--   record-routed and relayed statefully to the registered contact or, when
--   the callee is not registered, to the UAS address.

local UAS = "@UAS@"

local function relay()
	if KSR.tm.t_relay() < 0 then
		KSR.sl.sl_reply_error()
	end
	KSR.x.exit()
end

function ksr_request_route()
	if KSR.maxfwd.process_maxfwd(10) < 0 then
		KSR.sl.sl_send_reply(483, "Too Many Hops")
		return 1
	end

	if KSR.siputils.has_totag() > 0 then
		if KSR.rr.loose_route() > 0 then
			relay()
			return 1
		end
		if KSR.is_ACK() and KSR.tm.t_check_trans() > 0 then
			relay()
			return 1
		end
		-- No route set, but the Request-URI is someone else's: a UA that
		-- uses this proxy as its outbound proxy (or a UAS that did not copy
		-- Record-Route, RFC 3261 12.1.1). Forward to the Request-URI.
		if not KSR.is_myself_ruri() then
			relay()
			return 1
		end
		KSR.sl.sl_send_reply(404, "Not here")
		return 1
	end

	if KSR.is_CANCEL() then
		if KSR.tm.t_check_trans() > 0 then
			relay()
		end
		return 1
	end
	-- A retransmission of a request whose transaction exists: tm resends
	-- the last reply itself.
	if not KSR.is_ACK() and KSR.tm.t_check_trans() == 0 then
		return 1
	end

	if KSR.is_REGISTER() then
		if KSR.registrar.save("location", 0) < 0 then
			KSR.sl.sl_reply_error()
		end
		return 1
	end

	if KSR.is_INVITE() then
		KSR.rr.record_route()
		if KSR.registrar.lookup("location") < 0 then
			KSR.setdsturi(UAS)
		end
		relay()
		return 1
	end

	if KSR.is_OPTIONS() then
		KSR.sl.sl_send_reply(200, "OK")
		return 1
	end
	KSR.sl.sl_send_reply(405, "Method Not Allowed")
	return 1
end
