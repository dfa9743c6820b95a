package ua

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

const (
	// glareRetries bounds the re-INVITEs Hold sends after 491 Request Pending.
	glareRetries = 3
	// ackGrace is how long a re-INVITE waits for the ACK of our last 2xx.
	ackGrace = time.Second
)

// Hold puts the connected call on hold (a re-INVITE offering sendonly) or
// resumes it (sendrecv), and returns once the switch answered: the answer
// is reported as RemoteSDP, the state as CallHeld or CallConnected. A
// refusal (*StatusError) leaves the call as it was; 481 and 408 end it.
func (c *Call) Hold(ctx context.Context, on bool) error {
	c.mu.Lock()
	switch {
	case c.ended:
		c.mu.Unlock()
		return ErrCallEnded
	case !c.answered:
		c.mu.Unlock()
		return ErrCallState
	case c.offering:
		c.mu.Unlock()
		return ErrPending
	case c.localHold == on:
		c.mu.Unlock()
		return nil
	}
	c.offering = true
	prev := c.localHold
	c.localHold = on
	c.mu.Unlock()
	res, err := c.reinvite(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offering = false
	if err == nil && res.IsSuccess() {
		if info, perr := parseRemote(res.Body()); perr == nil {
			c.remHold = info.Hold // an answer of sendonly or inactive: they hold us too
			c.remoteLocked(res.Body())
		}
		c.changedLocked(res.StatusCode, res.Reason, false)
		return nil
	}
	c.localHold = prev
	if err == nil {
		err = refused(gosip.INVITE, res)
	}
	if code := Status(err); code == 481 || code == 408 {
		c.mu.Unlock()
		c.end(code, "the dialog is gone", true)
		c.mu.Lock()
	}
	return fmt.Errorf("ua: hold %s: %w", c.ID(), err)
}

// reinvite sends our offer in a re-INVITE, retrying after glare (491,
// RFC 3261 14.1), and ACKs a 2xx. It returns the final response.
func (c *Call) reinvite(ctx context.Context) (*gosip.Response, error) {
	for try := 0; ; try++ {
		c.mu.Lock()
		body, err := c.bodyLocked(c.offerDirLocked())
		c.mu.Unlock()
		if err != nil {
			return nil, err
		}
		req := c.d.request(gosip.INVITE, 0)
		req.AppendHeader(gosip.NewHeader("Allow", allowed))
		req.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
		req.SetBody(body)
		res, err := c.inviteFinal(ctx, req)
		if err != nil {
			return nil, err
		}
		if res.IsSuccess() {
			c.s.write(c.d.request(gosip.ACK, req.CSeq().SeqNo))
			return res, nil
		}
		if res.StatusCode != 491 || try == glareRetries {
			return res, nil
		}
		if err := c.glareWait(ctx); err != nil {
			return nil, err
		}
	}
}

// inviteFinal waits for the final response to a re-INVITE.
func (c *Call) inviteFinal(ctx context.Context, req *gosip.Request) (*gosip.Response, error) {
	tx, err := c.s.start(ctx, req)
	if err != nil {
		return nil, err
	}
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res != nil && res.StatusCode >= 200 {
				return res, nil
			}
		case <-tx.Done():
			return nil, txError(tx, gosip.INVITE)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.done:
			return nil, ErrCallEnded
		case <-c.s.ctx.Done():
			return nil, ErrClosed
		}
	}
}

// glareWait is RFC 3261 14.1's pause before trying again: 2.1-4 s for the
// owner of the Call-ID (the caller), 0-2 s for the other side.
func (c *Call) glareWait(ctx context.Context) error {
	lo, span := 0*time.Millisecond, 2000
	if c.outgoing {
		lo, span = 2100*time.Millisecond, 1900
	}
	t := time.NewTimer(lo + time.Duration(rand.IntN(span/10+1))*10*time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return ErrCallEnded
	}
}

// onReinvite answers the switch's re-INVITE (the other party holds or
// resumes, music on hold, a media move) with our current SDP: its offer is
// reported as RemoteSDP, a hold as CallRemoteHeld. An offerless re-INVITE
// gets our offer, and its ACK brings the answer.
func (c *Call) onReinvite(req *gosip.Request, tx gosip.ServerTransaction) {
	if !c.d.accept(req) {
		hsip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return
	}
	var offer []byte
	if len(req.Body()) > 0 {
		if ct := req.ContentType(); ct != nil && !isSDPType(ct.Value()) {
			hsip.Respond(tx, req, 415, "", nil, gosip.NewHeader("Accept", "application/sdp"))
			return
		}
		offer = req.Body()
	}
	// Each datagram is handled on a goroutine of its own, so the ACK of
	// our last 2xx may be overtaken by the next re-INVITE: give it a
	// moment before calling it glare.
	c.mu.Lock()
	if aw := c.ack; aw != nil && !closed(aw.got) {
		c.mu.Unlock()
		t := time.NewTimer(ackGrace)
		select {
		case <-aw.got:
		case <-t.C:
		case <-c.done:
		}
		t.Stop()
		c.mu.Lock()
	}
	switch {
	case c.ended:
		c.mu.Unlock()
		hsip.Respond(tx, req, 481, "", nil)
		return
	case !c.answered || c.offering || (c.ack != nil && !closed(c.ack.got)):
		// Our own offer, or the previous exchange, is not done (RFC 3261 14.2).
		c.mu.Unlock()
		hsip.Respond(tx, req, 491, "", nil, gosip.NewHeader("Retry-After", "1"))
		return
	}
	dir := c.offerDirLocked()
	var hold bool
	if offer != nil {
		info, err := parseRemote(offer)
		if err != nil {
			c.mu.Unlock()
			hsip.Respond(tx, req, 488, "Not Acceptable Here (unusable SDP)", nil)
			return
		}
		dir, hold = answerDir(info, c.localHold), info.Hold
	}
	body, err := c.bodyLocked(dir)
	if err != nil {
		c.mu.Unlock()
		c.s.log.Warn("ua: our SDP is unusable", "call_id", c.ID(), "error", err)
		hsip.Respond(tx, req, 500, "", nil)
		return
	}
	res := gosip.NewResponseFromRequest(req, 200, "OK", body)
	res.SipVersion = "SIP/2.0"
	res.AppendHeader(&gosip.ContactHeader{Address: *c.d.contact.Clone()})
	res.AppendHeader(gosip.NewHeader("Allow", allowed))
	res.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	aw := &ackWait{seq: req.CSeq().SeqNo, offer: offer == nil, got: make(chan struct{})}
	c.ack = aw
	if offer != nil {
		c.remHold = hold
		c.remoteLocked(offer)
		c.changedLocked(200, "re-INVITE", true)
	}
	c.mu.Unlock()
	if err := tx.Respond(res); err != nil {
		return
	}
	if !c.awaitAck(tx, res, aw) {
		c.bye(context.Background())
		c.end(408, "no ACK", true)
	}
}

func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
