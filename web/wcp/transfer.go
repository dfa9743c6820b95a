package wcp

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// transferWait bounds how long 1010 waits for a transfer's outcome
// before it hangs up the first call anyway.
const transferWait = 3 * time.Minute

// byeWait is how long a transferred call waits for the switch's own BYE
// before we send ours.
const byeWait = 3 * time.Second

// secondCall serves 1008: it places the second call from the same
// account and holds the first. The second call offers the page's own
// SDP when the 1008 carries one (ours: its answer comes as 9003 with the
// second cid); else the browser's SDP of the first call, and the page
// does not hear the second call. Its states come as 9007.
func (ss *session) secondCall(m callproto.Message) {
	cid := m.Get(callproto.KeyCID)
	ss.mu.Lock()
	defer ss.mu.Unlock() // held over the INVITE, like 1003: no 9007 before the ACK
	c := ss.calls[cid]
	switch {
	case c == nil:
		ss.reply(refused(m, callproto.CodeNoSuchCall, "no such call"))
		return
	case ss.acct == nil || c.Account() != ss.acct:
		ss.reply(refused(m, callproto.CodeParamError, "cid: only a call of the registered extension can be transferred"))
		return
	case ss.firstOf[c] != nil:
		ss.reply(refused(m, callproto.CodeParamError, "cid: this is a second call already"))
		return
	case ss.second[cid] != nil || ss.xfer[c]:
		ss.reply(refused(m, callproto.CodeParamError, "cid: a transfer of this call is in progress"))
		return
	}
	if st := c.State(); st != ua.CallConnected && st != ua.CallHeld && st != ua.CallRemoteHeld {
		ss.reply(refused(m, callproto.CodeParamError, "cid: the call is not connected"))
		return
	}
	sdp, own := []byte(m.Get(callproto.KeySDP)), true
	if len(sdp) == 0 {
		sdp, own = c.BaseSDP(), false
	}
	sc, err := ss.acct.Call(ss.ctx, m.Get(callproto.KeyRTo), "", sdp)
	switch {
	case errors.Is(err, ua.ErrInvalid):
		ss.reply(refused(m, callproto.CodeParamError, strings.TrimPrefix(err.Error(), "ua: invalid argument: ")))
		return
	case err != nil:
		// 1008 has no code for a resource failure: the second call is
		// refused as a parameter error with the reason.
		ss.reply(refused(m, callproto.CodeParamError, "rto: the second call failed: "+err.Error()))
		return
	}
	if own {
		ss.ownSDP[sc] = true
	}
	ss.calls[sc.ID()] = sc
	ss.second[cid] = sc
	ss.firstOf[sc] = c
	ss.reply(callproto.Ack(m, callproto.CodeProcessing, callproto.F(callproto.KeyCID, sc.ID())))
	if c.State() != ua.CallHeld {
		ss.later(func() { ss.hold(c, true) })
	}
}

// referRetries are the waits before a REFER refused with 491 is sent
// again: the switch refuses a transfer while the call's media is being
// renegotiated (the hold 1008 started, say), which takes moments.
var referRetries = []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}

func refer(ctx context.Context, c *ua.Call, target string, replaces *ua.Call) (*ua.Transfer, error) {
	for i := 0; ; i++ {
		t, err := c.Refer(ctx, target, replaces)
		if ua.Status(err) != 491 || i == len(referRetries) {
			return t, err
		}
		select {
		case <-time.After(referRetries[i]):
		case <-ctx.Done():
			return nil, err
		}
	}
}

// secondState reports a second call's state as 9007 (0 disconnected, 1
// ringing, 2 connected); a disconnected one is forgotten. Call with ss.mu
// held.
func (ss *session) secondStateLocked(sc, first *ua.Call, e ua.CallEvent) {
	st := -1
	switch e.State {
	case ua.CallRinging:
		st = callproto.CallRinging
	case ua.CallConnected, ua.CallHeld, ua.CallRemoteHeld:
		st = callproto.CallConnected
	case ua.CallDisconnected:
		st = callproto.CallDisconnected
	}
	if st < 0 {
		return
	}
	fields := []callproto.Field{callproto.F(callproto.KeyCID, sc.ID()), callproto.F(callproto.KeyState, strconv.Itoa(st))}
	if st == callproto.CallDisconnected {
		delete(ss.calls, sc.ID())
		delete(ss.firstOf, sc)
		delete(ss.ownSDP, sc)
		if ss.second[first.ID()] == sc {
			delete(ss.second, first.ID())
		}
		if e.Code >= 100 && e.Code <= 699 {
			fields = append(fields, callproto.F(callproto.KeyCause, strconv.Itoa(e.Code)))
		}
	}
	ss.event(callproto.EvSecondCallState, fields...)
}

// retrieve serves 1007 type=2: hang up the second call and resume the
// first.
func (ss *session) retrieve(m callproto.Message, c *ua.Call) {
	ss.mu.Lock()
	sc, busy := ss.second[c.ID()], ss.xfer[c]
	ss.mu.Unlock()
	switch {
	case sc == nil:
		ss.reply(refused(m, callproto.CodeParamError, "type: 2 (retrieve) needs a second call (1008) of this call"))
		return
	case busy:
		ss.reply(refused(m, callproto.CodeParamError, "cid: the transfer is being completed"))
		return
	}
	ss.reply(callproto.Ack(m, callproto.CodeProcessing))
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		ctx, cancel := closeCtx()
		sc.Hangup(ctx)
		cancel()
		ss.later(func() { ss.hold(c, false) })
	}()
}

// startTransfer serves 1010 on a first call whose second call is up: the
// switch connects the two other parties. It reports whether it did.
func (ss *session) startTransfer(m callproto.Message, c *ua.Call) bool {
	ss.mu.Lock()
	sc := ss.second[c.ID()]
	if sc == nil || ss.xfer[c] {
		ss.mu.Unlock()
		return false
	}
	ss.xfer[c] = true
	ss.mu.Unlock()
	ss.reply(callproto.Ack(m, callproto.CodeProcessing))
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		ss.transfer(c, sc)
	}()
	return true
}

// transfer completes 1010: an attended transfer (REFER with Replaces)
// when the second call is connected, else the second call is dropped and
// the first blind-transferred to its number. The first call then ends
// (the switch hangs it up; we do if it does not) and its 9004 state=0
// carries the transfer's final status as cause.
func (ss *session) transfer(c, sc *ua.Call) {
	ctx, cancel := context.WithTimeout(ss.ctx, transferWait)
	defer cancel()
	var replaces *ua.Call
	switch sc.State() {
	case ua.CallConnected, ua.CallHeld, ua.CallRemoteHeld:
		replaces = sc
	default:
		hctx, done := closeCtx()
		sc.Hangup(hctx)
		done()
	}
	t, err := refer(ctx, c, sc.To(), replaces)
	code := 0
	if err != nil {
		code = ua.Status(err)
		ss.srv.log.Debug("wcp: transfer", "call_id", c.ID(), "error", err)
	} else {
		select {
		case <-t.Done():
			code, _ = t.Result()
		case <-ctx.Done():
		}
	}
	if code >= 200 && code < 300 {
		select { // the switch hangs up the transferred call itself
		case <-c.Done():
		case <-time.After(byeWait):
		}
	}
	hctx, done := closeCtx()
	c.Hangup(hctx)
	done()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.xfer, c)
	if ss.calls[c.ID()] != c {
		return
	}
	delete(ss.calls, c.ID())
	delete(ss.second, c.ID()) // a consultation left up still reports as 9007
	fields := []callproto.Field{callproto.F(callproto.KeyCID, c.ID()), callproto.F(callproto.KeyState, strconv.Itoa(callproto.CallDisconnected))}
	if code >= 100 && code <= 699 {
		fields = append(fields, callproto.F(callproto.KeyCause, strconv.Itoa(code)))
	}
	ss.event(callproto.EvCallState, fields...)
}
