//go:build !386

package media

import (
	"net/netip"
	"syscall"
	"unsafe"
)

// mmsghdr is struct mmsghdr of recvmmsg(2): a msghdr and the length the
// kernel received, padded to pointer alignment.
type mmsghdr struct {
	hdr syscall.Msghdr
	len uint32
	_   [unsafe.Sizeof(uintptr(0)) - 4]byte
}

// batch is a worker's receive scratch: one recvmmsg reads up to drainBatch
// datagrams of one socket into slices of one buffer, so a socket costs one
// syscall per round however many packets wait, and none to learn it is
// empty (a short batch says so).
type batch struct {
	hdrs  [drainBatch]mmsghdr
	iovs  [drainBatch]syscall.Iovec
	names [drainBatch]sockaddr
	buf   []byte // drainBatch * readBufSize
}

func newBatch() *batch {
	b := &batch{buf: make([]byte, drainBatch*readBufSize)}
	for i := range b.hdrs {
		b.iovs[i].Base = &b.buf[i*readBufSize]
		b.iovs[i].SetLen(readBufSize)
		h := &b.hdrs[i].hdr
		h.Name = (*byte)(unsafe.Pointer(&b.names[i].raw))
		h.Iov = &b.iovs[i]
		h.Iovlen = 1
	}
	return b
}

// recv reads the datagrams waiting on fd (non-blocking) and returns how
// many, or the error (EAGAIN when there were none).
func (b *batch) recv(fd int) (int, syscall.Errno) {
	for i := range b.hdrs {
		b.hdrs[i].hdr.Namelen = syscall.SizeofSockaddrAny // in/out: reset each time
	}
	n, _, errno := syscall.RawSyscall6(syscall.SYS_RECVMMSG, uintptr(fd),
		uintptr(unsafe.Pointer(&b.hdrs[0])), drainBatch, 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), 0
}

// packet returns the i-th datagram of the last recv and its source.
func (b *batch) packet(i int) ([]byte, netip.AddrPort) {
	off := i * readBufSize
	return b.buf[off : off+int(b.hdrs[i].len)], b.names[i].addrPort()
}
