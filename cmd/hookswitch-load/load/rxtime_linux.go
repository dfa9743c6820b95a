package load

import (
	"encoding/binary"
	"net"
	"syscall"
)

// oobLen holds one SCM_TIMESTAMPNS control message (16-byte header and a
// 16-byte timespec on 64-bit Linux), with room to spare.
const oobLen = 64

// enableRxTimestamps asks the kernel to stamp each datagram on arrival
// (SO_TIMESTAMPNS, socket(7)), so the measured delay and jitter leave out
// how late the generator's own reader goroutine woke up.
func enableRxTimestamps(c *net.UDPConn) bool {
	rc, err := c.SyscallConn()
	if err != nil {
		return false
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		return false
	}
	return true
}

// rxTime finds the SCM_TIMESTAMPNS time (Unix ns) in oob, without
// allocating (syscall.ParseSocketControlMessage would).
func rxTime(oob []byte) (int64, bool) {
	const hdr = syscall.SizeofCmsghdr
	for len(oob) >= hdr {
		l := int(nativeUint(oob[:8]))
		level := int32(binary.NativeEndian.Uint32(oob[8:12]))
		typ := int32(binary.NativeEndian.Uint32(oob[12:16]))
		if l < hdr || l > len(oob) {
			return 0, false
		}
		if level == syscall.SOL_SOCKET && typ == syscall.SCM_TIMESTAMPNS && l >= hdr+16 {
			sec := int64(binary.NativeEndian.Uint64(oob[hdr:]))
			nsec := int64(binary.NativeEndian.Uint64(oob[hdr+8:]))
			return sec*1e9 + nsec, true
		}
		step := (l + 7) &^ 7
		if step > len(oob) {
			return 0, false
		}
		oob = oob[step:]
	}
	return 0, false
}

func nativeUint(b []byte) uint64 { return binary.NativeEndian.Uint64(b) }
