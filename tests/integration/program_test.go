package integration

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// goEngine is a hook engine written in Go for these tests: route hands
// numbers in progs to a program; failure answers with fail when set.
type goEngine struct {
	progs map[string]hook.ProgramFunc
	fail  func(hook.FailureRequest) hook.RouteDecision
}

func (e *goEngine) Name() string { return "go" }
func (e *goEngine) Handles(h hook.Name) bool {
	return h == hook.Route || (h == hook.Failure && e.fail != nil)
}
func (e *goEngine) Close()                                         {}
func (e *goEngine) Build(string, hook.Config) (hook.Engine, error) { return e, nil }
func (e *goEngine) Invoke(_ context.Context, req hook.Request) (hook.Decision, error) {
	switch r := req.(type) {
	case hook.RouteRequest:
		if p, ok := e.progs[r.To]; ok {
			return hook.RouteDecision{Action: hook.ActionProgram, Program: p}, nil
		}
		return hook.Default(r), nil
	case hook.FailureRequest:
		return e.fail(r), nil
	}
	return nil, errors.New("not implemented")
}

func withEngine(e *goEngine) func(*server.Config) {
	return func(c *server.Config) { c.Engines = []hook.Factory{e} }
}

// trio registers 1001 (caller), 1002 and 1003 (callees answering).
func trio(t *testing.T, e *goEngine) (*testSwitch, *phone, *phone, *phone) {
	t.Helper()
	sw := newSwitch(t, withEngine(e))
	a, b, c := newPhone(t, sw, "1001"), newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	for _, p := range []*phone{a, b, c} {
		p.mustRegister(t)
		p.setPolicy(policyAnswer, 100*time.Millisecond)
	}
	return sw, a, b, c
}

// A program answers the caller itself, then bridges: the caller is
// connected to the callee through the anchor with one codec on both sides.
func TestProgramAnswerThenBridge(t *testing.T) {
	t.Parallel()
	results := make(chan hook.BridgeResult, 1)
	e := &goEngine{progs: map[string]hook.ProgramFunc{
		"7001": func(ctx context.Context, c hook.Call) error {
			if err := c.Answer(ctx); err != nil {
				return err
			}
			if err := c.Sleep(ctx, 200*time.Millisecond); err != nil {
				return err
			}
			r, err := c.Bridge(ctx, hook.BridgeSpec{Targets: []string{"1002"}})
			results <- r
			return err
		},
	}}
	sw, a, b, _ := trio(t, e)
	call := a.dial(t, "7001")
	res, prov := call.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("program answer: %d", res.StatusCode)
	}
	for _, p := range prov {
		if p == 180 {
			t.Errorf("a program that answers at once should not relay ringing: %v", prov)
		}
	}
	da := call.ack(t, res)
	in := b.waitIncoming(t)
	if !sw.inRTPRange(in.sdp.media) {
		t.Fatalf("callee offer points at %s", in.sdp.media)
	}
	db := in.dialog(t)
	db.waitAck(t)
	exchange(t, a, da.Media(), b, db.Media(), 25, 20)
	if r := db.bye(t); r.StatusCode != 200 { // the callee hangs up: the bridge ends
		t.Fatalf("callee BYE: %d", r.StatusCode)
	}
	select {
	case r := <-results:
		if !r.Answered || r.Target != "1002" || r.HungUp {
			t.Fatalf("bridge result %+v", r)
		}
	case <-time.After(wait):
		t.Fatal("Bridge did not return after the callee hung up")
	}
	da.waitBye(t) // the program returned: the switch hangs up the caller
	if cdr := sw.waitCDR(t, call.CallID()); cdr.Status != store.StatusAnswered || cdr.EndedReason != "program_end" {
		t.Fatalf("CDR %+v", cdr)
	}
}

// A program sees a busy callee as a result and tries someone else; the
// caller hears ringing, then the second callee.
func TestProgramBridgeFailureThenNext(t *testing.T) {
	t.Parallel()
	var got []hook.BridgeResult
	var mu sync.Mutex
	e := &goEngine{progs: map[string]hook.ProgramFunc{
		"7002": func(ctx context.Context, c hook.Call) error {
			for _, target := range []string{"1002", "1003"} {
				r, err := c.Bridge(ctx, hook.BridgeSpec{Targets: []string{target}})
				mu.Lock()
				got = append(got, r)
				mu.Unlock()
				if err != nil || r.Answered {
					return err
				}
			}
			return c.Hangup(480, "")
		},
	}}
	sw, a, b, c := trio(t, e)
	b.setPolicy(policyBusy, 0)
	call := a.dial(t, "7002")
	in := c.waitIncoming(t)
	res, _ := call.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("caller got %d, want 200 from 1003", res.StatusCode)
	}
	da := call.ack(t, res)
	in.dialog(t).waitAck(t)
	if r := da.bye(t); r.StatusCode != 200 {
		t.Fatalf("BYE: %d", r.StatusCode)
	}
	cdr := sw.waitCDR(t, call.CallID())
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].Code != 486 || got[0].Answered || !got[1].Answered || !got[1].HungUp {
		t.Fatalf("bridge results %+v", got)
	}
	if cdr.Status != store.StatusAnswered || cdr.FinalDest != "1003" || cdr.EndedReason != "caller_hangup" {
		t.Fatalf("CDR %+v", cdr)
	}
}

// Programs that refuse, return early, panic or use a primitive that is not
// there yet each give the caller a clean final response.
func TestProgramOutcomes(t *testing.T) {
	t.Parallel()
	notAvail := make(chan error, 1)
	e := &goEngine{progs: map[string]hook.ProgramFunc{
		"7003": func(ctx context.Context, c hook.Call) error { return c.Hangup(486, "Busy Here") },
		"7004": func(ctx context.Context, c hook.Call) error { return nil },
		"7005": func(ctx context.Context, c hook.Call) error { panic("program bug") },
		"7006": func(ctx context.Context, c hook.Call) error {
			notAvail <- c.Play(ctx, hook.PlaySpec{File: "welcome.wav"})
			return c.Hangup(503, "")
		},
	}}
	_, a, _, _ := trio(t, e)
	for num, want := range map[string]int{"7003": 486, "7004": 480, "7005": 500, "7006": 503} {
		if res, _ := a.dial(t, num).final(t); res.StatusCode != want {
			t.Errorf("program %s: caller got %d, want %d", num, res.StatusCode, want)
		}
	}
	if err := <-notAvail; !errors.Is(err, hook.ErrState) {
		t.Errorf("Play before answer: %v, want ErrState", err)
	}
}

// The caller hanging up during a program's bridge ends the program with
// ErrHungUp and the callee gets BYE.
func TestProgramCallerHangsUp(t *testing.T) {
	t.Parallel()
	ended := make(chan error, 1)
	e := &goEngine{progs: map[string]hook.ProgramFunc{
		"7007": func(ctx context.Context, c hook.Call) error {
			_, err := c.Bridge(ctx, hook.BridgeSpec{Targets: []string{"1002"}})
			ended <- err
			return err
		},
	}}
	_, a, b, _ := trio(t, e)
	call := a.dial(t, "7007")
	in := b.waitIncoming(t)
	res, _ := call.final(t)
	da := call.ack(t, res)
	db := in.dialog(t)
	if r := da.bye(t); r.StatusCode != 200 {
		t.Fatalf("BYE: %d", r.StatusCode)
	}
	db.waitBye(t)
	select {
	case err := <-ended:
		if !errors.Is(err, hook.ErrHungUp) {
			t.Fatalf("Bridge returned %v, want ErrHungUp", err)
		}
	case <-time.After(wait):
		t.Fatal("program did not learn the caller hung up")
	}
}

// The failure hook sends a busy call on to another extension.
func TestFailureHookNextStep(t *testing.T) {
	t.Parallel()
	var reqs []hook.FailureRequest
	var mu sync.Mutex
	e := &goEngine{fail: func(r hook.FailureRequest) hook.RouteDecision {
		mu.Lock()
		reqs = append(reqs, r)
		mu.Unlock()
		if r.Code == 486 && r.Attempt == 1 {
			return hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1003"}}
		}
		return hook.Default(r).(hook.RouteDecision)
	}}
	sw, a, b, c := trio(t, e)
	b.setPolicy(policyBusy, 0)
	call := a.dial(t, "1002")
	in := c.waitIncoming(t)
	res, _ := call.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("caller got %d, want 200 from 1003 after 1002 was busy", res.StatusCode)
	}
	da := call.ack(t, res)
	in.dialog(t).waitAck(t)
	da.bye(t)
	if cdr := sw.waitCDR(t, call.CallID()); cdr.FinalDest != "1003" || cdr.Status != store.StatusAnswered {
		t.Fatalf("CDR %+v", cdr)
	}
	mu.Lock()
	seen := append([]hook.FailureRequest(nil), reqs...)
	mu.Unlock()
	if len(seen) != 1 || seen[0].Code != 486 || seen[0].To != "1002" || len(seen[0].Targets) != 1 {
		t.Fatalf("failure hook saw %+v", seen)
	}
	// With both busy, the hook gives up and the caller hears busy.
	c.setPolicy(policyBusy, 0)
	if res, _ := a.dial(t, "1002").final(t); res.StatusCode != 486 {
		t.Fatalf("both busy: caller got %d, want 486", res.StatusCode)
	}
}
