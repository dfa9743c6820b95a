package media

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// newTestEngine starts an engine on 127.0.0.1 with OS-chosen port pairs
// unless cfg says otherwise, closed when the test ends.
func newTestEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	if !cfg.BindIP.IsValid() {
		cfg.BindIP = loopback
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func newTestSession(t testing.TB, e *Engine, onInactive func()) *Session {
	t.Helper()
	s, err := e.NewSession(onInactive)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// endpoint is a fake phone: one UDP socket on loopback.
type endpoint struct {
	t    testing.TB
	conn *net.UDPConn
	buf  []byte
}

func newEndpoint(t testing.TB) *endpoint {
	t.Helper()
	return newEndpointOn(t, loopback)
}

func newEndpointOn(t testing.TB, ip netip.Addr) *endpoint {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
	if err != nil {
		t.Fatalf("listen endpoint: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &endpoint{t: t, conn: c, buf: make([]byte, 4096)}
}

// newEndpointPair binds two sockets on consecutive ports (RTP even, RTCP
// odd), the way a phone does, starting from an OS-chosen port.
func newEndpointPair(t testing.TB) (rtp, rtcp *endpoint) {
	t.Helper()
	for range 100 {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: loopback.AsSlice()})
		if err != nil {
			t.Fatalf("listen endpoint: %v", err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 {
			c.Close()
			continue
		}
		c2, err := net.ListenUDP("udp4", &net.UDPAddr{IP: loopback.AsSlice(), Port: port + 1})
		if err != nil {
			c.Close()
			continue
		}
		t.Cleanup(func() { c.Close(); c2.Close() })
		return &endpoint{t: t, conn: c, buf: make([]byte, 4096)},
			&endpoint{t: t, conn: c2, buf: make([]byte, 4096)}
	}
	t.Fatal("no consecutive port pair")
	return nil, nil
}

func (ep *endpoint) addr() netip.AddrPort {
	return ep.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

func (ep *endpoint) send(to netip.AddrPort, pkt []byte) {
	ep.t.Helper()
	if _, err := ep.conn.WriteToUDPAddrPort(pkt, to); err != nil {
		ep.t.Fatalf("send: %v", err)
	}
}

// recv returns the next datagram, failing the test after 5 s.
func (ep *endpoint) recv() ([]byte, netip.AddrPort) {
	ep.t.Helper()
	b, from, err := ep.recvWithin(5 * time.Second)
	if err != nil {
		ep.t.Fatalf("recv on %s: %v", ep.addr(), err)
	}
	return b, from
}

// recvWithin returns the next datagram or an error when none comes in d.
func (ep *endpoint) recvWithin(d time.Duration) ([]byte, netip.AddrPort, error) {
	ep.conn.SetReadDeadline(time.Now().Add(d))
	n, from, err := ep.conn.ReadFromUDPAddrPort(ep.buf)
	if err != nil {
		return nil, from, err
	}
	return append([]byte(nil), ep.buf[:n]...), from, nil
}

// expectNothing asserts no datagram arrives for a short while.
func (ep *endpoint) expectNothing() {
	ep.t.Helper()
	b, from, err := ep.recvWithin(150 * time.Millisecond)
	if err == nil {
		ep.t.Fatalf("unexpected datagram on %s from %s: % x", ep.addr(), from, b)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		ep.t.Fatalf("recv: %v", err)
	}
}

// rtpPacket builds an RTP packet (RFC 3550 section 5.1) with a payload of
// n bytes derived from seq, so relayed copies can be compared.
func rtpPacket(pt byte, seq uint16, n int) []byte {
	b := make([]byte, 12+n)
	b[0] = 0x80
	b[1] = pt & 0x7f
	binary.BigEndian.PutUint16(b[2:], seq)
	binary.BigEndian.PutUint32(b[4:], uint32(seq)*160)
	binary.BigEndian.PutUint32(b[8:], 0x11223344)
	for i := range n {
		b[12+i] = byte(int(seq) + i)
	}
	return b
}

// rtcpPacket builds an empty receiver report (RFC 3550 section 6.4.2).
func rtcpPacket(ssrc uint32) []byte {
	b := []byte{0x80, 201, 0, 1, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[4:], ssrc)
	return b
}

// legAddr is where a peer sends to reach leg l.
func legAddr(l *Leg) netip.AddrPort {
	return netip.AddrPortFrom(loopback, uint16(l.LocalPort()))
}

func legRTCPAddr(l *Leg) netip.AddrPort {
	return netip.AddrPortFrom(loopback, uint16(l.LocalPort()+1))
}

// waitFor polls cond for up to 5 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// freePortRange finds n consecutive free loopback UDP ports starting at an
// even port chosen by the OS, for tests of a configured range.
func freePortRange(t testing.TB, n int) int {
	t.Helper()
	for range 100 {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: loopback.AsSlice()})
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		base := c.LocalAddr().(*net.UDPAddr).Port &^ 1
		c.Close()
		if base+n > 65535 {
			continue
		}
		ok := true
		var held []*net.UDPConn
		for p := base; p < base+n; p++ {
			h, err := net.ListenUDP("udp4", &net.UDPAddr{IP: loopback.AsSlice(), Port: p})
			if err != nil {
				ok = false
				break
			}
			held = append(held, h)
		}
		for _, h := range held {
			h.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatalf("no %d consecutive free ports", n)
	return 0
}

func newEndpointAt(t testing.TB, port int) *endpoint {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: loopback.AsSlice(), Port: port})
	if err != nil {
		t.Fatalf("listen endpoint on %d: %v", port, err)
	}
	t.Cleanup(func() { c.Close() })
	return &endpoint{t: t, conn: c, buf: make([]byte, 4096)}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
