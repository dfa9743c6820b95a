package media

import "net/netip"

// readBufSize is the receive buffer. Audio RTP is far below the MTU; a
// datagram that fills the buffer may have been truncated and is dropped.
const readBufSize = 2048

// Minimum sizes: the fixed RTP header (RFC 3550 section 5.1) and an RTCP
// header plus sender SSRC (RFC 3550 section 6.4).
const (
	rtpHeaderLen  = 12
	rtcpHeaderLen = 8
)

// validRTP reports whether b looks like RTP: version 2 and long enough for
// the fixed header and its CSRC list.
func validRTP(b []byte) bool {
	if len(b) < rtpHeaderLen || b[0]>>6 != 2 {
		return false
	}
	return len(b) >= rtpHeaderLen+4*int(b[0]&0x0f)
}

// validRTCP reports whether b looks like RTCP: version 2 and long enough.
func validRTCP(b []byte) bool {
	return len(b) >= rtcpHeaderLen && b[0]>>6 == 2
}

// unmap turns the IPv4-mapped source a dual-stack socket reports into the
// plain IPv4 form SDP and SetRemote use, so latching compares like with like.
func unmap(a netip.AddrPort) netip.AddrPort {
	if a.Addr().Is4In6() {
		return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
	}
	return a
}

// path is one direction of one kind of traffic of a session: what arrives
// on in's RTP (or RTCP) socket leaves through out's. Both relays, epoll
// workers and portable readers, apply its rules, so they cannot drift.
type path struct {
	s       *Session
	in, out *Leg
	rtcp    bool
}

// paths lists the four paths of a session.
func (s *Session) paths() [4]path {
	return [4]path{
		{s: s, in: &s.a, out: &s.b},
		{s: s, in: &s.b, out: &s.a},
		{s: s, in: &s.a, out: &s.b, rtcp: true},
		{s: s, in: &s.b, out: &s.a, rtcp: true},
	}
}

// sockets returns the socket the path reads and the one it writes.
func (p *path) sockets() (in, out udpSocket) {
	if p.rtcp {
		return p.in.pair.rtcp, p.out.pair.rtcp
	}
	return p.in.pair.rtp, p.out.pair.rtp
}

// route applies the relay rules to pkt, read from src into a buffer of
// readBufSize, and returns where the output socket must send it. An invalid
// address means send nothing: the packet was dropped (and counted) or the
// other leg has no peer yet. After a successful send call sent.
func (p *path) route(pkt []byte, src netip.AddrPort) netip.AddrPort {
	in := p.in
	if p.rtcp {
		// RTCP is passed through (reports flow end to end) and latches on
		// its own.
		if len(pkt) == readBufSize || !validRTCP(pkt) || !accept(&in.rtcpPeer, unmap(src)) {
			in.dropped.Add(1)
			return netip.AddrPort{}
		}
		in.rtcpIn.Add(1)
		if p.owned() {
			return netip.AddrPort{}
		}
		return p.out.rtcpDest()
	}
	if len(pkt) == readBufSize || !validRTP(pkt) || !accept(&in.rtpPeer, unmap(src)) {
		in.dropped.Add(1)
		return netip.AddrPort{}
	}
	p.s.touch()
	in.packetsIn.Add(1)
	in.bytesIn.Add(uint64(len(pkt)))
	// RFC 4733 events are RTP, counted by PT and relayed untouched to a
	// peer that takes them (an in-band phone gets them as tones).
	ev := int32(pkt[1]&0x7f) == in.dtmfPT.Load()
	if ev {
		in.dtmf.Add(1)
		if w := in.watch.Load(); w != nil {
			w.packet(pkt)
		}
	}
	if t := in.tap.Load(); t != nil {
		t.sink.RTP(pkt)
	}
	if p.owned() {
		return netip.AddrPort{}
	}
	if (in.conv.Load() != nil || p.out.conv.Load() != nil) && !p.convert(pkt, ev) {
		return netip.AddrPort{}
	}
	// A peer that negotiated no telephone-event must not get events (an
	// INFO phone hears the digit as an INFO).
	if ev && p.out.dtmfPT.Load() < 0 {
		return netip.AddrPort{}
	}
	to := p.out.rtpPeer.Load().dest()
	if to.IsValid() {
		p.out.out.apply(pkt, p.s.e.now())
	}
	return to
}

// owned reports whether either end of the path belongs to a local
// endpoint (a prompt, a conference): such a leg takes no relayed media and
// its own media goes to the endpoint only.
func (p *path) owned() bool {
	if t := p.in.tap.Load(); t != nil && t.own {
		return true
	}
	t := p.out.tap.Load()
	return t != nil && t.own
}

// sent counts a packet of n bytes that route directed and the output
// socket sent.
func (p *path) sent(n int) {
	if p.rtcp {
		p.out.rtcpOut.Add(1)
		return
	}
	p.out.packetsOut.Add(1)
	p.out.bytesOut.Add(uint64(n))
}
