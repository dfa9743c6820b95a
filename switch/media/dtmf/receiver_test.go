package dtmf

import (
	"testing"
)

type pkt struct {
	ssrc, ts uint32
	marker   bool
	payload  []byte
}

func ev(code uint8, end bool, dur uint16) []byte {
	return AppendEvent(nil, Event{Code: code, End: end, Volume: 10, Duration: dur})
}

// press returns the packets of one event as a sender emits them: the
// marked start, updates every 160 units, three end packets.
func press(ssrc, ts uint32, code uint8, frames int) []pkt {
	ps := []pkt{{ssrc, ts, true, ev(code, false, 160)}}
	for i := 2; i < frames; i++ {
		ps = append(ps, pkt{ssrc, ts, false, ev(code, false, uint16(i*160))})
	}
	for range 3 {
		ps = append(ps, pkt{ssrc, ts, false, ev(code, true, uint16(frames*160))})
	}
	return ps
}

// feed returns the digits reported and the index of the packet that
// reported each.
func feed(r *Receiver, ps []pkt) (string, []int) {
	var out []byte
	var at []int
	for i, p := range ps {
		if d, ok := r.Packet(p.ssrc, p.ts, p.marker, p.payload); ok {
			out = append(out, d)
			at = append(at, i)
		}
	}
	return string(out), at
}

func cat(parts ...[]pkt) []pkt {
	var all []pkt
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

func TestReceiverNormalEvent(t *testing.T) {
	var r Receiver
	got, at := feed(&r, press(1, 1000, 5, 6))
	if got != "5" || at[0] != 0 {
		t.Fatalf("got %q at %v, want \"5\" on the first packet", got, at)
	}
}

func TestReceiverSequenceOfDigits(t *testing.T) {
	var r Receiver
	var ps []pkt
	for i, code := range []uint8{1, 2, 3, 11, 10, 0, 12, 16} {
		ps = append(ps, press(7, uint32(i)*4000, code, 5)...)
	}
	if got, _ := feed(&r, ps); got != "123#*0A!" {
		t.Fatalf("got %q", got)
	}
}

func TestReceiverSameDigitTwice(t *testing.T) {
	var r Receiver
	if got, _ := feed(&r, cat(press(1, 1000, 4, 5), press(1, 3000, 4, 5))); got != "44" {
		t.Fatalf("two presses of 4: got %q", got)
	}
}

func TestReceiverLostFirstPackets(t *testing.T) {
	// Updates only: reported on the first one that arrives.
	var r Receiver
	got, at := feed(&r, press(1, 1000, 9, 6)[2:])
	if got != "9" || at[0] != 0 {
		t.Fatalf("without start packets: got %q at %v", got, at)
	}
	// End packets only.
	r = Receiver{}
	ps := press(1, 1000, 9, 6)
	if got, _ := feed(&r, ps[len(ps)-3:]); got != "9" {
		t.Fatalf("only end packets: got %q", got)
	}
	// Lost ends, then the same digit again: still two digits.
	r = Receiver{}
	if got, _ := feed(&r, cat(press(1, 1000, 9, 6)[:3], press(1, 5000, 9, 6))); got != "99" {
		t.Fatalf("lost ends then same digit: got %q", got)
	}
}

func TestReceiverLateDuplicates(t *testing.T) {
	first, second := press(1, 1000, 1, 5), press(1, 3000, 2, 5)
	var r Receiver
	// The end packets and a duplicated start of the first event arrive
	// after the second event started.
	ps := cat(first[:2], second[:2], first[2:], first[:1], second[2:])
	if got, _ := feed(&r, ps); got != "12" {
		t.Fatalf("reordered: got %q, want \"12\"", got)
	}
	// A straggler of an event never seen, older than the current one, is
	// dropped rather than reported out of order...
	r = Receiver{}
	feed(&r, second)
	if d, ok := r.Packet(1, 1000, false, ev(1, false, 320)); ok {
		t.Fatalf("old unmarked straggler reported %q", d)
	}
	// ...but a marked start with an older timestamp is a sender that reset
	// its clock.
	if d, ok := r.Packet(1, 500, true, ev(6, false, 160)); !ok || d != '6' {
		t.Fatalf("marked start after clock reset: %q, %v", d, ok)
	}
}

func TestReceiverTimestampWrap(t *testing.T) {
	var r Receiver
	a, b := press(1, 0xFFFFFF00, 3, 5), press(1, 0x00000300, 3, 5)
	ps := cat(a[:2], b[:2], a[2:], b[2:])
	if got, _ := feed(&r, ps); got != "33" {
		t.Fatalf("across wrap: got %q, want \"33\"", got)
	}
	// An unmarked straggler from before the wrap is older, not newer.
	if d, ok := r.Packet(1, 0xFFFFF000, false, ev(8, false, 320)); ok {
		t.Fatalf("straggler from before the wrap reported %q", d)
	}
}

func TestReceiverSSRCChange(t *testing.T) {
	var r Receiver
	// Same timestamp and digit, new SSRC: a new stream, a new event.
	got, _ := feed(&r, cat(press(1, 1000, 7, 5), press(2, 1000, 7, 5), press(1, 1000, 7, 5)[2:]))
	if got != "77" {
		t.Fatalf("got %q, want \"77\"", got)
	}
	// A new SSRC with an older timestamp is not a straggler.
	if d, ok := r.Packet(3, 10, false, ev(8, false, 320)); !ok || d != '8' {
		t.Fatalf("new SSRC with small timestamp: %q, %v", d, ok)
	}
}

func TestReceiverLongEventSegments(t *testing.T) {
	// RFC 4733 §2.5.1.3: past 0xFFFF units the event goes on in a new
	// segment whose timestamp is where the previous one would have ended.
	var r Receiver
	ps := []pkt{
		{1, 1000, true, ev(0, false, 160)},
		{1, 1000, false, ev(0, false, 0xFFFF)},
		{1, 1000 + 0xFFFF, false, ev(0, false, 160)},
		{1, 1000 + 0xFFFF, false, ev(0, true, 4000)},
		{1, 1000 + 0xFFFF, false, ev(0, true, 4000)},
	}
	if got, _ := feed(&r, ps); got != "0" {
		t.Fatalf("segmented long event: got %q, want one digit", got)
	}
	if got, _ := feed(&r, press(1, 1000+0xFFFF+8000, 0, 5)); got != "0" {
		t.Fatalf("next press after a long one: got %q", got)
	}
}

func TestReceiverPackedEvents(t *testing.T) {
	var r Receiver
	packed := append(ev(1, true, 800), ev(2, false, 160)...)
	if d, ok := r.Packet(1, 1000, false, packed); !ok || d != '2' {
		t.Fatalf("packed: %q, %v; want the last event", d, ok)
	}
	// Later packets of that event carry its own start, 1000+800.
	if got, _ := feed(&r, press(1, 1800, 2, 5)); got != "" {
		t.Fatalf("rest of the packed event reported again: %q", got)
	}
}

func TestReceiverMalformedAndOtherEvents(t *testing.T) {
	var r Receiver
	feed(&r, press(1, 1000, 5, 5)[:2])
	for _, p := range [][]byte{nil, {5}, {5, 10, 0}, {5, 10, 0, 160, 1}} {
		if d, ok := r.Packet(1, 9000, true, p); ok {
			t.Fatalf("malformed % x reported %q", p, d)
		}
	}
	// The malformed packets changed nothing: the event goes on unreported.
	if got, _ := feed(&r, press(1, 1000, 5, 5)[2:]); got != "" {
		t.Fatalf("current event reported again after malformed packets: %q", got)
	}
	// A non-DTMF event (32, ANS tone) is no digit but is an event.
	if got, _ := feed(&r, press(1, 3000, 32, 5)); got != "" {
		t.Fatalf("event 32 reported %q", got)
	}
	if got, _ := feed(&r, press(1, 6000, 6, 5)); got != "6" {
		t.Fatalf("digit after event 32: %q", got)
	}
	r.Reset()
	if got, _ := feed(&r, press(1, 6000, 6, 5)); got != "6" {
		t.Fatalf("after Reset: %q", got)
	}
}

func TestReceiverZeroKeyIsNotRemembered(t *testing.T) {
	// A fresh Receiver must not treat SSRC 0, timestamp 0 as seen.
	var r Receiver
	if d, ok := r.Packet(0, 0, true, ev(1, false, 160)); !ok || d != '1' {
		t.Fatalf("ssrc 0 ts 0: %q, %v", d, ok)
	}
}
