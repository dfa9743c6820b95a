package ua

import (
	"context"
	"fmt"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

// dtmfDuration is the tone length an INFO digit announces.
const dtmfDuration = 160

// Hangup ends the call: CANCEL before the answer of a call we placed (it
// returns once the switch confirmed it, or ctx ends), 486 Busy Here for a
// call we were offered and did not answer, BYE once connected. The call's
// CallDisconnected event comes first.
func (c *Call) Hangup(ctx context.Context) error {
	c.mu.Lock()
	ended, answered := c.ended, c.answered || c.ok != nil
	c.mu.Unlock()
	switch {
	case ended:
		return ErrCallEnded
	case !answered && c.outgoing:
		c.hangupOnce.Do(func() { close(c.hangup) })
		select {
		case <-c.done:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("ua: hangup %s: %w", c.ID(), ctx.Err())
		}
	case !answered:
		if err := c.Reject(486, ""); err != ErrCallState {
			return err
		}
		// Answered meanwhile: hang up the connected call.
	}
	if !c.end(200, "BYE", false) {
		return ErrCallEnded
	}
	return c.bye(ctx)
}

// abandon ends the call because its account goes away.
func (c *Call) abandon(ctx context.Context) {
	c.mu.Lock()
	ended, answered := c.ended, c.answered
	c.mu.Unlock()
	switch {
	case ended:
	case !answered && c.outgoing:
		c.hangupOnce.Do(func() { close(c.hangup) })
		select {
		case <-c.done:
		case <-ctx.Done():
			c.end(480, "unregistered", false)
		}
	case !answered:
		if err := c.respondFinal(480, "", ""); err == ErrCallState {
			<-c.final // an answer or refusal is on its way out
			c.mu.Lock()
			answered = c.answered
			c.mu.Unlock()
			if answered {
				c.end(480, "unregistered", false)
				c.bye(ctx)
				return
			}
		}
		c.end(480, "unregistered", false)
	default:
		c.end(480, "unregistered", false)
		c.bye(ctx)
	}
}

// bye sends a BYE and waits for its answer.
func (c *Call) bye(ctx context.Context) error {
	res, err := c.inDialog(ctx, c.d.request(gosip.BYE, 0))
	if err != nil {
		return fmt.Errorf("ua: bye %s: %w", c.ID(), err)
	}
	if !res.IsSuccess() && res.StatusCode != 481 {
		return fmt.Errorf("ua: bye %s: %w", c.ID(), refused(gosip.BYE, res))
	}
	return nil
}

// inDialog runs a non-INVITE transaction in the call's dialog.
func (c *Call) inDialog(ctx context.Context, req *gosip.Request) (*gosip.Response, error) {
	tx, err := c.s.start(ctx, req)
	if err != nil {
		return nil, err
	}
	return c.s.final(ctx, tx, req.Method)
}

// SendDTMF sends one digit (0-9 * # A-D) as SIP INFO
// application/dtmf-relay, which the switch relays or acts on (a menu).
func (c *Call) SendDTMF(ctx context.Context, digit byte) error {
	if _, ok := dtmf.EventOf(digit); !ok {
		return invalid("dtmf digit %q", digit)
	}
	body := fmt.Sprintf("Signal=%c\r\nDuration=%d\r\n", digit, dtmfDuration)
	return c.Info(ctx, "application/dtmf-relay", []byte(body))
}

// Info sends an INFO with the given body in the connected call (recording
// control, DTMF): nil on a 2xx, a *StatusError otherwise. A 481 or 408
// means the call is gone: it ends (RFC 3261 12.2.1.2).
func (c *Call) Info(ctx context.Context, contentType string, body []byte) error {
	if !validContentType(contentType) {
		return invalid("content type %q", clip(contentType))
	}
	if len(body) > maxInfoLen {
		return invalid("info body of %d bytes (at most %d)", len(body), maxInfoLen)
	}
	c.mu.Lock()
	ended, answered := c.ended, c.answered
	c.mu.Unlock()
	switch {
	case ended:
		return ErrCallEnded
	case !answered:
		return ErrCallState
	}
	req := c.d.request(gosip.INFO, 0)
	req.AppendHeader(gosip.NewHeader("Content-Type", contentType))
	req.SetBody(body)
	return c.info(ctx, req)
}

// info runs an INFO the caller built in the connected call; a 481 or 408
// ends the call.
func (c *Call) info(ctx context.Context, req *gosip.Request) error {
	res, err := c.inDialog(ctx, req)
	if err != nil {
		if Status(err) == 408 {
			c.end(408, "no response in the dialog", true)
		}
		return fmt.Errorf("ua: info %s: %w", c.ID(), err)
	}
	if res.IsSuccess() {
		return nil
	}
	if res.StatusCode == 481 || res.StatusCode == 408 {
		c.end(res.StatusCode, res.Reason, true)
	}
	return fmt.Errorf("ua: info %s: %w", c.ID(), refused(gosip.INFO, res))
}

// --- requests the switch sends in a call

func (s *Stack) onBye(req *gosip.Request, tx gosip.ServerTransaction) {
	c := s.call(req)
	if c == nil {
		hsip.Respond(tx, req, 481, "", nil)
		return
	}
	if !c.d.accept(req) {
		hsip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return
	}
	hsip.Respond(tx, req, 200, "", nil)
	c.end(200, "BYE", true)
}

func (s *Stack) onInfo(req *gosip.Request, tx gosip.ServerTransaction) {
	c := s.call(req)
	if c == nil {
		hsip.Respond(tx, req, 481, "", nil)
		return
	}
	if !c.d.accept(req) {
		hsip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return
	}
	if len(req.Body()) > maxInfoLen {
		hsip.Respond(tx, req, 413, "", nil)
		return
	}
	hsip.Respond(tx, req, 200, "", nil)
	if f := c.a.ev.Info; f != nil {
		ct := ""
		if h := req.ContentType(); h != nil {
			ct = h.Value()
		}
		body := append([]byte(nil), req.Body()...)
		c.a.q.push(func() { f(c, ct, body) })
	}
}

// onAck takes the ACK of a 2xx we sent; when our 2xx was the offer, the
// ACK carries the answer.
func (s *Stack) onAck(req *gosip.Request, tx gosip.ServerTransaction) {
	c := s.call(req)
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	aw := c.ack
	if aw == nil || req.CSeq().SeqNo != aw.seq {
		return
	}
	select {
	case <-aw.got:
		return // a retransmission
	default:
		close(aw.got)
	}
	if aw.offer && len(req.Body()) > 0 {
		if info, err := parseRemote(req.Body()); err == nil {
			c.remHold = info.Hold
			c.remoteLocked(req.Body())
			c.changedLocked(200, "OK", true)
		}
	}
}
