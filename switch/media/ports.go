package media

import (
	"fmt"
	"net/netip"
	"sync"
)

// ephemeralTries bounds the attempts to get an even/odd pair from the OS.
const ephemeralTries = 64

// socketPair is the RTP socket on an even port and the RTCP socket on the
// next port (RFC 3550 section 11).
type socketPair struct {
	port int
	rtp  udpSocket
	rtcp udpSocket
}

func (p socketPair) close() {
	p.rtp.close()
	p.rtcp.close()
}

// portPool hands out socket pairs from the configured range, cycling
// through it so a port just freed is not reused at once (late packets of
// the old call would land in the new one).
type portPool struct {
	network string
	ip      netip.Addr // invalid: all addresses

	mu   sync.Mutex
	min  int    // first RTP port; 0 means OS-chosen pairs
	used []bool // by pair index: port = min + 2*i
	next int    // pair index where the next search starts
}

func newPortPool(ip netip.Addr, lo, hi int) *portPool {
	p := &portPool{ip: ip, network: "udp"}
	switch {
	case ip.Is4():
		p.network = "udp4"
	case ip.Is6() && !ip.IsUnspecified():
		p.network = "udp6"
	default:
		p.ip = netip.Addr{} // "udp" with no IP is dual-stack on all addresses
	}
	if lo != 0 || hi != 0 {
		p.min = lo
		p.used = make([]bool, (min(hi, 65534)-lo)/2+1)
	}
	return p
}

// alloc binds a free pair or returns ErrNoPorts.
func (p *portPool) alloc() (socketPair, error) {
	if p.used == nil {
		return p.allocEphemeral()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.used)
	for i := 0; i < n; i++ {
		idx := (p.next + i) % n
		if p.used[idx] {
			continue
		}
		// Another process may hold either port: skip the pair, keep looking.
		pair, err := p.bind(p.min + 2*idx)
		if err != nil {
			continue
		}
		p.used[idx] = true
		p.next = (idx + 1) % n
		return pair, nil
	}
	return socketPair{}, ErrNoPorts
}

func (p *portPool) allocEphemeral() (socketPair, error) {
	for range ephemeralTries {
		rtp, port, err := listenUDP(p.network, p.ip, 0)
		if err != nil {
			return socketPair{}, fmt.Errorf("bind rtp: %w", err)
		}
		if port%2 != 0 || port >= 65535 {
			rtp.close()
			continue
		}
		rtcp, _, err := listenUDP(p.network, p.ip, port+1)
		if err != nil {
			rtp.close()
			continue
		}
		return socketPair{port: port, rtp: rtp, rtcp: rtcp}, nil
	}
	return socketPair{}, ErrNoPorts
}

// release returns a pair's ports to the pool once its sockets are closed.
func (p *portPool) release(pair socketPair) {
	if p.used == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if idx := (pair.port - p.min) / 2; idx >= 0 && idx < len(p.used) {
		p.used[idx] = false
	}
}

func (p *portPool) bind(port int) (socketPair, error) {
	rtp, _, err := listenUDP(p.network, p.ip, port)
	if err != nil {
		return socketPair{}, err
	}
	rtcp, _, err := listenUDP(p.network, p.ip, port+1)
	if err != nil {
		rtp.close()
		return socketPair{}, err
	}
	return socketPair{port: port, rtp: rtp, rtcp: rtcp}, nil
}
