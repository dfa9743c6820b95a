package integration

import (
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Ring groups (scripts/ringgroup.lua over the groups module): strategies,
// the no-answer destination, and the members' caller name.

func putGroup(t *testing.T, sw *testSwitch, g store.Group) {
	t.Helper()
	if err := sw.st.PutGroup(g); err != nil {
		t.Fatal(err)
	}
}

// canceledWithin waits for the switch's CANCEL of a call ringing for a
// group's ring time (5 s at least, the phone's usual wait).
func canceledWithin(t *testing.T, in *incoming, d time.Duration) {
	t.Helper()
	select {
	case <-in.canceled:
	case <-time.After(d):
		t.Fatalf("no CANCEL within %v", d)
	}
}

// A hunt group rings its members one after another: 1002 rings for the
// group's ring time and is cancelled, then 1003 answers. Members see the
// caller's name after the group's prefix.
func TestRingGroupHunt(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	putGroup(t, sw, store.Group{Number: "600", Strategy: "hunt", RingTime: 5, Members: []string{"1002", "1003"},
		CallerIDPrefix: "Sales: "})
	b.setPolicy(policyRing, 0)
	call := a.dial(t, "600")
	in := b.waitIncoming(t)
	if name := in.req.From().DisplayName; name != "Sales: 1001" {
		t.Errorf("1002 sees the caller as %q, want the group's prefix", name)
	}
	noCall(t, c) // not yet: a hunt rings one at a time
	canceledWithin(t, in, 2*wait)
	c.waitIncoming(t)
	d := call.answered(t)
	d.bye(t)
	if cdr := sw.waitCDR(t, call.CallID()); cdr.FinalDest != "1003" || cdr.Status != store.StatusAnswered {
		t.Fatalf("CDR %+v, want answered by 1003", cdr)
	}
}

// A cyclic group starts each call one member further.
func TestRingGroupCyclic(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	putGroup(t, sw, store.Group{Number: "601", Strategy: "cyclic", RingTime: 10, Members: []string{"1002", "1003"}})
	first := a.dial(t, "601")
	var firstRang, secondRang *phone
	select {
	case <-b.incoming:
		firstRang, secondRang = b, c
	case <-c.incoming:
		firstRang, secondRang = c, b
	case <-time.After(wait):
		t.Fatal("nobody rang for the first call")
	}
	first.answered(t).bye(t)
	sw.waitCDR(t, first.CallID())
	second := a.dial(t, "601")
	secondRang.waitIncoming(t)
	noCall(t, firstRang)
	second.answered(t).bye(t)
}

// A ringall group rings everybody; when nobody answers within its ring
// time, its no-answer destination (another extension) gets the call.
func TestRingGroupNoAnswerDestination(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	putGroup(t, sw, store.Group{Number: "602", RingTime: 5, Members: []string{"1002"},
		NoAnswer: store.Destination{Kind: store.DestExtension, Target: "1003"}})
	b.setPolicy(policyRing, 0)
	call := a.dial(t, "602")
	canceledWithin(t, b.waitIncoming(t), 2*wait)
	c.waitIncoming(t)
	call.answered(t).bye(t)
	if cdr := sw.waitCDR(t, call.CallID()); cdr.FinalDest != "1003" {
		t.Fatalf("CDR %+v, want the no-answer destination 1003", cdr)
	}
	// Without a destination, the caller gets the members' answer.
	putGroup(t, sw, store.Group{Number: "602", RingTime: 5, Members: []string{"1002"}})
	b.setPolicy(policyBusy, 0)
	if res, _ := a.dial(t, "602").final(t); res.StatusCode != 486 {
		t.Fatalf("busy group: %d, want 486", res.StatusCode)
	}
}
