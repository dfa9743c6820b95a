package webrtc

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

func TestParseRTP(t *testing.T) {
	pkt := rtpPacket(0, 7, 160, 0xabc, []byte{1, 2, 3})
	var h rtp.Header
	pl, ok := parseRTP(pkt, &h)
	if !ok || h.SequenceNumber != 7 || h.Timestamp != 160 || h.SSRC != 0xabc || string(pl) != "\x01\x02\x03" {
		t.Fatalf("parse: ok %v header %+v payload %v", ok, h, pl)
	}
	// CSRC, extension and padding.
	x := []byte{0xb1, 0x80 | 8, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, // v2 P X CC=1, marker, PT 8
		0, 0, 0, 9, // CSRC
		0xbe, 0xde, 0, 1, 1, 2, 3, 4, // one-word extension
		0xaa, 0xbb, 0, 2} // payload, 2 bytes of padding
	pl, ok = parseRTP(x, &h)
	if !ok || !h.Marker || h.PayloadType != 8 || len(h.CSRC) != 1 || h.CSRC[0] != 9 || string(pl) != "\xaa\xbb" {
		t.Fatalf("parse with csrc/ext/padding: ok %v header %+v payload % x", ok, h, pl)
	}
	for _, bad := range [][]byte{
		nil,
		make([]byte, 11),
		{0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // version 1
		{0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // CSRC missing
		{0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 5}, // extension too long
		{0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 200},           // padding too long
	} {
		if _, ok := parseRTP(bad, &h); ok {
			t.Errorf("parseRTP(% x) accepted", bad)
		}
	}
}

// A new plain source continues the browser's sequence and timestamps.
func TestSequencer(t *testing.T) {
	var s sequencer
	now := time.Unix(1000, 0)
	h := rtp.Header{SSRC: 1, SequenceNumber: 100, Timestamp: 1000}
	s.apply(&h, now)
	if h.SequenceNumber != 100 || h.Timestamp != 1000 || h.Marker {
		t.Fatalf("first source rewritten: %+v", h)
	}
	h = rtp.Header{SSRC: 1, SequenceNumber: 101, Timestamp: 1160}
	s.apply(&h, now.Add(20*time.Millisecond))
	// Another source, 100 ms later, far away in numbers.
	h = rtp.Header{SSRC: 2, SequenceNumber: 60000, Timestamp: 4_000_000_000}
	s.apply(&h, now.Add(120*time.Millisecond))
	if h.SequenceNumber != 102 || h.Timestamp != 1160+800 || !h.Marker {
		t.Fatalf("switch: %+v, want seq 102 ts %d with marker", h, 1160+800)
	}
	h = rtp.Header{SSRC: 2, SequenceNumber: 60001, Timestamp: 4_000_000_160}
	s.apply(&h, now.Add(140*time.Millisecond))
	if h.SequenceNumber != 103 || h.Timestamp != 1960+160 || h.Marker {
		t.Fatalf("after switch: %+v", h)
	}
	// Back-to-back switch: at least one frame of gap.
	h = rtp.Header{SSRC: 3, SequenceNumber: 5, Timestamp: 5}
	s.apply(&h, now.Add(140*time.Millisecond))
	if h.SequenceNumber != 104 || h.Timestamp != 2120+frameSamples {
		t.Fatalf("immediate switch: %+v", h)
	}
}

func TestPTMap(t *testing.T) {
	m := newPTMap()
	m.set(126, 101)
	m.set(-1, 3)
	m.set(3, 200)
	if pt, ok := m.lookup(126); !ok || pt != 101 {
		t.Errorf("126 -> %d %v", pt, ok)
	}
	if pt, ok := m.lookup(126 | 0x80); !ok || pt != 101 {
		t.Errorf("126 with marker -> %d %v", pt, ok)
	}
	if _, ok := m.lookup(3); ok {
		t.Error("unset PT mapped")
	}
}

func TestEventsOf(t *testing.T) {
	sdp := []byte("v=0\r\na=fmtp:111 minptime=10\r\na=fmtp:126 0-15\r\na=fmtp:101 0-15\rx\r\n")
	if got := eventsOf(sdp, 126); got != "0-15" {
		t.Errorf("126: %q", got)
	}
	if got := eventsOf(sdp, 111); got != "" {
		t.Errorf("111 (not an events list): %q", got)
	}
	if got := eventsOf(sdp, 101); got != "" {
		t.Errorf("101 (CR inside): %q", got)
	}
	if got := eventsOf(sdp, 9); got != "" {
		t.Errorf("absent: %q", got)
	}
}
