package load

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// sockBuf is the socket buffer asked for: bursts of thousands of messages
// must not overflow the default (the kernel caps it at rmem_max).
const sockBuf = 8 << 20

// endpoint is one UDP socket with one reader goroutine that parses each
// datagram and hands it to a handler, so no goroutine exists per call.
type endpoint struct {
	conn      *net.UDPConn
	addr      netip.AddrPort
	malformed atomic.Uint64
	wg        sync.WaitGroup
}

// listenUDP binds a UDP socket; addr may have port 0.
func listenUDP(addr string) (*net.UDPConn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen %q: %w", addr, err)
	}
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	c.SetReadBuffer(sockBuf)
	c.SetWriteBuffer(sockBuf)
	return c, nil
}

func newEndpoint(addr string) (*endpoint, error) {
	c, err := listenUDP(addr)
	if err != nil {
		return nil, err
	}
	return &endpoint{conn: c, addr: c.LocalAddr().(*net.UDPAddr).AddrPort()}, nil
}

// serve starts the reader; handle must not keep m past its return.
func (e *endpoint) serve(handle func(m *msg, from netip.AddrPort)) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		buf := make([]byte, 65536)
		var m msg
		for {
			n, from, err := e.conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				continue // ICMP errors surface here on Linux; keep reading
			}
			if n < 4 || (buf[0] == '\r' && buf[1] == '\n') {
				continue // keepalive (RFC 5626 3.5.1)
			}
			if err := m.parse(buf[:n]); err != nil {
				e.malformed.Add(1)
				continue
			}
			handle(&m, from)
		}
	}()
}

func (e *endpoint) send(b []byte, to netip.AddrPort) {
	e.conn.WriteToUDPAddrPort(b, to) // UDP: a lost send is a retransmission or a measured failure
}

func (e *endpoint) close() {
	e.conn.Close()
	e.wg.Wait()
}

// shardedMap is a concurrent map from Call-ID to state, split to keep the
// reader goroutines and timers off one lock.
type shardedMap[V any] struct {
	shards [32]struct {
		mu sync.Mutex
		m  map[string]V
	}
}

func newShardedMap[V any]() *shardedMap[V] {
	s := &shardedMap[V]{}
	for i := range s.shards {
		s.shards[i].m = make(map[string]V)
	}
	return s
}

func fnv(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

func (s *shardedMap[V]) get(k []byte) (V, bool) {
	sh := &s.shards[fnv(k)%32]
	sh.mu.Lock()
	v, ok := sh.m[string(k)]
	sh.mu.Unlock()
	return v, ok
}

func (s *shardedMap[V]) put(k string, v V) {
	sh := &s.shards[fnv([]byte(k))%32]
	sh.mu.Lock()
	sh.m[k] = v
	sh.mu.Unlock()
}

func (s *shardedMap[V]) del(k string) {
	sh := &s.shards[fnv([]byte(k))%32]
	sh.mu.Lock()
	delete(sh.m, k)
	sh.mu.Unlock()
}

func (s *shardedMap[V]) each(f func(V)) {
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		vs := make([]V, 0, len(sh.m))
		for _, v := range sh.m {
			vs = append(vs, v)
		}
		sh.mu.Unlock()
		for _, v := range vs {
			f(v)
		}
	}
}
