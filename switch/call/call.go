package call

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Call is one B2BUA call: the caller's leg a, the answering callee's leg b.
type Call struct {
	m        *Manager
	sess     *media.Session
	offer    *media.SDP
	callerID string

	mu       sync.Mutex
	a, b     *leg
	answered bool
	ended    bool
	status   string
	cdr      store.CDR
	acked    chan struct{} // closed when the caller ACKs our 2xx
	pending  *reinvite     // a re-INVITE being relayed
	done     chan struct{}
}

// leg is one side of a call.
type leg struct {
	call  *Call
	d     *dialog
	media *media.Leg
	// origin of the SDP we send on this leg (RFC 4566 o=): the version grows
	// with every change.
	sessID  uint64
	version uint64
	invite  *gosip.Request // the INVITE that created the leg (UAC side: ours)
	res2xx  *gosip.Response
}

func newCall(m *Manager, req *gosip.Request, user string, offer *media.SDP) *Call {
	now := time.Now()
	c := &Call{m: m, offer: offer, callerID: user, acked: make(chan struct{}), done: make(chan struct{})}
	c.cdr = store.CDR{
		CallID: req.CallID().Value(), Caller: user, CallerName: req.From().DisplayName,
		Callee: req.Recipient.User, Direction: "internal", StartTime: now,
	}
	return c
}

func newLeg(c *Call, d *dialog, ml *media.Leg) *leg {
	return &leg{call: c, d: d, media: ml, sessID: rand.Uint64N(1 << 62), version: 1}
}

// sdpFor rewrites a peer's SDP for sending on l: our address, l's port, l's origin.
func (l *leg) sdpFor(s *media.SDP, bump bool) ([]byte, error) {
	if bump {
		l.version++
	}
	return s.Rewrite(media.RewriteOptions{IP: l.call.m.mediaIP(), Port: l.media.LocalPort(), SessionID: l.sessID, Version: l.version})
}

// learn points l's media at the address in the SDP its peer sent.
func (l *leg) learn(s *media.SDP) {
	ai := s.Audio()
	if ai.Addr.IsValid() && !ai.Addr.Addr().IsUnspecified() && ai.Addr.Port() != 0 {
		l.media.SetRemote(ai.Addr)
	}
	l.media.SetDTMFPayloadType(ai.TelephoneEventPT)
}

func (m *Manager) mediaIP() netip.Addr {
	a, err := netip.ParseAddr(m.stack.Host())
	if err != nil {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	return a
}

// run drives a new call from the route decision to the caller's final
// response and, when answered, until the caller's ACK.
func (c *Call) run(req *gosip.Request, tx gosip.ServerTransaction) {
	m := c.m
	m.mu.Lock()
	m.calls[c] = struct{}{}
	m.mu.Unlock()
	// Wait covers both the call's life (end) and this goroutine, which may
	// still be answering the caller after a hang-up from outside.
	m.wg.Add(2)
	defer m.wg.Done()

	localTag := sip.NewTag()
	c.a = newLeg(c, uasDialog(req, localTag, m.stack.Contact(req.Transport(), "")), c.sess.A())
	c.a.invite = req
	c.a.learn(c.offer)
	m.addDialog(c.a)

	canceled := make(chan struct{})
	var once sync.Once
	tx.OnCancel(func(*gosip.Request) { once.Do(func() { close(canceled) }) })

	sip.Respond(tx, req, 100, "", nil)
	groups, timeout, err := c.route(req)
	if err != nil {
		c.fail(req, tx, localTag, err)
		return
	}
	// While ringing only the long (hold) RTP timeout applies: early media is
	// optional. Answering switches back, which also restarts the clock.
	c.sess.SetHold(true)
	c.sess.Start()
	res, err := c.ring(req, tx, localTag, groups, timeout, canceled)
	if err != nil {
		c.fail(req, tx, localTag, err)
		return
	}
	c.answer(req, tx, res)
}

// fail answers the caller with err's status and ends the call.
func (c *Call) fail(req *gosip.Request, tx gosip.ServerTransaction, localTag string, err error) {
	code, reason := sip.StatusOf(err)
	c.mu.Lock()
	if c.status == "" {
		switch {
		case code == 487:
			c.status = "canceled"
		case code == 486 || code == 600:
			c.status = "busy"
		case code == 480 && reason == noAnswer:
			c.status = "no_answer"
		default:
			c.status = "failed"
		}
	}
	c.cdr.FailCode = code
	c.mu.Unlock()
	if code != 487 { // the transaction layer already answered a CANCEL with 487
		res := gosip.NewResponseFromRequest(req, code, reason, nil)
		res.To().Params.Add("tag", localTag)
		tx.Respond(res)
	}
	c.end(endReason(code))
}

func endReason(code int) string {
	switch code {
	case 487:
		return "caller_cancel"
	case 486, 600:
		return "callee_busy"
	case 480, 408:
		return "callee_unavailable"
	}
	return "failed"
}

// answer relays the callee's 2xx to the caller and waits for the ACK,
// retransmitting the 2xx over UDP (RFC 3261 13.3.1.4).
func (c *Call) answer(req *gosip.Request, tx gosip.ServerTransaction, calleeRes *gosip.Response) {
	answer, err := media.ParseSDP(calleeRes.Body())
	var body []byte
	if err == nil {
		c.b.learn(answer)
		body, err = c.a.sdpFor(answer, false)
	}
	if err != nil {
		c.m.log.Warn("callee answer has no usable SDP", "call_id", c.cdr.CallID, "error", err)
		c.hangup("bad_answer_sdp")
		res := gosip.NewResponseFromRequest(req, 488, "", nil)
		res.To().Params.Add("tag", c.a.d.localTag)
		tx.Respond(res)
		return
	}
	res := gosip.NewResponseFromRequest(req, 200, "OK", body)
	res.To().Params.Add("tag", c.a.d.localTag)
	res.AppendHeader(&gosip.ContactHeader{Address: c.a.d.contact})
	res.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	res.AppendHeader(gosip.NewHeader("Allow", Allowed))
	c.sess.SetHold(answer.Audio().Hold)
	c.mu.Lock()
	c.answered = true
	c.status = "answered"
	c.cdr.AnswerTime = time.Now()
	c.a.res2xx = res
	c.mu.Unlock()
	if err := tx.Respond(res); err != nil {
		c.hangup("caller_unreachable")
		return
	}
	if !c.waitAck(req, tx, res, c.acked) {
		c.hangup("no_ack")
	}
}

// waitAck waits for the ACK of a 2xx we sent, retransmitting the 2xx over
// UDP (RFC 3261 13.3.1.4). The ACK comes through onAck (closing acked) or,
// from RFC 2543 phones that reuse the INVITE's branch, through the
// transaction. It reports false when no ACK came in 64*T1.
func (c *Call) waitAck(req *gosip.Request, tx gosip.ServerTransaction, res *gosip.Response, acked <-chan struct{}) bool {
	reliable := gosip.IsReliable(req.Transport())
	wait := gosip.T1
	retransmit := time.NewTimer(wait)
	defer retransmit.Stop()
	deadline := time.NewTimer(64 * gosip.T1)
	defer deadline.Stop()
	for {
		select {
		case <-acked:
			return true
		case <-tx.Acks():
			return true
		case <-c.done:
			return true
		case <-deadline.C:
			return false
		case <-retransmit.C:
			if !reliable {
				tx.Respond(res)
			}
			wait = min(wait*2, gosip.T2)
			retransmit.Reset(wait)
		}
	}
}

func (c *Call) onAck(l *leg, req *gosip.Request) {
	c.mu.Lock()
	p := c.pending
	c.mu.Unlock()
	if l == c.a {
		select {
		case <-c.acked:
		default:
			if req.CSeq().SeqNo == c.a.invite.CSeq().SeqNo {
				close(c.acked)
				return
			}
		}
	}
	if p != nil && p.from == l {
		p.ack(req)
	}
}

// reack answers a retransmitted 2xx from a callee.
func (c *Call) reack(l *leg, cseq uint32) {
	ack := l.d.request(gosip.ACK, cseq)
	c.m.stack.Write(ack)
}

// onBye ends the call from either side.
func (c *Call) onBye(l *leg, req *gosip.Request, tx gosip.ServerTransaction) {
	sip.Respond(tx, req, 200, "", nil)
	reason := "caller_hangup"
	if l != c.a {
		reason = "callee_hangup"
	}
	c.hangup(reason)
}

// hangup ends the call, sending BYE to every confirmed leg but nothing to a
// leg whose BYE we are answering (it is already gone by then).
func (c *Call) hangup(reason string) {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return
	}
	legs := []*leg{}
	if c.answered {
		if reason != "caller_hangup" {
			legs = append(legs, c.a)
		}
		if c.b != nil && reason != "callee_hangup" {
			legs = append(legs, c.b)
		}
	}
	c.mu.Unlock()
	for _, l := range legs {
		go c.m.bye(l)
	}
	c.end(reason)
}

// bye sends a BYE on a leg and waits a bounded time for its answer.
func (m *Manager) bye(l *leg) {
	req := l.d.request(gosip.BYE, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 32*time.Second)
	defer cancel()
	tx, err := m.stack.Request(ctx, req)
	if err != nil {
		m.log.Debug("bye: send", "error", err)
		return
	}
	defer tx.Terminate()
	for {
		select {
		case r := <-tx.Responses():
			if r.StatusCode >= 200 {
				return
			}
		case <-tx.Done():
			return
		case <-ctx.Done():
			return
		}
	}
}

// end releases the call's resources and writes its CDR, once.
func (c *Call) end(reason string) {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return
	}
	c.ended = true
	now := time.Now()
	c.cdr.EndTime = now
	c.cdr.EndedReason = reason
	if c.status == "" {
		c.status = "failed"
	}
	c.cdr.Status = c.status
	if !c.cdr.AnswerTime.IsZero() {
		c.cdr.TalkSeconds = int(now.Sub(c.cdr.AnswerTime).Round(time.Second) / time.Second)
		if !c.cdr.RingTime.IsZero() {
			c.cdr.RingSeconds = int(c.cdr.AnswerTime.Sub(c.cdr.RingTime).Round(time.Second) / time.Second)
		}
	} else if !c.cdr.RingTime.IsZero() {
		c.cdr.RingSeconds = int(now.Sub(c.cdr.RingTime).Round(time.Second) / time.Second)
	}
	legs := []*leg{c.a, c.b}
	cdr := c.cdr
	close(c.done)
	c.mu.Unlock()

	if c.sess != nil {
		c.sess.Close()
	}
	m := c.m
	m.mu.Lock()
	for _, l := range legs {
		if l != nil && m.dialogs[l.d.key()] == l {
			delete(m.dialogs, l.d.key())
		}
	}
	_, had := m.calls[c]
	delete(m.calls, c)
	m.mu.Unlock()
	if err := m.st.AddCDR(&cdr); err != nil {
		m.log.Error("cdr: write", "call_id", cdr.CallID, "error", err)
	}
	m.log.Info("call ended", "call_id", cdr.CallID, "caller", cdr.Caller, "callee", cdr.Callee,
		"status", cdr.Status, "reason", reason, "talk", cdr.TalkSeconds)
	if had {
		m.wg.Done()
	}
}
