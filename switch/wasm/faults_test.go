package wasm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Every fault fails that call only, with an error that says what went
// wrong; the next call on the same engine works (a trapped instance is
// replaced).
func TestFaultsFailOnlyTheCall(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{MemoryMB: 32})
	for _, tc := range []struct {
		to   string
		err  error
		want string
	}{
		{"oob", ErrTrap, "out of bounds memory access"},
		{"oom", ErrTrap, "out of memory"},
		{"exit", ErrTrap, "exited with code 3"},
		{"panic", ErrFailed, "panic: kitchen on fire"},
		{"fail", ErrFailed, "no route for you"},
		{"action9", ErrDecision, "field action"},
		{"mode7", ErrDecision, "field mode"},
		{"letters", ErrDecision, "targets[1]"},
		{"badutf8", ErrDecision, "not UTF-8"},
		{"code200", ErrDecision, "400-699"},
	} {
		t.Run(tc.to, func(t *testing.T) {
			_, err := route(t, e, tc.to)
			if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "kitchen.wasm: route: ") {
				t.Errorf("error %q does not name the plugin and hook", err)
			}
			d, err := route(t, e, "1002")
			if err != nil || d.Action != hook.ActionBridge || d.Targets[0] != "1002" {
				t.Fatalf("the next call: %+v %v", d, err)
			}
		})
	}
}

// A guest that never returns is stopped at its budget, without a
// goroutine of ours per call: wazero's termination checks in loops see
// the context end.
func TestRunawayStoppedAtBudget(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{})
	for _, to := range []string{"loop", "sleep"} {
		budget := 100 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), budget)
		start := time.Now()
		_, err := routeCtx(ctx, e, hook.RouteRequest{To: to})
		took := time.Since(start)
		cancel()
		if !errors.Is(err, ErrBudget) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: err = %v", to, err)
		}
		// The guests never return by themselves, so returning at all is
		// the budget's doing; the bound is loose because a loaded machine
		// (CI beside other tests) can be slow to schedule us.
		if took > budget+5*time.Second {
			t.Fatalf("%s: returned after %v, budget %v", to, took, budget)
		}
	}
	if d, err := route(t, e, "1002"); err != nil || d.Targets[0] != "1002" {
		t.Fatalf("after the runaways: %+v %v", d, err)
	}
}

// Through the dispatcher a fault becomes the hook's policy: route is
// fail-closed (503) by default. The budget is roomy: after the faults the
// next call may instantiate a fresh guest, which a loaded machine (CI with
// other tests) can take hundreds of milliseconds to do.
func TestFaultGivesPolicy(t *testing.T) {
	d, err := hook.NewDispatcher(hooksDir(t, `{"hooks": {"route": {"engine": "wasm", "plugin": "kitchen.wasm", "budget": "1s"}}}`),
		[]hook.Factory{Factory{Options{Dir: guestDir, Logger: quietLogger()}}}, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s := d.Acquire()
	defer s.Release()
	for _, to := range []string{"loop", "oob", "action9"} {
		dec, err := s.Route(context.Background(), hook.RouteRequest{To: to})
		if err == nil || dec.Action != hook.ActionReject || dec.Code != 503 {
			t.Fatalf("%s: %+v %v", to, dec, err)
		}
	}
	if dec, err := s.Route(context.Background(), hook.RouteRequest{To: "1002"}); err != nil || dec.Targets[0] != "1002" {
		t.Fatalf("%+v %v", dec, err)
	}
}
