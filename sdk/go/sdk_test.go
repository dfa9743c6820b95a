//go:build !wasip1

package hs

import (
	"testing"
	"time"
)

// The README's native test: a program against the Fake.
func TestProgramOnFake(t *testing.T) {
	fake := NewFake()
	fake.Digits = []string{"2"}
	fake.BridgeResults = []BridgeResult{{Answered: true}}
	SetHost(fake)
	defer SetHost(NewFake())
	HandleRoute(func(r *RouteRequest) (RouteDecision, error) {
		return Program(r, func(c *Call) error {
			c.Answer()
			key, _ := c.Collect(CollectSpec{Max: 1, Timeout: time.Second})
			_, err := c.Bridge(BridgeSpec{Targets: []string{"100" + key}})
			return err
		}), nil
	})
	d, err := RunRoute(RouteRequest{From: "1001", To: "*500"})
	if err != nil {
		t.Fatal(err)
	}
	if err := RunProgram(d); err != nil {
		t.Fatal(err)
	}
	if got := fake.OpString(); got != "answer collect(1) bridge(1002)" {
		t.Fatalf("ops %q", got)
	}
	if err := RunProgram(d); err == nil {
		t.Fatal("a program ran twice")
	}
}

// A panic in a handler is an error of the call.
func TestPanicIsAnError(t *testing.T) {
	HandleFailure(func(*FailureRequest) (RouteDecision, error) { panic("boom") })
	if _, err := RunFailure(FailureRequest{}); err == nil || err.Error() != "panic: boom" {
		t.Fatalf("err = %v", err)
	}
}
