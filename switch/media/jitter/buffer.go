package jitter

import (
	"sync"
	"time"
)

const (
	// overPops is how many consecutive Pops the delay must run more than a
	// frame over target before one frame is dropped: about half a second.
	overPops = 25
	// farLatePackets in a row, each later than MaxDelay, mean the stream's
	// timestamps went back (or the path got much slower): resynchronise.
	farLatePackets = 2
	// oldSSRCHold is how long, after a change of SSRC, packets of the old
	// one are taken for stragglers and dropped instead of switching back.
	oldSSRCHold = ClockRate / 2
)

// Buffer is a playout buffer for one G.711 stream. See the package doc.
type Buffer struct {
	mu sync.Mutex

	// set by New
	now       func() time.Time
	epoch     time.Time
	minD      int64 // samples
	maxD      int64
	idleAfter int64
	frame     int64
	hyst      int64 // a quarter frame of slack around the target before acting
	silence   byte
	ring      ring

	// the stream
	started     bool
	known       bool   // ssrc and est describe a stream that played before
	ssrc        uint32 // of the current (or last) stream
	oldSSRC     uint32 // the stream before a change of SSRC
	oldUntil    int64  // until when packets of oldSSRC are stragglers
	fresh       bool   // playTS still needs a first look at the Pop clock
	phase       int64  // frames start at phase + k*frame
	startExt    int64  // samples before it are absent, not missing
	playTS      int64  // extended timestamp of the next sample to play
	highEnd     int64  // end of the newest sample received
	lastExt     int64  // newest packet's timestamp, the reference for unwrapping
	lastArrival int64
	farLate     int
	over        int // consecutive Pops with the delay more than a frame over target
	seq         seqWindow
	est         estimator

	stats Stats
	delay int64 // at the last Pop
}

// New returns a Buffer for cfg; zero fields take their defaults and fields
// out of range are clamped (see Config.Validate).
func New(cfg Config) *Buffer {
	cfg = cfg.withDefaults().corrected()
	b := &Buffer{
		now:       cfg.Now,
		epoch:     cfg.Now(),
		minD:      samples(cfg.MinDelay),
		maxD:      samples(cfg.MaxDelay),
		idleAfter: samples(cfg.IdleAfter),
		frame:     int64(cfg.FrameSize),
		hyst:      int64(cfg.FrameSize) / 4,
		silence:   cfg.Silence,
	}
	// The ring must hold everything between the playout point and the newest
	// packet we accept: twice MaxDelay (the early and the late bound), a
	// packet and some frames of slack. At least 1 s.
	size := 8192
	for int64(size) < 2*b.maxD+MaxPayloadSize+4*MaxFrameSize {
		size *= 2
	}
	b.ring = newRing(size)
	return b
}

// clock returns the time since New in samples.
func (b *Buffer) clock() int64 { return int64(b.now().Sub(b.epoch) / (time.Second / ClockRate)) }

// alignDown returns the frame start at or before x.
func (b *Buffer) alignDown(x int64) int64 {
	r := (x - b.phase) % b.frame
	if r < 0 {
		r += b.frame
	}
	return x - r
}

// Push stores one RTP packet's G.711 payload. payload is copied; the caller
// may reuse it. Packets that are empty or larger than MaxPayloadSize,
// duplicates and packets later than their playout point are dropped and
// counted.
func (b *Buffer) Push(ssrc uint32, seq uint16, ts uint32, marker bool, payload []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(payload) == 0 || len(payload) > MaxPayloadSize {
		b.stats.Invalid++
		return
	}
	now := b.clock()
	if !b.started || ssrc != b.ssrc {
		if b.started && ssrc == b.oldSSRC && now < b.oldUntil {
			b.stats.Late++ // reordered across the change of stream
			return
		}
		b.sync(ssrc, seq, ts, now, payload)
		return
	}
	if b.seq.dup(seq) {
		b.stats.Duplicates++
		return
	}
	// Timestamps wrap (RFC 3550 5.1): unwrap against the newest one.
	ext := b.lastExt + int64(int32(ts-uint32(b.lastExt)))
	t := now - ext
	base := b.est.base()
	switch {
	case t < base-b.maxD:
		// Far earlier than any packet so far: the timestamps jumped ahead.
		b.sync(ssrc, seq, ts, now, payload)
		return
	case t > base+b.maxD:
		// Later than any delay we would allow: a spike, or the timestamps
		// jumped back. Only a run of them resynchronises.
		if b.farLate++; b.farLate >= farLatePackets {
			b.sync(ssrc, seq, ts, now, payload)
			return
		}
		b.stats.Late++
		return
	}
	b.farLate = 0
	b.lastArrival = now
	b.est.observe(t, now)
	b.lastExt = max(b.lastExt, ext)
	if marker && b.playTS >= b.highEnd {
		b.talkspurt(now, ext)
	}
	b.store(ext, payload)
}

// store puts a packet of the current stream into the ring.
func (b *Buffer) store(ext int64, payload []byte) {
	end := ext + int64(len(payload))
	if end <= b.playTS {
		b.stats.Late++
		return
	}
	if ext < b.playTS { // partly late: keep the part still to come
		payload = payload[b.playTS-ext:]
		ext = b.playTS
	}
	if end-b.playTS > b.ring.size() {
		// Cannot happen while Pop keeps pace; without Pops the playout point
		// stands still and the stream outruns the ring.
		b.stats.Resyncs++
		b.restart(ext, b.clock(), payload)
		return
	}
	if b.ring.put(ext, payload) == 0 {
		b.stats.Duplicates++
		return
	}
	b.stats.Received++
	b.highEnd = max(b.highEnd, end)
	b.startExt = min(b.startExt, ext) // the first packets came reordered
}

// sync starts a stream at this packet: the first one, a new SSRC or a
// timestamp jump. A restart of the same SSRC keeps the learned delay.
func (b *Buffer) sync(ssrc uint32, seq uint16, ts uint32, now int64, payload []byte) {
	var exc, j16 int64
	if b.known && ssrc == b.ssrc {
		exc, j16 = b.est.excursion(), b.est.j16
	}
	if b.started {
		b.stats.Resyncs++
		if ssrc != b.ssrc {
			b.oldSSRC, b.oldUntil = b.ssrc, now+oldSSRCHold
		}
	}
	b.started, b.known, b.ssrc = true, true, ssrc
	b.seq.reset(seq)
	ext := int64(ts)
	b.est.reset(now-ext, now, exc, j16)
	b.restart(ext, now, payload)
}

// restart empties the ring and anchors the playout point so that ext plays
// after the target delay.
func (b *Buffer) restart(ext, now int64, payload []byte) {
	b.ring.reset()
	b.phase, b.startExt, b.lastExt, b.highEnd = ext, ext, ext, ext
	b.playTS = b.alignDown(now - b.est.anchor(b.minD, b.maxD))
	b.fresh, b.farLate, b.over = true, 0, 0
	b.lastArrival = now
	b.store(ext, payload)
}

// talkspurt re-anchors an empty buffer at a packet with the marker bit (the
// first of a talkspurt, RFC 3551 4.1): a pending delay decrease costs no
// audio here, and frames line up with the new packets again.
func (b *Buffer) talkspurt(now, ext int64) {
	b.phase = ext
	p := b.alignDown(now - b.est.anchor(b.minD, b.maxD))
	if p < b.playTS {
		p += (b.playTS - p + b.frame - 1) / b.frame * b.frame
	}
	// Nothing is buffered, so no presence bit lies in [playTS, p).
	b.playTS, b.startExt = p, ext
	b.fresh, b.over = true, 0
}

// Pop fills dst with the next len(dst) samples (Config.FrameSize, 160 for
// 20 ms) and says what they are. dst always holds playable bytes: silence
// where nothing was received. A len(dst) of 0 or above MaxFrameSize gets
// Idle.
func (b *Buffer) Pop(dst []byte) Status {
	for i := range dst {
		dst[i] = b.silence
	}
	n := int64(len(dst))
	b.mu.Lock()
	defer b.mu.Unlock()
	if n == 0 || n > MaxFrameSize || !b.started {
		return Idle
	}
	now := b.clock()
	if now-b.lastArrival >= b.idleAfter && b.playTS >= b.highEnd {
		b.started, b.delay = false, 0 // the peer stopped; the next packet restarts
		return Idle
	}
	b.est.decay(n)
	ideal := now - b.est.anchor(b.minD, b.maxD)
	if b.fresh {
		// The first Pop after a (re)start: the clock has moved since the
		// packet that anchored us, so catch up without hysteresis.
		b.fresh = false
		if p := b.alignDown(ideal); p > b.playTS {
			b.skip(p, false)
		}
	}
	b.delay = now - b.est.base() - b.playTS
	switch e := ideal - b.playTS; {
	case e < -b.hyst:
		// The target grew (late packets): hold the playout point one frame.
		if b.playTS+n <= b.startExt {
			return Idle
		}
		b.stats.Lost++
		return Lost
	case e > b.maxD:
		// Far behind (the clock goroutine stalled): jump.
		b.skip(b.alignDown(ideal), true)
		b.over = 0
	case e >= b.frame+b.hyst:
		if b.over++; b.over >= overPops {
			b.skip(b.playTS+b.frame, true)
			b.over = 0
		}
	default:
		b.over = 0
	}
	if b.playTS+n <= b.startExt {
		b.playTS += n
		return Idle
	}
	missing := b.ring.take(b.playTS, dst, b.silence)
	if pre := b.startExt - b.playTS; pre > 0 {
		missing -= int(pre) // before the stream began: silence, not loss
	}
	b.playTS += n
	if 2*int64(missing) > n {
		for i := range dst {
			dst[i] = b.silence
		}
		b.stats.Lost++
		return Lost
	}
	b.stats.Played++
	return Full
}

// skip moves the playout point forward to p, discarding what lies between.
func (b *Buffer) skip(p int64, count bool) {
	b.ring.drop(b.playTS, p-b.playTS)
	if count && p > b.startExt {
		b.stats.Dropped += uint64((p - max(b.playTS, b.startExt) + b.frame - 1) / b.frame)
	}
	b.playTS = p
}

// Stats returns the counters and the current delay figures.
func (b *Buffer) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.stats
	if b.started {
		s.Delay = duration(b.delay)
		s.Target = duration(b.est.anchor(b.minD, b.maxD) - b.est.base())
		s.Jitter = duration(b.est.jitter())
	}
	return s
}
