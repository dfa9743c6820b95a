package media

import (
	"bytes"
	"net/netip"
	"testing"
)

// call sets up a started session with two endpoints whose SDP addresses are
// their real sockets.
func call(t testing.TB) (s *Session, epA, epB *endpoint) {
	t.Helper()
	e := newTestEngine(t, Config{})
	s = newTestSession(t, e, nil)
	epA, epB = newEndpoint(t), newEndpoint(t)
	s.A().SetRemote(epA.addr())
	s.B().SetRemote(epB.addr())
	s.Start()
	return s, epA, epB
}

func TestRelayBothWays(t *testing.T) {
	s, epA, epB := call(t)
	const nAB, nBA, size = 50, 30, 160

	for i := range nAB {
		pkt := rtpPacket(0, uint16(i), size)
		epA.send(legAddr(s.A()), pkt)
		got, from := epB.recv()
		if !bytes.Equal(got, pkt) {
			t.Fatalf("A->B packet %d altered:\n got % x\nwant % x", i, got, pkt)
		}
		if from != legAddr(s.B()) {
			t.Fatalf("B got RTP from %s, want our leg B port %s (symmetric RTP)", from, legAddr(s.B()))
		}
	}
	for i := range nBA {
		pkt := rtpPacket(8, uint16(1000+i), size)
		epB.send(legAddr(s.B()), pkt)
		got, from := epA.recv()
		if !bytes.Equal(got, pkt) {
			t.Fatalf("B->A packet %d altered", i)
		}
		if from != legAddr(s.A()) {
			t.Fatalf("A got RTP from %s, want %s", from, legAddr(s.A()))
		}
	}

	bytesAB, bytesBA := uint64(nAB*(12+size)), uint64(nBA*(12+size))
	// A packet counts as sent once sendto returns, which may be after the
	// peer has read it.
	waitFor(t, "the last packets counted", func() bool {
		return s.A().Stats().PacketsOut == nBA && s.B().Stats().PacketsOut == nAB
	})
	a, b := s.A().Stats(), s.B().Stats()
	if a.PacketsIn != nAB || a.BytesIn != bytesAB || b.PacketsOut != nAB || b.BytesOut != bytesAB {
		t.Errorf("A->B stats: A in %d/%dB, B out %d/%dB; want %d/%dB", a.PacketsIn, a.BytesIn, b.PacketsOut, b.BytesOut, nAB, bytesAB)
	}
	if b.PacketsIn != nBA || b.BytesIn != bytesBA || a.PacketsOut != nBA || a.BytesOut != bytesBA {
		t.Errorf("B->A stats: B in %d/%dB, A out %d/%dB; want %d/%dB", b.PacketsIn, b.BytesIn, a.PacketsOut, a.BytesOut, nBA, bytesBA)
	}
	if a.Latched != epA.addr() || b.Latched != epB.addr() {
		t.Errorf("latched A %s B %s, want %s %s", a.Latched, b.Latched, epA.addr(), epB.addr())
	}
	if a.Dropped != 0 || b.Dropped != 0 {
		t.Errorf("dropped A %d B %d, want 0", a.Dropped, b.Dropped)
	}
}

func TestSendToSDPAddressBeforeLatching(t *testing.T) {
	s, epA, epB := call(t)
	pkt := rtpPacket(0, 1, 20)
	epB.send(legAddr(s.B()), pkt) // A has not sent anything yet
	if got, _ := epA.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("A got % x, want % x", got, pkt)
	}
	if l := s.A().Stats().Latched; l.IsValid() {
		t.Fatalf("A latched to %s before sending", l)
	}
}

func TestLatchToRealSource(t *testing.T) {
	e := newTestEngine(t, Config{})
	s := newTestSession(t, e, nil)
	sdpA := newEndpoint(t) // what A's SDP says (a private address behind NAT)
	realA := newEndpoint(t)
	epB := newEndpoint(t)
	s.A().SetRemote(sdpA.addr())
	s.B().SetRemote(epB.addr())
	s.Start()

	realA.send(legAddr(s.A()), rtpPacket(0, 1, 20))
	epB.recv()
	if got := s.A().Stats().Latched; got != realA.addr() {
		t.Fatalf("A latched %s, want the real source %s", got, realA.addr())
	}
	pkt := rtpPacket(0, 2, 20)
	epB.send(legAddr(s.B()), pkt)
	if got, _ := realA.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("real A got % x, want % x", got, pkt)
	}
	sdpA.expectNothing()
}

func TestHijackDropped(t *testing.T) {
	s, epA, epB := call(t)
	evil := newEndpoint(t)

	epA.send(legAddr(s.A()), rtpPacket(0, 1, 20))
	epB.recv() // A is latched now

	for i := range 5 {
		evil.send(legAddr(s.A()), rtpPacket(0, uint16(100+i), 20))
	}
	marker := rtpPacket(0, 2, 20)
	epA.send(legAddr(s.A()), marker)
	if got, _ := epB.recv(); !bytes.Equal(got, marker) {
		t.Fatalf("B got % x, want the legitimate packet % x", got, marker)
	}
	waitFor(t, "5 drops", func() bool { return s.A().Stats().Dropped == 5 })

	// Nor can the intruder steal the return direction.
	pkt := rtpPacket(0, 3, 20)
	epB.send(legAddr(s.B()), pkt)
	if got, _ := epA.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("A got % x, want % x", got, pkt)
	}
	evil.expectNothing()
	st := s.A().Stats()
	if st.Latched != epA.addr() || st.PacketsIn != 2 {
		t.Fatalf("A latched %s with %d packets in, want %s and 2", st.Latched, st.PacketsIn, epA.addr())
	}
}

func TestSetRemoteReopensLatching(t *testing.T) {
	s, epA, epB := call(t)
	epA.send(legAddr(s.A()), rtpPacket(0, 1, 20))
	epB.recv()

	// A re-INVITE moves A to a new address.
	movedA := newEndpoint(t)
	s.A().SetRemote(movedA.addr())
	if st := s.A().Stats(); st.Latched.IsValid() || st.Remote != movedA.addr() {
		t.Fatalf("after SetRemote: latched %s remote %s", st.Latched, st.Remote)
	}
	pkt := rtpPacket(0, 2, 20)
	movedA.send(legAddr(s.A()), pkt)
	if got, _ := epB.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("B got % x from the moved A, want % x", got, pkt)
	}
	if got := s.A().Stats().Latched; got != movedA.addr() {
		t.Fatalf("A latched %s, want %s", got, movedA.addr())
	}
	epA.send(legAddr(s.A()), rtpPacket(0, 3, 20)) // the old address is now the intruder
	waitFor(t, "old source dropped", func() bool { return s.A().Stats().Dropped == 1 })

	back := rtpPacket(0, 4, 20)
	epB.send(legAddr(s.B()), back)
	if got, _ := movedA.recv(); !bytes.Equal(got, back) {
		t.Fatalf("moved A got % x, want % x", got, back)
	}
	epA.expectNothing()
}

// A transfer moves leg A from one party to another: the old party, still
// sending until its BYE, must not win the re-opened latch.
func TestNewPeerRefusesTheOldSource(t *testing.T) {
	s, epA, epB := call(t)
	epA.send(legAddr(s.A()), rtpPacket(0, 1, 20))
	epB.recv()

	target := newEndpoint(t)
	s.A().NewPeer()
	s.A().SetRemote(target.addr())
	epA.send(legAddr(s.A()), rtpPacket(0, 2, 20)) // the old party, first
	waitFor(t, "old party dropped", func() bool { return s.A().Stats().Dropped == 1 })
	if l := s.A().Stats().Latched; l.IsValid() {
		t.Fatalf("latched %s after the old party's packet, want open", l)
	}
	pkt := rtpPacket(0, 3, 20)
	target.send(legAddr(s.A()), pkt)
	if got, _ := epB.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("B got % x from the new party, want % x", got, pkt)
	}
	if l := s.A().Stats().Latched; l != target.addr() {
		t.Fatalf("latched %s, want the new party %s", l, target.addr())
	}
	// A later re-INVITE naming the old address (the same party back) may
	// latch it again.
	s.A().SetRemote(epA.addr())
	back := rtpPacket(0, 4, 20)
	epA.send(legAddr(s.A()), back)
	if got, _ := epB.recv(); !bytes.Equal(got, back) {
		t.Fatalf("B got % x, want % x", got, back)
	}
}

func TestUnusableRemoteSendsNothingUntilLatched(t *testing.T) {
	s, epA, epB := call(t)
	s.A().SetRemote(netip.MustParseAddrPort("0.0.0.0:4000")) // c=0.0.0.0 hold
	if r := s.A().Stats().Remote; r.IsValid() {
		t.Fatalf("remote %s, want none for 0.0.0.0", r)
	}
	epB.send(legAddr(s.B()), rtpPacket(0, 1, 20))
	waitFor(t, "B packet in", func() bool { return s.B().Stats().PacketsIn == 1 })
	if out := s.A().Stats().PacketsOut; out != 0 {
		t.Fatalf("sent %d packets towards 0.0.0.0", out)
	}
	epA.expectNothing()
}

func TestNonRTPDropped(t *testing.T) {
	s, epA, epB := call(t)
	bad := [][]byte{
		{0x80, 0, 0, 1}, // too short
		append([]byte{0x40}, make([]byte, 20)...), // version 1
		append([]byte{0x00}, make([]byte, 20)...), // version 0 (e.g. STUN)
		append([]byte{0x8f}, make([]byte, 20)...), // 15 CSRCs do not fit
		make([]byte, readBufSize+10),              // truncated by our buffer
	}
	bad[4][0] = 0x80
	for _, b := range bad {
		epA.send(legAddr(s.A()), b)
	}
	waitFor(t, "drops", func() bool { return s.A().Stats().Dropped == uint64(len(bad)) })
	if st := s.A().Stats(); st.PacketsIn != 0 || st.Latched.IsValid() {
		t.Fatalf("non-RTP counted (%d in) or latched (%s)", st.PacketsIn, st.Latched)
	}
	epB.expectNothing()
}

func TestDTMFRelayedAndCounted(t *testing.T) {
	s, epA, epB := call(t)
	s.A().SetDTMFPayloadType(101)
	s.B().SetDTMFPayloadType(101) // B takes events too (else they are dropped)
	var sent [][]byte
	for i := range 8 {
		pt := byte(0)
		if i >= 3 {
			pt = 101
		}
		// RFC 4733 section 2.3: event 5, end bit on the last, volume 10, duration.
		pkt := rtpPacket(pt, uint16(i), 4)
		if pt == 101 {
			copy(pkt[12:], []byte{5, 0x0a, 0, byte(i * 40)})
			if i == 7 {
				pkt[13] |= 0x80
			}
		}
		sent = append(sent, pkt)
		epA.send(legAddr(s.A()), pkt)
	}
	for i, want := range sent {
		if got, _ := epB.recv(); !bytes.Equal(got, want) {
			t.Fatalf("packet %d altered:\n got % x\nwant % x", i, got, want)
		}
	}
	if a, b := s.A().Stats(), s.B().Stats(); a.DTMFPackets != 5 || b.DTMFPackets != 0 {
		t.Fatalf("DTMF counted A %d B %d, want 5 and 0", a.DTMFPackets, b.DTMFPackets)
	}
	s.A().SetDTMFPayloadType(-1)
	epA.send(legAddr(s.A()), rtpPacket(101, 9, 4))
	epB.recv()
	if n := s.A().Stats().DTMFPackets; n != 5 {
		t.Fatalf("counted %d DTMF packets with no PT set, want still 5", n)
	}
}

func TestRTCPRelayed(t *testing.T) {
	e := newTestEngine(t, Config{})
	s := newTestSession(t, e, nil)
	aRTP, aRTCP := newEndpointPair(t)
	bRTP, bRTCP := newEndpointPair(t)
	s.A().SetRemote(aRTP.addr())
	s.B().SetRemote(bRTP.addr())
	s.Start()

	// Before any latching RTCP goes to the SDP port + 1 (RFC 3550 section 11).
	rr := rtcpPacket(0xA)
	aRTCP.send(legRTCPAddr(s.A()), rr)
	got, from := bRTCP.recv()
	if !bytes.Equal(got, rr) || from != legRTCPAddr(s.B()) {
		t.Fatalf("B RTCP got % x from %s, want % x from %s", got, from, rr, legRTCPAddr(s.B()))
	}
	rr2 := rtcpPacket(0xB)
	bRTCP.send(legRTCPAddr(s.B()), rr2)
	if got, _ := aRTCP.recv(); !bytes.Equal(got, rr2) {
		t.Fatalf("A RTCP got % x, want % x", got, rr2)
	}
	// RTCP does not touch the RTP sockets or counters.
	aRTP.expectNothing()
	bRTP.expectNothing()
	a, b := s.A().Stats(), s.B().Stats()
	if a.RTCPIn != 1 || b.RTCPOut != 1 || b.RTCPIn != 1 || a.RTCPOut != 1 || a.PacketsIn+b.PacketsIn != 0 {
		t.Fatalf("stats A %+v B %+v", a, b)
	}

	// RTCP latches on its own: another source is dropped once latched.
	evil := newEndpoint(t)
	evil.send(legRTCPAddr(s.A()), rtcpPacket(0xE))
	evil.send(legRTCPAddr(s.A()), []byte{0x00, 1, 2, 3, 4, 5, 6, 7}) // not RTCP
	waitFor(t, "RTCP drops", func() bool { return s.A().Stats().Dropped == 2 })
	bRTCP.expectNothing()
}

func TestRTCPFollowsLatchedRTPHost(t *testing.T) {
	e := newTestEngine(t, Config{})
	s := newTestSession(t, e, nil)
	sdpB := newEndpoint(t)
	realRTP, realRTCP := newEndpointPair(t) // B behind NAT: real ports differ from its SDP
	aRTCP := newEndpoint(t)
	s.B().SetRemote(sdpB.addr())
	s.Start()

	realRTP.send(legAddr(s.B()), rtpPacket(0, 1, 20)) // latches B's RTP
	waitFor(t, "B latched", func() bool { return s.B().Stats().Latched.IsValid() })
	rr := rtcpPacket(1)
	aRTCP.send(legRTCPAddr(s.A()), rr)
	if got, _ := realRTCP.recv(); !bytes.Equal(got, rr) {
		t.Fatalf("RTCP got % x, want % x at latched RTP port + 1", got, rr)
	}
}

func TestIPv6Relay(t *testing.T) {
	v6 := netip.MustParseAddr("::1")
	e, err := NewEngine(Config{BindIP: v6})
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	defer e.Close()
	s, err := e.NewSession(nil)
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer s.Close()
	epA, epB := newEndpointOn(t, v6), newEndpointOn(t, v6)
	s.A().SetRemote(epA.addr())
	s.B().SetRemote(epB.addr())
	s.Start()
	pkt := rtpPacket(0, 1, 20)
	epA.send(netip.AddrPortFrom(v6, uint16(s.A().LocalPort())), pkt)
	if got, _ := epB.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("got % x, want % x", got, pkt)
	}
}
