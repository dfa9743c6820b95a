package integration

import (
	"testing"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/store"
)

// liveCall finds a call in the manager's snapshot.
func liveCall(sw *testSwitch, callID string) (call.CallInfo, bool) {
	for _, c := range sw.srv.Calls.Snapshot() {
		if c.CallID == callID {
			return c, true
		}
	}
	return call.CallInfo{}, false
}

// An admin hangs up a call in progress: both phones get a BYE.
func TestLiveHangupAnswered(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	c, da, db := connect(t, sw, a, b)
	info, ok := liveCall(sw, c.CallID())
	if !ok {
		t.Fatalf("snapshot %+v lacks call %s", sw.srv.Calls.Snapshot(), c.CallID())
	}
	if info.State != call.StateTalking || info.Caller != "1001" || info.Callee != "1002" || info.FinalDest != "1002" ||
		info.Direction != "internal" || info.StartTime.IsZero() || info.AnswerTime.Before(info.StartTime) {
		t.Errorf("snapshot %+v, want 1001 -> 1002 talking", info)
	}
	if sw.srv.Calls.Hangup("no-such-call@nowhere") {
		t.Error("Hangup of an unknown call reported true")
	}
	if !sw.srv.Calls.Hangup(c.CallID()) {
		t.Fatal("Hangup did not find the call")
	}
	da.waitBye(t)
	db.waitBye(t)
	cdr := sw.waitCDR(t, c.CallID())
	if cdr.Status != store.StatusAnswered || cdr.EndedReason != "admin_hangup" {
		t.Errorf("CDR %+v, want answered, admin_hangup", cdr)
	}
	if _, ok := liveCall(sw, c.CallID()); ok {
		t.Error("the call is still in the snapshot")
	}
	if sw.srv.Calls.Hangup(c.CallID()) {
		t.Error("a second Hangup found the ended call")
	}
}

// A ringing call hung up by an admin: the caller gets 480, the ringing
// phone a CANCEL.
func TestLiveHangupRinging(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	b.setPolicy(policyRing, 0)
	c := a.dial(t, "1002")
	in := b.waitIncoming(t)
	for r := c.next(t); r.StatusCode != 180; r = c.next(t) {
		if r.StatusCode >= 200 {
			t.Fatalf("caller got %d before ringing", r.StatusCode)
		}
	}
	info, ok := liveCall(sw, c.CallID())
	if !ok || info.State != call.StateRinging || !info.AnswerTime.IsZero() {
		t.Fatalf("snapshot %+v (found %v), want the call ringing", info, ok)
	}
	if !sw.srv.Calls.Hangup(c.CallID()) {
		t.Fatal("Hangup did not find the call")
	}
	if res, _ := c.final(t); res.StatusCode != 480 {
		t.Fatalf("caller got %d %s, want 480", res.StatusCode, res.Reason)
	}
	in.waitCanceled(t)
	cdr := sw.waitCDR(t, c.CallID())
	if cdr.Status != store.StatusFailed || cdr.FailCode != 480 || cdr.EndedReason != "admin_hangup" {
		t.Errorf("CDR %+v, want failed 480 admin_hangup", cdr)
	}
}
