package call

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// infoDuration is the length we give a digit turned from RFC 4733 into
// INFO, and the least we play one turned from INFO into RFC 4733 (many
// phones send Duration=0 or none).
const infoDuration = 160 * time.Millisecond

// watchDTMF sets the RFC 4733 digit watchers of a bridge: on (feature
// codes; nil: none) hears both parties, and a party whose phone is in
// INFO mode gets the other's digits as SIP INFO (SPEC P1 dtmf_mode).
func (c *Call) watchDTMF(on func(byte)) {
	b := c.callee()
	for _, l := range []*leg{c.a, b} {
		if l == nil {
			continue
		}
		fn := on
		if to := c.other(l); to != nil && to.set.dtmf == dtmfInfo {
			fn = c.infoTo(to, on)
		}
		if fn != nil {
			l.media.OnDigit(fn)
		}
	}
}

// infoTo returns a digit watcher that also sends each digit to leg to as
// an INFO, in order, from one goroutine: the watcher runs on the relay's
// goroutine and must not block.
func (c *Call) infoTo(to *leg, on func(byte)) func(byte) {
	q := make(chan byte, 32)
	go func() {
		for {
			select {
			case d := <-q:
				if err := c.sendInfoDigit(to, d); err != nil {
					c.m.log.Debug("dtmf: INFO to phone", "call_id", c.cdr.CallID, "error", err)
				}
			case <-c.done:
				return
			}
		}
	}()
	return func(d byte) {
		if on != nil {
			on(d)
		}
		select {
		case q <- d:
		default: // a flood of digits: drop rather than stall the relay
		}
	}
}

// sendInfoDigit sends one digit as application/dtmf-relay (Cisco, Yealink)
// and waits for the final response.
func (c *Call) sendInfoDigit(to *leg, d byte) error {
	req := to.d.request(gosip.INFO, 0)
	req.AppendHeader(gosip.NewHeader("Content-Type", "application/dtmf-relay"))
	req.SetBody(fmt.Appendf(nil, "Signal=%c\r\nDuration=%d\r\n", d, infoDuration.Milliseconds()))
	ctx, cancel := context.WithTimeout(context.Background(), gosip.Timer_F)
	defer cancel()
	tx, err := c.m.stack.Request(ctx, req)
	if err != nil {
		return fmt.Errorf("info %c: %w", d, err)
	}
	defer tx.Terminate()
	for {
		select {
		case r := <-tx.Responses():
			if r.StatusCode >= 200 {
				if r.StatusCode >= 300 {
					return fmt.Errorf("info %c: answered %d", d, r.StatusCode)
				}
				return nil
			}
		case <-tx.Done():
			return fmt.Errorf("info %c: %w", d, tx.Err())
		case <-ctx.Done():
			return fmt.Errorf("info %c: %w", d, ctx.Err())
		}
	}
}

// infoToEvents turns an INFO digit from an INFO-mode phone on leg l into
// RFC 4733 events towards the other party, when it speaks them, and
// answers the INFO. It reports false when the INFO is not for it (the
// phone is not in INFO mode, or the other party takes no RFC 4733): it is
// then relayed as it is.
func (c *Call) infoToEvents(l *leg, req *gosip.Request, tx gosip.ServerTransaction) bool {
	if l.set.dtmf != dtmfInfo {
		return false
	}
	c.mu.Lock()
	ready := c.answered && !c.ended && c.b != nil
	c.mu.Unlock()
	to := c.other(l)
	if !ready || to == nil || to.set.dtmf == dtmfInfo {
		return false
	}
	remote := to.remote.Load()
	if remote == nil || remote.Audio().TelephoneEventPT < 0 {
		return false
	}
	ct := ""
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	d, dur, err := dtmf.ParseInfo(ct, req.Body())
	if err != nil {
		sip.Respond(tx, req, 415, "Unsupported Media Type (want application/dtmf-relay or application/dtmf)", nil,
			gosip.NewHeader("Accept", "application/dtmf-relay, application/dtmf"))
		return true
	}
	sip.Respond(tx, req, 200, "", nil)
	dur = min(max(dur, infoDuration), dtmf.MaxDuration)
	go c.sendEvents(to.media, remote.Audio().TelephoneEventPT, d, dur)
	return true
}

// sendEvents plays one digit as RFC 4733 packets to a leg's peer, one
// every 20 ms, on their own SSRC: the leg's continuity keeps timestamps
// rising across the switch from the relayed audio and back.
func (c *Call) sendEvents(l *media.Leg, pt int, d byte, dur time.Duration) {
	s := dtmf.NewSender()
	if err := s.Start(d, dur); err != nil {
		c.m.log.Debug("dtmf: INFO digit", "call_id", c.cdr.CallID, "error", err)
		return
	}
	var sc media.SendScratch
	ssrc, seq, ts := rand.Uint32(), uint16(rand.Uint32()), rand.Uint32()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	pkt := make([]byte, 12, 12+dtmf.EventSize)
	for {
		payload, marker, done := s.Next()
		if done {
			return
		}
		pkt = pkt[:12]
		pkt[0] = 0x80
		pkt[1] = byte(pt) & 0x7f
		if marker {
			pkt[1] |= 0x80
		}
		binary.BigEndian.PutUint16(pkt[2:4], seq)
		binary.BigEndian.PutUint32(pkt[4:8], ts)
		binary.BigEndian.PutUint32(pkt[8:12], ssrc)
		pkt = append(pkt, payload...)
		if err := l.Send(pkt, &sc); err != nil {
			return
		}
		seq++
		select {
		case <-tick.C:
		case <-c.done:
			return
		}
	}
}
