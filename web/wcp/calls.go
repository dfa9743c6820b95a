package wcp

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// sipTimeout bounds one SIP exchange a command starts (BYE, INFO,
// re-INVITE).
const sipTimeout = 32 * time.Second

// call places 1003. The session lock is held from the INVITE to the ACK
// 2003 so no event of the call can overtake the ACK that names it.
func (ss *session) call(m callproto.Message) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	a := ss.acct
	if a == nil {
		ss.reply(refused(m, callproto.CodeRefused, "no register for proxy call: register first"))
		return
	}
	// from is a caller-ID wish the switch's policy decides on from the
	// account; cdata and skill have no SIP meaning here yet.
	c, err := a.Call(ss.ctx, m.Get(callproto.KeyTo), m.Get(callproto.KeyDisp), []byte(m.Get(callproto.KeySDP)))
	switch {
	case errors.Is(err, ua.ErrInvalid):
		ss.reply(refused(m, callproto.CodeParamError, strings.TrimPrefix(err.Error(), "ua: invalid argument: ")))
		return
	case errors.Is(err, ua.ErrUnregistered):
		ss.reply(refused(m, callproto.CodeRefused, "no register for proxy call: register first"))
		return
	case err != nil:
		ss.reply(refused(m, callproto.CodeNoResource, "failed to get resource: "+err.Error()))
		return
	}
	ss.calls[c.ID()] = c
	ss.reply(callproto.Ack(m, callproto.CodeProcessing, callproto.F(callproto.KeyCID, c.ID())))
}

// lookup finds the session's call cid; nil when none.
func (ss *session) lookup(cid string) *ua.Call {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.calls[cid]
}

func (ss *session) answer(m callproto.Message) {
	c := ss.lookup(m.Get(callproto.KeyCID))
	if c == nil {
		ss.reply(refused(m, callproto.CodeNoSuchCall, "no such call"))
		return
	}
	ss.replyUA(m, c.Answer([]byte(m.Get(callproto.KeySDP))), callproto.CodeNoSuchCall,
		"cid: the call has no offer to answer (answered already, or placed by you)")
}

// replyUA acknowledges an in-call command by what the UA said: done, a bad
// argument or a call in the wrong state (-2, state saying why), or a call
// that ended meanwhile (gone).
func (ss *session) replyUA(m callproto.Message, err error, gone int, state string) {
	switch {
	case err == nil:
		ss.reply(callproto.Ack(m, callproto.CodeProcessing))
	case errors.Is(err, ua.ErrInvalid):
		ss.reply(refused(m, callproto.CodeParamError, strings.TrimPrefix(err.Error(), "ua: invalid argument: ")))
	case errors.Is(err, ua.ErrCallState):
		ss.reply(refused(m, callproto.CodeParamError, state))
	default:
		ss.reply(refused(m, gone, "no such call: it ended"))
	}
}

func (ss *session) reject(m callproto.Message) {
	c := ss.lookup(m.Get(callproto.KeyCID))
	if c == nil {
		ss.reply(refused(m, callproto.CodeRefused, "no such call"))
		return
	}
	rc, _ := strconv.Atoi(m.Get(callproto.KeyRC)) // Validate checked it
	ss.replyUA(m, c.Reject(rc, m.Get(callproto.KeyMTo)), callproto.CodeRefused,
		"cid: only an incoming call not yet answered can be rejected (hang up with 1010)")
}

func (ss *session) ringing(m callproto.Message) {
	c := ss.lookup(m.Get(callproto.KeyCID))
	if c == nil {
		ss.reply(refused(m, callproto.CodeNoSuchCall, "no such call"))
		return
	}
	ss.replyUA(m, c.Ringing(), callproto.CodeNoSuchCall, "cid: only an incoming call not yet answered can ring")
}

// modify holds and unholds; the outcome is the 9004 that follows (3 held,
// 2 connected again), or, when the switch refuses, a 9004 with the state
// unchanged and the refusal as cause.
func (ss *session) modify(m callproto.Message) {
	c := ss.lookup(m.Get(callproto.KeyCID))
	if c == nil {
		ss.reply(refused(m, callproto.CodeNoSuchCall, "no such call"))
		return
	}
	typ, _ := strconv.Atoi(m.Get(callproto.KeyType))
	switch typ {
	case callproto.ModifyRetrieve:
		ss.retrieve(m, c)
		return
	case callproto.ModifyRefreshVideo:
		ss.reply(callproto.Ack(m, callproto.CodeProcessing)) // audio only: nothing to refresh
		return
	}
	if st := c.State(); st != ua.CallConnected && st != ua.CallHeld && st != ua.CallRemoteHeld {
		ss.reply(refused(m, callproto.CodeParamError, "cid: the call is not connected"))
		return
	}
	on := typ == callproto.ModifyHold
	ss.laterAcked(m, func() { ss.hold(c, on) })
}

func (ss *session) hold(c *ua.Call, on bool) {
	ctx, cancel := context.WithTimeout(ss.ctx, sipTimeout)
	defer cancel()
	err := c.Hold(ctx, on)
	if err == nil || errors.Is(err, ua.ErrCallEnded) {
		return
	}
	cause := ua.Status(err)
	if cause < 100 || cause > 699 {
		cause = 500
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.calls[c.ID()] == c {
		ss.event(callproto.EvCallState, callproto.F(callproto.KeyCID, c.ID()),
			callproto.F(callproto.KeyState, strconv.Itoa(wcpState(c.State()))), callproto.F(callproto.KeyCause, strconv.Itoa(cause)))
	}
}

func (ss *session) disconnect(m callproto.Message) {
	c := ss.lookup(m.Get(callproto.KeyCID))
	if c == nil {
		ss.reply(refused(m, callproto.CodeNoSuchCall, "no such call"))
		return
	}
	if ss.startTransfer(m, c) {
		return
	}
	ss.reply(callproto.Ack(m, callproto.CodeProcessing))
	ss.wg.Add(1)
	go func() { // not the worker: a hang-up never waits behind a re-INVITE
		defer ss.wg.Done()
		ctx, cancel := closeCtx()
		defer cancel()
		c.Hangup(ctx)
	}()
}

func (ss *session) dtmf(m callproto.Message) {
	c := ss.lookup(m.Get(callproto.KeyCID))
	if c == nil {
		ss.reply(refused(m, callproto.CodeNoSuchCall, "no such call"))
		return
	}
	if st := c.State(); st != ua.CallConnected && st != ua.CallHeld && st != ua.CallRemoteHeld {
		ss.reply(refused(m, callproto.CodeParamError, "cid: the call is not connected"))
		return
	}
	digit := m.Get(callproto.KeyDTMF)[0] // Validate: exactly one digit
	ss.laterAcked(m, func() {
		ctx, cancel := context.WithTimeout(ss.ctx, sipTimeout)
		defer cancel()
		if err := c.SendDTMF(ctx, digit); err != nil {
			ss.srv.log.Debug("wcp: dtmf", "call_id", c.ID(), "error", err)
		}
	})
}

// incoming offers a new call to the page as 9002 with the switch's
// WebRTC offer.
func (ss *session) incoming(c *ua.Call) {
	sdp := c.RemoteSDP()
	if len(sdp) == 0 || !utf8.Valid(sdp) || len(sdp) > callproto.MaxValueLen {
		c.Reject(488, "") // the page cannot make the offer itself
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.ctx.Err() != nil {
		c.Reject(480, "")
		return
	}
	ss.calls[c.ID()] = c
	fields := []callproto.Field{callproto.F(callproto.KeyFrom, userPart(c.From(), "anonymous"))}
	if d := line(c.FromName(), 128); d != "" {
		fields = append(fields, callproto.F(callproto.KeyDisp, d))
	}
	fields = append(fields, callproto.F(callproto.KeyTo, userPart(c.To(), userPart(c.Account().User(), "unknown"))),
		callproto.F(callproto.KeyCID, c.ID()), callproto.F(callproto.KeySDP, string(sdp)))
	ss.event(callproto.EvIncomingCall, fields...)
	if c.AutoAnswer() { // intercom or paging: the page answers at once
		ss.event(callproto.EvAnswerNow, callproto.F(callproto.KeyCID, c.ID()))
	}
}

// info reports an INFO the switch sent in a call: which queue agent
// answered a call the page placed (9010).
func (ss *session) info(c *ua.Call, contentType string, body []byte) {
	if !strings.EqualFold(strings.TrimSpace(contentType), hsip.AgentInfoType) {
		return
	}
	agent := userPart(string(body), "")
	if agent == "" {
		return
	}
	ss.mu.Lock()
	known := ss.calls[c.ID()] == c
	ss.mu.Unlock()
	if known {
		ss.event(callproto.EvAgentAnswer, callproto.F(callproto.KeyCID, c.ID()), callproto.F(callproto.KeyAgTel, agent))
	}
}

// callState reports a call's state as 9004; a disconnected call is
// forgotten.
func (ss *session) callState(c *ua.Call, e ua.CallEvent) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.calls[c.ID()] != c {
		return
	}
	if first := ss.firstOf[c]; first != nil {
		ss.secondStateLocked(c, first, e)
		return
	}
	if ss.xfer[c] {
		return // its end is reported with the transfer's outcome
	}
	st := wcpState(e.State)
	if st < 0 {
		return
	}
	fields := []callproto.Field{callproto.F(callproto.KeyCID, c.ID()), callproto.F(callproto.KeyState, strconv.Itoa(st))}
	if st == callproto.CallDisconnected {
		delete(ss.calls, c.ID())
		if e.Code >= 100 && e.Code <= 699 {
			fields = append(fields, callproto.F(callproto.KeyCause, strconv.Itoa(e.Code)))
		}
	}
	ss.event(callproto.EvCallState, fields...)
}

// remoteSDP sends the switch's answer to the page's offer as 9003.
func (ss *session) remoteSDP(c *ua.Call, sdp []byte) {
	if !c.Outgoing() || !utf8.Valid(sdp) || len(sdp) > callproto.MaxValueLen {
		return
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.calls[c.ID()] != c || ss.firstOf[c] != nil && !ss.ownSDP[c] {
		return // that second call offered the first call's media: no answer to give
	}
	ss.event(callproto.EvMediaChange, callproto.F(callproto.KeyCID, c.ID()), callproto.F(callproto.KeySDP, string(sdp)))
}

// wcpState is the 9004 state of a UA call state; -1 for those the
// protocol does not report (calling, incoming).
func wcpState(s ua.CallState) int {
	switch s {
	case ua.CallRinging:
		return callproto.CallRinging
	case ua.CallConnected:
		return callproto.CallConnected
	case ua.CallHeld:
		return callproto.CallLocalHold
	case ua.CallRemoteHeld:
		return callproto.CallRemoteHold
	case ua.CallDisconnected:
		return callproto.CallDisconnected
	}
	return -1
}
