//go:build !linux || 386

package media

import (
	"net"
	"net/netip"
)

// udpSocket is a net.UDPConn read by one goroutine of the portable relay.
type udpSocket struct{ c *net.UDPConn }

// listenUDP binds network ("udp4", "udp6", or dual-stack "udp") on ip
// (invalid: all addresses) and port (0: OS-chosen), and returns the bound
// port.
func listenUDP(network string, ip netip.Addr, port int) (udpSocket, int, error) {
	addr := &net.UDPAddr{Port: port}
	if ip.IsValid() {
		addr.IP = ip.AsSlice()
	}
	c, err := net.ListenUDP(network, addr)
	if err != nil {
		return udpSocket{}, 0, err
	}
	return udpSocket{c: c}, c.LocalAddr().(*net.UDPAddr).Port, nil
}

func (u udpSocket) close() { u.c.Close() }

// SendScratch is unused here: net.UDPConn needs no scratch space.
type SendScratch struct{}

// send sends pkt to the address to.
func (u udpSocket) send(pkt []byte, to netip.AddrPort, _ *SendScratch) error {
	_, err := u.c.WriteToUDPAddrPort(pkt, to)
	return err
}
