package integration

import (
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
)

// trioPhones boots a switch with 1001, 1002 and 1003 registered, all
// answering.
func trioPhones(t *testing.T) (*testSwitch, *phone, *phone, *phone) {
	t.Helper()
	sw := newSwitch(t)
	var ps []*phone
	for _, u := range []string{"1001", "1002", "1003"} {
		p := newPhone(t, sw, u)
		p.mustRegister(t)
		p.setPolicy(policyAnswer, 50*time.Millisecond)
		ps = append(ps, p)
	}
	return sw, ps[0], ps[1], ps[2]
}

// featureCode dials a feature code from p: the switch answers, confirms
// with a prompt and hangs up.
func featureCode(t *testing.T, p *phone, code string) {
	t.Helper()
	d := p.dial(t, code).answered(t)
	if !loud(p.rtp.waitAudio(t, len(p.rtp.audio()), 2000)) {
		t.Fatalf("%s: no confirmation prompt", code)
	}
	d.waitBye(t)
}

// noCall asserts p is not rung for a moment.
func noCall(t *testing.T, p *phone) {
	t.Helper()
	select {
	case <-p.incoming:
		t.Fatalf("%s rang", p.user)
	case <-time.After(300 * time.Millisecond):
	}
}

func TestDNDByFeatureCode(t *testing.T) {
	t.Parallel()
	sw, a, b, _ := trioPhones(t)
	featureCode(t, b, "*74")
	if e, _ := sw.st.GetExtension("1002"); !e.Features.DND {
		t.Fatal("*74 did not set do-not-disturb")
	}
	// A call to 1002 goes straight to its voicemail: answered by the
	// switch, 1002 never rings.
	d := a.dial(t, "1002").answered(t)
	noCall(t, b)
	d.bye(t)
	featureCode(t, b, "*074")
	c := a.dial(t, "1002")
	b.waitIncoming(t)
	c.answered(t).bye(t)
}

func TestForwardAllAndBusy(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	featureCode(t, b, "*711003")
	if e, _ := sw.st.GetExtension("1002"); e.Features.Forward["all"] != "1003" {
		t.Fatalf("features %+v, want forward all to 1003", e.Features)
	}
	call := a.dial(t, "1002")
	c.waitIncoming(t)
	noCall(t, b)
	call.answered(t).bye(t)
	featureCode(t, b, "*071")

	// Forward on busy: 1002 busy, 1003 rings.
	featureCode(t, b, "*721003")
	b.setPolicy(policyBusy, 0)
	call = a.dial(t, "1002")
	b.waitIncoming(t)
	c.waitIncoming(t)
	call.answered(t).bye(t)
}

func TestFollowMe(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	if _, err := sw.st.UpdateFeatures("1002", func(f *store.Features) error {
		f.FollowMe = []store.FollowStep{{Number: "1003", Timeout: 10}}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	b.setPolicy(policyBusy, 0)
	call := a.dial(t, "1002")
	b.waitIncoming(t)
	c.waitIncoming(t) // the follow-me's next number
	call.answered(t).bye(t)
}

// Feature codes belong to the authenticated caller and are validated.
func TestFeatureCodeRefusesBadTarget(t *testing.T) {
	t.Parallel()
	sw, _, b, _ := trioPhones(t)
	featureCode(t, b, "*71*9") // not a number: "invalid", nothing stored
	if e, _ := sw.st.GetExtension("1002"); len(e.Features.Forward) != 0 {
		t.Fatalf("a bad target was stored: %+v", e.Features)
	}
}

// *76 blocks the last caller, *075 unblocks a number typed after it, *75
// blocks one.
func TestBlacklistFeatureCodes(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	call := b.dial(t, "1001")
	a.waitIncoming(t)
	call.answered(t).bye(t)
	sw.waitCDR(t, call.CallID())
	featureCode(t, a, "*76")
	if blocked, _ := sw.st.Blocked("1002"); !blocked {
		t.Fatal("*76 did not block the last caller, 1002")
	}
	if res, _ := b.dial(t, "1003").final(t); res.StatusCode != 603 {
		t.Fatalf("a blocked caller got %d, want 603", res.StatusCode)
	}
	noCall(t, c)

	d := a.dial(t, "*075").answered(t)
	a.rtp.waitAudio(t, len(a.rtp.audio()), 1000)
	a.rtp.sendDigits(t, d.Media(), "1002#")
	d.waitBye(t)
	if blocked, _ := sw.st.Blocked("1002"); blocked {
		t.Fatal("*075 1002# did not unblock 1002")
	}
	call = b.dial(t, "1003")
	c.waitIncoming(t)
	call.answered(t).bye(t)

	d = a.dial(t, "*75").answered(t)
	a.rtp.waitAudio(t, len(a.rtp.audio()), 1000)
	a.rtp.sendDigits(t, d.Media(), "1003#")
	d.waitBye(t)
	if list, _ := sw.st.Blacklist(); len(list) != 1 || list[0].Number != "1003" || list[0].By != "1001" {
		t.Fatalf("blacklist %+v, want 1003 added by 1001", list)
	}
}

// *78 closes the office: the attendant runs its closed menu (which has no
// key 2 and hangs up); *078 restores the schedule.
func TestOfficeClosedFeatureCode(t *testing.T) {
	t.Parallel()
	sw, a, b, _ := trioPhones(t)
	w, err := timecond.ParseSchedule("mon-sun 00:00-24:00")
	if err != nil {
		t.Fatal(err)
	}
	c, err := timecond.New("office", "UTC", w, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutTimeCondition(c); err != nil {
		t.Fatal(err)
	}
	featureCode(t, a, "*78")
	if tc, _ := sw.st.GetTimeCondition("office"); tc.Override.Mode != timecond.Closed {
		t.Fatalf("override %+v, want closed", tc.Override)
	}
	d := a.dial(t, "5000").answered(t)
	a.rtp.waitAudio(t, len(a.rtp.audio()), 4000)
	a.rtp.sendDigits(t, d.Media(), "2")
	// Prompts ("not a valid option", "goodbye") come before the BYE.
	select {
	case <-d.byes:
	case <-time.After(20 * time.Second):
		t.Fatal("the closed menu did not hang up")
	}
	noCall(t, b)

	featureCode(t, a, "*078")
	d = a.dial(t, "5000").answered(t)
	a.rtp.waitAudio(t, len(a.rtp.audio()), 4000)
	a.rtp.sendDigits(t, d.Media(), "2")
	b.waitIncoming(t)
	d.bye(t)
}
