package media

import (
	"errors"
	"net"
	"net/netip"
)

// readBufSize is the per-reader buffer. Audio RTP is far below the MTU; a
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

// readErr reports whether a read error ends the reader. Only a closed socket
// does; anything else (a transient ICMP-driven error) is skipped.
func readErr(err error) bool {
	return errors.Is(err, net.ErrClosed)
}

// relayRTP moves RTP arriving on in's socket out of out's socket.
func (s *Session) relayRTP(in, out *Leg) {
	defer s.readers.Done()
	buf := make([]byte, readBufSize)
	conn, outConn := in.pair.rtp, out.pair.rtp
	for {
		n, src, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if readErr(err) {
				return
			}
			continue
		}
		pkt := buf[:n]
		if n == len(buf) || !validRTP(pkt) || !accept(&in.rtpPeer, unmap(src)) {
			in.dropped.Add(1)
			continue
		}
		s.touch()
		in.packetsIn.Add(1)
		in.bytesIn.Add(uint64(n))
		// RFC 4733 events are RTP: relayed untouched, counted by PT.
		if int32(pkt[1]&0x7f) == in.dtmfPT.Load() {
			in.dtmf.Add(1)
		}
		dst := out.rtpPeer.Load().dest()
		if !dst.IsValid() {
			continue
		}
		if _, err := outConn.WriteToUDPAddrPort(pkt, dst); err == nil {
			out.packetsOut.Add(1)
			out.bytesOut.Add(uint64(n))
		}
	}
}

// relayRTCP moves RTCP arriving on in's RTCP socket out of out's RTCP
// socket (pass-through: reports flow end to end). RTCP latches on its own.
func (s *Session) relayRTCP(in, out *Leg) {
	defer s.readers.Done()
	buf := make([]byte, readBufSize)
	conn, outConn := in.pair.rtcp, out.pair.rtcp
	for {
		n, src, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if readErr(err) {
				return
			}
			continue
		}
		pkt := buf[:n]
		if n == len(buf) || !validRTCP(pkt) || !accept(&in.rtcpPeer, unmap(src)) {
			in.dropped.Add(1)
			continue
		}
		in.rtcpIn.Add(1)
		dst := out.rtcpDest()
		if !dst.IsValid() {
			continue
		}
		if _, err := outConn.WriteToUDPAddrPort(pkt, dst); err == nil {
			out.rtcpOut.Add(1)
		}
	}
}
