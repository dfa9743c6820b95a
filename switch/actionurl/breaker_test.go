package actionurl

import (
	"fmt"
	"testing"
	"time"
)

func TestBreakerStates(t *testing.T) {
	const cool = 30 * time.Second
	b := &breaker{state: stateClosed}
	now := time.Unix(1000, 0)
	for i := 0; i < 4; i++ {
		if !b.allow(now, cool) {
			t.Fatalf("closed breaker refused request %d", i)
		}
		b.done(outcomeFailed, now, 5, cool)
	}
	b.done(outcomeOK, now, 5, cool) // a success resets the count
	for i := 0; i < 5; i++ {
		b.done(outcomeFailed, now, 5, cool)
	}
	if b.state != stateOpen || b.allow(now.Add(cool-time.Second), cool) {
		t.Fatalf("state %s: want open and refusing before the cooldown ends", b.state)
	}
	probeAt := now.Add(cool)
	if !b.allow(probeAt, cool) || b.state != stateHalfOpen {
		t.Fatalf("state %s: want one probe through, half-open", b.state)
	}
	if b.allow(probeAt, cool) {
		t.Fatal("half-open breaker let a second request through")
	}
	b.done(outcomeFailed, probeAt, 5, cool) // the probe failed: open again
	if b.state != stateOpen || b.allow(probeAt.Add(time.Second), cool) {
		t.Fatalf("state %s after a failed probe, want open", b.state)
	}
	probe2 := probeAt.Add(cool)
	if !b.allow(probe2, cool) {
		t.Fatal("no probe after the second cooldown")
	}
	b.done(outcomeAborted, probe2, 5, cool) // the caller left: probe again at once
	if !b.allow(probe2, cool) {
		t.Fatal("an aborted probe blocked the next one")
	}
	b.done(outcomeOK, probe2, 5, cool)
	if b.state != stateClosed || b.failures != 0 || !b.idle() {
		t.Fatalf("state %s failures %d after a good probe, want closed", b.state, b.failures)
	}

	// A probe that never reports is replaced after another cooldown.
	for i := 0; i < 5; i++ {
		b.done(outcomeFailed, now, 5, cool)
	}
	lost := now.Add(cool)
	b.allow(lost, cool)
	if b.allow(lost.Add(cool-time.Second), cool) || !b.allow(lost.Add(cool), cool) {
		t.Fatal("a lost probe should block for one cooldown, then be replaced")
	}
}

func TestBreakerTableBounded(t *testing.T) {
	var bs breakers
	for i := 0; i < maxBreakers; i++ {
		b := bs.get(fmt.Sprint("http://h/", i))
		b.done(outcomeFailed, time.Now(), 5, time.Minute) // not idle: kept
	}
	if b := bs.get("http://h/new"); b != nil || len(bs.m) != maxBreakers {
		t.Fatalf("full table of busy breakers: got %v, %d entries", b, len(bs.m))
	}
	bs.m["http://h/0"].done(outcomeOK, time.Now(), 5, time.Minute) // now idle
	if b := bs.get("http://h/new"); b == nil || len(bs.m) != maxBreakers {
		t.Fatalf("an idle breaker should make room: got %v, %d entries", b, len(bs.m))
	}
	if bs.get("http://h/new") != bs.get("http://h/new") {
		t.Fatal("the same key must give the same breaker")
	}
}
