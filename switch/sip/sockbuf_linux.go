package sip

import (
	"net"
	"syscall"
)

// udpBuffer is the receive buffer asked for the SIP UDP socket. sipgo reads
// it from one goroutine; when the cores are busy a burst of requests
// overflows the kernel's default (about 200 KiB) and every dropped request
// costs a 500 ms retransmission.
const udpBuffer = 8 << 20

// growReadBuffer raises the socket's receive buffer, past net.core.rmem_max
// when the process may (SO_RCVBUFFORCE needs CAP_NET_ADMIN).
func growReadBuffer(c net.PacketConn) {
	uc, ok := c.(*net.UDPConn)
	if !ok {
		return
	}
	if raw, err := uc.SyscallConn(); err == nil {
		var forced bool
		raw.Control(func(fd uintptr) {
			forced = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, udpBuffer) == nil
		})
		if forced {
			return
		}
	}
	uc.SetReadBuffer(udpBuffer) // capped by rmem_max
}
