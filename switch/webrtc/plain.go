package webrtc

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// pairTries bounds the attempts to get an even/odd port pair from the OS.
const pairTries = 64

// plainConn is a Peer's plain RTP socket on an even port and an RTCP socket
// on the next one (RFC 3550 section 11). The switch's relay passes RTCP end
// to end and will send the plain side's reports to the RTCP port; they are
// not relayed to the browser (pion sends the browser leg's own reports), so
// the RTCP socket only holds the port, with the smallest receive buffer the
// kernel allows, and is never read.
type plainConn struct {
	rtp, rtcp *net.UDPConn
	port      int
}

var errNoPair = errors.New("no free even/odd port pair")

func listenPlain(ip netip.Addr) (*plainConn, error) {
	network := "udp4"
	if ip.Is6() {
		network = "udp6"
	}
	for range pairTries {
		rtp, err := net.ListenUDP(network, net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
		if err != nil {
			return nil, fmt.Errorf("listen plain rtp on %s: %w", ip, err)
		}
		port := rtp.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 || port >= 65535 {
			rtp.Close()
			continue
		}
		rtcp, err := net.ListenUDP(network, net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(port+1))))
		if err != nil {
			rtp.Close()
			continue
		}
		_ = rtcp.SetReadBuffer(1) // the kernel rounds up to its minimum
		return &plainConn{rtp: rtp, rtcp: rtcp, port: port}, nil
	}
	return nil, fmt.Errorf("listen plain rtp on %s: %w", ip, errNoPair)
}

func (c *plainConn) close() {
	c.rtp.Close()
	c.rtcp.Close()
}
