package ua

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// wait bounds every expectation in these tests.
const wait = 5 * time.Second

func init() {
	// sipgo logs every dropped message at error level; tests assert outcomes.
	gosip.SetDefaultLogger(testLogger())
}

// passwordOf is each test extension's SIP password.
func passwordOf(ext string) string { return "Secret-" + ext + "-pw" }

// testLogger is silent unless HOOKSWITCH_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("HOOKSWITCH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// testSwitch is a real switch on loopback with extensions 1001-1003 (the
// lines of tests/integration's newSwitch this package needs).
type testSwitch struct {
	st  *store.Store
	srv *server.Server
	sip netip.AddrPort
}

func newSwitch(t testing.TB, tune ...func(*server.Config)) *testSwitch {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{Logger: testLogger()})
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	for _, n := range []string{"1001", "1002", "1003"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: passwordOf(n)}); err != nil {
			t.Fatalf("create extension %s: %v", n, err)
		}
	}
	cfg := server.Config{SIPUDP: "127.0.0.1:0", Advertise: "127.0.0.1", RTPIP: netip.MustParseAddr("127.0.0.1"),
		Logger: testLogger(), DataDir: dir}
	for _, f := range tune {
		f(&cfg)
	}
	srv, err := server.New(cfg, st)
	if err != nil {
		st.Close()
		t.Fatalf("server: %v", err)
	}
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return &testSwitch{st: st, srv: srv, sip: srv.Stack.Addr("udp")}
}

// newStack is a UA stack talking to sw, closed when the test ends.
func newStack(t testing.TB, sw netip.AddrPort) *Stack {
	t.Helper()
	s, err := New(Config{Server: sw, Logger: testLogger()})
	if err != nil {
		t.Fatalf("ua: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// recorder collects an account's events on channels.
type recorder struct {
	reg      chan RegEvent
	incoming chan *Call
	states   chan callEvent
	sdps     chan callSDP
	infos    chan callInfo
	msgs     chan Message
	notifies chan Notify
	mwis     chan MWI
}

type callEvent struct {
	c *Call
	e CallEvent
}

type callSDP struct {
	c   *Call
	sdp []byte
}

type callInfo struct {
	c    *Call
	ct   string
	body []byte
}

func newRecorder() *recorder {
	return &recorder{reg: make(chan RegEvent, 64), incoming: make(chan *Call, 64), states: make(chan callEvent, 256),
		sdps: make(chan callSDP, 256), infos: make(chan callInfo, 64), msgs: make(chan Message, 64),
		notifies: make(chan Notify, 64), mwis: make(chan MWI, 64)}
}

// put never blocks the account's event goroutine.
func put[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

func (r *recorder) events() Events {
	return Events{
		Registration: func(e RegEvent) { put(r.reg, e) },
		Incoming:     func(c *Call) { put(r.incoming, c) },
		CallState:    func(c *Call, e CallEvent) { put(r.states, callEvent{c, e}) },
		RemoteSDP:    func(c *Call, b []byte) { put(r.sdps, callSDP{c, b}) },
		Info:         func(c *Call, ct string, b []byte) { put(r.infos, callInfo{c, ct, b}) },
		Message:      func(m Message) { put(r.msgs, m) },
		Notify:       func(n Notify) { put(r.notifies, n) },
		MWI:          func(m MWI) { put(r.mwis, m) },
	}
}

// next waits for the next value on ch.
func next[T any](t testing.TB, ch chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("no %s within %v", what, wait)
		var zero T
		return zero
	}
}

// waitState skips c's events until one with state st.
func (r *recorder) waitState(t testing.TB, c *Call, st CallState) CallEvent {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case ev := <-r.states:
			if ev.c == c && ev.e.State == st {
				return ev.e
			}
		case <-deadline:
			t.Fatalf("call %s: no %s event within %v (state %s)", c.ID(), st, wait, c.State())
			return CallEvent{}
		}
	}
}

// waitSDP skips c's SDP events until one that contains want.
func (r *recorder) waitSDP(t testing.TB, c *Call, want string) []byte {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case ev := <-r.sdps:
			if ev.c == c && strings.Contains(string(ev.sdp), want) {
				return ev.sdp
			}
		case <-deadline:
			t.Fatalf("call %s: no remote SDP with %q within %v", c.ID(), want, wait)
			return nil
		}
	}
}

// register registers ext on s and returns the account and its events.
func register(t testing.TB, s *Stack, ext string) (*Account, *recorder) {
	t.Helper()
	r := newRecorder()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	a, err := s.Register(ctx, ext, passwordOf(ext), 0, r.events())
	if err != nil {
		t.Fatalf("register %s: %v", ext, err)
	}
	if e := next(t, r.reg, "registered event"); e.State != RegRegistered || e.Code != 200 {
		t.Fatalf("register %s: first event %+v", ext, e)
	}
	return a, r
}

// sdpAt is a plain RTP offer or answer from the WebRTC gateway's side.
func sdpAt(port int, version int) []byte {
	return []byte(fmt.Sprintf("v=0\r\no=- 4242 %d IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"+
		"m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n",
		version, port))
}

func ctxWait(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// waitFor polls cond until it holds or wait passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, wait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// netip0 is a server address nothing answers on (argument checks only).
func netip0() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:9") }
