package webrtc

import "net/netip"

// ptMap maps the payload types of one direction; a PT without an entry is
// dropped (CN, Opus or anything else nobody negotiated with the far end).
type ptMap [128]int16

func newPTMap() ptMap {
	var m ptMap
	for i := range m {
		m[i] = -1
	}
	return m
}

func (m *ptMap) set(from, to int) {
	if from >= 0 && from < 128 && to >= 0 && to < 128 {
		m[from] = int16(to)
	}
}

func (m *ptMap) lookup(pt uint8) (uint8, bool) {
	to := m[pt&0x7f]
	return uint8(to), to >= 0
}

// routes are a Peer's PT maps, fixed once the offer/answer exchange is
// done and read by both relay goroutines without locks.
type routes struct {
	toPlain, toBrowser ptMap
}

// plainPeer is the plain side's RTP address: from its SDP, then latched on
// the first packet's source like a NAT'd phone (symmetric RTP). As in the
// switch's relay, once latched, packets from any other source are dropped.
type plainPeer struct {
	sdp, latched netip.AddrPort
}

func (p *plainPeer) dest() netip.AddrPort {
	if p.latched.IsValid() {
		return p.latched
	}
	return p.sdp
}

// usableRemote returns addr, or the zero AddrPort when it cannot be sent
// to (a c=0.0.0.0 hold, port 0, multicast): the peer then waits to latch.
func usableRemote(addr netip.AddrPort) netip.AddrPort {
	a := addr.Addr().Unmap()
	if !a.IsValid() || a.IsUnspecified() || a.IsMulticast() || addr.Port() == 0 {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(a, addr.Port())
}

func unmap(a netip.AddrPort) netip.AddrPort {
	if a.Addr().Is4In6() {
		return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
	}
	return a
}
