package media

import (
	"encoding/binary"
	"testing"
)

func rtpAt(ssrc, ts uint32, seq uint16) []byte {
	b := make([]byte, rtpHeaderLen+160)
	b[0], b[1] = 0x80, 0
	binary.BigEndian.PutUint16(b[2:4], seq)
	binary.BigEndian.PutUint32(b[4:8], ts)
	binary.BigEndian.PutUint32(b[8:12], ssrc)
	return b
}

// The first source passes untouched; a new one follows on from the last
// timestamp sent, at least a frame later and as far as the time between
// them, with the marker bit; SSRC and sequence numbers stay.
func TestContinuity(t *testing.T) {
	var c continuity
	const ms = int64(1_000_000)
	for i, ts := range []uint32{4_000_000_000, 4_000_000_160, 4_000_000_320} {
		p := rtpAt(7, ts, uint16(i))
		c.apply(p, int64(i)*20*ms)
		if got := binary.BigEndian.Uint32(p[4:8]); got != ts || p[1]&0x80 != 0 {
			t.Fatalf("first source: ts %d marker %v, want %d unmarked", got, p[1]&0x80 != 0, ts)
		}
	}
	// A new source 1 s later, its timestamps far behind (and wrapping).
	p := rtpAt(9, 100, 50)
	c.apply(p, 40*ms+1000*ms)
	first := binary.BigEndian.Uint32(p[4:8])
	if want := uint32(4_000_000_320 + 8000); first != want {
		t.Fatalf("new source: ts %d, want %d (the last + 1 s at 8 kHz)", first, want)
	}
	if p[1]&0x80 == 0 || binary.BigEndian.Uint32(p[8:12]) != 9 || binary.BigEndian.Uint16(p[2:4]) != 50 {
		t.Fatalf("new source's first packet: marker %v ssrc %d seq %d", p[1]&0x80 != 0, binary.BigEndian.Uint32(p[8:12]), binary.BigEndian.Uint16(p[2:4]))
	}
	p = rtpAt(9, 260, 51)
	c.apply(p, 1060*ms)
	if got := binary.BigEndian.Uint32(p[4:8]); got != first+160 || p[1]&0x80 != 0 {
		t.Fatalf("next packet: ts %d marker %v, want %d unmarked", got, p[1]&0x80 != 0, first+160)
	}
	// Back to a source within the same instant: still at least a frame on.
	p = rtpAt(7, 4_000_000_480, 3)
	c.apply(p, 1060*ms)
	if got := binary.BigEndian.Uint32(p[4:8]); got != first+320 {
		t.Fatalf("a source change at once: ts %d, want %d", got, first+320)
	}
}
