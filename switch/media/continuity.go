package media

import (
	"encoding/binary"
	"sync"
)

// continuity keeps the RTP timestamps a leg sends rising when the stream's
// source changes (a transfer, music on hold, a prompt, the other party of a
// new bridge): each source has its own random timestamp base, and phones
// (baresip among them) drop every frame whose timestamp is behind the last
// one they played, for as long as that gap lasts: hours of silence. The
// first source passes unchanged; later ones are shifted to follow on, and
// their first packet carries the marker bit (a new talkspurt, RFC 3550
// 5.1). SSRC and sequence numbers are left alone: receivers handle a new
// SSRC as a new source.
type continuity struct {
	mu   sync.Mutex
	have bool
	ssrc uint32 // the source being relayed
	off  uint32 // added to its timestamps
	last uint32 // the last timestamp sent
	at   int64  // engine clock when it was sent
	// Digits the switch writes into the stream (inject.go) take sequence
	// numbers and time of the source: seq is the last sequence number
	// sent, seqOff is added to the source's, resync makes its next
	// packet follow on after the injected ones.
	seq    uint16
	seqOff uint16
	resync bool
}

// apply rewrites pkt (a valid RTP packet) in place; now is the engine clock.
func (c *continuity) apply(pkt []byte, now int64) {
	ssrc := binary.BigEndian.Uint32(pkt[8:12])
	ts := binary.BigEndian.Uint32(pkt[4:8])
	c.mu.Lock()
	switch {
	case !c.have:
		c.have, c.ssrc = true, ssrc
	case ssrc != c.ssrc:
		// Follow on from the last packet sent, as far ahead as the time
		// between them at 8 kHz (every codec we relay clocks at 8000), at
		// least one frame.
		gap := uint32(FrameSamples)
		if d := now - c.at; d > 0 {
			gap = max(gap, uint32(min(d/125_000, 1<<30))) // 125 µs per sample
		}
		c.ssrc, c.off, c.seqOff, c.resync = ssrc, c.last+gap-ts, 0, false
		pkt[1] |= 0x80
	case c.resync:
		c.follow(pkt, ts)
	}
	out := ts + c.off
	seq := binary.BigEndian.Uint16(pkt[2:4]) + c.seqOff
	c.last, c.at, c.seq = out, now, seq
	off := c.seqOff
	c.mu.Unlock()
	binary.BigEndian.PutUint32(pkt[4:8], out)
	if off != 0 {
		binary.BigEndian.PutUint16(pkt[2:4], seq)
	}
}
