package ua

import (
	"context"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// Call places a call from the account to `to`, a user part the switch's
// dial plan routes (an extension, a number, a feature code such as *61),
// offering sdp (plain RTP, from the WebRTC gateway). display is the name
// shown to the callee; hdrs are extra headers for the INVITE. Call returns
// once the INVITE is out, so the call's ID names it at once; ctx bounds
// only that. Progress arrives as events: CallRinging (with early media as
// RemoteSDP), RemoteSDP and CallConnected on answer, or CallDisconnected
// with the failure's SIP code. The switch's digest challenge is answered
// with the account's password.
func (a *Account) Call(ctx context.Context, to, display string, sdp []byte, hdrs ...Header) (*Call, error) {
	if !validUser(to) {
		return nil, invalid("to %q", clip(to))
	}
	if !validDisplay(display) {
		return nil, invalid("display name %q", clip(display))
	}
	if len(hdrs) > maxHeaders {
		return nil, invalid("%d extra headers (at most %d)", len(hdrs), maxHeaders)
	}
	for _, h := range hdrs {
		if !validHeader(h) {
			return nil, invalid("header %q", clip(h.Name))
		}
	}
	if _, err := parseRemote(sdp); err != nil {
		return nil, invalid("sdp: %v", err)
	}
	s := a.s
	callee := gosip.Uri{Scheme: "sip", User: to, Host: a.aor.Host}
	d := &dialog{callID: hsip.NewCallID(), localTag: hsip.NewTag(), local: a.aor, localName: quoteName(display),
		remote: callee, target: callee, contact: a.contact}
	c := newCall(a, d, true)
	c.from, c.fromName, c.to = a.user, display, to
	c.local = append([]byte(nil), sdp...)
	c.state = CallCalling
	c.mu.Lock()
	body, err := c.bodyLocked(c.offerDirLocked())
	c.mu.Unlock()
	if err != nil {
		return nil, invalid("sdp: %v", err)
	}
	a.mu.Lock()
	switch {
	case a.gone:
		a.mu.Unlock()
		return nil, ErrUnregistered
	case len(a.calls) >= s.cfg.MaxCalls:
		a.mu.Unlock()
		return nil, ErrTooManyCalls
	}
	a.calls[c] = struct{}{}
	a.mu.Unlock()
	s.addCall(c)

	build := func() *gosip.Request {
		req := d.request(gosip.INVITE, 0)
		req.AppendHeader(gosip.NewHeader("Allow", allowed))
		for _, h := range hdrs {
			req.AppendHeader(gosip.NewHeader(h.Name, h.Value))
		}
		req.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
		req.SetBody(body)
		return req
	}
	inv := build()
	c.inv, c.inviteSeq = inv, inv.CSeq().SeqNo
	tx, err := s.start(ctx, inv)
	if err != nil {
		c.drop()
		return nil, err
	}
	if !s.spawn(func() { c.runOutgoing(tx, build) }) {
		tx.Terminate()
		c.drop()
		return nil, ErrClosed
	}
	return c, nil
}

// drop forgets a call the owner never got.
func (c *Call) drop() {
	c.mu.Lock()
	c.ended = true
	c.mu.Unlock()
	close(c.done)
	c.s.dropCall(c)
	c.a.mu.Lock()
	delete(c.a.calls, c)
	c.a.mu.Unlock()
}

// runOutgoing follows our INVITE to its final response: provisional
// responses, the digest challenge, a CANCEL once Hangup asks and a
// provisional response allows it (RFC 3261 9.1), the ACK of the 2xx.
func (c *Call) runOutgoing(tx gosip.ClientTransaction, build func() *gosip.Request) {
	s := c.s
	hangup := c.hangup
	var provisional, wantCancel, cancelled bool
	rounds := 0
	for {
		select {
		case res := <-tx.Responses():
			if res == nil {
				continue
			}
			code := res.StatusCode
			switch {
			case code < 200:
				provisional = true
				if wantCancel && !cancelled {
					c.sendCancel()
					cancelled = true
				}
				if code >= 180 && !wantCancel {
					c.mu.Lock()
					c.rang = true
					if len(res.Body()) > 0 {
						if _, err := parseRemote(res.Body()); err == nil {
							c.remoteLocked(res.Body()) // early media
						}
					}
					c.changedLocked(code, res.Reason, true)
					c.mu.Unlock()
				}
			case code < 300:
				c.answered2xx(tx, res, wantCancel)
				return
			case (code == 401 || code == 407) && rounds < maxAuthRounds && !wantCancel && c.a.password != "":
				rounds++
				c.mu.Lock()
				prev := c.inv
				c.mu.Unlock()
				name, value, err := trunk.Answer(res, prev, c.a.user, c.a.password, "")
				if err != nil {
					c.end(code, "authentication failed: "+clip(err.Error()), true)
					return
				}
				inv := build()
				inv.AppendHeader(gosip.NewHeader(name, value))
				c.mu.Lock()
				c.inv, c.inviteSeq = inv, inv.CSeq().SeqNo
				c.mu.Unlock()
				ntx, err := s.start(s.ctx, inv)
				if err != nil {
					c.end(Status(err), "", false)
					return
				}
				tx, provisional = ntx, false
			default:
				c.end(code, res.Reason, !wantCancel)
				return
			}
		case <-tx.Done():
			code := Status(txError(tx, gosip.INVITE))
			if wantCancel {
				c.end(487, "Request Terminated", false)
			} else {
				c.end(code, hsip.StatusText(code), true)
			}
			return
		case <-hangup:
			hangup = nil
			wantCancel = true
			if provisional {
				c.sendCancel()
				cancelled = true
			}
		case <-s.ctx.Done():
			tx.Terminate()
			c.end(480, "stack closed", false)
			return
		}
	}
}

// answered2xx confirms the dialog, ACKs, and connects the call, unless
// we were cancelling it: then the 2xx crossed our CANCEL, and a BYE ends
// it (RFC 3261 9.1).
func (c *Call) answered2xx(tx gosip.ClientTransaction, res *gosip.Response, cancelling bool) {
	c.d.confirm(res)
	c.mu.Lock()
	seq := c.inviteSeq
	c.mu.Unlock()
	c.s.write(c.d.request(gosip.ACK, seq))
	// A lost ACK brings the 2xx back while the transaction lasts (RFC 6026).
	tx.OnRetransmission(func(r *gosip.Response) {
		if r.IsSuccess() {
			c.reack(seq)
		}
	})
	if cancelling {
		c.mu.Lock()
		c.answered = true // so the BYE below is allowed
		c.mu.Unlock()
		c.bye(context.Background())
		c.end(487, "Request Terminated", false)
		return
	}
	body := res.Body()
	c.mu.Lock()
	if len(body) == 0 {
		body = c.remote // the answer came in a 183 (RFC 3261 13.2.1)
	}
	info, err := parseRemote(body)
	if err != nil {
		c.answered = true
		c.mu.Unlock()
		c.bye(context.Background())
		c.end(488, "no usable SDP answer", true)
		return
	}
	c.answered = true
	c.remHold = info.Hold
	c.remoteLocked(body)
	c.changedLocked(res.StatusCode, res.Reason, true)
	c.mu.Unlock()
}

// reack sends the ACK for our INVITE with CSeq seq again.
func (c *Call) reack(seq uint32) {
	c.mu.Lock()
	ok := c.outgoing && c.answered && !c.ended && c.inviteSeq == seq
	c.mu.Unlock()
	if ok {
		c.s.write(c.d.request(gosip.ACK, seq))
	}
}

// sendCancel cancels our INVITE in flight; its answer is read on a
// goroutine of its own (the INVITE's 487 is what matters).
func (c *Call) sendCancel() {
	c.mu.Lock()
	inv := c.inv
	c.mu.Unlock()
	req := gosip.NewRequest(gosip.CANCEL, *inv.Recipient.Clone())
	if v := inv.Via(); v != nil {
		req.AppendHeader(gosip.HeaderClone(v)) // the INVITE's, branch included (RFC 3261 9.1)
	}
	for _, h := range inv.GetHeaders("Route") {
		req.AppendHeader(gosip.HeaderClone(h))
	}
	req.AppendHeader(gosip.HeaderClone(inv.From()))
	req.AppendHeader(gosip.HeaderClone(inv.To()))
	req.AppendHeader(gosip.HeaderClone(inv.CallID()))
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: inv.CSeq().SeqNo, MethodName: gosip.CANCEL})
	mf := gosip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	s := c.s
	s.route(req)
	tx, err := s.sip.RequestAsIs(s.ctx, req)
	if err != nil {
		s.log.Debug("ua: cancel", "call_id", c.ID(), "error", err)
		return
	}
	if !s.spawn(func() { s.final(s.ctx, tx, gosip.CANCEL) }) {
		tx.Terminate()
	}
}
