package webrtc

import (
	"encoding/binary"
	"testing"

	"github.com/pion/rtp"
)

// The gateway's per-packet cost, against BenchmarkSendto, the one sendto
// every relayed packet pays anyway (switch/media's BenchmarkFrameSend
// idea). A browser leg costs, per packet, what the relay would pay for a
// phone plus: towards the browser, relayFromPlain (parse, map, SRTP,
// sendto on the ICE port, instead of the relay's own sendto) and one
// loopback hop; from the browser, pion's SRTP decryption, relayFromBrowser
// and one loopback hop. BenchmarkLoopbackHop is that hop: a sendto and the
// matching recvfrom.

// frame is one 20 ms PCMU packet.
func frame() []byte { return rtpPacket(0, 1, 160, 0x1234, payload(0x55)) }

func BenchmarkSendto(b *testing.B) {
	ph := newPhone(b)
	sink := newPhone(b) // nobody reads: the kernel drops what overflows
	pkt := frame()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ph.conn.WriteToUDPAddrPort(pkt, sink.addr()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoopbackHop(b *testing.B) {
	ph := newPhone(b)
	rx := newPhone(b)
	pkt := frame()
	buf := make([]byte, maxPacket)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ph.conn.WriteToUDPAddrPort(pkt, rx.addr()); err != nil {
			b.Fatal(err)
		}
		if _, _, err := rx.conn.ReadFromUDPAddrPort(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPeer is a connected browser leg whose plain reader is not in the
// way: the benchmark calls the relay functions itself.
func benchPeer(b *testing.B) (*Peer, *phone) {
	g := newTestGateway(b, Config{})
	br := newBrowser(b, chromeCodecs)
	ph := newPhone(b)
	p := connectBrowserOffer(b, g, br, ph, "0 101", "a=rtpmap:101 telephone-event/8000")
	pl := payload(1)
	expectBrowser(b, br, func() { ph.send(p.PlainAddr(), 0, pl) }, pl)
	return p, ph
}

func BenchmarkRelayToBrowser(b *testing.B) {
	p, ph := benchPeer(b)
	pkt := rtpPacket(0, 1, 160, ph.ssrc, payload(0x55))
	var h rtp.Header
	var seq sequencer
	src := ph.addr()
	before := p.Stats().ToBrowser
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		// New numbers each time, or the browser's SRTP replay check
		// rejects the repeats.
		binary.BigEndian.PutUint16(pkt[2:], uint16(i))
		binary.BigEndian.PutUint32(pkt[4:], uint32(i)*160)
		p.relayFromPlain(pkt, src, &h, &seq)
	}
	b.StopTimer()
	if got := p.Stats().ToBrowser - before; got < uint64(b.N) {
		b.Fatalf("%d of %d packets sent", got, b.N)
	}
}

func BenchmarkRelayToPlain(b *testing.B) {
	p, _ := benchPeer(b)
	pkt := frame()
	before := p.Stats().ToPlain
	b.ReportAllocs()
	for b.Loop() {
		p.relayFromBrowser(pkt)
	}
	b.StopTimer()
	if got := p.Stats().ToPlain - before; got < uint64(b.N) {
		b.Fatalf("%d of %d packets sent", got, b.N)
	}
}
