//go:build !wasip1

package hs

import (
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// routeOut is a handler that uses every routing field: inbound trunk calls
// go to a queue program, outside numbers out through trunks.
func routeOut(r *RouteRequest) (RouteDecision, error) {
	if r.Trunk != "" {
		return Program(r, func(c *Call) error {
			res, err := c.Queue(QueueSpec{Queue: "7000", Priority: 5})
			if err != nil || res.HungUp || res.Reason == abi.QueueAnswered {
				return err
			}
			_, err = c.Bridge(BridgeSpec{Targets: []string{"+4930999"}, Trunks: []string{"up", "backup"}, TimeLimit: time.Minute})
			return err
		}), nil
	}
	d := BridgeTrunks("+"+r.To, "up", "backup")
	d.Bridge.TimeLimit, d.Diversion, d.DiversionReason = time.Hour, "1001", "user-busy"
	return d, nil
}

// The routing fields travel through the encoding, and the queue and a
// bridge through trunks reach the Fake in order with their results.
func TestRoutingOnFake(t *testing.T) {
	fake := NewFake()
	fake.Queues = []QueueResult{{Reason: abi.QueueTimeout, Position: 2, Waited: time.Minute}}
	SetHost(fake)
	defer SetHost(NewFake())
	HandleRoute(routeOut)
	d, err := RunRoute(RouteRequest{From: "1001", To: "4930123"})
	if err != nil {
		t.Fatal(err)
	}
	b := d.Bridge
	if d.Action != abi.ActionBridge || b.Targets[0] != "+4930123" || strings.Join(b.Trunks, ",") != "up,backup" ||
		b.TimeLimit != time.Hour || d.Diversion != "1001" || d.DiversionReason != "user-busy" {
		t.Fatalf("decision %+v", d)
	}
	d, err = RunRoute(RouteRequest{From: "+4930123", To: "4930999", Trunk: "up"})
	if err != nil || d.Action != abi.ActionProgram {
		t.Fatalf("the trunk did not reach the handler: %+v %v", d, err)
	}
	if err := RunProgram(d); err != nil {
		t.Fatal(err)
	}
	if ops := fake.OpString(); ops != "queue(7000,5) bridge(+4930999 via up,backup)" {
		t.Fatalf("ops %q", ops)
	}

	// A caller who hangs up in the queue ends the call; nothing scripted is
	// ErrNotAvailable.
	fake.Queues = []QueueResult{{Reason: abi.QueueHangup, Waited: time.Second, HungUp: true}}
	d, _ = RunRoute(RouteRequest{To: "1", Trunk: "up"})
	if err := RunProgram(d); err != nil {
		t.Fatal(err)
	}
	if err := (&Call{}).Answer(); err != ErrHungUp {
		t.Fatalf("after a hang-up in the queue: %v", err)
	}
	SetHost(NewFake())
	if _, err := (&Call{}).Queue(QueueSpec{Queue: "1"}); err != ErrNotAvailable {
		t.Fatalf("queue: %v", err)
	}
}

// On a switch without abi.FeatureRouting the SDK speaks the original
// layouts: Trunk is empty, plain bridges work, and a decision or a bridge
// with trunks is an error of the call rather than a bridge to something
// else.
func TestRoutingOlderSwitch(t *testing.T) {
	defer func(l uint32) { layout = l }(layout)
	layout = 0
	fake := NewFake()
	SetHost(fake)
	defer SetHost(NewFake())
	var seen string
	HandleRoute(func(r *RouteRequest) (RouteDecision, error) {
		seen = r.Trunk
		if r.To == "1002" {
			return Bridge("1002"), nil
		}
		return routeOut(r)
	})
	if d, err := RunRoute(RouteRequest{To: "1002", Trunk: "up"}); err != nil || d.Bridge.Targets[0] != "1002" || seen != "" {
		t.Fatalf("plain bridge: %+v %v, trunk %q", d, err, seen)
	}
	_, err := RunRoute(RouteRequest{To: "4930123"})
	if err == nil || !strings.Contains(err.Error(), "route decision: trunks, time_limit and diversion need a switch with the routing feature") {
		t.Fatalf("trunks on an older switch: %v", err)
	}
	if _, err := (&Call{}).Bridge(BridgeSpec{Targets: []string{"+49"}, Trunks: []string{"up"}}); err == nil || !strings.Contains(err.Error(), "bridge: trunks") {
		t.Fatalf("call bridge: %v", err)
	}
	if _, err := (&Call{}).Bridge(BridgeSpec{Targets: []string{"1002"}}); err != nil || fake.OpString() != "bridge(1002)" {
		t.Fatalf("plain call bridge: %v, ops %q (the refused one must not reach the switch)", err, fake.OpString())
	}
}
