package call

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// Transfers (RFC 3515 REFER, RFC 3891 Replaces). The B2BUA carries them
// out itself instead of relaying the REFER: the transferee never learns of
// the transferrer's request, so it works with any peer, trunks included.
//
//   - Blind: REFER with Refer-To <sip:NUMBER@host>. The number is routed as
//     if the transferrer had dialled it; the transferrer is released and the
//     other party rings the result (a bridge or a program: voicemail, IVR).
//   - Attended: REFER with Refer-To <sip:NUMBER@host?Replaces=...> naming
//     the transferrer's dialog in another call. The other parties of both
//     calls are connected on the switch's media and the transferrer is
//     released from both.
//
// The transferrer hears the outcome in NOTIFYs with message/sipfrag bodies
// (RFC 3515 2.4.5), unless it asked for none (RFC 4488 Refer-Sub: false).

// referTo is a parsed Refer-To: the number, and the dialog to replace.
type referTo struct {
	number   string
	replaces *replaces
}

// replaces identifies a dialog as its sender sees it (RFC 3891 3): toTag is
// the switch's tag on it, fromTag the sender's.
type replaces struct {
	callID, toTag, fromTag string
}

// maxReferTo bounds the Refer-To value we parse.
const maxReferTo = 2048

// parseReferTo reads the one Refer-To header of a REFER.
func parseReferTo(req *gosip.Request) (referTo, error) {
	hs := req.GetHeaders("Refer-To")
	if len(hs) != 1 {
		return referTo{}, fmt.Errorf("%d Refer-To headers, want one", len(hs))
	}
	v := strings.TrimSpace(hs[0].Value())
	if len(v) > maxReferTo {
		return referTo{}, errors.New("Refer-To too long")
	}
	if i := strings.IndexByte(v, '<'); i >= 0 {
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			return referTo{}, errors.New("Refer-To: unclosed <")
		}
		v = v[i+1 : i+j]
	}
	uri, query, _ := strings.Cut(v, "?")
	var u gosip.Uri
	if err := gosip.ParseUri(uri, &u); err != nil {
		return referTo{}, fmt.Errorf("Refer-To URI: %w", err)
	}
	if u.Scheme != "sip" && u.Scheme != "sips" {
		return referTo{}, fmt.Errorf("Refer-To scheme %.16q is not sip", u.Scheme)
	}
	if u.User == "" || !validNumber(u.User) {
		return referTo{}, fmt.Errorf("Refer-To user %.32q is not a number", u.User)
	}
	r := referTo{number: u.User}
	if query == "" {
		return r, nil
	}
	for _, kv := range strings.Split(query, "&") {
		k, val, _ := strings.Cut(kv, "=")
		if !strings.EqualFold(k, "Replaces") {
			continue // other embedded headers (Accept-Contact...) are not ours
		}
		raw, err := url.QueryUnescape(val)
		if err != nil {
			return referTo{}, fmt.Errorf("Refer-To Replaces: %w", err)
		}
		rp, err := parseReplaces(raw)
		if err != nil {
			return referTo{}, err
		}
		r.replaces = &rp
	}
	return r, nil
}

// parseReplaces reads "call-id;to-tag=x;from-tag=y[;early-only]".
func parseReplaces(v string) (replaces, error) {
	parts := strings.Split(v, ";")
	rp := replaces{callID: strings.TrimSpace(parts[0])}
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch strings.ToLower(k) {
		case "to-tag":
			rp.toTag = val
		case "from-tag":
			rp.fromTag = val
		}
	}
	if rp.callID == "" || rp.toTag == "" || rp.fromTag == "" {
		return replaces{}, errors.New("Replaces needs a Call-ID, to-tag and from-tag")
	}
	return rp, nil
}

// validNumber: what a dial plan takes (digits, *, #, +), bounded.
func validNumber(s string) bool {
	if len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '*' && c != '#' && c != '+' {
			return false
		}
	}
	return true
}

func (m *Manager) onRefer(req *gosip.Request, tx gosip.ServerTransaction) {
	l := m.find(req)
	if l == nil {
		sip.Respond(tx, req, 481, "", nil)
		return
	}
	l.call.onRefer(l, req, tx)
}

// onRefer accepts a transfer request from leg t (the transferrer).
func (c *Call) onRefer(t *leg, req *gosip.Request, tx gosip.ServerTransaction) {
	rt, err := parseReferTo(req)
	if err != nil {
		sip.Respond(tx, req, 400, "Bad Request ("+err.Error()+")", nil)
		return
	}
	if !t.d.accept(req) {
		sip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return
	}
	c.settle(false)
	c.mu.Lock()
	ready := c.answered && !c.ended && c.b != nil && c.pending == nil && !t.moved
	ext := c.callerExt
	if t == c.b {
		ext = c.calleeExt
	}
	c.mu.Unlock()
	switch {
	case !ready:
		sip.Respond(tx, req, 491, "", nil) // not talking yet, or busy with a re-INVITE
		return
	case ext == "":
		// Only a local extension transfers: the number is routed as its own.
		sip.Respond(tx, req, 403, "Forbidden (only extensions transfer)", nil)
		return
	}
	sub := true
	if h := req.GetHeader("Refer-Sub"); h != nil && strings.EqualFold(strings.TrimSpace(h.Value()), "false") {
		sub = false
	}
	var hdrs []gosip.Header
	if !sub {
		hdrs = append(hdrs, gosip.NewHeader("Refer-Sub", "false"))
	}
	sip.Respond(tx, req, 202, "", nil, hdrs...)
	x := &transfer{c: c, t: t, ext: ext, to: rt, sub: sub}
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		x.run()
	}()
}

// transfer is one REFER being carried out.
type transfer struct {
	c   *Call
	t   *leg   // the transferrer's leg in c
	ext string // the transferrer's extension
	to  referTo
	sub bool // NOTIFYs wanted
}

func (x *transfer) run() {
	x.notify(100, "Trying", false)
	var err error
	if x.to.replaces != nil {
		err = x.attended()
	} else {
		err = x.blind()
	}
	if err != nil {
		code, reason := sip.StatusOf(err)
		x.c.m.log.Info("transfer failed", "call_id", x.c.cdr.CallID, "to", x.to.number, "error", err)
		x.notify(code, reason, true)
	}
}

// notify sends the transferrer a refer NOTIFY with the sipfrag status line.
func (x *transfer) notify(code int, reason string, final bool) {
	if !x.sub {
		return
	}
	if reason == "" {
		reason = sip.StatusText(code)
	}
	req := x.t.d.request(gosip.NOTIFY, 0)
	req.AppendHeader(gosip.NewHeader("Event", "refer"))
	state := "active;expires=60"
	if final {
		state = "terminated;reason=noresource"
	}
	req.AppendHeader(gosip.NewHeader("Subscription-State", state))
	req.AppendHeader(gosip.NewHeader("Content-Type", "message/sipfrag;version=2.0"))
	req.SetBody([]byte(fmt.Sprintf("SIP/2.0 %d %s\r\n", code, reason)))
	x.c.m.send(req, gosip.Timer_F)
}

// release hangs up the transferrer's leg t of c, which goes on without it.
func (c *Call) release(t *leg) {
	c.m.mu.Lock()
	if c.m.dialogs[t.d.key()] == t {
		delete(c.m.dialogs, t.d.key())
	}
	c.m.mu.Unlock()
	t.media.NewPeer() // the next callee gets this media leg
	go func() {
		c.m.bye(t)
		t.closeWeb()
	}()
}

// blind routes the number as the transferrer's call and hands the other
// party to the result.
func (x *transfer) blind() error {
	c := x.c
	req := c.routeInfo()
	req.From, req.FromDisplay, req.To = x.ext, "", x.to.number
	req.Authenticated, req.Trunk = true, ""
	dec, err := c.snap.Route(context.Background(), req)
	if err != nil {
		c.m.log.Warn("route hook failed during a transfer; policy applied", "call_id", c.cdr.CallID, "error", err)
	}
	switch dec.Action {
	case hook.ActionReject:
		return &sip.Error{Code: dec.Code, Reason: dec.Reason}
	case hook.ActionBridge:
		// A number nobody has fails the transfer, and the call goes on as
		// it was; one not reachable now is the bridge's (the failure hook
		// may send it to voicemail).
		if _, err := c.resolve(dec); err != nil {
			if code, _ := sip.StatusOf(err); code == 404 {
				return err
			}
		}
	case hook.ActionProgram:
	default:
		return &sip.Error{Code: 500, Err: fmt.Errorf("transfer: unknown route action %v", dec.Action)}
	}
	// The transferee is who stays: it becomes leg a, the caller of what
	// follows, and the transferrer is released.
	eWeb := c.other(x.t).isWeb()
	c.mu.Lock()
	if c.ended || c.b == nil || (c.a != x.t && c.b != x.t) {
		c.mu.Unlock()
		return &sip.Error{Code: 487, Reason: "Request Terminated (the call ended)"}
	}
	e := c.a
	if x.t == c.a {
		e = c.b
		c.a, c.callerExt, c.calleeExt = e, c.calleeExt, ""
		c.m.use(x.ext, -1)
	} else {
		c.m.use(c.calleeExt, -1)
		c.calleeExt = ""
	}
	c.b = nil
	c.transferred = true
	c.selfAnswer = eWeb // a browser keeps its codec: offer only it
	number, name := c.info.From, c.cdr.CallerName
	if e.invite != c.req { // the transferee was the callee: its number is its dialog's
		number, name = e.d.remote.User, ""
	}
	c.info.From, c.info.FromDisplay, c.info.To = number, name, x.to.number
	c.callerID = number
	c.mu.Unlock()
	if s := e.remote.Load(); s != nil {
		// The transferee may be on hold: what the next callee is offered is
		// its media resumed.
		if body, err := e.resumed(s, false); err == nil {
			if o, err := media.ParseSDP(body); err == nil {
				c.mu.Lock()
				c.offer = o
				c.mu.Unlock()
			}
		}
	}
	c.stopMedia()
	x.notify(200, "OK", true)
	c.release(x.t)
	c.blfSync()
	c.m.log.Info("call transferred", "call_id", c.cdr.CallID, "by", x.ext, "to", x.to.number)
	c.runProgram(hook.ProgramFunc(func(ctx context.Context, call hook.Call) error {
		if dec.Action == hook.ActionProgram {
			return dec.Program.Run(ctx, call)
		}
		return c.transferBridge(ctx, call, dec)
	}))
	return nil
}

// transferBridge rings a blind transfer's bridge decision for the
// transferee, asking the failure hook as a new call would.
func (c *Call) transferBridge(ctx context.Context, call hook.Call, dec hook.RouteDecision) error {
	for attempt := 1; ; attempt++ {
		if dec.Action == hook.ActionProgram {
			return dec.Program.Run(ctx, call)
		}
		if dec.Action != hook.ActionBridge {
			return nil
		}
		// The transferee hears ringback while the target rings.
		if _, err := c.endpoint(); err != nil {
			c.m.log.Debug("transfer: no ringback", "call_id", c.cdr.CallID, "error", err)
		}
		r, err := call.Bridge(ctx, hook.BridgeSpec{Targets: dec.Targets, Mode: dec.Mode, Timeout: dec.Timeout,
			CallerID: dec.CallerID, Trunks: dec.Trunks, TimeLimit: dec.TimeLimit})
		if err != nil || r.Answered || attempt >= maxAttempts {
			return err
		}
		info := c.routeInfo()
		next, herr := c.snap.OnFailure(ctx, hook.FailureRequest{CallID: info.CallID, From: info.From, To: info.To,
			Targets: dec.Targets, Code: r.Code, Reason: r.Reason, Attempt: attempt})
		if herr != nil {
			c.m.log.Warn("failure hook failed; policy applied", "call_id", c.cdr.CallID, "error", herr)
		}
		if next.Action == hook.ActionReject {
			return nil
		}
		dec = next
	}
}

// resumedFrom is s, the media of leg from, as we offer it on l off hold:
// narrowed first as forLeg does (codecs.go), with from as the other party,
// since a transfer offers it before the legs are paired.
func (l *leg) resumedFrom(from *leg, s *media.SDP, single bool) ([]byte, error) {
	s, err := from.set.allow(s)
	if err == nil {
		s, err = l.set.restrict(s)
	}
	if err != nil {
		return nil, err
	}
	return l.resumed(s, single)
}

// resumed is s as we offer it on l, off hold; single keeps one codec (for
// a browser, whose codec cannot change).
func (l *leg) resumed(s *media.SDP, single bool) ([]byte, error) {
	l.version++
	return s.Rewrite(media.RewriteOptions{IP: l.call.m.mediaIP(), Port: l.media.LocalPort(), SessionID: l.sessID,
		Version: l.version, Resume: true, SingleCodec: single})
}

// attended connects the other party of this call with the other party of
// the call the Replaces names, and releases the transferrer from both.
func (x *transfer) attended() error {
	c1, m := x.c, x.c.m
	rp := x.to.replaces
	m.mu.Lock()
	lr := m.dialogs[key(rp.callID, rp.toTag)]
	m.mu.Unlock()
	if lr == nil || lr.d.peerTag() != rp.fromTag {
		return &sip.Error{Code: 481, Reason: "Call/Transaction Does Not Exist (Replaces)"}
	}
	c2 := lr.call
	if c2 == c1 {
		return &sip.Error{Code: 400, Reason: "Bad Request (Replaces names the same call)"}
	}
	c2.mu.Lock()
	ringing := !c2.answered && !c2.ended && lr == c2.a
	c2ok := c2.answered && !c2.ended && c2.b != nil && c2.pending == nil && !lr.moved
	targetExt := c2.calleeExt // the extension of lr's other party, if one
	if lr == c2.b {
		targetExt = c2.callerExt
	}
	c2.mu.Unlock()
	if ringing {
		// Transfer while the target still rings ("semi-attended"): the
		// transferrer's own attempt ends and the transferee rings the same
		// number.
		res := gosip.NewResponseFromRequest(c2.req, 487, "Request Terminated", nil)
		res.To().Params.Add("tag", lr.d.localTag)
		c2.tx.Respond(res)
		c2.fail(&sip.Error{Code: 487})
		x.to.replaces = nil
		x.to.number = c2.info.To
		return x.blind()
	}
	if !c2ok {
		return &sip.Error{Code: 481, Reason: "Call/Transaction Does Not Exist (Replaces)"}
	}
	lc := c2.other(lr) // the target
	e := c1.other(x.t) // the transferee
	if lc == nil || e == nil {
		return &sip.Error{Code: 481}
	}
	if lc.isWeb() {
		// A browser's media is negotiated once (webrtc.go); it cannot move.
		return &sip.Error{Code: 488, Reason: "Not Acceptable Here (the target is a browser)"}
	}
	if !c1.lockMedia() {
		return &sip.Error{Code: 491}
	}
	defer c1.unlockMedia()
	if !c2.lockMedia() {
		return &sip.Error{Code: 491}
	}
	defer c2.unlockMedia()
	c1.stopMedia()
	c2.stopMedia()

	// The target moves onto the media the transferrer had in c1: re-INVITE
	// it there with the transferee's media, resumed.
	// The re-INVITE is a new offer to the target: its extension's settings
	// (codecs, DTMF mode) as they are now apply to it and to the new leg.
	nl := &leg{call: c1, d: lc.d, media: x.t.media, sessID: lc.sessID, version: lc.version, set: m.extMediaOf(targetExt)}
	se := e.remote.Load()
	if se == nil {
		return &sip.Error{Code: 500, Err: errors.New("transfer: the transferee has no SDP")}
	}
	body, err := nl.resumedFrom(e, se, e.isWeb())
	if isNoCodec(err) {
		return noCodec(fmt.Errorf("transfer: offer to the target: %w", err))
	}
	if err != nil {
		return &sip.Error{Code: 488, Err: fmt.Errorf("transfer: offer to the target: %w", err)}
	}
	x.t.media.NewPeer() // only once there is an offer: a refused transfer leaves the media as it was
	sc, err := c1.reoffer(nl, body)
	if err != nil {
		return err
	}
	m.mu.Lock()
	c1.mu.Lock()
	c2.mu.Lock()
	gone := c1.ended || c2.ended
	if !gone {
		if c1.a == x.t {
			c1.a = nl
		} else {
			c1.b = nl
		}
		lc.moved = true
		// The target's count moves from c2 to c1 in place of the
		// transferrer's.
		target := c2.calleeExt
		if lc == c2.a {
			target, c2.callerExt = c2.callerExt, ""
		} else {
			c2.calleeExt = ""
		}
		if c1.a == nl {
			m.use(c1.callerExt, -1)
			c1.callerExt = target
		} else {
			m.use(c1.calleeExt, -1)
			c1.calleeExt = target
		}
		if c2.trunk != "" && lc == c2.b && c1.trunk == "" {
			c1.trunk, c2.trunk = c2.trunk, ""
		}
		c1.transferred = true
		c1.cdr.FinalDest = lc.d.remote.User
		if m.dialogs[x.t.d.key()] == x.t {
			delete(m.dialogs, x.t.d.key())
		}
		m.dialogs[nl.d.key()] = nl
	}
	c2.mu.Unlock()
	c1.mu.Unlock()
	m.mu.Unlock()
	if gone {
		return &sip.Error{Code: 487, Reason: "Request Terminated (a call ended)"}
	}
	c1.blfSync()
	// The transferee hears the target now: take it off hold with the
	// target's media (a browser was never held: the switch answered for it).
	if !e.isWeb() {
		if body, err := e.resumedFrom(nl, sc, false); err == nil {
			if _, err := c1.reoffer(e, body); err != nil {
				m.log.Warn("transfer: the transferee refused its new media", "call_id", c1.cdr.CallID, "error", err)
			}
		}
	}
	c1.sess.SetHold(false)
	x.notify(200, "OK", true)
	go func() {
		m.bye(x.t)
		x.t.closeWeb()
	}()
	c2.hangup("transferred")
	m.log.Info("call transferred", "call_id", c1.cdr.CallID, "by", x.ext, "to", nl.d.remote.User, "replaced", c2.cdr.CallID)
	return nil
}

// lockMedia keeps re-INVITEs off the call while a transfer moves its
// media; they get 491 meanwhile (RFC 3261 14.2).
func (c *Call) lockMedia() bool { return c.settle(true) }

// settle waits up to lockWait for a re-INVITE under way to finish (a phone
// holds, then transfers at once) and, with take, holds the slot itself. It
// reports false when the call ended or the re-INVITE did not finish.
func (c *Call) settle(take bool) bool {
	deadline := time.NewTimer(lockWait)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		p, ended := c.pending, c.ended
		if p == nil && !ended && take {
			c.pending = &reinvite{acked: make(chan struct{}), finished: make(chan struct{})}
		}
		c.mu.Unlock()
		if p == nil || ended {
			return !ended
		}
		select {
		case <-p.finished:
		case <-c.done:
			return false
		case <-deadline.C:
			return false
		}
	}
}

const lockWait = 2 * time.Second

func (c *Call) unlockMedia() {
	c.mu.Lock()
	p := c.pending
	if p != nil && p.from == nil && p.to == nil {
		c.pending = nil
		close(p.finished)
	}
	c.mu.Unlock()
}

// reoffer sends our own re-INVITE with offer body on l, ACKs its 2xx and
// learns the answer.
func (c *Call) reoffer(l *leg, body []byte) (*media.SDP, error) {
	res, err := c.reofferRes(l, body)
	if err != nil {
		return nil, err
	}
	ans, err := l.parseRemote(res.Body())
	if err != nil {
		return nil, &sip.Error{Code: 488, Err: fmt.Errorf("re-INVITE answer: %w", err)}
	}
	l.learn(ans)
	return ans, nil
}

// reofferRes sends our own re-INVITE with offer body on l and ACKs and
// returns its 2xx.
func (c *Call) reofferRes(l *leg, body []byte) (*gosip.Response, error) {
	out := l.d.request(gosip.INVITE, 0)
	out.AppendHeader(gosip.NewHeader("Allow", Allowed))
	out.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	out.SetBody(body)
	res := c.m.send(out, gosip.Timer_B)
	if res == nil {
		return nil, &sip.Error{Code: 408}
	}
	if res.StatusCode >= 300 {
		return nil, &sip.Error{Code: res.StatusCode, Reason: res.Reason}
	}
	l.d.confirm(res)
	c.m.stack.Write(l.d.request(gosip.ACK, out.CSeq().SeqNo))
	return res, nil
}

// resumeTransferee offers a transferred caller the media of its new callee
// (answer): it takes it off hold and onto the callee's codec.
func (c *Call) resumeTransferee(answer *media.SDP) {
	c.mu.Lock()
	e, b, transferred := c.a, c.b, c.transferred
	c.mu.Unlock()
	if !transferred || e.isWeb() || b == nil || !c.lockMedia() {
		return
	}
	defer c.unlockMedia()
	body, err := e.resumedFrom(b, answer, false)
	if err == nil {
		_, err = c.reoffer(e, body)
	}
	if err != nil {
		c.m.log.Warn("transfer: the transferee refused its new media", "call_id", c.cdr.CallID, "error", err)
	}
}

// routeInfo is the call as the hooks see it; a transfer changes it.
func (c *Call) routeInfo() hook.RouteRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.info
}

// calleeMedia is the media leg a new callee gets: the one leg a does not
// use (a blind transfer by the caller makes the old callee leg a).
func (c *Call) calleeMedia() *media.Leg {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.a != nil && c.a.media == c.sess.B() {
		return c.sess.A()
	}
	return c.sess.B()
}
