//go:build !386

package media

import (
	"net/netip"
	"testing"
)

func TestSessionsSpreadOverWorkers(t *testing.T) {
	e := newTestEngine(t, Config{Workers: 2})
	for range 4 {
		newTestSession(t, e, nil).Start()
	}
	newTestSession(t, e, nil) // not started: no worker
	for i, w := range e.relay.workers {
		if n := w.load.Load(); n != 2 {
			t.Fatalf("worker %d has %d sessions, want 2", i, n)
		}
	}
}

func TestSockaddrRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		v6   bool
		addr string
		want string // as decoded; "" = addr
	}{
		{false, "127.0.0.1:5004", ""},
		{true, "[::1]:5004", ""},
		{true, "[fe80::1%2]:40000", ""},
		{true, "10.0.0.1:65535", "[::ffff:10.0.0.1]:65535"}, // unmap() turns it back
	} {
		var sa sockaddr
		to := netip.MustParseAddrPort(tt.addr)
		if _, errno := sa.set(tt.v6, to); errno != 0 {
			t.Fatalf("set %s: %v", to, errno)
		}
		want := tt.addr
		if tt.want != "" {
			want = tt.want
		}
		if got := sa.addrPort(); got.String() != want {
			t.Errorf("%s decoded as %s, want %s", to, got, want)
		}
	}
	var sa sockaddr
	if _, errno := sa.set(false, netip.MustParseAddrPort("[::1]:5004")); errno == 0 {
		t.Error("an IPv6 destination encoded for an IPv4 socket")
	}
}
