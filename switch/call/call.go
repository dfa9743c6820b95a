package call

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/webrtc"
)

// Call is one B2BUA call: the caller's leg a, the answering callee's leg b.
type Call struct {
	m        *Manager
	snap     *hook.Snapshot // the scripts generation this call runs on, to its end
	info     hook.RouteRequest
	sess     *media.Session
	offer    *media.SDP
	callerID string

	// The caller's INVITE, answered by run: its transaction stays ours
	// until the final response.
	req      *gosip.Request
	tx       gosip.ServerTransaction
	canceled chan struct{} // closed when the caller CANCELs

	mu                         sync.Mutex
	a, b                       *leg
	answered                   bool // the caller has our 2xx
	final                      bool // the caller has a final response
	selfAnswer                 bool // we answered the caller (a program), not a callee
	program                    bool // a program drives the call: a callee's BYE ends only the bridge
	bridgeEnd                  chan struct{}
	ended                      bool
	status                     string
	cdr                        store.CDR
	acked                      chan struct{} // closed when the caller ACKs our 2xx
	pending                    *reinvite     // a re-INVITE being relayed
	done                       chan struct{}
	authorized                 bool          // the authorize hook was asked (once per call)
	refused                    error         // its refusal, if it refused
	limit                      time.Duration // the authorized talk time; 0 = none
	limitTimer                 *time.Timer
	ep                         *media.Endpoint // the caller's media, terminated for a program
	moh                        *media.Endpoint // music to a held party
	crec                       *callRecording  // a one-touch recording of the bridge
	autoAnswer                 bool            // the next bridge asks phones to answer at once
	shownName                  string          // the caller's name the next bridge shows ("" = its own)
	callerExt                  string          // the extension on leg a, counted in the manager's InUse
	calleeExt                  string          // the extension that answered, counted in the manager's InUse
	trunk                      string          // the trunk the callee was reached on, counted in the manager
	cidSet                     bool            // a decision chose the caller ID (callerID)
	diversion, diversionReason string          // a forward: the number meant, and why
	aWeb                       *webrtc.Peer    // the gateway peer of a browser caller
	transferred                bool            // a REFER handed the call to a new party (transfer.go)
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
	remote  atomic.Pointer[media.SDP] // the last SDP the peer sent
	// A browser peer (webrtc.go), under call.mu: its gateway peer, the SDP
	// sent to it, and a called browser's answer made plain.
	web        *webrtc.Peer
	toBrowser  bool
	webSent    []byte
	webPlain   *media.SDP
	webRole    string // our DTLS setup role after we offered actpass
	webVersion uint64 // how far re-answers moved o='s version
	moved      bool   // an attended transfer moved the leg to another call (under call.mu)

	// set is its extension's codecs, DTMF mode and language (codecs.go),
	// set when the leg is made.
	set extMedia
}

func newCall(m *Manager, req *gosip.Request, tx gosip.ServerTransaction, user string, offer *media.SDP) *Call {
	now := time.Now()
	c := &Call{m: m, offer: offer, callerID: user, req: req, tx: tx, canceled: make(chan struct{}),
		acked: make(chan struct{}), done: make(chan struct{})}
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
	return l.rewrite(s, bump, false)
}

// answerTo is our own answer to l's offer s: the switch ends l's media.
func (l *leg) answerTo(s *media.SDP, bump bool) ([]byte, error) {
	return l.rewrite(s, bump, true)
}

func (l *leg) rewrite(s *media.SDP, bump, answer bool) ([]byte, error) {
	if bump {
		l.version++
	}
	l.call.mu.Lock()
	single := l.call.selfAnswer
	l.call.mu.Unlock()
	s, err := l.forLeg(s)
	if err != nil {
		return nil, err
	}
	out, err := s.Rewrite(media.RewriteOptions{IP: l.call.m.mediaIP(), Port: l.media.LocalPort(), SessionID: l.sessID,
		Version: l.version, SingleCodec: single, Answer: answer})
	if err != nil || !l.isWeb() {
		return out, err
	}
	return l.browserSDP(out)
}

// learn points l's media at the address in the SDP its peer sent.
func (l *leg) learn(s *media.SDP) {
	l.remote.Store(s)
	ai := s.Audio()
	if ai.Addr.IsValid() && !ai.Addr.Addr().IsUnspecified() && ai.Addr.Port() != 0 {
		l.media.SetRemote(ai.Addr)
	}
	// An INFO or in-band phone is offered no telephone-event (codecs.go):
	// whatever its own SDP lists, the relay sends it no RFC 4733.
	pt := ai.TelephoneEventPT
	if !l.set.events() {
		pt = -1
	}
	l.media.SetDTMFPayloadType(pt)
}

func (m *Manager) mediaIP() netip.Addr {
	a, err := netip.ParseAddr(m.stack.Host())
	if err != nil {
		return netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	return a
}

// run drives a new call: the route hook decides, then the decision is
// carried out (bridge, reject or program) until the caller has its final
// response and, when answered, its ACK.
func (c *Call) run() {
	m := c.m
	m.mu.Lock()
	m.calls[c] = struct{}{}
	m.peaks.note(len(m.calls), time.Now())
	m.mu.Unlock()
	if c.info.Authenticated {
		c.mu.Lock()
		c.callerExt = c.info.From
		c.mu.Unlock()
		m.use(c.info.From, 1)
	}
	// Wait covers both the call's life (end) and this goroutine, which may
	// still be answering the caller after a hang-up from outside.
	m.wg.Add(2)
	defer m.wg.Done()

	c.a = newLeg(c, uasDialog(c.req, sip.NewTag(), m.stack.Contact(c.req.Transport(), "")), c.sess.A())
	c.a.web = c.aWeb
	c.a.invite = c.req
	if c.info.Authenticated {
		c.a.set = m.extMediaOf(c.info.From)
	}
	c.a.learn(c.offer)
	m.addDialog(c.a)
	c.blfCaller()

	var once sync.Once
	c.tx.OnCancel(func(*gosip.Request) { once.Do(func() { close(c.canceled) }) })

	sip.Respond(c.tx, c.req, 100, "", nil)
	// While ringing only the long (hold) RTP timeout applies: early media is
	// optional. Answering switches back, which also restarts the clock.
	c.sess.SetHold(true)
	c.sess.Start()
	if c.info.Trunk == "" {
		// A number of another tenant is unknown to this caller, whatever
		// the dial plan would do with it (tenant.go). A trunk's DID is
		// the inbound rules' to judge.
		if err := c.reachNumber(c.info.To); err != nil {
			c.setStatus("rejected")
			c.fail(err)
			return
		}
	}
	dec, err := c.snap.Route(context.Background(), c.info)
	if err != nil {
		m.log.Warn("route hook failed; policy applied", "call_id", c.cdr.CallID, "error", err, "decision", dec.Action)
	}
	c.exec(dec)
}

// maxAttempts bounds how often the failure hook may send a call on.
const maxAttempts = 8

// exec carries out a route decision, asking the failure hook after each
// failed bridge.
func (c *Call) exec(dec hook.RouteDecision) {
	for attempt := 1; ; attempt++ {
		switch dec.Action {
		case hook.ActionReject:
			c.setStatus("rejected")
			c.fail(&sip.Error{Code: dec.Code, Reason: dec.Reason})
			return
		case hook.ActionProgram:
			c.runProgram(dec.Program)
			return
		case hook.ActionBridge:
		default:
			c.fail(&sip.Error{Code: 500, Err: fmt.Errorf("route decision: unknown action %v", dec.Action)})
			return
		}
		c.mu.Lock()
		if dec.CallerID != "" {
			c.callerID, c.cidSet = dec.CallerID, true
		}
		c.diversion, c.diversionReason = dec.Diversion, dec.DiversionReason
		c.mu.Unlock()
		res, err := c.bridge(dec)
		if err == nil {
			c.watchFeatures()
			c.answer(res)
			return
		}
		code, reason := sip.StatusOf(err)
		if code == 487 || c.isEnded() || attempt >= maxAttempts {
			c.fail(err)
			return
		}
		info := c.routeInfo()
		next, herr := c.snap.OnFailure(context.Background(), hook.FailureRequest{
			CallID: info.CallID, From: info.From, To: info.To, Targets: dec.Targets,
			Code: code, Reason: reason, Attempt: attempt})
		if herr != nil {
			c.m.log.Warn("failure hook failed; policy applied", "call_id", c.cdr.CallID, "error", herr)
		}
		if next.Action == hook.ActionReject && next.Code == code {
			c.fail(err) // giving up with the callee's own answer keeps its status
			return
		}
		dec = next
	}
}

// callee is leg b (nil when no callee is connected).
func (c *Call) callee() *leg {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b
}

func (c *Call) setStatus(s string) {
	c.mu.Lock()
	if c.status == "" {
		c.status = s
	}
	c.mu.Unlock()
}

func (c *Call) isEnded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ended
}

// fail answers the caller with err's status and ends the call.
func (c *Call) fail(err error) {
	code, reason := sip.StatusOf(err)
	c.mu.Lock()
	sent := c.final
	c.final = true
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
	if code != 487 && !sent { // the transaction layer already answered a CANCEL with 487
		res := gosip.NewResponseFromRequest(c.req, code, reason, nil)
		res.To().Params.Add("tag", c.a.d.localTag)
		c.tx.Respond(res)
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
func (c *Call) answer(calleeRes *gosip.Response) {
	b := c.callee()
	var answer *media.SDP
	var err error
	if b != nil {
		answer, err = b.parseRemote(calleeRes.Body())
	} else {
		answer, err = media.ParseSDP(calleeRes.Body())
	}
	var body []byte
	if err == nil {
		if b != nil {
			b.learn(answer)
		}
		body, err = c.a.sdpFor(answer, false)
	}
	if err != nil {
		c.m.log.Warn("callee answer has no usable SDP", "call_id", c.cdr.CallID, "error", err)
		c.hangup("bad_answer_sdp")
		c.fail(&sip.Error{Code: 488})
		return
	}
	c.sendOK(body, answer.Audio().Hold)
}

// sendOK answers the caller with our 2xx and waits for its ACK.
func (c *Call) sendOK(body []byte, hold bool) {
	req, tx := c.req, c.tx
	res := gosip.NewResponseFromRequest(req, 200, "OK", body)
	res.To().Params.Add("tag", c.a.d.localTag)
	res.AppendHeader(&gosip.ContactHeader{Address: c.a.d.contact})
	res.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	res.AppendHeader(gosip.NewHeader("Allow", Allowed))
	c.sess.SetHold(hold)
	c.mu.Lock()
	if c.ended {
		// Ended from outside (CANCEL crossing, admin hang-up, shutdown)
		// after the callee's 2xx was picked: hangup saw no answer, so the
		// callee, ACKed by win, still needs its BYE.
		b := c.b
		c.mu.Unlock()
		if b != nil {
			go c.m.bye(b)
		}
		return
	}
	c.answered = true
	c.final = true
	c.status = "answered"
	c.cdr.AnswerTime = time.Now()
	c.a.res2xx = res
	c.mu.Unlock()
	if err := tx.Respond(res); err != nil {
		c.hangup("caller_unreachable")
		return
	}
	c.blfAnswered()
	info := c.routeInfo()
	c.notify(hook.CallEvent{Kind: hook.Answer, CallID: info.CallID, From: info.From, To: info.To})
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
	if l != c.a && c.dropCallee(l) {
		return
	}
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
		if reason != "caller_hangup" && !c.a.moved {
			legs = append(legs, c.a)
		}
		if c.b != nil && reason != "callee_hangup" && !c.b.moved {
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
	if m.send(l.d.request(gosip.BYE, 0), 32*time.Second) == nil {
		m.log.Debug("bye: no answer", "call_id", l.d.callID)
	}
}

// send sends a request we originate and waits up to timeout for its final
// response; nil when none came.
func (m *Manager) send(req *gosip.Request, timeout time.Duration) *gosip.Response {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, _ := m.stack.Final(ctx, req)
	return res
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
	usedTrunk := c.trunk
	close(c.done)
	if c.limitTimer != nil {
		c.limitTimer.Stop()
	}
	c.mu.Unlock()

	c.stopMedia()
	for _, l := range legs {
		l.closeWeb()
	}
	if usedTrunk != "" {
		c.m.useTrunk(usedTrunk, -1)
	}
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
	m.peaks.note(len(m.calls), time.Now()) // an hour with no new call still has its peak
	delete(m.calls, c)
	m.mu.Unlock()
	c.mu.Lock()
	caller, callee := c.callerExt, c.calleeExt
	c.callerExt, c.calleeExt = "", ""
	c.mu.Unlock()
	if had {
		m.use(caller, -1)
	}
	m.use(callee, -1)
	m.releaseTenant(c)
	c.blfEnd()
	if m.cfg.OnEnd != nil {
		m.cfg.OnEnd()
	}
	m.log.Info("call ended", "call_id", cdr.CallID, "caller", cdr.Caller, "callee", cdr.Callee,
		"status", cdr.Status, "reason", reason, "talk", cdr.TalkSeconds)
	// The hangup and cdr hooks may take their budgets: off the SIP path.
	go func() {
		c.record(cdr)
		if had {
			m.wg.Done()
		}
	}()
}

// record runs the hangup and cdr hooks and stores the CDR, then lets the
// scripts generation go.
func (c *Call) record(cdr store.CDR) {
	m := c.m
	if c.snap != nil {
		defer c.snap.Release()
		ctx := context.Background()
		code := cdr.FailCode
		if cdr.Status == store.StatusAnswered {
			code = 200
		}
		if err := c.snap.Notify(ctx, hook.CallEvent{Kind: hook.Hangup, CallID: cdr.CallID, From: cdr.Caller, To: cdr.Callee,
			Code: code, Reason: cdr.EndedReason, Duration: time.Duration(cdr.TalkSeconds) * time.Second}); err != nil {
			m.log.Warn("hangup hook failed", "call_id", cdr.CallID, "error", err)
		}
		if !c.snap.Bound(hook.CDR) {
			// No cdr hook: the record is stored as it is.
		} else if rec, err := cdrFields(cdr); err == nil {
			d, err := c.snap.Invoke(ctx, hook.CDRRequest{Record: rec})
			if err != nil {
				m.log.Warn("cdr hook failed; the record is stored as it is", "call_id", cdr.CallID, "error", err)
			} else if extra := d.(hook.CDRDecision).Extra; len(extra) > 0 {
				cdr.Extra = extra
				if err := cdr.Validate(); err != nil {
					m.log.Warn("cdr: the cdr hook's fields were refused; stored without them", "call_id", cdr.CallID, "error", err)
					cdr.Extra = nil
				}
			}
		}
	}
	m.cdrs.add(&cdr)
}

// cdrFields is the CDR as the cdr hook sees it: its JSON fields.
func cdrFields(cdr store.CDR) (map[string]any, error) {
	b, err := json.Marshal(cdr)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// notify sends a notice hook off the SIP path, holding the call's scripts
// generation until it is done.
func (c *Call) notify(ev hook.CallEvent) {
	if !c.snap.Bound(ev.Hook()) {
		return
	}
	s := c.snap.Acquire()
	go func() {
		defer s.Release()
		if err := s.Notify(context.Background(), ev); err != nil {
			c.m.log.Warn("notice hook failed", "hook", ev.Kind, "call_id", ev.CallID, "error", err)
		}
	}()
}
