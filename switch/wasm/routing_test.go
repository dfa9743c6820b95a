package wasm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// routingEngine loads the routing test guest for route and failure,
// logging into log.
func routingEngine(t *testing.T, o Options, log *logBuffer) *Engine {
	t.Helper()
	o.Logger = slogTo(log)
	return newEngine(t, "routing.wasm", o, hook.Route, hook.Failure)
}

// The trunk of an inbound call reaches the guest, and every routing field
// of its decisions reaches the core.
func TestRoutingFields(t *testing.T) {
	e := routingEngine(t, Options{}, &logBuffer{})
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c1", From: "+4930555", To: "trunk", Trunk: "upstream"})
	if err != nil || d.Reason != "trunk=upstream from=+4930555" {
		t.Fatalf("trunk: %+v %v", d, err)
	}
	if d, _ := route(t, e, "trunk"); d.Reason != "trunk= from=1001" {
		t.Fatalf("a call from a phone: %+v", d)
	}
	d, err = route(t, e, "out")
	want := hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"+4930123456"}, Mode: hook.ModeSequential,
		Timeout: 20 * time.Second, CallerID: "4930112", Trunks: []string{"upstream", "backup"}, TimeLimit: 90 * time.Second,
		Diversion: "1001", DiversionReason: "user-busy"}
	if err != nil || !reflect.DeepEqual(d, want) {
		t.Fatalf("out:\n got %+v %v\nwant %+v", d, err, want)
	}
	d, err = route(t, e, "ext")
	if err != nil || !slices.Equal(d.Targets, []string{"1002", "1003"}) || d.Trunks != nil || d.TimeLimit != time.Hour {
		t.Fatalf("ext: %+v %v", d, err)
	}
	dec, err := e.Invoke(context.Background(), hook.FailureRequest{CallID: "c1", From: "1001", To: "1002", Targets: []string{"1002"}, Code: 480, Attempt: 1})
	want = hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"+49301002"}, Trunks: []string{"backup"}, Diversion: "1002", DiversionReason: "no-answer"}
	if err != nil || !reflect.DeepEqual(dec, want) {
		t.Fatalf("failure: %+v %v", dec, err)
	}
}

// Decisions are checked with Lua's rules: a bad one fails the call with
// an error naming the field; values at the limits pass.
func TestRoutingBadDecisions(t *testing.T) {
	e := routingEngine(t, Options{}, &logBuffer{})
	for _, tc := range []struct{ name, want string }{
		{"trunks-many", "field trunks: want 1 to 16 trunk names, got 17"},
		{"trunk-name", `field trunks[2]: want a trunk name (1-64 characters of a SIP user part), got "a b"`},
		{"targets-two", "field targets: with trunks, want exactly one outside number, got 2 targets"},
		{"target-letters", `field targets[1]: want an outside number (1-32 digits, a leading + allowed), got "+49abc"`},
		{"target-plus", `field targets[1]: want an outside number`},
		{"extension-plus", `field targets[1]: want 1-32 digits, got "+1002"`},
		{"time-limit-short", "field time_limit: want 0 (none) or 1s to 24h0m0s, got 999ms"},
		{"time-limit-long", "field time_limit: want 0 (none) or 1s to 24h0m0s, got 24h0m1s"},
		{"diversion", `field diversion: want a number or SIP user part`},
		{"diversion-reason", `field diversion_reason: want one of unconditional, user-busy, no-answer, unavailable, deflection, got "busy"`},
	} {
		_, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c", From: "1001", To: "bad", FromDisplay: tc.name})
		if !errors.Is(err, ErrDecision) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c", From: "1001", To: "bad", FromDisplay: "ok:limits"})
	if err != nil || len(d.Trunks) != abi.MaxTrunks || d.TimeLimit != abi.MaxTimeLimit || d.DiversionReason != "deflection" {
		t.Fatalf("limits: %+v %v", d, err)
	}
}

// call_queue hands the call the guest's spec and the guest gets back the
// call's result; a queue nobody answered falls back to a bridge through
// trunks, whose trunks and time limit reach the call.
func TestQueuePrimitive(t *testing.T) {
	var log logBuffer
	e := routingEngine(t, Options{}, &log)
	c := &fakeCall{queueRes: &hook.QueueResult{Reason: hook.QueueAnswered, Agent: "2001", Position: 3,
		Waited: 42500 * time.Millisecond, Talk: 5 * time.Minute}}
	if err := runProgram(t, e, "queue", c); err != nil {
		t.Fatal(err)
	}
	if c.Ops() != "queue(7000)" || !reflect.DeepEqual(c.queues, []hook.QueueSpec{{Queue: "7000", Priority: 5}}) {
		t.Fatalf("ops %q, specs %+v", c.Ops(), c.queues)
	}
	if want := "queue: answered/2001/3/42500/300000/false"; !strings.Contains(log.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, log.String())
	}

	c = &fakeCall{queueRes: &hook.QueueResult{Reason: hook.QueueTimeout, Position: 1, Waited: time.Minute}, bridgeRes: hook.BridgeResult{Answered: true}}
	if err := runProgram(t, e, "queue", c); err != nil {
		t.Fatal(err)
	}
	want := []hook.BridgeSpec{{Targets: []string{"+4930999"}, CallerID: "4930112", Trunks: []string{"up", "backup"}, TimeLimit: time.Minute}}
	if c.Ops() != "queue(7000) bridge(+4930999)" || !reflect.DeepEqual(c.bridges, want) {
		t.Fatalf("ops %q, bridges %+v", c.Ops(), c.bridges)
	}

	// A caller who hangs up in the queue is a result, then the program
	// ends; the call's errors reach the guest as for the other primitives.
	c = &fakeCall{queueRes: &hook.QueueResult{Reason: hook.QueueHangup, Waited: 2 * time.Second, HungUp: true}}
	if err := runProgram(t, e, "queue", c); err != nil || c.Ops() != "queue(7000)" {
		t.Fatalf("hang-up: %v, ops %q", err, c.Ops())
	}
	if want := "queue: hangup//0/2000/0/true"; !strings.Contains(log.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, log.String())
	}
	for name, fail := range map[string]error{"not available": hook.ErrNotAvailable, "queue engine down": errors.New("queue engine down")} {
		err := runProgram(t, e, "queue", &fakeCall{fail: map[string]error{"queue": fail}})
		if !errors.Is(err, ErrFailed) || !strings.Contains(log.String(), "queue: "+name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Bad arguments are refused with the reason (ErrFailed) before the call
// is touched; values at the limits pass.
func TestQueueBadArguments(t *testing.T) {
	e := routingEngine(t, Options{}, &logBuffer{})
	for _, tc := range []struct{ name, want string }{
		{"queue-empty", `call_queue: queue must be a queue number (1-64 characters of a SIP user part), got ""`},
		{"queue-name", `call_queue: queue must be a queue number (1-64 characters of a SIP user part), got "70 00"`},
		{"priority", "call_queue: priority must be 0-100, got 101"},
		{"bridge-trunk", `call_bridge: field trunks[1]: want a trunk name`},
		{"bridge-time-limit", "call_bridge: field time_limit: want 0 (none) or 1s to 24h0m0s, got 25h0m0s"},
		{"raw-trailing", "code -2: call_queue: malformed message: 1 trailing bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeCall{}
			err := runProgramAs(t, e, "badqueue", tc.name, c)
			if !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if ops := c.Ops(); ops != "" {
				t.Fatalf("the call was used: %q", ops)
			}
		})
	}
	c := &fakeCall{}
	if err := runProgramAs(t, e, "badqueue", "ok:limits", c); !errors.Is(err, ErrFailed) || !strings.HasSuffix(err.Error(), ": accepted") {
		t.Fatalf("limits: %v", err)
	}
	if len(c.queues) != 1 || c.queues[0].Priority != abi.MaxQueuePriority {
		t.Fatalf("limits: specs %+v", c.queues)
	}
}

// call_queue's result follows the buffer convention.
func TestQueueBufferConvention(t *testing.T) {
	var log logBuffer
	e := routingEngine(t, Options{}, &log)
	if err := runProgram(t, e, "raw", &fakeCall{}); err != nil {
		t.Fatal(err)
	}
	// str "answered" (4+8), str "2001" (4+4), three u32 and a bool.
	if want := "raw: answered/2001 length=33"; !strings.Contains(log.String(), want) {
		t.Fatalf("log lacks %q:\n%s", want, log.String())
	}
}

// A guest built before the routing layouts (testdata/guests/v1: the
// original encodings, no routing bit) keeps working on this host: its
// route and failure requests decode exactly, with the trunk left out,
// and its bridges, in decisions and in programs, work as before.
func TestRoutingOriginalGuest(t *testing.T) {
	e := newEngine(t, "v1.wasm", Options{}, hook.Route, hook.Failure)
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c", From: "+4930555", To: "1002", Trunk: "upstream"})
	want := hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{"1002"}, Mode: hook.ModeSequential, Timeout: 20 * time.Second, CallerID: "+4930555"}
	if err != nil || !reflect.DeepEqual(d, want) {
		t.Fatalf("route: %+v %v", d, err)
	}
	if dec, err := e.Invoke(context.Background(), hook.FailureRequest{CallID: "c", From: "1001", To: "1003", Code: 486}); err != nil || dec.(hook.RouteDecision).Targets[0] != "1003" {
		t.Fatalf("failure: %+v %v", dec, err)
	}
	c := &fakeCall{bridgeRes: hook.BridgeResult{Answered: true}}
	if err := runProgram(t, e, "program", c); err != nil {
		t.Fatal(err)
	}
	if want := []hook.BridgeSpec{{Targets: []string{"1002"}, Timeout: 15 * time.Second}}; !reflect.DeepEqual(c.bridges, want) {
		t.Fatalf("bridges %+v", c.bridges)
	}
}

// A guest built with this SDK on a host without the routing layouts (an
// older switch) speaks the original ones: plain decisions and programs
// work, and a decision with trunks fails that call with the reason.
func TestRoutingOlderHost(t *testing.T) {
	older := Options{features: hostFeatures &^ abi.FeatureRouting}
	k := newEngine(t, "kitchen.wasm", older)
	if d, err := route(t, k, "1002"); err != nil || d.Targets[0] != "1002" {
		t.Fatalf("route: %+v %v", d, err)
	}
	c := &fakeCall{bridgeRes: hook.BridgeResult{Answered: true}}
	if err := runProgram(t, k, "program", c); err != nil || len(c.bridges) != 1 {
		t.Fatalf("program: %v, ops %q", err, c.Ops())
	}
	e := routingEngine(t, older, &logBuffer{})
	d, err := routeCtx(context.Background(), e, hook.RouteRequest{CallID: "c", From: "1001", To: "trunk", Trunk: "upstream"})
	if err != nil || d.Reason != "trunk= from=1001" {
		t.Fatalf("trunk on an older host: %+v %v", d, err)
	}
	if _, err := route(t, e, "out"); !errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "need a switch with the routing feature") {
		t.Fatalf("out on an older host: %v", err)
	}
}

// The routing guest requires the queue feature: a host that knows the
// import but does not offer the bit refuses it at start, naming the
// feature. Plugins that do not use call_queue (the kitchen and media
// guests, the shipped plugins) do not import it, so older hosts still
// load them.
func TestQueueNeedsFeature(t *testing.T) {
	_, err := build(bindAll("routing.wasm", 0, hook.Route), Options{Dir: guestDir, Logger: quietLogger(), CacheDir: testCacheDir,
		features: hostFeatures &^ abi.FeatureQueue})
	if err == nil || !strings.Contains(err.Error(), "requires features 0x100 (queue) that this host lacks") {
		t.Fatalf("err = %v", err)
	}
	if hostFeatures&(abi.FeatureQueue|abi.FeatureRouting) != abi.FeatureQueue|abi.FeatureRouting {
		t.Fatal("this host does not offer queue and routing")
	}
	bins := map[string][]byte{}
	for _, name := range []string{"routing.wasm", "kitchen.wasm", "media.wasm"} {
		if bins[name], err = os.ReadFile(filepath.Join(guestDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"dialplan.wasm", "billing.wasm"} {
		if bins[name], err = plugins.FS.ReadFile(name); err != nil {
			t.Fatal(err)
		}
	}
	for name, bin := range bins {
		if got := slices.Contains(hostImports(t, bin), abi.ImportCallQueue); got != (name == "routing.wasm") {
			t.Errorf("%s imports call_queue: %v", name, got)
		}
	}
}
