package call

import (
	"context"
	"fmt"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// infoDuration is the length we give a digit turned from RFC 4733 into
// INFO, and the least we play one turned from INFO into RFC 4733 (many
// phones send Duration=0 or none).
const infoDuration = 160 * time.Millisecond

// watchDTMF sets the digit watchers of a bridge: on (feature codes; nil:
// none) hears both parties whatever their DTMF mode, a party whose phone
// is in INFO mode gets the other's digits as SIP INFO, and an in-band
// phone's digits are converted to and from its tones (SPEC P1 dtmf_mode).
func (c *Call) watchDTMF(on func(byte)) {
	b := c.callee()
	for _, l := range []*leg{c.a, b} {
		if l == nil {
			continue
		}
		if l.set.dtmf == dtmfInband {
			c.setInband(l)
		}
		fn := on
		// An INFO phone sends no RFC 4733 and its INFO digits are relayed
		// to another INFO phone as they are: its watcher is on alone
		// (infoToEvents feeds it).
		if to := c.other(l); to != nil && to.set.dtmf == dtmfInfo && l.set.dtmf != dtmfInfo {
			fn = c.infoTo(to, on)
		}
		if fn != nil {
			l.media.OnDigit(fn)
		}
	}
}

// setInband makes the relay convert digits for an in-band phone's leg:
// only G.711 carries tones we can detect and play.
func (c *Call) setInband(l *leg) {
	codec, ok := g711Of(l.remote.Load())
	if !ok {
		c.m.log.Debug("dtmf: in-band phone without G.711, digits not converted", "call_id", c.cdr.CallID)
		return
	}
	if err := l.media.SetInband(codec); err != nil {
		c.m.log.Debug("dtmf: in-band", "call_id", c.cdr.CallID, "error", err)
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

// infoToEvents takes an INFO digit from an INFO-mode phone on leg l
// during a bridge: the bridge's digit watch (feature codes) hears it, and
// it reaches the other party as RFC 4733 events in the relayed stream
// when it speaks them, or as tones when it is an in-band phone; the INFO
// is answered here. It reports false when the INFO is to be relayed as it
// is (the phone is not in INFO mode, the other party is an INFO phone or
// takes neither events nor tones).
func (c *Call) infoToEvents(l *leg, req *gosip.Request, tx gosip.ServerTransaction) bool {
	if l.set.dtmf != dtmfInfo {
		return false
	}
	c.mu.Lock()
	ready := c.answered && !c.ended && c.b != nil
	c.mu.Unlock()
	to := c.other(l)
	if !ready || to == nil {
		return false
	}
	ct := ""
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	d, dur, err := dtmf.ParseInfo(ct, req.Body())
	if err != nil {
		if to.set.dtmf == dtmfInfo {
			return false // the other INFO phone judges it
		}
		sip.Respond(tx, req, 415, "Unsupported Media Type (want application/dtmf-relay or application/dtmf)", nil,
			gosip.NewHeader("Accept", "application/dtmf-relay, application/dtmf"))
		return true
	}
	l.media.HeardDigit(d)
	if to.set.dtmf == dtmfInfo {
		return false
	}
	dur = min(max(dur, infoDuration), dtmf.MaxDuration)
	if to.set.dtmf == dtmfInband {
		err = to.media.PlayDigit(d, dur)
	} else if remote := to.remote.Load(); remote != nil && remote.Audio().TelephoneEventPT >= 0 {
		err = to.media.SendDigit(d, remote.Audio().TelephoneEventPT, dur)
	} else {
		return false
	}
	if err != nil {
		// Not convertible (an in-band phone without G.711, a full queue):
		// the INFO goes on as it is.
		c.m.log.Debug("dtmf: INFO digit", "call_id", c.cdr.CallID, "error", err)
		return false
	}
	sip.Respond(tx, req, 200, "", nil)
	return true
}
