package integration

import (
	"io"
	"log/slog"
	"net/netip"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// wait bounds every expectation in these tests.
const wait = 5 * time.Second

// rtpWindows hands each switch its own 100-port RTP window in 40000-49999,
// so parallel tests never share ports.
var rtpWindows atomic.Int32

func rtpRange() (int, int) {
	n := int(rtpWindows.Add(1)-1) % 100
	lo := 40000 + 100*n
	return lo, lo + 99
}

// testSwitch is one switch node on loopback with extensions 1001-1003.
type testSwitch struct {
	st  *store.Store
	srv *server.Server
	cfg server.Config
	sip netip.AddrPort // UDP listener
}

// passwordOf is each test extension's SIP password.
func passwordOf(ext string) string { return "Secret-" + ext + "-pw" }

// testLogger is silent unless HOOKSWITCH_TEST_LOG is set (then debug to stderr).
func testLogger() *slog.Logger {
	if os.Getenv("HOOKSWITCH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newSwitch boots a switch; tune adjusts the config before it starts.
func newSwitch(t testing.TB, tune ...func(*server.Config)) *testSwitch {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	for _, n := range []string{"1001", "1002", "1003"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: passwordOf(n)}); err != nil {
			t.Fatalf("create extension %s: %v", n, err)
		}
	}
	lo, hi := rtpRange()
	cfg := server.Config{SIPUDP: "127.0.0.1:0", SIPTCP: "127.0.0.1:0", Advertise: "127.0.0.1",
		RTPIP: netip.MustParseAddr("127.0.0.1"), RTPMin: lo, RTPMax: hi, Logger: testLogger(), DataDir: dir}
	for _, f := range tune {
		f(&cfg)
	}
	s := &testSwitch{st: st, cfg: cfg}
	s.start(t)
	t.Cleanup(func() {
		if s.srv != nil {
			s.srv.Close()
		}
		st.Close()
	})
	return s
}

func (s *testSwitch) start(t testing.TB) {
	t.Helper()
	srv, err := server.New(s.cfg, s.st)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	s.srv = srv
	s.sip = srv.Stack.Addr("udp")
	if !s.sip.IsValid() {
		t.Fatal("switch has no UDP address")
	}
}

// restart closes the node (not the store) and boots a new one on the same
// store and the same UDP port, with a fresh nonce key.
func (s *testSwitch) restart(t testing.TB) {
	t.Helper()
	if err := s.srv.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s.srv = nil
	s.cfg.SIPUDP = s.sip.String()
	s.start(t)
}

// inRTPRange reports whether a media address is one of the switch's ports.
func (s *testSwitch) inRTPRange(a netip.AddrPort) bool {
	return a.Addr() == s.cfg.RTPIP && int(a.Port()) >= s.cfg.RTPMin && int(a.Port()) <= s.cfg.RTPMax
}

// waitCDR polls the store for the CDR of the caller's Call-ID.
func (s *testSwitch) waitCDR(t testing.TB, callID string) store.CDR {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		cdrs, err := s.st.ListCDRs(store.CDRQuery{Limit: store.MaxCDRLimit})
		if err != nil {
			t.Fatalf("list cdrs: %v", err)
		}
		for _, c := range cdrs {
			if c.CallID == callID {
				return c
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no CDR for call %s within %v", callID, wait)
	return store.CDR{}
}
