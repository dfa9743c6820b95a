package abi

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type message interface {
	Append(*Writer)
	Decode(*Reader)
}

// Every message decodes to what was encoded.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, out message }{
		{&RouteRequest{CallID: "c1", From: "1001", FromDisplay: "Alice", FromDomain: "example.com", To: "1002", ToDomain: "example.com",
			SourceIP: "192.0.2.1", Transport: "udp", Authenticated: true}, &RouteRequest{}},
		{&RegisterRequest{"1001", "sip:1001@192.0.2.1", "192.0.2.1", "tcp", "baresip", 3600}, &RegisterRequest{}},
		{&FailureRequest{"c1", "1001", "1002", []string{"1002", "1003"}, 486, "Busy Here", 2}, &FailureRequest{}},
		{&CallEvent{"c1", "1001", "1002", "5", 200, "caller_hangup", 1500 * time.Millisecond}, &CallEvent{}},
		{&TimerRequest{"t", time.UnixMilli(1700000000123)}, &TimerRequest{}},
		{&RouteDecision{Action: ActionBridge, Bridge: BridgeSpec{Targets: []string{"1002"}, Mode: ModeSequential, Timeout: 30 * time.Second, CallerID: "+1555"}}, &RouteDecision{}},
		{&RouteDecision{Action: ActionReject, Code: 404, Reason: "Not Found"}, &RouteDecision{}},
		{&RouteDecision{Action: ActionProgram, Program: 7}, &RouteDecision{}},
		{&AuthorizeDecision{true, time.Hour, 0, ""}, &AuthorizeDecision{}},
		{&CDRDecision{map[string]string{"b": "2", "a": "1"}}, &CDRDecision{}},
		{&ProvisionDecision{200, "text/xml", []byte("<x/>")}, &ProvisionDecision{}},
		{&HTTPRequest{"POST", "http://h/x", [][2]string{{"A", "b"}}, "body", time.Second}, &HTTPRequest{}},
		{&BridgeResult{true, 0, "", "1002", time.Minute, false}, &BridgeResult{}},
	} {
		var w Writer
		tc.in.Append(&w)
		r := NewReader(w.B)
		tc.out.Decode(r)
		if err := r.Err(); err != nil || !reflect.DeepEqual(tc.in, tc.out) {
			t.Errorf("%T: %+v -> %+v, %v", tc.in, tc.in, tc.out, err)
		}
	}
}

// The documented layout, byte for byte.
func TestRouteDecisionBytes(t *testing.T) {
	var w Writer
	d := RouteDecision{Action: ActionReject, Code: 404, Reason: "No"}
	d.Append(&w)
	if want := "\x02\x94\x01\x02\x00\x00\x00No"; string(w.B) != want {
		t.Fatalf("% x, want % x", w.B, want)
	}
}

// Malformed input is an error, never a panic or a large allocation.
func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    string
		want string
	}{
		{"empty", "", "field action"},
		{"action", "\x09", "want 1 (bridge), 2 (reject) or 3 (program), got 9"},
		{"trailing", "\x03\x01\x00\x00\x00\x00", "1 trailing bytes"},
		{"short string", "\x02\x94\x01\xff\x00\x00\x00No", "field reason"},
		{"forged count", "\x01\xff\xff\xff\xff", "cannot fit"},
		{"bad mode", "\x01\x01\x00\x00\x00\x01\x00\x00\x001\x05\x00\x00\x00\x00\x00\x00\x00\x00", "field mode"},
		{"not utf-8", "\x02\x94\x01\x01\x00\x00\x00\xff", "not UTF-8"},
	} {
		var d RouteDecision
		r := NewReader([]byte(tc.b))
		d.Decode(r)
		err := r.Err()
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	var b RegisterDecision
	r := NewReader([]byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	b.Decode(r)
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "bool must be 0 or 1") {
		t.Errorf("bool: %v", err)
	}
}

func FuzzDecisions(f *testing.F) {
	f.Add([]byte("\x02\x94\x01\x02\x00\x00\x00No"))
	f.Add([]byte("\x01\x01\x00\x00\x00\x04\x00\x00\x001002\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, features := range []uint32{0, FeatureRouting} {
			for _, m := range []message{&RouteDecision{}, &RegisterDecision{}, &AuthorizeDecision{}, &CDRDecision{},
				&MessageDecision{}, &SubscribeDecision{}, &ProvisionDecision{}, &HTTPResponse{}} {
				r := NewReader(b)
				r.Features = features
				m.Decode(r)
				r.Err()
			}
		}
	})
}

func TestHookIDs(t *testing.T) {
	if HookByName("route") != HookRoute || HookRoute.String() != "route" || HookByName("nope") != HookUnknown {
		t.Fatal("hook names")
	}
	if ValidHooks != 0x3ffe {
		t.Fatalf("ValidHooks %#x", ValidHooks)
	}
}
