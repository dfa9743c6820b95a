//go:build !linux

package sip

import "net"

const udpBuffer = 8 << 20

// growReadBuffer raises the socket's receive buffer (see sockbuf_linux.go).
func growReadBuffer(c net.PacketConn) {
	if uc, ok := c.(*net.UDPConn); ok {
		uc.SetReadBuffer(udpBuffer)
	}
}
