package e2e

import (
	"fmt"
	"net"
	"strconv"
)

// freeSIPPort returns a loopback port free for UDP and TCP, whose next
// port is free too (baresip binds port+1 for SIP over TLS). Another
// process may still take it before we use it: callers retry on collision.
func freeSIPPort() (int, error) {
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
