package browser

import (
	"fmt"
	"net"
	"strconv"
)

// FreePort returns a loopback port free for UDP and TCP whose next port is
// free too (baresip binds port+1 for SIP over TLS). Someone may still take
// it before it is used: callers retry when a start fails.
func FreePort() (int, error) {
	for range 50 {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("probe udp port: %w", err)
		}
		port := c.LocalAddr().(*net.UDPAddr).Port
		_ = c.Close()
		if port < 65535 && portsFree(port, port+1) {
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free loopback port pair after 50 tries")
}

// FreePorts returns n distinct ports from FreePort.
func FreePorts(n int) ([]int, error) {
	var ports []int
	seen := map[int]bool{}
	for range 20 * n {
		if len(ports) == n {
			break
		}
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		// Each port and its neighbour belong to one user.
		if seen[p] || seen[p+1] || seen[p-1] {
			continue
		}
		seen[p] = true
		ports = append(ports, p)
	}
	if len(ports) < n {
		return nil, fmt.Errorf("found %d of %d free loopback port pairs", len(ports), n)
	}
	return ports, nil
}

// portsFree reports whether every port binds on 127.0.0.1 for both UDP
// and TCP.
func portsFree(ports ...int) bool {
	var closers []interface{ Close() error }
	defer func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}()
	for _, p := range ports {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(p))
		u, err := net.ListenPacket("udp4", addr)
		if err != nil {
			return false
		}
		closers = append(closers, u)
		l, err := net.Listen("tcp4", addr)
		if err != nil {
			return false
		}
		closers = append(closers, l)
	}
	return true
}
