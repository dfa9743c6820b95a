package media

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// benchRoute measures the relay's per-packet work (route, no syscalls) on
// a 20 ms PCMU packet from A to B, after setup.
func benchRoute(b *testing.B, setup func(s *Session)) {
	e := newTestEngine(b, Config{})
	s := newTestSession(b, e, nil)
	s.B().SetRemote(netip.MustParseAddrPort("127.0.0.1:40000"))
	setup(s)
	p := s.paths()[0]
	src := netip.MustParseAddrPort("127.0.0.1:30000")
	pkt := rtpPacket(0, 0, FrameSamples)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		binary.BigEndian.PutUint16(pkt[2:], uint16(i))
		binary.BigEndian.PutUint32(pkt[4:], uint32(i)*FrameSamples)
		if !p.route(pkt, src).IsValid() {
			b.Fatal("packet not relayed")
		}
	}
}

// BenchmarkRoutePlain is the plain relay: no leg converts DTMF.
func BenchmarkRoutePlain(b *testing.B) { benchRoute(b, func(*Session) {}) }

// BenchmarkRouteInband relays the audio of an in-band phone (A) to an
// RFC 4733 phone: every packet goes through the tone detector.
func BenchmarkRouteInband(b *testing.B) {
	benchRoute(b, func(s *Session) {
		s.B().SetDTMFPayloadType(101)
		if err := s.A().SetInband(Codec{PT: 0, Name: "PCMU"}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkRouteToInband relays audio toward an in-band phone (B): the
// relay only checks that no digit is being played to it.
func BenchmarkRouteToInband(b *testing.B) {
	benchRoute(b, func(s *Session) {
		if err := s.B().SetInband(Codec{PT: 0, Name: "PCMU"}); err != nil {
			b.Fatal(err)
		}
	})
}
