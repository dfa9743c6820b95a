package abi

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// routed encodes m with the routing layouts.
func routed(m message) []byte {
	w := Writer{Features: FeatureRouting}
	m.Append(&w)
	return w.B
}

// decodeAs decodes b into m with the given layout features.
func decodeAs(b []byte, features uint32, m message) error {
	r := NewReader(b)
	r.Features = features
	m.Decode(r)
	return r.Err()
}

// With FeatureRouting every routing field survives the round trip, and
// the queue messages (which have one layout) do too.
func TestRoutingRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, out message }{
		{&RouteRequest{CallID: "c1", From: "+4930123", To: "4930999", SourceIP: "192.0.2.9", Transport: "udp", Trunk: "upstream"}, &RouteRequest{}},
		{&RouteRequest{CallID: "c2", From: "1001", To: "1002", Authenticated: true}, &RouteRequest{}},
		{&BridgeSpec{Targets: []string{"+4930123456"}, Mode: ModeSequential, Timeout: 20 * time.Second, CallerID: "4930112",
			Trunks: []string{"upstream", "backup"}, TimeLimit: time.Hour}, &BridgeSpec{}},
		{&BridgeSpec{Targets: []string{"1002"}}, &BridgeSpec{}},
		{&RouteDecision{Action: ActionBridge, Bridge: BridgeSpec{Targets: []string{"0301234"}, Trunks: []string{"a"}, TimeLimit: 90 * time.Second},
			Diversion: "1001", DiversionReason: "user-busy"}, &RouteDecision{}},
		{&RouteDecision{Action: ActionReject, Code: 403, Reason: "No"}, &RouteDecision{}},
		{&RouteDecision{Action: ActionProgram, Program: 3}, &RouteDecision{}},
		{&QueueSpec{Queue: "7000", Priority: 5}, &QueueSpec{}},
		{&QueueResult{Reason: QueueAnswered, Agent: "2001", Position: 3, Waited: 42500 * time.Millisecond, Talk: 5 * time.Minute}, &QueueResult{}},
		{&QueueResult{Reason: QueueHangup, Position: 1, Waited: time.Second, HungUp: true}, &QueueResult{}},
	} {
		if err := decodeAs(routed(tc.in), FeatureRouting, tc.out); err != nil || !reflect.DeepEqual(tc.in, tc.out) {
			t.Errorf("%T: %+v -> %+v, %v", tc.in, tc.in, tc.out, err)
		}
	}
}

// The documented layouts, byte for byte (sdk/ABI.md's examples).
func TestRoutingBytes(t *testing.T) {
	for _, tc := range []struct {
		m    message
		want string
	}{
		// The original route request, then str trunk.
		{&RouteRequest{To: "49", Trunk: "up"}, zeros(16) + "\x02\x00\x00\x0049" + zeros(12) + "\x00" + "\x02\x00\x00\x00up"},
		{&RouteDecision{Action: ActionBridge, Bridge: BridgeSpec{Targets: []string{"+49"}, Trunks: []string{"up"}, TimeLimit: time.Minute},
			Diversion: "1001", DiversionReason: "no-answer"},
			"\x01" + "\x01\x00\x00\x00\x03\x00\x00\x00+49" + "\x00" + zeros(4) + zeros(4) +
				"\x01\x00\x00\x00\x02\x00\x00\x00up" + "\x60\xea\x00\x00" +
				"\x04\x00\x00\x001001" + "\x09\x00\x00\x00no-answer"},
		{&QueueSpec{Queue: "7000", Priority: 5}, "\x04\x00\x00\x007000" + "\x05\x00\x00\x00"},
		{&QueueResult{Reason: "answered", Agent: "2001", Position: 2, Waited: 1500 * time.Millisecond, Talk: 2 * time.Second},
			"\x08\x00\x00\x00answered" + "\x04\x00\x00\x002001" + "\x02\x00\x00\x00" + "\xdc\x05\x00\x00" + "\xd0\x07\x00\x00" + "\x00"},
	} {
		if got := routed(tc.m); string(got) != tc.want {
			t.Errorf("%T: % x, want % x", tc.m, got, tc.want)
		}
	}
}

// Without FeatureRouting a message keeps the original layout byte for
// byte, whatever routing fields it carries (Needs says they would be
// lost), so guests built before the addition read what they always did.
func TestRoutingOriginalLayoutUnchanged(t *testing.T) {
	plain := RouteDecision{Action: ActionBridge, Bridge: BridgeSpec{Targets: []string{"1002"}, Mode: ModeSequential, Timeout: 30 * time.Second, CallerID: "+1555"}}
	rich := plain
	rich.Bridge.Trunks, rich.Bridge.TimeLimit, rich.Diversion, rich.DiversionReason = []string{"up"}, time.Minute, "1001", "user-busy"
	var a, b Writer
	plain.Append(&a)
	rich.Append(&b)
	if !bytes.Equal(a.B, b.B) {
		t.Fatalf("original layout changed: % x vs % x", a.B, b.B)
	}
	if plain.Needs() != 0 || rich.Needs() != FeatureRouting {
		t.Fatalf("needs: plain %#x, rich %#x", plain.Needs(), rich.Needs())
	}
	for _, d := range []RouteDecision{
		{Action: ActionBridge, Diversion: "1"},
		{Action: ActionBridge, DiversionReason: "deflection"},
		{Action: ActionBridge, Bridge: BridgeSpec{TimeLimit: time.Second}},
	} {
		if d.Needs() != FeatureRouting {
			t.Errorf("%+v needs %#x", d, d.Needs())
		}
	}
	if d := (RouteDecision{Action: ActionReject, Code: 404, Diversion: "1"}); d.Needs() != 0 {
		t.Errorf("a reject carries no routing fields, needs %#x", d.Needs())
	}
	req := RouteRequest{CallID: "c", From: "1", To: "2", Trunk: "up"}
	var w Writer
	req.Append(&w)
	var back RouteRequest
	if err := decodeAs(w.B, 0, &back); err != nil || back.Trunk != "" || back.To != "2" {
		t.Fatalf("original route request: %+v %v", back, err)
	}
}

// Both sides must use the same layouts: a routing message read as an
// original one has trailing bytes, an original one read as routing ends
// early. Either is malformed, never misread.
func TestRoutingLayoutMismatch(t *testing.T) {
	d := RouteDecision{Action: ActionBridge, Bridge: BridgeSpec{Targets: []string{"1002"}}}
	if err := decodeAs(routed(&d), 0, &RouteDecision{}); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "trailing bytes") {
		t.Errorf("routing read as original: %v", err)
	}
	var w Writer
	d.Append(&w)
	if err := decodeAs(w.B, FeatureRouting, &RouteDecision{}); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "field trunks") {
		t.Errorf("original read as routing: %v", err)
	}
}

// Malformed routing and queue messages are errors naming the field.
func TestRoutingMalformed(t *testing.T) {
	bridge := "\x01" + "\x01\x00\x00\x00\x01\x00\x00\x001" + "\x00" + zeros(4) + zeros(4)
	for _, tc := range []struct {
		name string
		m    message
		b    string
		want string
	}{
		{"trunks count", &RouteDecision{}, bridge + "\xff\xff\xff\x7f", "field trunks"},
		{"trunk utf-8", &RouteDecision{}, bridge + "\x01\x00\x00\x00\x01\x00\x00\x00\xff" + zeros(4) + zeros(8), "field trunks at byte 28: not UTF-8"},
		{"time_limit short", &RouteDecision{}, bridge + zeros(4) + "\x01", "field time_limit"},
		{"diversion missing", &RouteDecision{}, bridge + zeros(4) + zeros(4), "field diversion"},
		{"diversion_reason utf-8", &RouteDecision{}, bridge + zeros(8) + zeros(4) + "\x01\x00\x00\x00\xfe", "field diversion_reason"},
		{"trunk missing", &RouteRequest{}, zeros(32) + "\x00", "field trunk"},
		{"queue utf-8", &QueueSpec{}, "\x01\x00\x00\x00\xff" + zeros(4), "field queue"},
		{"queue short", &QueueSpec{}, "\x01\x00\x00\x007", "field priority"},
		{"hung_up bool", &QueueResult{}, zeros(8) + zeros(12) + "\x02", "field hung_up"},
		{"queue trailing", &QueueResult{}, zeros(8) + zeros(12) + "\x00\x00", "1 trailing bytes"},
	} {
		err := decodeAs([]byte(tc.b), FeatureRouting, tc.m)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// Whatever decodes cleanly in the routing layouts encodes back to the
// same bytes (the encoding is canonical), and nothing decodes into a
// panic.
func FuzzRouting(f *testing.F) {
	for _, m := range []message{
		&RouteRequest{CallID: "c", From: "+49", To: "1", Trunk: "up"},
		&RouteDecision{Action: ActionBridge, Bridge: BridgeSpec{Targets: []string{"+49"}, Trunks: []string{"a", "b"}, TimeLimit: time.Minute}, Diversion: "1001", DiversionReason: "user-busy"},
		&RouteDecision{Action: ActionReject, Code: 486, Reason: "Busy"},
		&QueueSpec{Queue: "7000", Priority: 100},
		&QueueResult{Reason: "answered", Agent: "2001", Position: 1, Waited: time.Second, Talk: time.Minute},
	} {
		f.Add(routed(m))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range []message{&RouteRequest{}, &BridgeSpec{}, &RouteDecision{}, &QueueSpec{}, &QueueResult{}} {
			if decodeAs(b, FeatureRouting, m) != nil {
				continue
			}
			if got := routed(m); !bytes.Equal(got, b) {
				t.Fatalf("%T: % x decodes to %+v, which encodes to % x", m, b, m, got)
			}
		}
	})
}
