package media

import (
	"bytes"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// TestNothingRelayedBeforeStart: packets that arrive before Start wait in
// the kernel and are relayed only once the session starts.
func TestNothingRelayedBeforeStart(t *testing.T) {
	e := newTestEngine(t, Config{})
	s := newTestSession(t, e, nil)
	epA, epB := newEndpoint(t), newEndpoint(t)
	s.B().SetRemote(epB.addr())
	pkt := rtpPacket(0, 1, 20)
	epA.send(legAddr(s.A()), pkt)
	epB.expectNothing()
	if st := s.A().Stats(); st.PacketsIn != 0 || st.Latched.IsValid() {
		t.Fatalf("before Start: %d packets in, latched %s", st.PacketsIn, st.Latched)
	}
	s.Start()
	if got, _ := epB.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("after Start B got % x, want % x", got, pkt)
	}
}

// TestCloseUnderTraffic: once Close returns under a flood, no counter
// moves, the ports are free again and a new session on the same ports
// relays normally.
func TestCloseUnderTraffic(t *testing.T) {
	base := freePortRange(t, 4)
	e := newTestEngine(t, Config{PortMin: base, PortMax: base + 2})
	s := newTestSession(t, e, nil)
	epA, epB := newEndpoint(t), newEndpoint(t)
	s.B().SetRemote(epB.addr())
	s.Start()
	to := legAddr(s.A())

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pkt := rtpPacket(0, 1, 160)
		for {
			select {
			case <-stop:
				return
			default:
			}
			epA.conn.WriteToUDPAddrPort(pkt, to) // fails once the port is closed
		}
	}()
	waitFor(t, "traffic", func() bool { return s.A().Stats().PacketsIn > 100 })
	s.Close()
	a, b := s.A().Stats(), s.B().Stats()
	time.Sleep(50 * time.Millisecond)
	if a2, b2 := s.A().Stats(), s.B().Stats(); a2 != a || b2 != b {
		t.Fatalf("counters moved after Close:\nA %+v -> %+v\nB %+v -> %+v", a, a2, b, b2)
	}
	close(stop)
	wg.Wait()

	s2, err := e.NewSession(nil)
	if err != nil {
		t.Fatalf("NewSession after Close: %v", err)
	}
	defer s2.Close()
	s2.B().SetRemote(epB.addr())
	s2.Start()
	for { // drain what the old session relayed before Close
		if _, _, err := epB.recvWithin(50 * time.Millisecond); err != nil {
			break
		}
	}
	pkt := rtpPacket(0, 7, 20)
	epA.send(legAddr(s2.A()), pkt)
	if got, _ := epB.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("new session relayed % x, want % x", got, pkt)
	}
}

// TestManySessionsSeveralWorkers relays through more sessions than workers
// in both directions at once.
func TestManySessionsSeveralWorkers(t *testing.T) {
	for _, workers := range []int{1, 3} {
		e := newTestEngine(t, Config{Workers: workers})
		const n = 12
		type call struct {
			s          *Session
			phA, phB   *endpoint
			toA, fromB []byte
		}
		calls := make([]call, n)
		for i := range calls {
			c := &calls[i]
			c.s = newTestSession(t, e, nil)
			c.phA, c.phB = newEndpoint(t), newEndpoint(t)
			c.s.A().SetRemote(c.phA.addr())
			c.s.B().SetRemote(c.phB.addr())
			c.s.Start()
			c.toA, c.fromB = rtpPacket(0, uint16(i), 20), rtpPacket(8, uint16(i), 20)
		}
		for _, c := range calls {
			c.phA.send(legAddr(c.s.A()), c.toA)
			c.phB.send(legAddr(c.s.B()), c.fromB)
		}
		for i, c := range calls {
			if got, _ := c.phB.recv(); !bytes.Equal(got, c.toA) {
				t.Fatalf("workers %d call %d: B got % x, want % x", workers, i, got, c.toA)
			}
			if got, _ := c.phA.recv(); !bytes.Equal(got, c.fromB) {
				t.Fatalf("workers %d call %d: A got % x, want % x", workers, i, got, c.fromB)
			}
		}
	}
}

// TestDualStackUnmapsIPv4 binds the dual-stack way (no BindIP) and checks
// an IPv4 peer latches as plain IPv4, as SetRemote addresses are.
func TestDualStackUnmapsIPv4(t *testing.T) {
	e, err := NewEngine(Config{BindIP: netip.IPv6Unspecified()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err := e.NewSession(nil)
	if err != nil {
		t.Skipf("no dual-stack sockets: %v", err)
	}
	defer s.Close()
	epA, epB := newEndpoint(t), newEndpoint(t)
	s.B().SetRemote(epB.addr())
	s.Start()
	pkt := rtpPacket(0, 1, 20)
	epA.send(legAddr(s.A()), pkt)
	if got, _ := epB.recv(); !bytes.Equal(got, pkt) {
		t.Fatalf("B got % x, want % x", got, pkt)
	}
	if l := s.A().Stats().Latched; l != epA.addr() {
		t.Fatalf("latched %s, want %s", l, epA.addr())
	}
	back := rtpPacket(0, 2, 20)
	epB.send(legAddr(s.B()), back)
	if got, _ := epA.recv(); !bytes.Equal(got, back) {
		t.Fatalf("A got % x, want % x", got, back)
	}
}
