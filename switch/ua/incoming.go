package ua

import (
	"context"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

// onInvite takes a new call, or a re-INVITE in one of our dialogs.
func (s *Stack) onInvite(req *gosip.Request, tx gosip.ServerTransaction) {
	if tagOf(req.To().Params) != "" {
		c := s.call(req)
		if c == nil {
			hsip.Respond(tx, req, 481, "", nil)
			return
		}
		c.onReinvite(req, tx)
		return
	}
	a := s.account(req)
	if a == nil || !a.active() {
		hsip.Respond(tx, req, 404, "Not Found (no such account here)", nil)
		return
	}
	a.incoming(req, tx)
}

// incoming offers a new call to the owner and serves its INVITE
// transaction until the call is answered, refused or cancelled: sipgo
// ends a transaction whose handler returns without a final response.
func (a *Account) incoming(req *gosip.Request, tx gosip.ServerTransaction) {
	s := a.s
	if req.Contact() == nil {
		hsip.Respond(tx, req, 400, "Bad Request (no Contact)", nil)
		return
	}
	if len(req.Body()) > 0 {
		if ct := req.ContentType(); ct != nil && !isSDPType(ct.Value()) {
			hsip.Respond(tx, req, 415, "", nil, gosip.NewHeader("Accept", "application/sdp"))
			return
		}
		if _, err := parseRemote(req.Body()); err != nil {
			hsip.Respond(tx, req, 488, "Not Acceptable Here (unusable SDP)", nil)
			return
		}
	}
	if a.ev.Incoming == nil {
		hsip.Respond(tx, req, 480, "Temporarily Unavailable (not taking calls)", nil)
		return
	}
	d := uasDialog(req, hsip.NewTag(), a.contact)
	c := newCall(a, d, false)
	c.from, c.fromName, c.to = req.From().Address.User, unquote(req.From().DisplayName), req.To().Address.User
	c.req, c.stx = req, tx
	c.state = CallIncoming
	if len(req.Body()) > 0 {
		c.remote = append([]byte(nil), req.Body()...)
		if info, err := parseRemote(c.remote); err == nil {
			c.remHold = info.Hold
		}
	}
	a.mu.Lock()
	switch {
	case a.gone:
		a.mu.Unlock()
		hsip.Respond(tx, req, 480, "", nil)
		return
	case len(a.calls) >= s.cfg.MaxCalls:
		a.mu.Unlock()
		hsip.Respond(tx, req, 486, "", nil)
		return
	}
	a.calls[c] = struct{}{}
	a.mu.Unlock()
	s.addCall(c)
	cancelled := func(*gosip.Request) {
		c.mu.Lock()
		answered := c.ok != nil
		c.mu.Unlock()
		if !answered { // a CANCEL that crossed our 2xx: the caller ACKs and BYEs it
			c.end(487, "Request Terminated", true)
		}
	}
	if !tx.OnCancel(cancelled) {
		c.drop() // the transaction is over already
		return
	}
	f := a.ev.Incoming
	a.q.push(func() { f(c) })

	// Whoever claims the final response (Answer, Reject, a refusal here)
	// closes c.final once it is out; the handler returns only then.
	timer := time.NewTimer(s.cfg.AnswerTimeout)
	defer timer.Stop()
	select {
	case <-c.final:
	case <-c.done: // cancelled, or the account went away
		c.respondFinal(480, "", "")
	case <-timer.C:
		c.respondFinal(480, "", "")
		c.end(480, "not answered", false)
	case <-s.ctx.Done():
		c.respondFinal(480, "", "")
		c.end(480, "stack closed", false)
	}
	<-c.final
	c.mu.Lock()
	ok, aw, answered := c.ok, c.ack, c.answered
	c.mu.Unlock()
	if answered && !c.awaitAck(tx, ok, aw) {
		c.bye(context.Background())
		c.end(408, "no ACK", true)
	}
}

// Ringing sends 180 Ringing for an incoming call not yet answered.
func (c *Call) Ringing() error {
	c.mu.Lock()
	if err := c.unansweredLocked(); err != nil {
		c.mu.Unlock()
		return err
	}
	c.mu.Unlock()
	if err := c.stx.Respond(c.response(180, "", nil)); err != nil {
		return ErrCallEnded
	}
	c.mu.Lock()
	c.rang = true
	c.changedLocked(180, "Ringing", false)
	c.mu.Unlock()
	return nil
}

// Answer accepts an incoming call with our SDP (plain RTP, from the
// WebRTC gateway): our answer to the caller's offer, or our offer when the
// INVITE had none (the ACK then brings the answer, reported as RemoteSDP).
// The call is connected at once; without the caller's ACK it ends (408).
func (c *Call) Answer(sdp []byte) error {
	if _, err := parseRemote(sdp); err != nil {
		return invalid("sdp: %v", err)
	}
	if _, err := sdpVersion(sdp); err != nil {
		return invalid("sdp: %v", err)
	}
	c.mu.Lock()
	if err := c.unansweredLocked(); err != nil {
		c.mu.Unlock()
		return err
	}
	c.local = append([]byte(nil), sdp...)
	dir := c.offerDirLocked()
	offer := len(c.remote) == 0
	if !offer {
		info, _ := parseRemote(c.remote) // checked when the INVITE came
		dir = answerDir(info, c.localHold)
	}
	body, err := c.bodyLocked(dir)
	if err != nil {
		c.mu.Unlock()
		return invalid("sdp: %v", err)
	}
	res := c.response(200, "", body)
	aw := &ackWait{seq: c.req.CSeq().SeqNo, offer: offer, got: make(chan struct{})}
	c.ok, c.ack = res, aw
	c.mu.Unlock()
	defer close(c.final)
	if err := c.stx.Respond(res); err != nil {
		// The transaction is over: cancelled meanwhile, or timed out.
		// c.ok stays set: the final response is claimed, c.final closes once.
		c.end(487, "Request Terminated", true)
		return ErrCallEnded
	}
	c.mu.Lock()
	c.answered = true
	c.changedLocked(200, "OK", false)
	c.mu.Unlock()
	return nil
}

// Reject refuses an incoming call not yet answered with code (300-699);
// contact is the new target of a 3xx (a user part or a sip: URI).
func (c *Call) Reject(code int, contact string) error {
	if code < 300 || code > 699 {
		return invalid("reject code %d (300-699)", code)
	}
	if contact != "" && (code >= 400 || parseTarget(contact, c.s.cfg.Domain) == nil) {
		return invalid("contact %q (a user part or sip: URI, with 3xx only)", clip(contact))
	}
	if code >= 300 && code < 400 && contact == "" {
		return invalid("a %d needs a contact", code)
	}
	c.mu.Lock()
	if err := c.unansweredLocked(); err != nil {
		c.mu.Unlock()
		return err
	}
	c.mu.Unlock()
	if err := c.respondFinal(code, "", contact); err != nil {
		return err
	}
	c.end(code, hsip.StatusText(code), false)
	return nil
}

// unansweredLocked checks that the call is incoming and still unanswered.
func (c *Call) unansweredLocked() error {
	switch {
	case c.ended:
		return ErrCallEnded
	case c.outgoing || c.answered || c.ok != nil || c.refused:
		return ErrCallState
	}
	return nil
}

// respondFinal sends a final non-2xx response to the INVITE, once. The
// INVITE's handler is released only after it is out: sipgo ends a
// transaction whose handler returns without a final response.
func (c *Call) respondFinal(code int, reason, contact string) error {
	c.mu.Lock()
	if c.ok != nil || c.refused {
		c.mu.Unlock()
		return ErrCallState
	}
	c.refused = true
	c.mu.Unlock()
	defer close(c.final)
	res := c.response(code, reason, nil)
	if u := parseTarget(contact, c.s.cfg.Domain); u != nil {
		res.AppendHeader(&gosip.ContactHeader{Address: *u})
	}
	if err := c.stx.Respond(res); err != nil {
		return ErrCallEnded
	}
	return nil
}

// response builds a response to the INVITE, with our tag and Contact.
func (c *Call) response(code int, reason string, body []byte) *gosip.Response {
	if reason == "" {
		reason = hsip.StatusText(code)
	}
	res := gosip.NewResponseFromRequest(c.req, code, reason, body)
	res.SipVersion = "SIP/2.0"
	if code > 100 {
		res.To().Params.Add("tag", c.d.localTag)
	}
	if code < 300 {
		res.AppendHeader(&gosip.ContactHeader{Address: *c.d.contact.Clone()})
		res.AppendHeader(gosip.NewHeader("Allow", allowed))
	}
	if body != nil {
		res.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	return res
}

// awaitAck retransmits our 2xx until its ACK (RFC 3261 13.3.1.4) and
// says whether it came.
func (c *Call) awaitAck(tx gosip.ServerTransaction, res *gosip.Response, aw *ackWait) bool {
	wait := gosip.T1
	retransmit := time.NewTimer(wait)
	defer retransmit.Stop()
	deadline := time.NewTimer(64 * gosip.T1)
	defer deadline.Stop()
	for {
		select {
		case <-aw.got:
			return true
		case <-c.done:
			return true
		case <-c.s.ctx.Done():
			return true
		case <-deadline.C:
			return false
		case <-retransmit.C:
			tx.Respond(res)
			wait = min(wait*2, gosip.T2)
			retransmit.Reset(wait)
		}
	}
}

// parseTarget reads a redirect target: a sip: or sips: URI, or a user
// part at domain. nil when it is neither.
func parseTarget(s, domain string) *gosip.Uri {
	if s == "" || len(s) > maxHeaderValue {
		return nil
	}
	if validUser(s) {
		return &gosip.Uri{Scheme: "sip", User: s, Host: domain}
	}
	if !strings.HasPrefix(s, "sip:") && !strings.HasPrefix(s, "sips:") {
		return nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == '<' || s[i] == '>' || s[i] == '"' {
			return nil
		}
	}
	var u gosip.Uri
	if err := gosip.ParseUri(s, &u); err != nil || u.Host == "" || len(u.Headers) > 0 {
		return nil
	}
	return &u
}

func isSDPType(v string) bool {
	t, _, _ := strings.Cut(v, ";")
	return strings.EqualFold(strings.TrimSpace(t), "application/sdp")
}

// unquote undoes the quoted-pairs sipgo leaves in a display name.
func unquote(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
