package media

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/media/tone"
)

// DTMF timing of what we send: long enough for every detector, short
// enough for quick dialling.
const (
	dtmfOn  = 100 * time.Millisecond
	dtmfGap = 60 * time.Millisecond
)

// EndpointOptions say how a terminated leg's media is encoded.
type EndpointOptions struct {
	Codec Codec // what we send: PCMU or PCMA, with the negotiated PT
	// DTMFPT is the negotiated telephone-event PT; -1 means none: digits
	// are then detected and sent in-band.
	DTMFPT int
}

// Endpoint terminates one leg's media at the switch: it plays sources to
// the peer, hears the peer through a jitter buffer, detects its digits
// (RFC 4733, in-band, or pushed from SIP INFO), sends digits, and feeds
// recorders. A clock ticks it every 20 ms; a conference room ticks its
// members itself.
type Endpoint struct {
	leg    *Leg
	clock  *clock // nil while a room drives it
	pt     int
	alaw   bool
	dtmfPT int
	in     *inbound
	rx     dtmf.Receiver // relay goroutine only
	digits chan byte

	mu      sync.Mutex // everything below, and the clock's work
	closed  bool
	src     Source
	srcDone chan struct{}
	recs    recorders
	sendQ   []byte // digits waiting to be sent
	st      stream
	tx      dtmf.Sender
	txOn    bool
	txTS    uint32
	txGap   int             // frames of pause after a digit
	txTone  *tone.Generator // an in-band digit being sent
	det     *dtmf.Detector  // nil when the peer has RFC 4733
	found   []byte
	inPCM   [FrameSamples]int16
	outPCM  [FrameSamples]int16
	sc      SendScratch
}

// Terminate makes the switch the end of l's media (Leg.Own) and starts its
// clock. Close gives the leg back to the relay.
func (e *Engine) Terminate(l *Leg, o EndpointOptions) (*Endpoint, error) {
	var alaw bool
	switch strings.ToUpper(o.Codec.Name) {
	case "PCMU":
	case "PCMA":
		alaw = true
	default:
		return nil, fmt.Errorf("terminate media: codec %q: %w", o.Codec.Name, ErrNotG711)
	}
	if o.DTMFPT > 127 {
		o.DTMFPT = -1
	}
	ep := &Endpoint{leg: l, pt: o.Codec.PT, alaw: alaw, dtmfPT: max(o.DTMFPT, -1), in: newInbound(alaw),
		digits: make(chan byte, 64), st: newStream()}
	if ep.dtmfPT < 0 {
		ep.det = dtmf.NewDetector()
	}
	l.Own(ep)
	ep.clock = e.clocks.pick()
	ep.clock.add(ep)
	return ep, nil
}

// RTP takes a packet from the peer (Sink), on the relay's goroutine.
func (ep *Endpoint) RTP(pkt []byte) {
	h, ok := parseRTP(pkt)
	if !ok {
		return
	}
	if int(h.pt) == ep.dtmfPT {
		if d, ok := ep.rx.Packet(h.ssrc, h.ts, h.marker, h.payload); ok {
			ep.deliver(d)
		}
		return
	}
	ep.in.push(h)
}

// deliver hands a detected digit to the program; a program that does not
// read them loses the oldest ones beyond the channel's room, not the call.
func (ep *Endpoint) deliver(d byte) {
	select {
	case ep.digits <- d:
	default:
	}
}

// Digits delivers the digits the peer sends, by any method, in order.
func (ep *Endpoint) Digits() <-chan byte { return ep.digits }

// PushDigit delivers a digit that arrived out of band (SIP INFO).
func (ep *Endpoint) PushDigit(d byte) { ep.deliver(d) }

// FlushDigits forgets digits not yet read (typed ahead of a menu that
// does not want them).
func (ep *Endpoint) FlushDigits() {
	for {
		select {
		case <-ep.digits:
		default:
			return
		}
	}
}

// Play starts src, replacing what was playing, and returns a channel that
// is closed when src ends, is replaced or stopped, or the endpoint closes.
func (ep *Endpoint) Play(src Source) <-chan struct{} {
	done := make(chan struct{})
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.endSource()
	if ep.closed {
		close(done)
		return done
	}
	ep.src, ep.srcDone = src, done
	return done
}

// Stop ends what is playing.
func (ep *Endpoint) Stop() {
	ep.mu.Lock()
	ep.endSource()
	ep.mu.Unlock()
}

func (ep *Endpoint) endSource() {
	if ep.srcDone != nil {
		close(ep.srcDone)
	}
	ep.src, ep.srcDone = nil, nil
}

// SendDigits queues digits (0-9 * # A-D) to send to the peer: RFC 4733
// events when negotiated, else in-band tones.
func (ep *Endpoint) SendDigits(s string) error {
	for i := 0; i < len(s); i++ {
		if _, ok := dtmf.EventOf(s[i]); !ok || s[i] == '!' {
			return fmt.Errorf("send digits %q: %w", s, ErrBadDigit)
		}
	}
	ep.mu.Lock()
	ep.sendQ = append(ep.sendQ, s...)
	ep.mu.Unlock()
	return nil
}

// AddRecorder feeds r with what the peer says, from the next frame on.
func (ep *Endpoint) AddRecorder(r *Recorder) {
	ep.mu.Lock()
	ep.recs.add(r)
	ep.mu.Unlock()
}

// RemoveRecorder stops feeding r.
func (ep *Endpoint) RemoveRecorder(r *Recorder) {
	ep.mu.Lock()
	ep.recs.remove(r)
	ep.mu.Unlock()
}

// Close stops the clock, ends what plays and gives the leg back to the
// relay. It is idempotent.
func (ep *Endpoint) Close() {
	ep.mu.Lock()
	if ep.closed {
		ep.mu.Unlock()
		return
	}
	ep.closed = true
	ep.endSource()
	c := ep.clock
	ep.clock = nil
	ep.mu.Unlock()
	if c != nil {
		c.remove(ep)
	}
	ep.leg.Release(ep)
}

// tick is one 20 ms frame on the endpoint's own clock.
func (ep *Endpoint) tick() {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.closed {
		return
	}
	ep.receive(ep.inPCM[:])
	ok := ep.source(ep.outPCM[:])
	ep.transmit(ep.outPCM[:], ok)
}

// receive pulls the peer's next frame into dst, detects in-band digits
// and feeds the recorders; false when the peer sends nothing. ep.mu held.
func (ep *Endpoint) receive(dst []int16) bool {
	ok := ep.in.pull(dst)
	if ok && ep.det != nil {
		ep.found = ep.det.Process(ep.found[:0], dst)
		for _, d := range ep.found {
			ep.deliver(d)
		}
	}
	for _, r := range ep.recs {
		r.Write(dst)
	}
	return ok
}

// source reads the playing source into dst; false when nothing plays.
// ep.mu held.
func (ep *Endpoint) source(dst []int16) bool {
	if ep.src == nil {
		return false
	}
	n := ep.src.Read(dst)
	if n < len(dst) {
		clear(dst[n:])
		ep.endSource()
		return n > 0
	}
	return true
}

// transmit sends one frame: a digit being sent takes the place of the
// audio; with nothing to play it sends silence. ep.mu held.
func (ep *Endpoint) transmit(pcm []int16, ok bool) {
	ts := ep.st.ts
	ep.st.ts += FrameSamples
	if ep.sendDigit(ts, pcm) {
		ok = true
		if ep.dtmfPT >= 0 {
			return
		}
	}
	if !ok {
		// Silence, not a pause: phones and NATs along the way expect a
		// steady stream from an answered call.
		clear(pcm)
	}
	b := ep.st.packet(ep.pt, ep.st.quiet, ts, len(pcm))
	if ep.alaw {
		EncodeAlaw(b[rtpHeaderLen:], pcm)
	} else {
		EncodeUlaw(b[rtpHeaderLen:], pcm)
	}
	ep.st.quiet = false
	ep.leg.Send(b, &ep.sc)
}

// sendDigit advances the digit being sent, starting the next queued one
// after a gap. With RFC 4733 it sends the event packet itself; in-band it
// writes the tone into pcm. It reports whether a digit took this frame.
func (ep *Endpoint) sendDigit(ts uint32, pcm []int16) bool {
	if ep.txGap > 0 {
		ep.txGap--
		return false
	}
	if !ep.txOn && ep.txTone == nil {
		if len(ep.sendQ) == 0 {
			return false
		}
		d := ep.sendQ[0]
		ep.sendQ = ep.sendQ[1:]
		if ep.dtmfPT < 0 {
			t, err := tone.DTMF(d, dtmfOn, 0)
			if err != nil {
				return false
			}
			ep.txTone = tone.NewGenerator(t, 8000)
		} else {
			if err := ep.tx.Start(d, dtmfOn); err != nil {
				return false
			}
			ep.txOn, ep.txTS = true, ts
		}
	}
	if ep.txTone != nil {
		if n := ep.txTone.Read(pcm); n < len(pcm) {
			clear(pcm[n:])
			ep.txTone = nil
			ep.txGap = int(dtmfGap / frameTime)
		}
		return true
	}
	payload, marker, done := ep.tx.Next()
	b := ep.st.packet(ep.dtmfPT, marker, ep.txTS, len(payload))
	copy(b[rtpHeaderLen:], payload)
	ep.leg.Send(b, &ep.sc)
	if done {
		ep.txOn = false
		ep.txGap = int(dtmfGap / frameTime)
	}
	return true
}
