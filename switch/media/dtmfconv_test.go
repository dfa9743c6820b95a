package media

import (
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/media/tone"
)

// rtpOf splits a received packet, failing the test on garbage.
func rtpOf(t *testing.T, pkt []byte) rtpHeader {
	t.Helper()
	if !validRTP(pkt) {
		t.Fatalf("not RTP: % x", pkt)
	}
	h, ok := parseRTP(pkt)
	if !ok {
		t.Fatalf("bad RTP: % x", pkt)
	}
	return h
}

// pace sends 20 ms packets made by next from ep to leg l until stop is
// closed or next returns nil.
func pace(t *testing.T, ep *endpoint, l *Leg, stop chan struct{}, next func(i int) []byte) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			pkt := next(i)
			if pkt == nil {
				return
			}
			if _, err := ep.conn.WriteToUDPAddrPort(pkt, legAddr(l)); err != nil {
				return
			}
			select {
			case <-tick.C:
			case <-stop:
				return
			}
		}
	}()
	t.Cleanup(wg.Wait)
	return &wg
}

// tonePacket is frame i of a PCMU stream carrying pcm (silence after it).
func tonePacket(i int, pcm []int16) []byte {
	pkt := rtpPacket(0, uint16(i), FrameSamples)
	frame := make([]int16, FrameSamples)
	if off := i * FrameSamples; off < len(pcm) {
		copy(frame, pcm[off:])
	}
	EncodeUlaw(pkt[rtpHeaderLen:], frame)
	return pkt
}

// A digit written into the relayed stream (an INFO phone's) uses the
// stream's SSRC, sequence numbers and timestamps, and the audio the phone
// goes on sending is held back meanwhile: the receiver sees one source,
// consecutive sequence numbers and exactly one digit.
func TestSendDigitInStream(t *testing.T) {
	s, epA, epB := call(t)
	s.B().SetDTMFPayloadType(101)
	stop := make(chan struct{})
	defer close(stop)
	pace(t, epA, s.A(), stop, func(i int) []byte { return rtpPacket(0, uint16(1000+i), FrameSamples) })

	var rx dtmf.Receiver
	var digits []byte
	var ssrc uint32
	var lastSeq uint16
	var evEnd uint32 // timestamp after the event
	ends, after, events := 0, 0, 0
	for n := 0; after < 5; n++ {
		pkt, _ := epB.recv()
		h := rtpOf(t, pkt)
		if n == 0 {
			ssrc = h.ssrc
		} else {
			if h.ssrc != ssrc {
				t.Fatalf("packet %d SSRC %08x, want the stream's %08x", n, h.ssrc, ssrc)
			}
			if h.seq != lastSeq+1 {
				t.Fatalf("packet %d sequence %d after %d, want consecutive", n, h.seq, lastSeq)
			}
		}
		lastSeq = h.seq
		if n == 5 {
			if err := s.B().SendDigit('5', 101, 100*time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
		switch h.pt {
		case 101:
			events++
			if d, ok := rx.Packet(h.ssrc, h.ts, h.marker, h.payload); ok {
				digits = append(digits, d)
				if !h.marker {
					t.Fatalf("first event packet has no marker")
				}
			}
			e, err := dtmf.ParseEvent(h.payload)
			if err != nil {
				t.Fatal(err)
			}
			if e.End {
				ends++
				evEnd = h.ts + uint32(e.Duration)
			}
		case 0:
			if events > 0 && ends < 3 {
				t.Fatalf("audio relayed in the middle of the event (after %d event packets)", events)
			}
			if ends == 3 {
				if int32(h.ts-evEnd) < 0 {
					t.Fatalf("audio timestamp %d after the event, want at least its end %d", h.ts, evEnd)
				}
				after++
			}
		}
	}
	if string(digits) != "5" || ends != 3 {
		t.Fatalf("digits %q with %d end packets, want \"5\" and 3", digits, ends)
	}
}

// RFC 4733 events are not relayed to a peer that negotiated none.
func TestEventsDroppedWithoutTelephoneEvent(t *testing.T) {
	s, epA, epB := call(t)
	s.A().SetDTMFPayloadType(101)
	ev := rtpPacket(101, 1, 4)
	copy(ev[12:], []byte{5, 0x0a, 0, 160})
	epA.send(legAddr(s.A()), ev)
	audio := rtpPacket(0, 2, FrameSamples)
	epA.send(legAddr(s.A()), audio)
	got, _ := epB.recv()
	if h := rtpOf(t, got); h.pt != 0 {
		t.Fatalf("B got PT %d, want the audio only (PT 0)", h.pt)
	}
	if n := s.A().Stats().DTMFPackets; n != 1 {
		t.Fatalf("%d DTMF packets counted, want 1", n)
	}
}

// An in-band phone hears the other side's RFC 4733 digit as tones in its
// audio, and no event packets.
func TestInbandPlaysEvents(t *testing.T) {
	s, epA, epB := call(t)
	s.A().SetDTMFPayloadType(101)
	if err := s.B().SetInband(Codec{PT: 0, Name: "PCMU", Rate: 8000}); err != nil {
		t.Fatal(err)
	}
	snd := dtmf.NewSender()
	if err := snd.Start('7', 120*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	pace(t, epA, s.A(), stop, func(i int) []byte {
		if i < 5 || i > 20 {
			return tonePacket(i, nil) // silence
		}
		payload, marker, done := snd.Next()
		if done {
			return tonePacket(i, nil)
		}
		pkt := rtpPacket(101, uint16(i), 0)
		binary.BigEndian.PutUint32(pkt[4:], 5*FrameSamples)
		if marker {
			pkt[1] |= 0x80
		}
		return append(pkt, payload...)
	})
	var det dtmf.Detector
	var digits []byte
	pcm := make([]int16, FrameSamples)
	for n := 0; n < 50; n++ {
		pkt, _ := epB.recv()
		h := rtpOf(t, pkt)
		if h.pt != 0 {
			t.Fatalf("in-band phone got PT %d, want PCMU only", h.pt)
		}
		DecodeUlaw(pcm, h.payload)
		digits = det.Process(digits, pcm)
	}
	if string(digits) != "7" {
		t.Fatalf("in-band phone heard %q, want \"7\"", digits)
	}
}

// An in-band phone's tones reach the other side as one RFC 4733 digit and
// the leg's digit watch.
func TestInbandDetectsTones(t *testing.T) {
	s, epA, epB := call(t)
	s.A().SetDTMFPayloadType(101)
	if err := s.B().SetInband(Codec{PT: 0, Name: "PCMU", Rate: 8000}); err != nil {
		t.Fatal(err)
	}
	watched := make(chan byte, 8)
	s.B().OnDigit(func(d byte) { watched <- d })
	tn, err := tone.DTMF('3', 160*time.Millisecond, 0)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, 8*FrameSamples)
	tone.NewGenerator(tn, 8000).Read(pcm)
	pcm = append(make([]int16, 4*FrameSamples), pcm...)
	stop := make(chan struct{})
	defer close(stop)
	pace(t, epB, s.B(), stop, func(i int) []byte { return tonePacket(i, pcm) })

	var rx dtmf.Receiver
	var digits []byte
	ends := 0
	for ends < 3 {
		pkt, _ := epA.recv()
		h := rtpOf(t, pkt)
		if h.pt != 101 {
			continue
		}
		if d, ok := rx.Packet(h.ssrc, h.ts, h.marker, h.payload); ok {
			digits = append(digits, d)
		}
		if e, err := dtmf.ParseEvent(h.payload); err == nil && e.End {
			ends++
		}
	}
	if string(digits) != "3" {
		t.Fatalf("RFC 4733 side got %q, want \"3\"", digits)
	}
	if d := <-watched; d != '3' {
		t.Fatalf("digit watch got %q, want '3'", d)
	}
}
