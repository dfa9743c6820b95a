package media

import (
	"runtime"
	"testing"
)

// TestSessionMemoryBudget checks the budget of SPEC M1: under 64 KiB of
// Go memory (heap and goroutine stacks) per started session.
func TestSessionMemoryBudget(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector inflates memory")
	}
	const n = 50
	e := newTestEngine(t, Config{})
	measure := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc + m.StackInuse
	}
	before := measure()
	sessions := make([]*Session, 0, n)
	for range n {
		s := newTestSession(t, e, func() {})
		s.Start()
		sessions = append(sessions, s)
	}
	// Let every reader block in its first read so its stack is in use.
	epA := newEndpoint(t)
	for _, s := range sessions {
		s.B().SetRemote(epA.addr())
		epA.send(legAddr(s.A()), rtpPacket(0, 1, 160))
	}
	for range sessions {
		epA.recv()
	}
	after := measure()
	per := (int64(after) - int64(before)) / n
	t.Logf("%d bytes per session", per)
	if per > 64<<10 {
		t.Fatalf("%d bytes per session, budget 64 KiB", per)
	}
	runtime.KeepAlive(sessions)
}

// TestRelayDoesNotAllocate: relaying a packet allocates nothing (reused
// buffer per reader, netip addresses, no timer per packet).
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
