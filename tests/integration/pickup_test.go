package integration

import (
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

// pickupTrio: 1001 calls 1002, which rings; 1002 and 1003 share pickup
// group 5.
func pickupTrio(t *testing.T) (*testSwitch, *phone, *phone, *phone) {
	t.Helper()
	sw, a, b, c := trioPhones(t)
	for _, n := range []string{"1002", "1003"} {
		sw.setSettings(t, n, func(s *store.Settings) { s.PickupGroup = 5 })
	}
	b.setPolicy(policyRing, 0)
	return sw, a, b, c
}

// pickUp has picker dial code, be answered and moved onto the ringing
// call; it returns the caller's and the picker's dialogs once talking.
func pickUp(t *testing.T, sw *testSwitch, a, b, picker *phone, code string) (*dialog, *dialog) {
	t.Helper()
	call := a.dial(t, "1002")
	in := b.waitIncoming(t)
	ringing(t, call)
	dp := picker.dial(t, code).answered(t)
	dp.waitReinvite(t) // moved onto the ringing call's media
	in.waitCanceled(t)
	da := call.answered(t)
	exchange(t, a, da.Media(), picker, dp.Media(), 25, 15)
	return da, dp
}

// *9 answers a call ringing a phone of the picker's pickup group: the
// caller talks to the picker, the ringing phone stops, the CDR names the
// picker.
func TestGroupPickup(t *testing.T) {
	t.Parallel()
	sw, a, b, c := pickupTrio(t)
	da, dp := pickUp(t, sw, a, b, c, "*9")
	dp.bye(t)
	da.waitBye(t)
	cdr := sw.waitCDR(t, da.callID)
	if cdr.FinalDest != "1003" || cdr.Status != "answered" {
		t.Fatalf("CDR %+v: want answered by 1003", cdr)
	}
	waitFor(t, "the calls to end", func() bool { return sw.srv.Calls.Active() == 0 })
	for _, n := range []string{"1001", "1002", "1003"} {
		if sw.srv.Calls.InUse(n) {
			t.Errorf("%s still counted in use", n)
		}
	}
}

// ** + extension picks up a call ringing that extension, whatever the
// groups; the caller may hang up and the picker gets the BYE.
func TestDirectedPickup(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	b.setPolicy(policyRing, 0)
	da, dp := pickUp(t, sw, a, b, c, "**1002")
	da.bye(t)
	dp.waitBye(t)
}

// Nothing ringing: the picker gets 404 and is never answered; an
// extension outside the group cannot take the call with *9.
func TestPickupNothingRinging(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	if res, _ := c.dial(t, "*9").final(t); res.StatusCode != 404 {
		t.Fatalf("*9 with no group: %d, want 404", res.StatusCode)
	}
	if res, _ := c.dial(t, "**1002").final(t); res.StatusCode != 404 {
		t.Fatalf("**1002 with nothing ringing: %d, want 404", res.StatusCode)
	}
	sw.setSettings(t, "1003", func(s *store.Settings) { s.PickupGroup = 6 })
	sw.setSettings(t, "1002", func(s *store.Settings) { s.PickupGroup = 5 })
	b.setPolicy(policyRing, 0)
	call := a.dial(t, "1002")
	in := b.waitIncoming(t)
	ringing(t, call)
	if res, _ := c.dial(t, "*9").final(t); res.StatusCode != 404 {
		t.Fatalf("*9 from another group: %d, want 404", res.StatusCode)
	}
	call.cancel(t)
	in.waitCanceled(t)
}

// ringing waits for the caller's 180: the switch relays it from its
// ringing loop, which takes pickups from then on.
func ringing(t *testing.T, call *outCall) {
	t.Helper()
	for {
		r := call.next(t)
		if r.StatusCode == 180 {
			return
		}
		if r.StatusCode >= 200 {
			t.Fatalf("call ended with %d before ringing", r.StatusCode)
		}
	}
}
