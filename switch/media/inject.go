package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/media/tone"
)

// Digits the switch writes into a relayed stream (an INFO digit turned
// into RFC 4733, an RFC 4733 event played as tones to an in-band phone, a
// detected tone turned into RFC 4733) go out in the stream's own SSRC,
// sequence and timestamp space, one packet per 20 ms, while the relayed
// packets toward the leg are held back, as an RFC 4733 sender stops its
// audio during an event: the receiver sees one source and one event.

const (
	maxQueuedDigits = 16               // a flood of digits is cut here
	openGrace       = 3 * FrameSamples // an open digit outlives its last extension by this
	digitPause      = 3                // silent frames between queued digits (Q.24 wants 40 ms)
	maxDigitSamples = 5 * 8000         // dtmf.MaxDuration: one event segment
	eventVolume     = dtmf.DefaultVolume
)

// legConv is what a leg has beyond the plain relay; nil on a plain leg, so
// the relay pays one pointer load for it.
type legConv struct {
	inj  injector
	band atomic.Pointer[inband] // nil: the peer is no in-band phone
}

// converter returns the leg's legConv, making it on first use.
func (l *Leg) converter() *legConv {
	if c := l.conv.Load(); c != nil {
		return c
	}
	c := &legConv{}
	c.inj.l = l
	if l.conv.CompareAndSwap(nil, c) {
		return c
	}
	return l.conv.Load()
}

// digitItem is one digit being written into a leg's stream.
type digitItem struct {
	code uint8 // RFC 4733 event code
	tone bool  // G.711 tones for an in-band phone, else RFC 4733 events
	pt   int
	alaw bool
	gen  *tone.Generator // tone items
	dur  int             // length known so far, samples
	open bool            // the length still grows (extend); it ends at extend(ended) or openGrace after the last
	// progress, under injector.mu
	start  uint32 // RTP timestamp of the event or first tone frame
	frames int    // frames sent
	ends   int    // RFC 4733 end packets sent
}

// injector writes digits into a leg's stream from its own goroutine, which
// runs while digits are queued.
type injector struct {
	l       *Leg
	hold    atomic.Bool // the relay holds back packets toward the leg
	mu      sync.Mutex
	queue   []*digitItem
	running bool
	pause   int
}

// add queues it; false when the queue is full.
func (j *injector) add(it *digitItem) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.queue) >= maxQueuedDigits {
		return false
	}
	j.queue = append(j.queue, it)
	j.hold.Store(true)
	if !j.running {
		j.running = true
		go j.run()
	}
	return true
}

// extend grows an open item to dur samples; ended closes it.
func (j *injector) extend(it *digitItem, dur int, ended bool) {
	j.mu.Lock()
	it.dur = max(it.dur, min(dur, maxDigitSamples))
	if ended {
		it.open = false
	}
	j.mu.Unlock()
}

func (j *injector) run() {
	var sc SendScratch
	buf := make([]byte, rtpHeaderLen+FrameSamples)
	pcm := make([]int16, FrameSamples)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		pkt, more := j.step(buf, pcm)
		if !more {
			return
		}
		if pkt != nil {
			if err := j.l.sendInjected(pkt, &sc); errors.Is(err, ErrClosed) {
				j.stop()
				return
			}
		}
		<-tick.C
	}
}

// step makes the next packet, if any; more is false once the queue is
// empty and the goroutine must end.
func (j *injector) step(buf []byte, pcm []int16) (pkt []byte, more bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.pause > 0 {
		j.pause--
		return nil, true
	}
	if len(j.queue) == 0 {
		j.running = false
		j.hold.Store(false)
		return nil, false
	}
	it := j.queue[0]
	pkt, done := it.next(&j.l.out, buf, pcm, j.l.s.e.now())
	if done {
		j.queue[0] = nil
		j.queue = j.queue[1:]
		if len(j.queue) > 0 {
			j.pause = digitPause
		}
	}
	return pkt, true
}

// stop forgets the queue: the session is closing.
func (j *injector) stop() {
	j.mu.Lock()
	j.queue, j.running, j.pause = nil, false, 0
	j.hold.Store(false)
	j.mu.Unlock()
}

// next returns the item's next packet in buf; done when it has no more.
func (it *digitItem) next(c *continuity, buf []byte, pcm []int16, now int64) (pkt []byte, done bool) {
	if it.frames == 0 && it.ends == 0 {
		it.start = c.startAt(now)
	}
	covered := (it.frames + 1) * FrameSamples
	if it.open && covered > it.dur+openGrace {
		it.open = false // the extensions stopped: a lost end packet
	}
	more := covered <= it.dur || (it.open && covered <= maxDigitSamples)
	if it.tone {
		if !more {
			return nil, true
		}
		ts := it.start + uint32(it.frames*FrameSamples)
		it.gen.Read(pcm)
		if it.alaw {
			EncodeAlaw(buf[rtpHeaderLen:], pcm)
		} else {
			EncodeUlaw(buf[rtpHeaderLen:], pcm)
		}
		c.stamp(buf, it.pt, it.frames == 0, ts, ts, now)
		it.frames++
		return buf, false
	}
	e := dtmf.Event{Code: it.code, Volume: eventVolume}
	switch {
	case more && it.ends == 0:
		it.frames++
		e.Duration = uint16(it.frames * FrameSamples)
	case it.ends < 3: // RFC 4733 2.5.1.4: the end packet three times
		it.ends++
		e.Duration, e.End = uint16(max(it.frames, 1)*FrameSamples), true
	default:
		return nil, true
	}
	pkt = dtmf.AppendEvent(buf[:rtpHeaderLen], e)
	c.stamp(pkt, it.pt, it.frames == 1 && it.ends == 0, it.start,
		it.start+uint32(e.Duration)-FrameSamples, now)
	return pkt, false
}

// startAt is the timestamp a digit written into the stream starts at:
// after the last packet sent, as far as the time since (continuity.apply).
func (c *continuity) startAt(now int64) uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.have {
		// Nothing sent yet: the digit starts the stream.
		c.have, c.ssrc, c.seq, c.last, c.at = true, rand.Uint32(), uint16(rand.Uint32()), rand.Uint32(), now
		return c.last
	}
	gap := uint32(FrameSamples)
	if d := now - c.at; d > 0 {
		gap = max(gap, uint32(min(d/125_000, 1<<30)))
	}
	return c.last + gap
}

// stamp writes the header of a packet the switch adds to the stream: its
// SSRC and next sequence number, timestamp ts; end is the timestamp of
// the last frame it covers, after which the source's own packets resume.
func (c *continuity) stamp(pkt []byte, pt int, marker bool, ts, end uint32, now int64) {
	c.mu.Lock()
	c.seq++
	seq, ssrc := c.seq, c.ssrc
	if int32(end-c.last) > 0 {
		c.last = end
	}
	c.at, c.resync = now, true
	c.mu.Unlock()
	pkt[0] = 0x80
	pkt[1] = byte(pt & 0x7f)
	if marker {
		pkt[1] |= 0x80
	}
	binary.BigEndian.PutUint16(pkt[2:], seq)
	binary.BigEndian.PutUint32(pkt[4:], ts)
	binary.BigEndian.PutUint32(pkt[8:], ssrc)
}

// follow makes the source's first packet after injected ones go on from
// them: sequence numbers after theirs, time not behind theirs, and a new
// talkspurt. c.mu held.
func (c *continuity) follow(pkt []byte, ts uint32) {
	c.resync = false
	c.seqOff = c.seq + 1 - binary.BigEndian.Uint16(pkt[2:4])
	if int32(ts+c.off-c.last) <= 0 {
		c.off = c.last + FrameSamples - ts
	}
	pkt[1] |= 0x80
}

// sendInjected is Send for a packet stamped into the stream already.
func (l *Leg) sendInjected(pkt []byte, sc *SendScratch) error { return l.send(pkt, sc, false) }

// durSamples turns a duration into samples within one event's bounds.
func durSamples(d time.Duration) int {
	return min(max(int(d/(125*time.Microsecond)), FrameSamples), maxDigitSamples)
}

// SendDigit writes one digit into the stream the leg's peer receives, as
// RFC 4733 events with payload type pt lasting dur, in the relayed
// stream's own SSRC, sequence numbers and timestamps; the relayed packets
// toward the peer are held back meanwhile. Digits queue (up to 16) and
// follow each other with a pause. For a relayed leg: an endpoint that
// owns the leg sends its own digits.
func (l *Leg) SendDigit(digit byte, pt int, dur time.Duration) error {
	code, ok := dtmf.EventOf(digit)
	if !ok {
		return fmt.Errorf("digit %q: %w", digit, dtmf.ErrUnknownDigit)
	}
	if pt < 0 || pt > 127 {
		return fmt.Errorf("digit %q: telephone-event payload type %d: want 0-127", digit, pt)
	}
	if !l.converter().inj.add(&digitItem{code: uint8(code), pt: pt, dur: durSamples(dur)}) {
		return fmt.Errorf("digit %q: %w", digit, ErrDigitQueueFull)
	}
	return nil
}

// ErrDigitQueueFull: a leg has 16 digits waiting to be sent.
var ErrDigitQueueFull = errors.New("digit queue full")
