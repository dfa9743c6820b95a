package media

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// inactivityProbe counts onInactive calls and signals the first.
type inactivityProbe struct {
	calls atomic.Int32
	fired chan struct{}
}

func newProbe() *inactivityProbe { return &inactivityProbe{fired: make(chan struct{}, 1)} }

func (p *inactivityProbe) onInactive() {
	if p.calls.Add(1) == 1 {
		p.fired <- struct{}{}
	}
}

func (p *inactivityProbe) waitFired(t *testing.T) {
	t.Helper()
	select {
	case <-p.fired:
	case <-time.After(5 * time.Second):
		t.Fatal("onInactive did not fire")
	}
}

const testTalk = 200 * time.Millisecond

func TestInactivityFiresOnce(t *testing.T) {
	e := newTestEngine(t, Config{TalkTimeout: testTalk, HoldTimeout: time.Hour})
	p := newProbe()
	s := newTestSession(t, e, p.onInactive)
	s.Start()
	s.Start() // idempotent
	p.waitFired(t)
	time.Sleep(3 * testTalk)
	if n := p.calls.Load(); n != 1 {
		t.Fatalf("onInactive called %d times, want once", n)
	}
}

func TestInactivityCallbackMayClose(t *testing.T) {
	e := newTestEngine(t, Config{TalkTimeout: testTalk})
	var s *Session
	done := make(chan struct{})
	s, err := e.NewSession(func() { s.Close(); close(done) })
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("onInactive did not fire")
	}
	if n := e.Sessions(); n != 0 {
		t.Fatalf("%d sessions after Close from onInactive, want 0", n)
	}
}

func TestNoInactivityAfterClose(t *testing.T) {
	e := newTestEngine(t, Config{TalkTimeout: testTalk})
	p := newProbe()
	s := newTestSession(t, e, p.onInactive)
	s.Start()
	s.Close()
	s.Close() // idempotent
	// A second session proves the ticker runs meanwhile.
	p2 := newProbe()
	s2 := newTestSession(t, e, p2.onInactive)
	s2.Start()
	p2.waitFired(t)
	time.Sleep(testTalk)
	if n := p.calls.Load(); n != 0 {
		t.Fatalf("onInactive of a closed session called %d times", n)
	}
}

func TestNoInactivityBeforeStart(t *testing.T) {
	e := newTestEngine(t, Config{TalkTimeout: testTalk})
	p := newProbe()
	newTestSession(t, e, p.onInactive) // never started
	p2 := newProbe()
	newTestSession(t, e, p2.onInactive).Start()
	p2.waitFired(t)
	time.Sleep(testTalk)
	if n := p.calls.Load(); n != 0 {
		t.Fatalf("onInactive of an unstarted session called %d times", n)
	}
}

func TestHoldTimeout(t *testing.T) {
	e := newTestEngine(t, Config{TalkTimeout: testTalk, HoldTimeout: time.Hour})
	p := newProbe()
	s := newTestSession(t, e, p.onInactive)
	s.SetHold(true)
	s.Start()
	// A talk-timeout session started later fires; the held one must not.
	p2 := newProbe()
	newTestSession(t, e, p2.onInactive).Start()
	p2.waitFired(t)
	time.Sleep(3 * testTalk)
	if n := p.calls.Load(); n != 0 {
		t.Fatalf("held session went inactive after the talk timeout")
	}
	s.SetHold(false) // unhold: back to the talk timeout
	p.waitFired(t)
}

func TestTrafficKeepsSessionAlive(t *testing.T) {
	// Generous margins: the sender must stall 10x its period to flake.
	e := newTestEngine(t, Config{TalkTimeout: time.Second})
	p := newProbe()
	s := newTestSession(t, e, p.onInactive)
	epA, epB := newEndpoint(t), newEndpoint(t)
	s.A().SetRemote(epA.addr())
	s.B().SetRemote(epB.addr())
	s.Start()
	stop := time.Now().Add(2500 * time.Millisecond)
	for i := 0; time.Now().Before(stop); i++ {
		// Only B talks: one side is enough to keep the call up.
		epB.send(legAddr(s.B()), rtpPacket(0, uint16(i), 20))
		time.Sleep(50 * time.Millisecond)
	}
	if n := p.calls.Load(); n != 0 {
		t.Fatalf("session with steady RTP went inactive")
	}
	p.waitFired(t) // and it does once the RTP stops
}

func TestPortExhaustionAndReuse(t *testing.T) {
	base := freePortRange(t, 4)
	e := newTestEngine(t, Config{PortMin: base, PortMax: base + 2})
	s1, err := e.NewSession(nil)
	if err != nil {
		t.Fatalf("first session: %v", err)
	}
	if a, b := s1.A().LocalPort(), s1.B().LocalPort(); a != base || b != base+2 {
		t.Fatalf("ports %d %d, want %d %d", a, b, base, base+2)
	}
	if _, err := e.NewSession(nil); !errors.Is(err, ErrNoPorts) {
		t.Fatalf("second session: %v, want ErrNoPorts", err)
	}
	if n := e.Sessions(); n != 1 {
		t.Fatalf("Sessions() = %d, want 1", n)
	}
	s1.Close()
	if n := e.Sessions(); n != 0 {
		t.Fatalf("Sessions() = %d after Close, want 0", n)
	}
	s2, err := e.NewSession(nil)
	if err != nil {
		t.Fatalf("session after Close: %v", err)
	}
	defer s2.Close()
	got := map[int]bool{s2.A().LocalPort(): true, s2.B().LocalPort(): true}
	if !got[base] || !got[base+2] {
		t.Fatalf("ports %v not reused", got)
	}
}

func TestPortRangeSkipsBusyPorts(t *testing.T) {
	base := freePortRange(t, 6)
	newEndpointAt(t, base+3)                                        // another process holds the middle pair's RTCP port
	e := newTestEngine(t, Config{PortMin: base, PortMax: base + 5}) // odd max: last RTCP port
	s, err := e.NewSession(nil)
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	defer s.Close()
	if a, b := s.A().LocalPort(), s.B().LocalPort(); a != base || b != base+4 {
		t.Fatalf("ports %d %d, want %d %d (skipping the busy pair)", a, b, base, base+4)
	}
	if _, err := e.NewSession(nil); !errors.Is(err, ErrNoPorts) {
		t.Fatalf("second session: %v, want ErrNoPorts", err)
	}
}

func TestPortsCycle(t *testing.T) {
	base := freePortRange(t, 8)
	e := newTestEngine(t, Config{PortMin: base, PortMax: base + 6})
	s1, err := e.NewSession(nil)
	if err != nil {
		t.Fatal(err)
	}
	s1.Close()
	s2, err := e.NewSession(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	// Freed ports are not reused at once: late packets of the old call
	// must not reach the new one.
	if a := s2.A().LocalPort(); a != base+4 {
		t.Fatalf("second session on %d, want %d", a, base+4)
	}
}

func TestEngineClose(t *testing.T) {
	e, err := NewEngine(Config{BindIP: loopback, TalkTimeout: testTalk})
	if err != nil {
		t.Fatal(err)
	}
	p := newProbe()
	s, err := e.NewSession(p.onInactive)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if n := e.Sessions(); n != 0 {
		t.Fatalf("%d sessions after engine Close", n)
	}
	if _, err := e.NewSession(nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("NewSession after Close: %v, want ErrClosed", err)
	}
	s.Start() // no effect on a closed session
	s.Close()
	time.Sleep(2 * testTalk)
	if n := p.calls.Load(); n != 0 {
		t.Fatalf("onInactive fired %d times after engine Close", n)
	}
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"os-chosen ports", Config{}, true},
		{"range", Config{PortMin: 10000, PortMax: 20000}, true},
		{"odd max", Config{PortMin: 10000, PortMax: 10001}, true},
		{"one pair", Config{PortMin: 10000, PortMax: 10000}, true},
		{"odd min", Config{PortMin: 10001, PortMax: 20000}, false},
		{"min above max", Config{PortMin: 20000, PortMax: 10000}, false},
		{"negative min", Config{PortMin: -2, PortMax: 10000}, false},
		{"only max", Config{PortMax: 10000}, false},
		{"max 65535", Config{PortMin: 60000, PortMax: 65535}, true},
		{"max too high", Config{PortMin: 10000, PortMax: 65536}, false},
		{"negative timeout", Config{TalkTimeout: -time.Second}, false},
		{"workers", Config{Workers: 3}, true},
		{"negative workers", Config{Workers: -1}, false},
		{"zoned bind ip", Config{BindIP: mustAddr("fe80::1%lo")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.withDefaults().validate()
			if tt.ok && err != nil {
				t.Fatalf("validate: %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrBadConfig) {
				t.Fatalf("validate: %v, want ErrBadConfig", err)
			}
		})
	}
	c := Config{}.withDefaults()
	if c.TalkTimeout != DefaultTalkTimeout || c.HoldTimeout != DefaultHoldTimeout {
		t.Fatalf("defaults %v %v", c.TalkTimeout, c.HoldTimeout)
	}
	if _, err := NewEngine(Config{PortMin: 3}); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("NewEngine with a bad config: %v", err)
	}
}
