package media

import (
	"net/netip"
	"sync/atomic"
)

// LegStats are the counters of one leg. "In" is what the leg's peer sent us
// and we accepted; "Out" is what we sent to the peer.
type LegStats struct {
	PacketsIn, PacketsOut uint64 // RTP
	BytesIn, BytesOut     uint64 // RTP, UDP payload bytes
	DTMFPackets           uint64 // RFC 4733 packets received with the leg's telephone-event PT
	RTCPIn, RTCPOut       uint64 // RTCP packets
	Dropped               uint64 // RTP/RTCP dropped: not RTP/RTCP, or from a non-latched source
	Latched               netip.AddrPort
	Remote                netip.AddrPort // from SetRemote (invalid when unusable)
}

// peer is where a leg's traffic goes. It is immutable and swapped
// atomically, so the hot path reads it with one load.
type peer struct {
	sdp     netip.AddrPort // from the SDP; invalid: do not send before latching
	latched netip.AddrPort // source of the first accepted packet; invalid: open
	refused netip.AddrPort // a former peer's source, never latched (NewPeer)
}

// dest returns where to send: the latched source, else the SDP address.
func (p *peer) dest() netip.AddrPort {
	if p.latched.IsValid() {
		return p.latched
	}
	return p.sdp
}

// Leg is one side of a Session: our RTP/RTCP socket pair and its peer.
type Leg struct {
	s    *Session
	pair socketPair
	tap  atomic.Pointer[tap] // nil: plain relay
	// watch hears the RFC 4733 digits of a relayed leg (feature codes
	// during a bridge); nil: nobody listens.
	watch atomic.Pointer[digitWatch]
	// conv converts DTMF for the leg (digits written into its stream,
	// in-band tones; inject.go, inband.go); nil: plain relay.
	conv atomic.Pointer[legConv]

	out      continuity // of the RTP we send the peer, whatever its source
	rtpPeer  atomic.Pointer[peer]
	rtcpPeer atomic.Pointer[peer]
	dtmfPT   atomic.Int32

	packetsIn, packetsOut atomic.Uint64
	bytesIn, bytesOut     atomic.Uint64
	dtmf                  atomic.Uint64
	rtcpIn, rtcpOut       atomic.Uint64
	dropped               atomic.Uint64
}

func (l *Leg) init(s *Session, pair socketPair) {
	l.s = s
	l.pair = pair
	l.rtpPeer.Store(&peer{})
	l.rtcpPeer.Store(&peer{})
	l.dtmfPT.Store(-1)
}

// LocalPort is our RTP port that this leg's peer sends to; RTCP is on
// LocalPort()+1.
func (l *Leg) LocalPort() int { return l.pair.port }

// SetRemote sets the peer's RTP address from its SDP and re-opens latching
// (a re-INVITE may move the peer). RTCP goes to the next port (RFC 3550
// section 11). An unusable address (invalid, unspecified as in a c=0.0.0.0
// hold, multicast, port 0) means: send nothing until the peer's RTP latches.
func (l *Leg) SetRemote(addr netip.AddrPort) {
	addr = netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port())
	a := addr.Addr()
	if !a.IsValid() || a.IsUnspecified() || a.IsMulticast() || addr.Port() == 0 {
		addr = netip.AddrPort{}
	}
	var rtcp netip.AddrPort
	if addr.IsValid() && addr.Port() < 65535 {
		rtcp = netip.AddrPortFrom(a, addr.Port()+1)
	}
	l.rtpPeer.Store(&peer{sdp: addr, refused: stillRefused(l.rtpPeer.Load().refused, addr)})
	l.rtcpPeer.Store(&peer{sdp: rtcp, refused: stillRefused(l.rtcpPeer.Load().refused, rtcp)})
}

// stillRefused keeps a refused source unless the new SDP names it.
func stillRefused(refused, sdp netip.AddrPort) netip.AddrPort {
	if refused == sdp {
		return netip.AddrPort{}
	}
	return refused
}

// NewPeer says the leg is moving to another party (a transfer): the source
// latched so far is never latched again, since the old party may go on
// sending until its BYE arrives and would otherwise win the re-opened latch
// against the new one.
func (l *Leg) NewPeer() {
	for _, pp := range []*atomic.Pointer[peer]{&l.rtpPeer, &l.rtcpPeer} {
		p := pp.Load()
		refused := p.latched
		if !refused.IsValid() {
			refused = p.refused
		}
		pp.Store(&peer{sdp: p.sdp, refused: refused})
	}
}

// SetDTMFPayloadType sets the RFC 4733 telephone-event payload type this
// leg's peer uses, for counting DTMF packets; -1 means none.
func (l *Leg) SetDTMFPayloadType(pt int) {
	if pt < 0 || pt > 127 {
		pt = -1
	}
	l.dtmfPT.Store(int32(pt))
}

// Stats returns a snapshot of the leg's counters.
func (l *Leg) Stats() LegStats {
	p := l.rtpPeer.Load()
	return LegStats{
		PacketsIn:   l.packetsIn.Load(),
		PacketsOut:  l.packetsOut.Load(),
		BytesIn:     l.bytesIn.Load(),
		BytesOut:    l.bytesOut.Load(),
		DTMFPackets: l.dtmf.Load(),
		RTCPIn:      l.rtcpIn.Load(),
		RTCPOut:     l.rtcpOut.Load(),
		Dropped:     l.dropped.Load(),
		Latched:     p.latched,
		Remote:      p.sdp,
	}
}

// accept applies symmetric latching (comedia) to a packet from src: the
// first source is latched, later packets from any other source are dropped
// so nobody can hijack the stream by sending to our port.
func accept(pp *atomic.Pointer[peer], src netip.AddrPort) bool {
	for {
		p := pp.Load()
		if p.latched.IsValid() {
			return p.latched == src
		}
		if src == p.refused {
			return false
		}
		// One allocation per latch, not per packet.
		if pp.CompareAndSwap(p, &peer{sdp: p.sdp, latched: src}) {
			return true
		}
	}
}

// rtcpDest is where RTCP for this leg goes: the latched RTCP source, else
// the port after the latched RTP source (behind NAT the SDP address is
// useless but the latched host is right), else the SDP port + 1.
func (l *Leg) rtcpDest() netip.AddrPort {
	p := l.rtcpPeer.Load()
	if p.latched.IsValid() {
		return p.latched
	}
	if r := l.rtpPeer.Load().latched; r.IsValid() && r.Port() < 65535 {
		return netip.AddrPortFrom(r.Addr(), r.Port()+1)
	}
	return p.sdp
}
