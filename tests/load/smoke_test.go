// Package load holds the CI smoke test of the load generator
// (cmd/hookswitch-load): a switch booted in-process, the generator's uas,
// calls and register roles run against it at a low rate. It asserts that
// calls complete and RTP flows, never the figures: those are measured by
// hand on a quiet machine (docs/PERFORMANCE.md), not in CI.
package load

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	gen "github.com/hookswitch/hookswitch/cmd/hookswitch-load/load"
	"github.com/hookswitch/hookswitch/scripts"
	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// password is shared by every test extension (no "%s": the switch's CLI
// refuses passwords that contain the number, so real runs share one too).
const password = "Kq7-load-smoke"

func bootSwitch(t *testing.T, numbers ...[]string) netip.AddrPort {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	for _, ns := range numbers {
		for _, n := range ns {
			if err := st.CreateExtension(store.Extension{Number: n, Password: password}); err != nil {
				t.Fatalf("extension %s: %v", n, err)
			}
		}
	}
	// The switch's warnings are shown when the test fails: they say why a
	// call failed (a hook over its budget, no ports...).
	logs := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("switch warnings:\n%s", logs.tail(8<<10))
		}
	})
	srv, err := server.New(server.Config{SIPUDP: "127.0.0.1:0", Advertise: "127.0.0.1", ScriptsDir: smokeScripts(t),
		RTPIP: netip.MustParseAddr("127.0.0.1"), Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))}, st)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	a := srv.Stack.Addr("udp")
	if !a.IsValid() {
		t.Fatal("switch has no UDP address")
	}
	return a
}

func users(t *testing.T, spec string) []string {
	t.Helper()
	u, err := gen.ParseUsers(spec)
	if err != nil {
		t.Fatalf("users %q: %v", spec, err)
	}
	return u
}

func TestSmoke(t *testing.T) {
	callers, callees := users(t, "1000-1009"), users(t, "2000-2009")
	sw := bootSwitch(t, callers, callees)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()

	uas, err := gen.StartUAS(ctx, gen.UASConfig{Listen: "127.0.0.1:0", Register: sw.String(), Users: callees,
		PasswordFmt: password, RTP: true})
	if err != nil {
		t.Fatalf("uas: %v", err)
	}
	stopped := false
	defer func() {
		if !stopped {
			uas.Stop()
		}
	}()
	if c := uas.Counts(); c.Registered != len(callees) {
		t.Fatalf("uas registered %d of %d", c.Registered, len(callees))
	}

	// The three runs share the switch at once: the whole test stays short.
	t.Run("group", func(t *testing.T) {
		t.Run("calls", func(t *testing.T) {
			t.Parallel()
			r, err := gen.RunCalls(ctx, gen.CallsConfig{Target: sw.String(), To: callees, From: callers,
				PasswordFmt: password, Rate: 50, Duration: 2 * time.Second})
			if err != nil {
				t.Fatalf("calls: %v", err)
			}
			if r.Attempted == 0 || r.OK != r.Attempted || r.Failed != 0 {
				t.Fatalf("calls: attempted %d ok %d failed %d (%v)", r.Attempted, r.OK, r.Failed, r.Failures)
			}
			if r.Challenges == 0 {
				t.Error("calls were never challenged: digest auth not exercised")
			}
			if r.SetupMs.P50 <= 0 {
				t.Errorf("no setup time measured: %+v", r.SetupMs)
			}
		})

		t.Run("rtp", func(t *testing.T) {
			t.Parallel()
			r, err := gen.RunCalls(ctx, gen.CallsConfig{Target: sw.String(), To: callees, From: callers,
				PasswordFmt: password, Rate: 20, Duration: time.Second, Hold: 3 * time.Second, RTP: true})
			if err != nil {
				t.Fatalf("rtp calls: %v", err)
			}
			if r.Attempted == 0 || r.OK != r.Attempted || r.Failed != 0 {
				t.Fatalf("rtp calls: attempted %d ok %d failed %d (%v)", r.Attempted, r.OK, r.Failed, r.Failures)
			}
			if r.RTP == nil || r.RTP.Sent == 0 || r.RTP.Received == 0 || r.RTP.Silent != 0 {
				t.Fatalf("rtp did not flow back to the caller: %+v", r.RTP)
			}
			if r.RTP.JitterMs.P50 < 0 || r.RTP.DelayMs.Max <= 0 {
				t.Errorf("no delay measured: %+v", r.RTP)
			}
		})

		t.Run("register", func(t *testing.T) {
			t.Parallel()
			for _, noReuse := range []bool{false, true} {
				r, err := gen.RunRegister(ctx, gen.RegisterConfig{Target: sw.String(), Users: callers, PasswordFmt: password,
					Rate: 50, Duration: 1500 * time.Millisecond, NoReuse: noReuse})
				if err != nil {
					t.Fatalf("register: %v", err)
				}
				if r.Attempted == 0 || r.OK != r.Attempted || r.Failed != 0 {
					t.Fatalf("register (no-reuse %v): attempted %d ok %d failed %d (%v)", noReuse, r.Attempted, r.OK, r.Failed, r.Failures)
				}
				// With reuse only the first REGISTER of each user is challenged.
				if noReuse && r.Challenges != r.Attempted {
					t.Errorf("no-reuse: %d challenges for %d REGISTERs", r.Challenges, r.Attempted)
				}
				if !noReuse && r.Challenges > uint64(len(callers)) {
					t.Errorf("reuse: %d challenges for %d users", r.Challenges, len(callers))
				}
			}
		})
	})

	stopped = true
	res := uas.Stop()
	if res.UAS == nil || res.UAS.Answered == 0 || res.UAS.Byes != res.UAS.Answered || res.UAS.AckTimeouts != 0 {
		t.Fatalf("uas: %+v", res.UAS)
	}
	if res.RTP == nil || res.RTP.Received == 0 || res.RTP.Sent == 0 {
		t.Fatalf("rtp did not reach the callee: %+v", res.RTP)
	}
}

// lockedBuffer collects log lines from the switch's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// tail returns the last n bytes written.
func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.b.Bytes()
	return string(b[max(0, len(b)-n):])
}

// smokeScripts is the default dial plan with a route budget of 5 s instead
// of 500 ms: CI runs this next to the race-instrumented Wasm tests on two
// cores, where a starved interpreter can overrun the product's budget. The
// smoke checks that the harness works, not the budget (hook tests do).
func smokeScripts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// The whole default set: the dial plan requires its modules.
	if err := os.CopyFS(dir, scripts.FS); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hooks.json"), []byte(`{"hooks": {"route": {"budget": "5s"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}
