//go:build !386

package media

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

// udpSocket is a raw non-blocking UDP socket. Go's netpoller never sees it:
// the epoll workers read and write it directly.
type udpSocket struct {
	fd int
	v6 bool // AF_INET6: destinations are written as sockaddr_in6
}

// listenUDP binds network ("udp4", "udp6", or dual-stack "udp") on ip
// (invalid: all addresses) and port (0: OS-chosen), and returns the bound
// port. It follows net.ListenUDP: "udp6" is IPv6 only, "udp" is an IPv6
// socket that also takes IPv4 (IPV6_V6ONLY=0), or IPv4 on a host without
// IPv6.
func listenUDP(network string, ip netip.Addr, port int) (udpSocket, int, error) {
	var (
		u   udpSocket
		p   int
		err error
	)
	switch network {
	case "udp4":
		u, p, err = openUDP(false, false, ip, port)
	case "udp6":
		u, p, err = openUDP(true, true, ip, port)
	default:
		u, p, err = openUDP(true, false, ip, port)
		if errors.Is(err, syscall.EAFNOSUPPORT) {
			u, p, err = openUDP(false, false, ip, port)
		}
	}
	if err != nil {
		host := ""
		if ip.IsValid() {
			host = ip.String()
		}
		return udpSocket{}, 0, fmt.Errorf("listen %s %s: %w", network, net.JoinHostPort(host, strconv.Itoa(port)), err)
	}
	return u, p, nil
}

// openUDP creates and binds one socket.
func openUDP(v6, v6only bool, ip netip.Addr, port int) (udpSocket, int, error) {
	family := syscall.AF_INET
	if v6 {
		family = syscall.AF_INET6
	}
	fd, err := syscall.Socket(family, syscall.SOCK_DGRAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, syscall.IPPROTO_UDP)
	if err != nil {
		return udpSocket{}, 0, os.NewSyscallError("socket", err)
	}
	u := udpSocket{fd: fd, v6: v6}
	if v6 {
		if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, boolInt(v6only)); err != nil {
			u.close()
			return udpSocket{}, 0, os.NewSyscallError("setsockopt", err)
		}
	}
	var sa syscall.Sockaddr
	if v6 {
		sa = &syscall.SockaddrInet6{Port: port, Addr: ip.As16()}
	} else {
		sa = &syscall.SockaddrInet4{Port: port}
		if ip.IsValid() {
			sa.(*syscall.SockaddrInet4).Addr = ip.As4()
		}
	}
	if err := syscall.Bind(fd, sa); err != nil {
		u.close()
		return udpSocket{}, 0, os.NewSyscallError("bind", err)
	}
	if port == 0 {
		if port, err = boundPort(fd); err != nil {
			u.close()
			return udpSocket{}, 0, err
		}
	}
	return u, port, nil
}

func boundPort(fd int) (int, error) {
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return 0, os.NewSyscallError("getsockname", err)
	}
	switch sa := sa.(type) {
	case *syscall.SockaddrInet4:
		return sa.Port, nil
	case *syscall.SockaddrInet6:
		return sa.Port, nil
	}
	return 0, fmt.Errorf("getsockname: unexpected address %T", sa)
}

func (u udpSocket) close() { syscall.Close(u.fd) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sockaddr is scratch space for a raw socket address, so neither receive
// nor send allocates (syscall.Recvfrom returns a new Sockaddr per packet).
type sockaddr struct {
	raw syscall.RawSockaddrAny
}

// The non-blocking socket calls go through RawSyscall6: they never block,
// so the scheduler hand-off of syscall.Syscall6 is pure overhead per packet.

// sendTo sends pkt from u to the address to.
func sendTo(u udpSocket, pkt []byte, to netip.AddrPort, sa *sockaddr) syscall.Errno {
	n, errno := sa.set(u.v6, to)
	if errno != 0 {
		return errno
	}
	_, _, errno = syscall.RawSyscall6(syscall.SYS_SENDTO, uintptr(u.fd),
		uintptr(unsafe.Pointer(unsafe.SliceData(pkt))), uintptr(len(pkt)), 0,
		uintptr(unsafe.Pointer(&sa.raw)), uintptr(n))
	return errno
}

// addrPort decodes a source the kernel stored. A link-local IPv6 source
// gets its interface index as a numeric zone, which sendTo maps back
// without a lookup.
func (sa *sockaddr) addrPort() netip.AddrPort {
	switch sa.raw.Addr.Family {
	case syscall.AF_INET:
		r := (*syscall.RawSockaddrInet4)(unsafe.Pointer(&sa.raw))
		return netip.AddrPortFrom(netip.AddrFrom4(r.Addr), ntohs(r.Port))
	case syscall.AF_INET6:
		r := (*syscall.RawSockaddrInet6)(unsafe.Pointer(&sa.raw))
		a := netip.AddrFrom16(r.Addr)
		if r.Scope_id != 0 {
			a = a.WithZone(strconv.FormatUint(uint64(r.Scope_id), 10))
		}
		return netip.AddrPortFrom(a, ntohs(r.Port))
	}
	return netip.AddrPort{}
}

// set encodes to for a socket of the given family and returns the length.
func (sa *sockaddr) set(v6 bool, to netip.AddrPort) (uintptr, syscall.Errno) {
	a := to.Addr()
	if !v6 {
		if !a.Is4() {
			return 0, syscall.EAFNOSUPPORT
		}
		r := (*syscall.RawSockaddrInet4)(unsafe.Pointer(&sa.raw))
		*r = syscall.RawSockaddrInet4{Family: syscall.AF_INET, Port: htons(to.Port()), Addr: a.As4()}
		return syscall.SizeofSockaddrInet4, 0
	}
	r := (*syscall.RawSockaddrInet6)(unsafe.Pointer(&sa.raw))
	// As16 writes an IPv4 address in the mapped form a dual-stack socket takes.
	*r = syscall.RawSockaddrInet6{Family: syscall.AF_INET6, Port: htons(to.Port()), Addr: a.As16()}
	if z := a.Zone(); z != "" {
		r.Scope_id = zoneIndex(z)
	}
	return syscall.SizeofSockaddrInet6, 0
}

// zoneIndex maps an IPv6 zone, numeric as addrPort makes them or an
// interface name, to its index; 0 when unknown.
func zoneIndex(z string) uint32 {
	if n, err := strconv.ParseUint(z, 10, 32); err == nil {
		return uint32(n)
	}
	if ifi, err := net.InterfaceByName(z); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}

// htons and ntohs convert a port to and from network byte order as the raw
// sockaddr holds it in memory.
func htons(p uint16) uint16 {
	b := [2]byte{byte(p >> 8), byte(p)}
	return *(*uint16)(unsafe.Pointer(&b))
}

func ntohs(p uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(&p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// SendScratch is a sender's reusable address buffer, so Leg.Send does not
// allocate.
type SendScratch struct{ sa sockaddr }

// send sends pkt to the address to; a full socket buffer drops it.
func (u udpSocket) send(pkt []byte, to netip.AddrPort, sc *SendScratch) error {
	switch errno := sendTo(u, pkt, to, &sc.sa); errno {
	case 0, syscall.EAGAIN:
		return nil
	default:
		return errno
	}
}
