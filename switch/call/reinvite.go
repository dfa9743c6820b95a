package call

import (
	"context"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// reinvite is a re-INVITE relayed from one leg to the other.
type reinvite struct {
	from, to *leg
	out      *gosip.Request  // the re-INVITE we sent on `to`
	res2xx   *gosip.Response // its 2xx, to ACK
	offered  bool            // the re-INVITE carried an offer: we ACK `to` at once
	acked    chan struct{}
	finished chan struct{} // closed once the relay is over
}

func (c *Call) other(l *leg) *leg {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l == c.a {
		return c.b
	}
	return c.a
}

// onReinvite relays a re-INVITE (hold, unhold, media change) to the other
// leg, rewriting SDP both ways and re-pointing the anchor (RFC 3261 14).
func (c *Call) onReinvite(l *leg, req *gosip.Request, tx gosip.ServerTransaction) {
	// Each datagram is handled on its own goroutine, so a phone's next
	// re-INVITE can overtake the ACK of its previous one: give that ACK a
	// moment before calling it glare.
	c.mu.Lock()
	prev := c.pending
	c.mu.Unlock()
	if prev != nil && prev.from == l {
		select {
		case <-prev.finished:
		case <-time.After(time.Second):
		}
	}
	c.mu.Lock()
	ready := c.answered && !c.ended && c.b != nil
	local := c.answered && !c.ended && c.b == nil && l == c.a
	busy := c.pending != nil
	c.mu.Unlock()
	if local && !busy {
		c.answerReinvite(l, req, tx)
		return
	}
	if !ready {
		sip.Respond(tx, req, 491, "", nil) // still setting up (RFC 3261 14.2)
		return
	}
	if busy {
		sip.Respond(tx, req, 491, "", nil)
		return
	}
	to := c.other(l)
	switch {
	case l.isWeb(): // a browser leg negotiated once (webrtc.go)
		c.browserReinvite(l, req, tx)
		return
	case to != nil && to.isWeb(): // the switch answers for the browser
		c.answerReinvite(l, req, tx)
		return
	}
	if !l.d.accept(req) {
		sip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return
	}
	out := to.d.request(gosip.INVITE, 0)
	p := &reinvite{from: l, to: to, out: out, acked: make(chan struct{}), finished: make(chan struct{})}
	if len(req.Body()) > 0 {
		offer, err := media.ParseSDP(req.Body())
		if err != nil {
			sip.Respond(tx, req, 400, "Bad Request (invalid SDP)", nil)
			return
		}
		body, err := to.sdpFor(offer, true)
		if err != nil {
			sip.Respond(tx, req, 488, "", nil)
			return
		}
		l.learn(offer)
		c.sess.SetHold(offer.Audio().Hold)
		out.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
		out.SetBody(body)
		p.offered = true
	} else {
		out.SetBody(nil)
	}
	c.mu.Lock()
	if c.pending != nil { // another re-INVITE got in first
		c.mu.Unlock()
		sip.Respond(tx, req, 491, "", nil)
		return
	}
	c.pending = p
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.pending == p {
			c.pending = nil
		}
		c.mu.Unlock()
		close(p.finished)
	}()

	ctx, cancel := context.WithTimeout(context.Background(), gosip.Timer_B)
	defer cancel()
	ctx, stop := context.WithCancel(ctx)
	go func() {
		select {
		case <-c.done:
			stop()
		case <-ctx.Done():
		}
	}()
	otx, err := c.m.stack.Request(ctx, out)
	if err != nil {
		sip.Respond(tx, req, 500, "", nil)
		return
	}
	defer otx.Terminate()
	var res *gosip.Response
	for res == nil {
		select {
		case r := <-otx.Responses():
			if r.StatusCode >= 200 {
				res = r
			}
		case <-otx.Done():
			sip.Respond(tx, req, 408, "", nil)
			return
		case <-ctx.Done():
			sip.Respond(tx, req, 408, "", nil)
			return
		}
	}
	if res.StatusCode >= 300 {
		sip.Respond(tx, req, res.StatusCode, res.Reason, nil)
		return
	}
	to.d.confirm(res)
	p.res2xx = res
	if p.offered {
		c.m.stack.Write(to.d.request(gosip.ACK, out.CSeq().SeqNo))
	}
	var body []byte
	if len(res.Body()) > 0 {
		ans, err := media.ParseSDP(res.Body())
		if err == nil {
			to.learn(ans)
			if !p.offered {
				c.sess.SetHold(ans.Audio().Hold)
			}
			body, err = l.sdpFor(ans, true)
		}
		if err != nil {
			c.m.log.Warn("re-INVITE answer unusable", "call_id", c.cdr.CallID, "error", err)
		}
	}
	ok := gosip.NewResponseFromRequest(req, 200, "OK", body)
	ok.AppendHeader(&gosip.ContactHeader{Address: l.d.contact})
	if body != nil {
		ok.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	tx.Respond(ok)
	if p.offered {
		if s := l.remote.Load(); s != nil {
			c.holdChanged(l, s.Audio().Hold)
		}
	}
	if !c.waitAck(req, tx, ok, p.acked) {
		c.hangup("no_ack")
	}
}

// answerReinvite answers a re-INVITE of a caller that only the switch
// talks to (a program's prompts, a conference): its media may move or
// hold, and our answer stays on the one codec we terminate.
func (c *Call) answerReinvite(l *leg, req *gosip.Request, tx gosip.ServerTransaction) {
	if !l.d.accept(req) {
		sip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return
	}
	offer := l.remote.Load()
	if len(req.Body()) > 0 {
		o, err := media.ParseSDP(req.Body())
		if err != nil {
			sip.Respond(tx, req, 400, "Bad Request (invalid SDP)", nil)
			return
		}
		// Its extension's allowed codecs (codecs.go) bind the new offer as
		// they did the INVITE's: the codec we terminate is one of them.
		if o, err = l.set.allow(o); err != nil {
			sip.Respond(tx, req, 488, "Not Acceptable Here (no common codec)", nil)
			return
		}
		if _, ok := g711Of(o); !ok {
			sip.Respond(tx, req, 488, "", nil)
			return
		}
		offer = o
	}
	body, err := l.answerTo(offer, true)
	if err != nil {
		sip.Respond(tx, req, 488, "", nil)
		return
	}
	if len(req.Body()) > 0 {
		l.learn(offer)
		c.sess.SetHold(offer.Audio().Hold)
	}
	c.okReinvite(l, req, tx, body, nil)
}

// okReinvite answers l's re-INVITE with our own 200 and SDP body and waits
// for its ACK, holding the call's pending slot meanwhile so another
// re-INVITE (or a transfer) gets 491; then, still holding it, it runs
// acked if not nil. It reports false (and hangs up) when no ACK came.
func (c *Call) okReinvite(l *leg, req *gosip.Request, tx gosip.ServerTransaction, body []byte, acked func()) bool {
	ok := gosip.NewResponseFromRequest(req, 200, "OK", body)
	ok.AppendHeader(&gosip.ContactHeader{Address: l.d.contact})
	ok.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	c.mu.Lock()
	c.pending = &reinvite{from: l, acked: make(chan struct{}), finished: make(chan struct{})}
	p := c.pending
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.pending == p {
			c.pending = nil
		}
		c.mu.Unlock()
		close(p.finished)
	}()
	tx.Respond(ok)
	if !c.waitAck(req, tx, ok, p.acked) {
		c.hangup("no_ack")
		return false
	}
	if acked != nil {
		acked()
	}
	return true
}

// ack forwards the caller-side ACK of a relayed re-INVITE; when the offer
// came in the 2xx (re-INVITE without SDP), the ACK carries the answer.
func (p *reinvite) ack(req *gosip.Request) {
	select {
	case <-p.acked:
		return
	default:
		close(p.acked)
	}
	if p.offered || p.res2xx == nil {
		return
	}
	c := p.to.call
	ack := p.to.d.request(gosip.ACK, p.out.CSeq().SeqNo)
	if len(req.Body()) > 0 {
		if s, err := media.ParseSDP(req.Body()); err == nil {
			p.from.learn(s)
			c.sess.SetHold(s.Audio().Hold)
			if body, err := p.to.sdpFor(s, true); err == nil {
				ack.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
				ack.SetBody(body)
			}
		}
	}
	if ack.Body() == nil {
		ack.SetBody(nil)
	}
	c.m.stack.Write(ack)
}

// relay forwards an in-dialog request that carries no session change
// (INFO) to the other leg and its final response back.
func (c *Call) relay(l *leg, req *gosip.Request, tx gosip.ServerTransaction) {
	c.mu.Lock()
	ready := c.answered && !c.ended && c.b != nil
	c.mu.Unlock()
	if !ready {
		sip.Respond(tx, req, 481, "", nil)
		return
	}
	to := c.other(l)
	out := to.d.request(req.Method, 0)
	if ct := req.ContentType(); ct != nil {
		out.AppendHeader(gosip.NewHeader("Content-Type", ct.Value()))
	}
	out.SetBody(req.Body())
	ctx, cancel := context.WithTimeout(context.Background(), gosip.Timer_F)
	defer cancel()
	otx, err := c.m.stack.Request(ctx, out)
	if err != nil {
		sip.Respond(tx, req, 500, "", nil)
		return
	}
	defer otx.Terminate()
	for {
		select {
		case r := <-otx.Responses():
			if r.StatusCode >= 200 {
				sip.Respond(tx, req, r.StatusCode, r.Reason, nil)
				return
			}
		case <-otx.Done():
			sip.Respond(tx, req, 408, "", nil)
			return
		case <-ctx.Done():
			sip.Respond(tx, req, 408, "", nil)
			return
		}
	}
}
