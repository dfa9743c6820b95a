package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// setSettings changes an extension's SPEC P1 settings in the store.
func (s *testSwitch) setSettings(t testing.TB, ext string, edit func(*store.Settings)) {
	t.Helper()
	e, err := s.st.GetExtension(ext)
	if err != nil {
		t.Fatalf("get extension %s: %v", ext, err)
	}
	edit(&e.Settings)
	if err := s.st.UpdateExtension(e); err != nil {
		t.Fatalf("update extension %s: %v", ext, err)
	}
}

// A phone outside its permit_ip list gets 403 to REGISTER and INVITE
// before any challenge; inside it, both work as usual.
func TestPermitIP(t *testing.T) {
	sw := newSwitch(t)
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	b.mustRegister(t)

	sw.setSettings(t, "1001", func(s *store.Settings) { s.PermitIP = []string{"127.0.0.2/32"} })
	res := a.do(t, a.registerReq(3600, true, ""))
	if res.StatusCode != 403 || res.GetHeader("WWW-Authenticate") != nil {
		t.Fatalf("REGISTER from outside the list: %d (challenge %v), want 403 without a challenge",
			res.StatusCode, res.GetHeader("WWW-Authenticate") != nil)
	}
	if w := res.GetHeader("Warning"); w == nil || !strings.Contains(w.Value(), "not permitted") {
		t.Errorf("403 has no Warning naming the cause: %v", w)
	}
	c := a.dialWith(t, "1002", false, nil)
	if res, _ := c.final(t); res.StatusCode != 403 || res.GetHeader("Proxy-Authenticate") != nil {
		t.Fatalf("INVITE from outside the list: %d, want 403 without a challenge", res.StatusCode)
	}
	// Another extension's credentials do not get around the list either.
	c3 := newPhone(t, sw, "1003")
	c3.authUser, c3.password = "1001", passwordOf("1001")
	if res := c3.register(t, 3600, true); res.StatusCode != 403 {
		t.Errorf("REGISTER as 1003 with 1001's credentials: %d, want 403", res.StatusCode)
	}

	sw.setSettings(t, "1001", func(s *store.Settings) { s.PermitIP = []string{"10.0.0.0/8", "127.0.0.0/8"} })
	a.mustRegister(t)
	b.setPolicy(policyAnswer, 0)
	d := a.dial(t, "1002").answered(t)
	b.waitIncoming(t)
	if res := d.bye(t); res.StatusCode != 200 {
		t.Errorf("BYE: %d", res.StatusCode)
	}
	// An unrestricted extension is not affected by another's list.
	d2 := b.dial(t, "1001").answered(t)
	a.waitIncoming(t)
	d2.bye(t)
}

// call_waiting false: while 1002 is on a call a second call to it is busy
// (486) without ringing it, and its forward on busy then applies.
func TestCallWaitingOff(t *testing.T) {
	t.Parallel()
	sw, a, b, c := trioPhones(t)
	sw.setSettings(t, "1002", func(s *store.Settings) { s.CallWaiting = new(false); s.Voicemail = new(false) })
	b.setPolicy(policyAnswer, 0)
	first := a.dial(t, "1002").answered(t)
	b.waitIncoming(t)

	res, _ := c.dial(t, "1002").final(t)
	if res.StatusCode != 486 {
		t.Fatalf("second call to 1002: %d %s, want 486", res.StatusCode, res.Reason)
	}
	notRung(t, b)

	// Forward on busy to 1001 (call waiting on by default: it rings).
	if _, err := sw.st.UpdateFeatures("1002", func(f *store.Features) error {
		f.Forward = map[string]string{store.ForwardBusy: "1001"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fwd := c.dial(t, "1002")
	a.waitIncoming(t)
	fwd.answered(t).bye(t)
	notRung(t, b)

	// Once 1002 is off its call, calls ring it again.
	first.bye(t)
	waitFor(t, "the first call to end", func() bool { return !sw.srv.Calls.InUse("1002") })
	again := c.dial(t, "1002")
	b.waitIncoming(t)
	again.answered(t).bye(t)
}

// voicemail false: a busy extension's caller gets the busy answer, not its
// mailbox (which the default dial plan offers otherwise).
func TestVoicemailOff(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	b.setPolicy(policyBusy, 0)
	d := a.dial(t, "1002").answered(t) // voicemail on: the mailbox answers
	d.bye(t)
	sw.setSettings(t, "1002", func(s *store.Settings) { s.Voicemail = new(false) })
	res, _ := a.dial(t, "1002").final(t)
	if res.StatusCode != 486 {
		t.Fatalf("busy 1002 with voicemail off: %d %s, want 486", res.StatusCode, res.Reason)
	}
}

// recording always records from the answer and cannot be stopped by the
// parties; never refuses recording on demand.
func TestRecordingPolicy(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	info := func(d *dialog, value string) int {
		t.Helper()
		req := d.request(sip.INFO)
		req.AppendHeader(sip.NewHeader("Record", value))
		return d.p.do(t, req).StatusCode
	}

	sw.setSettings(t, "1002", func(s *store.Settings) { s.Recording = store.RecordAlways })
	_, da, db := connect(t, sw, a, b)
	waitFor(t, "the recording to start", func() bool { return sw.srv.Recordings.InProgress() == 1 })
	if code := info(da, "off"); code != 403 {
		t.Fatalf("Record: off under always: %d, want 403", code)
	}
	if err := a.rtp.sendPCM(da.Media(), sine(440, time.Second, 6000)); err != nil {
		t.Fatal(err)
	}
	da.bye(t)
	db.waitBye(t)
	waitFor(t, "the recording to be saved", func() bool {
		list, _, err := sw.srv.Recordings.List(recording.Filter{Kind: "call"})
		return err == nil && len(list) == 1 && list[0].Duration >= 900*time.Millisecond && list[0].From == "1001"
	})

	// never on the caller's side wins over always on the callee's.
	sw.setSettings(t, "1001", func(s *store.Settings) { s.Recording = store.RecordNever })
	_, da, db = connect(t, sw, a, b)
	if code := info(db, "on"); code != 403 {
		t.Fatalf("Record: on under never: %d, want 403", code)
	}
	if n := sw.srv.Recordings.InProgress(); n != 0 {
		t.Fatalf("%d recordings in progress under never", n)
	}
	da.bye(t)
	db.waitBye(t)
}

// notRung fails if p has been offered a call it did not expect (without
// waiting: the answer the caller got already says whether p was rung).
func notRung(t *testing.T, p *phone) {
	t.Helper()
	select {
	case <-p.incoming:
		t.Fatalf("%s rang", p.user)
	default:
	}
}
