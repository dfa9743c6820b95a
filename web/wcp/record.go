package wcp

import (
	"context"
	"errors"
	"strconv"

	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// record asks the switch to start or stop recording the call (1013): an
// INFO "Record: on|off" in the call. The ACK says only that the request
// went out; a refusal (403 by the recording policy) comes as a 9004 with
// the call's state unchanged and the status as cause, as a refused hold
// does.
func (ss *session) record(m callproto.Message) {
	c := ss.lookup(m.Get(callproto.KeyCID))
	if c == nil {
		ss.reply(refused(m, callproto.CodeNoSuchCall, "no such call"))
		return
	}
	if st := c.State(); st != ua.CallConnected && st != ua.CallHeld && st != ua.CallRemoteHeld {
		ss.reply(refused(m, callproto.CodeParamError, "cid: the call is not connected"))
		return
	}
	on := m.Get(callproto.KeyRec) == "1"
	ss.laterAcked(m, func() {
		ctx, cancel := context.WithTimeout(ss.ctx, sipTimeout)
		defer cancel()
		err := c.Record(ctx, on)
		if err == nil || errors.Is(err, ua.ErrCallEnded) {
			return
		}
		ss.srv.log.Debug("wcp: record", "call_id", c.ID(), "on", on, "error", err)
		ss.refusedInCall(c, err)
	})
}

// refusedInCall reports an in-call request the switch refused as a 9004
// with the call's state unchanged and the refusal's status as cause.
func (ss *session) refusedInCall(c *ua.Call, err error) {
	cause := ua.Status(err)
	if cause < 100 || cause > 699 {
		cause = 500
	}
	st := wcpState(c.State())
	if st < 0 {
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.calls[c.ID()] == c {
		ss.event(callproto.EvCallState, callproto.F(callproto.KeyCID, c.ID()),
			callproto.F(callproto.KeyState, strconv.Itoa(st)), callproto.F(callproto.KeyCause, strconv.Itoa(cause)))
	}
}
