//go:build !wasip1

package hs

import (
	"math"
	"strings"
	"sync"
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

// KVAdd on the Fake: the host's rules, and no add lost between
// goroutines.
func TestFakeKVAdd(t *testing.T) {
	fake := NewFake()
	SetHost(fake)
	defer SetHost(NewFake())
	if v, err := KVAdd("n", -5); err != nil || v != -5 || fake.KV["n"] != "-5" {
		t.Fatalf("missing key: %d %v %q", v, err, fake.KV["n"])
	}
	if v, err := KVAdd("n", 7); err != nil || v != 2 {
		t.Fatalf("add: %d %v", v, err)
	}
	if v, ok, _ := KVGet("n"); !ok || v != "2" {
		t.Fatalf("stored %q", v)
	}
	fake.KV["bad"] = "12.50"
	if _, err := KVAdd("bad", 1); err == nil || !strings.Contains(err.Error(), "not a base-10 integer") || fake.KV["bad"] != "12.50" {
		t.Fatalf("not an integer: %v, value %q", err, fake.KV["bad"])
	}
	KVSet("max", "9223372036854775807", 0)
	if _, err := KVAdd("max", 1); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Fatalf("overflow: %v", err)
	}
	if v, err := KVAdd("max", math.MinInt64); err != nil || v != -1 {
		t.Fatalf("max + min: %d %v", v, err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				if _, err := KVAdd("c", 3); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if fake.KV["c"] != "12000" {
		t.Fatalf("concurrent adds: %q, want 12000", fake.KV["c"])
	}
}

// The media primitives on the Fake: ops in order, scripted results, and a
// result that hung up ends the call as the switch does.
func TestFakeMedia(t *testing.T) {
	fake := NewFake()
	fake.Digits = []string{"42"}
	fake.Records = []RecordResult{{File: "rec:1", Duration: 3 * time.Second, Reason: "terminator", Digit: "#"}}
	fake.Conferences = []ConferenceResult{{Reason: "hangup", HungUp: true}}
	SetHost(fake)
	defer SetHost(NewFake())
	var got []string
	HandleRoute(func(r *RouteRequest) (RouteDecision, error) {
		return Program(r, func(c *Call) error {
			if err := c.PlayEx(PlayExSpec{File: "ivr/welcome", Loops: 2}); err != nil {
				return err
			}
			if err := c.PlayTone("ringback", time.Second); err != nil {
				return err
			}
			digits, err := c.CollectEx(CollectExSpec{Max: 2, Prompts: []string{"a", "b"}, Flush: true})
			if err != nil {
				return err
			}
			rec, err := c.RecordEx(RecordExSpec{Terminator: "#", Beep: true})
			if err != nil {
				return err
			}
			conf, err := c.Conference(ConferenceSpec{Room: "3000", Name: rec.File})
			got = append(got, digits, rec.File, rec.Reason, rec.Digit, conf.Reason)
			if err != nil || !conf.HungUp {
				return errorString("conference: unexpected result")
			}
			if err := c.SendDigits("1#"); err != ErrHungUp {
				return errorString("send_digits after a hang-up did not fail")
			}
			return ErrHungUp // the normal end of a program whose caller went away
		}), nil
	})
	d, err := RunRoute(RouteRequest{From: "1001", To: "*600"})
	if err != nil {
		t.Fatal(err)
	}
	if err := RunProgram(d); err != nil {
		t.Fatal(err)
	}
	if ops := fake.OpString(); ops != "play(ivr/welcome) tone(ringback) collect(2) record conference(3000) send_digits(1#)" {
		t.Fatalf("ops %q", ops)
	}
	if s := strings.Join(got, " "); s != "42 rec:1 terminator # hangup" {
		t.Fatalf("results %q", s)
	}
	// Nothing scripted: ErrNotAvailable, as for Collect.
	SetHost(NewFake())
	if _, err := (&Call{}).RecordEx(RecordExSpec{}); err != ErrNotAvailable {
		t.Fatalf("record: %v", err)
	}
	if _, err := (&Call{}).Conference(ConferenceSpec{Room: "1"}); err != ErrNotAvailable {
		t.Fatalf("conference: %v", err)
	}
}
