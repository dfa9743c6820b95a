package media

import (
	"runtime"
	"testing"
)

// TestSessionMemoryBudget checks the budget of SPEC M1: under 64 KiB of
// Go memory (heap and goroutine stacks) per started session for the whole
// process, so the media part must stay small. The epoll relay measured
// about 1.3-1.4 KB per session here (the Session with its four socket
// handlers and latched peers, about 0.9 KB, plus this test's t.Cleanup
// record); the limit is 2x that. The portable relay (four readers with
// their stacks and buffers) measured 19.5 KB; its limit is 2x that too.
func TestSessionMemoryBudget(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector inflates memory")
	}
	const n = 200
	e := newTestEngine(t, Config{})
	epA := newEndpoint(t)
	// Relay a packet through every session so whatever the relay keeps per
	// session (a reader's stack in use, latched peers) is counted.
	start := func(k int) []*Session {
		sessions := make([]*Session, 0, k)
		for range k {
			s := newTestSession(t, e, func() {})
			s.B().SetRemote(epA.addr())
			s.Start()
			epA.send(legAddr(s.A()), rtpPacket(0, 1, 160))
			sessions = append(sessions, s)
		}
		for range sessions {
			epA.recv()
		}
		return sessions
	}
	measure := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc + m.StackInuse
	}
	// Warm up first: the workers' stacks and tables are the engine's cost,
	// not a session's.
	warm := start(2 * runtime.GOMAXPROCS(0))
	before := measure()
	sessions := start(n)
	after := measure()
	per := (int64(after) - int64(before)) / n
	t.Logf("%d bytes per session", per)
	budget := int64(3 << 10)
	if runtime.GOOS != "linux" || runtime.GOARCH == "386" {
		budget = 40 << 10
	}
	if per > budget {
		t.Fatalf("%d bytes per session, budget %d (SPEC M1: 64 KiB per call in all)", per, budget)
	}
	runtime.KeepAlive(warm)
	runtime.KeepAlive(sessions)
}

// TestRelayDoesNotAllocate: relaying a packet allocates nothing (reused
// buffers, raw socket addresses, netip addresses, no timer per packet).
func TestRelayDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	s, epA, epB := call(t)
	pkt := rtpPacket(0, 1, 160)
	to := legAddr(s.A())
	buf := make([]byte, 2048)
	roundTrip := func() {
		if _, err := epA.conn.WriteToUDPAddrPort(pkt, to); err != nil {
			t.Fatal(err)
		}
		if _, _, err := epB.conn.ReadFromUDPAddrPort(buf); err != nil {
			t.Fatal(err)
		}
	}
	roundTrip() // latch (one allocation, once)
	allocs := testing.AllocsPerRun(500, roundTrip)
	// AllocsPerRun counts every goroutine; allow stray runtime noise.
	if allocs >= 0.5 {
		t.Fatalf("%.2f allocations per relayed packet, want 0", allocs)
	}
}
