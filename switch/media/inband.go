package media

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/media/tone"
)

// detectLen is how much tone the detector needs before it reports a digit
// (about 35 ms): a detected digit's event starts with this length.
const detectLen = 2 * FrameSamples

// cnPT is comfort noise (RFC 3389), which says nothing of the codec.
const cnPT = 13

// inband converts DTMF for a leg whose peer signals digits as tones in its
// G.711 audio, while the leg is relayed: RFC 4733 events from the other
// leg are played to it as tones, and its tones go to the other leg as
// RFC 4733 events (when it negotiated telephone-event) and to the leg's
// digit watch (feature codes). The detector side runs on the relay
// goroutine of the leg's RTP, the player side on the other leg's.
type inband struct {
	pt   int // the phone's G.711 payload type from its SDP
	alaw bool
	// outPT is the payload type of the audio last relayed to the phone:
	// tones go in the codec the stream really uses.
	outPT atomic.Int32

	// Tones the peer sends.
	det    dtmf.Detector
	pcm    [FrameSamples]int16
	found  [8]byte
	sent   *digitItem // the event being sent for the held key
	sentTo *injector
	sentN  int // its length so far, samples

	// RFC 4733 events from the other leg, played as tones.
	key     struct{ ssrc, ts uint32 }
	haveKey bool
	playing *digitItem
}

// SetInband says the leg's peer is an in-band DTMF phone speaking the
// G.711 codec c (PCMU or PCMA, with its payload type): while the leg is
// relayed, digits are converted to and from its tones.
func (l *Leg) SetInband(c Codec) error {
	var alaw bool
	switch strings.ToUpper(c.Name) {
	case "PCMU":
	case "PCMA":
		alaw = true
	default:
		return fmt.Errorf("in-band dtmf: codec %q: %w", c.Name, ErrNotG711)
	}
	b := &inband{pt: c.PT, alaw: alaw}
	b.outPT.Store(int32(c.PT))
	l.converter().band.Store(b)
	return nil
}

// PlayDigit plays one digit as tones lasting dur to an in-band leg's peer
// (SetInband), in the relayed stream, holding the relayed audio back
// meanwhile.
func (l *Leg) PlayDigit(digit byte, dur time.Duration) error {
	c := l.conv.Load()
	var b *inband
	if c != nil {
		b = c.band.Load()
	}
	if b == nil {
		return fmt.Errorf("digit %q: leg is not in-band", digit)
	}
	it, err := b.toneItem(digit, durSamples(dur), false)
	if err != nil {
		return err
	}
	if !c.inj.add(it) {
		return fmt.Errorf("digit %q: %w", digit, ErrDigitQueueFull)
	}
	return nil
}

// HeardDigit gives the leg's digit watch (OnDigit) a digit its peer sent
// outside the RTP (SIP INFO), so feature codes hear every DTMF mode.
func (l *Leg) HeardDigit(d byte) {
	if w := l.watch.Load(); w != nil {
		w.fn(d)
	}
}

// g711 says whether pt is G.711 for this phone, and which law.
func (b *inband) g711(pt int) (alaw, ok bool) {
	switch pt {
	case b.pt:
		return b.alaw, true
	case 0:
		return false, true
	case 8:
		return true, true
	}
	return false, false
}

func (b *inband) toneItem(digit byte, dur int, open bool) (*digitItem, error) {
	t, err := tone.DTMF(digit, dtmf.MaxDuration, 0)
	if err != nil {
		return nil, fmt.Errorf("digit %q: %w", digit, err)
	}
	pt := int(b.outPT.Load())
	alaw, ok := b.g711(pt)
	if pt < 0 || !ok {
		return nil, fmt.Errorf("digit %q: the phone's audio is not g.711: %w", digit, ErrNotG711)
	}
	return &digitItem{tone: true, pt: pt, alaw: alaw, gen: tone.NewGenerator(t, 8000), dur: dur, open: open}, nil
}

// convert applies the DTMF conversions of p's legs to an RTP packet; ev
// says it is an RFC 4733 event of the sending leg. False: do not relay it.
// Only called when one of the legs has a legConv.
func (p *path) convert(pkt []byte, ev bool) bool {
	if c := p.in.conv.Load(); c != nil && !ev {
		if b := c.band.Load(); b != nil {
			b.hear(pkt, p)
		}
	}
	c := p.out.conv.Load()
	if c == nil {
		return true
	}
	if b := c.band.Load(); b != nil {
		if ev {
			b.event(pkt, &c.inj)
			return false
		}
		if pt := int32(pkt[1] & 0x7f); pt != b.outPT.Load() && pt != cnPT {
			if _, ok := b.g711(int(pt)); !ok {
				pt = -1 // G.722, say: no tones in it
			}
			b.outPT.Store(pt)
		}
	}
	return !c.inj.hold.Load()
}

// hear runs the in-band phone's audio through the detector.
func (b *inband) hear(pkt []byte, p *path) {
	h, ok := parseRTP(pkt)
	if !ok {
		return
	}
	alaw, ok := b.g711(int(h.pt))
	if !ok {
		return
	}
	for pl := h.payload; len(pl) > 0; {
		n := min(len(pl), FrameSamples)
		if alaw {
			DecodeAlaw(b.pcm[:n], pl[:n])
		} else {
			DecodeUlaw(b.pcm[:n], pl[:n])
		}
		pl = pl[n:]
		for _, d := range b.det.Process(b.found[:0], b.pcm[:n]) {
			b.digit(d, p)
		}
	}
	if b.sent != nil {
		held := b.det.Held()
		b.sentN += len(h.payload)
		b.sentTo.extend(b.sent, b.sentN, !held)
		if !held {
			b.sent = nil
		}
	}
}

// digit passes on one detected digit.
func (b *inband) digit(d byte, p *path) {
	p.in.HeardDigit(d)
	if b.sent != nil { // a new key ends the previous event
		b.sentTo.extend(b.sent, b.sentN, true)
		b.sent = nil
	}
	pt := int(p.out.dtmfPT.Load())
	code, ok := dtmf.EventOf(d)
	if pt < 0 || !ok {
		return // the other side takes no RFC 4733: the tones go on in the audio
	}
	it := &digitItem{code: uint8(code), pt: pt, dur: detectLen, open: true}
	if j := &p.out.converter().inj; j.add(it) {
		b.sent, b.sentTo, b.sentN = it, j, detectLen
	}
}

// event plays an RFC 4733 event from the other leg as tones to the peer,
// for as long as the event lasts.
func (b *inband) event(pkt []byte, j *injector) {
	h, ok := parseRTP(pkt)
	if !ok {
		return
	}
	e, err := dtmf.ParseEvent(h.payload)
	if err != nil {
		return
	}
	if b.haveKey && h.ssrc == b.key.ssrc {
		if h.ts == b.key.ts {
			if b.playing != nil {
				j.extend(b.playing, int(e.Duration), e.End)
				if e.End {
					b.playing = nil
				}
			}
			return
		}
		if int32(h.ts-b.key.ts) < 0 && !h.marker {
			return // a late packet of an older event
		}
	}
	if b.playing != nil {
		j.extend(b.playing, 0, true)
		b.playing = nil
	}
	b.key.ssrc, b.key.ts, b.haveKey = h.ssrc, h.ts, true
	d, ok := dtmf.DigitOf(int(e.Code))
	if !ok {
		return
	}
	it, err := b.toneItem(d, max(int(e.Duration), FrameSamples), !e.End)
	if err != nil {
		return // a flash has no tone
	}
	if j.add(it) && !e.End {
		b.playing = it
	}
}
