package wasm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// fakeCall records what a program does and answers from scripted results.
type fakeCall struct {
	mu        sync.Mutex
	ops       []string
	collect   []string
	bridgeRes hook.BridgeResult
	recordRes hook.RecordResult
	confRes   hook.ConferenceResult
	hungUp    bool              // every primitive answers ErrHungUp
	fail      map[string]error  // by primitive ("conference"): its error; ErrHungUp hangs up
	confWait  time.Duration     // Conference blocks this long
	queueRes  *hook.QueueResult // what Queue returns (nil: answered by 2001)

	// The specs that arrived.
	plays    []hook.PlaySpec
	collects []hook.CollectSpec
	records  []hook.RecordSpec
	confs    []hook.ConferenceSpec
	bridges  []hook.BridgeSpec
	queues   []hook.QueueSpec
}

func (f *fakeCall) op(format string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := fmt.Sprintf(format, args...)
	f.ops = append(f.ops, s)
	if f.hungUp {
		return hook.ErrHungUp
	}
	name, _, _ := strings.Cut(s, "(")
	err := f.fail[name]
	if errors.Is(err, hook.ErrHungUp) {
		f.hungUp = true
	}
	return err
}

func (f *fakeCall) Ops() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.ops, " ")
}

func (f *fakeCall) Info() hook.RouteRequest      { return hook.RouteRequest{} }
func (f *fakeCall) Answer(context.Context) error { return f.op("answer") }
func (f *fakeCall) Hangup(code int, reason string) error {
	return f.op("hangup(%d,%s)", code, reason)
}
func (f *fakeCall) Bridge(_ context.Context, s hook.BridgeSpec) (hook.BridgeResult, error) {
	f.mu.Lock()
	f.bridges = append(f.bridges, s)
	f.mu.Unlock()
	return f.bridgeRes, f.op("bridge(%s)", strings.Join(s.Targets, ","))
}
func (f *fakeCall) Transfer(_ context.Context, t string) error { return f.op("transfer(%s)", t) }
func (f *fakeCall) Sleep(_ context.Context, d time.Duration) error {
	return f.op("sleep(%v)", d)
}
func (f *fakeCall) Play(_ context.Context, s hook.PlaySpec) error {
	f.mu.Lock()
	f.plays = append(f.plays, s)
	f.mu.Unlock()
	if s.Tone != "" {
		return f.op("tone(%s)", s.Tone)
	}
	return f.op("play(%s)", s.File)
}
func (f *fakeCall) Collect(_ context.Context, s hook.CollectSpec) (string, error) {
	err := f.op("collect(%d,%v,%s)", s.Max, s.Timeout, strings.Join(s.Prompt, ","))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.collects = append(f.collects, s)
	if len(f.collect) == 0 {
		return "", errors.Join(err, hook.ErrNotAvailable)
	}
	d := f.collect[0]
	f.collect = f.collect[1:]
	return d, err
}
func (f *fakeCall) Record(_ context.Context, s hook.RecordSpec) (hook.RecordResult, error) {
	f.mu.Lock()
	f.records = append(f.records, s)
	f.mu.Unlock()
	return f.recordRes, f.op("record")
}
func (f *fakeCall) Conference(ctx context.Context, s hook.ConferenceSpec) (hook.ConferenceResult, error) {
	f.mu.Lock()
	f.confs = append(f.confs, s)
	f.mu.Unlock()
	if f.confWait > 0 {
		select {
		case <-time.After(f.confWait):
		case <-ctx.Done():
			return hook.ConferenceResult{}, ctx.Err()
		}
	}
	return f.confRes, f.op("conference(%s)", s.Room)
}
func (f *fakeCall) SendDigits(_ context.Context, d string) error { return f.op("send_digits(%s)", d) }
func (f *fakeCall) Queue(_ context.Context, s hook.QueueSpec) (hook.QueueResult, error) {
	f.mu.Lock()
	f.queues = append(f.queues, s)
	res := hook.QueueResult{Reason: hook.QueueAnswered, Agent: "2001"}
	if f.queueRes != nil {
		res = *f.queueRes
	}
	f.mu.Unlock()
	return res, f.op("queue(%s)", s.Queue)
}

// runProgram routes to and runs the program it decides against c.
func runProgram(t *testing.T, e *Engine, to string, c hook.Call) error {
	t.Helper()
	return runProgramAs(t, e, to, "", c)
}

// runProgramAs is runProgram with the caller's display name display.
func runProgramAs(t *testing.T, e *Engine, to, display string, c hook.Call) error {
	t.Helper()
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c-" + to, From: "1001", To: to, FromDisplay: display})
	if err != nil {
		t.Fatal(err)
	}
	if d.Action != hook.ActionProgram || d.Program == nil {
		t.Fatalf("decision %+v", d)
	}
	return d.Program.Run(context.Background(), c)
}

// A call program runs on the instance that decided it, with the call
// primitives as host functions; it cannot run twice.
func TestProgram(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{})
	c := &fakeCall{collect: []string{"2"}, bridgeRes: hook.BridgeResult{Code: 486}}
	if err := runProgram(t, e, "program", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "answer collect(1,5s,ivr/welcome.wav) bridge(1002) hangup(480,Nobody program)" {
		t.Fatalf("ops %q", got)
	}
	// Nothing to collect: "100" is rung, who answers.
	c = &fakeCall{bridgeRes: hook.BridgeResult{Answered: true}}
	if err := runProgram(t, e, "program", c); err != nil {
		t.Fatal(err)
	}
	if got := c.Ops(); got != "answer collect(1,5s,ivr/welcome.wav) bridge(100)" {
		t.Fatalf("ops %q", got)
	}
	// The caller hangs up at once: a normal end.
	c = &fakeCall{hungUp: true}
	if err := runProgram(t, e, "program", c); err != nil || c.Ops() != "answer" {
		t.Fatalf("hung up: %v, ops %q", err, c.Ops())
	}
	d, _ := route(t, e, "program")
	d.Program.Run(context.Background(), &fakeCall{bridgeRes: hook.BridgeResult{Answered: true}})
	if err := d.Program.Run(context.Background(), &fakeCall{}); !errors.Is(err, ErrProgram) {
		t.Fatalf("second run: %v", err)
	}
	if err := runProgram(t, e, "programfail", &fakeCall{}); !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "program gave up") {
		t.Fatalf("failing program: %v", err)
	}
}

// A program that loops after a primitive is stopped by its step budget;
// time blocked in primitives does not count.
func TestProgramBudget(t *testing.T) {
	e := newEngine(t, "kitchen.wasm", Options{Budget: 100 * time.Millisecond, ProgramBudget: 300 * time.Millisecond})
	start := time.Now()
	err := runProgram(t, e, "programloop", &fakeCall{})
	if !errors.Is(err, ErrBudget) || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	// The engine still serves. This call gets a generous deadline of its
	// own: the 100 ms budget above is for the loop, and a race-built
	// guest on a loaded 2-core CI machine can need more for a route.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if d, err := routeCtx(ctx, e, hook.RouteRequest{CallID: "c-after", From: "1001", To: "1002"}); err != nil || d.Targets[0] != "1002" {
		t.Fatalf("after: %+v %v", d, err)
	}
}
