//go:build !wasip1

package main

import (
	"testing"

	"github.com/hookswitch/hookswitch/sdk/abi"
	hs "github.com/hookswitch/hookswitch/sdk/go"
)

// The plugin's logic, natively, through the ABI encoding.
func TestRoute(t *testing.T) {
	for _, tc := range []struct {
		to   string
		want abi.Action
		code uint16
	}{
		{"1002", abi.ActionBridge, 0},
		{"12345678901", abi.ActionBridge, 0},
		{"1", abi.ActionReject, 404},
		{"123456789012", abi.ActionReject, 404},
		{"*500", abi.ActionReject, 404},
		{"", abi.ActionReject, 404},
	} {
		d, err := hs.RunRoute(hs.RouteRequest{CallID: "c1", From: "1001", To: tc.to})
		if err != nil {
			t.Fatalf("%q: %v", tc.to, err)
		}
		if d.Action != tc.want || d.Code != tc.code {
			t.Errorf("%q: got %+v", tc.to, d)
		}
		if tc.want == abi.ActionBridge && (len(d.Bridge.Targets) != 1 || d.Bridge.Targets[0] != tc.to) {
			t.Errorf("%q: targets %v", tc.to, d.Bridge.Targets)
		}
	}
}

func TestFailure(t *testing.T) {
	for code, want := range map[uint32]uint16{486: 486, 480: 480, 200: 480, 0: 480, 700: 480} {
		d, err := hs.RunFailure(hs.FailureRequest{CallID: "c1", To: "1002", Code: code, Attempt: 1})
		if err != nil || d.Action != abi.ActionReject || d.Code != want {
			t.Errorf("code %d: %+v %v", code, d, err)
		}
	}
}

func TestHooks(t *testing.T) {
	if got, want := hs.Hooks(), abi.HookRoute.Mask()|abi.HookFailure.Mask(); got != want {
		t.Fatalf("hooks %b, want %b", got, want)
	}
}
