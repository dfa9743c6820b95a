package integration

import (
	"slices"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// pair boots a switch with 1001 and 1002 registered; 1002 answers at once.
func pair(t *testing.T, tune ...func(*server.Config)) (*testSwitch, *phone, *phone) {
	t.Helper()
	sw := newSwitch(t, tune...)
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	// A 200 right behind the 180 may overtake it: sipgo handles every
	// datagram in its own goroutine.
	b.setPolicy(policyAnswer, 100*time.Millisecond)
	return sw, a, b
}

// connect places 1001 -> 1002, checks the media addresses both phones see
// and returns both dialogs once the call is up.
func connect(t *testing.T, sw *testSwitch, a, b *phone) (*outCall, *dialog, *dialog) {
	t.Helper()
	c := a.dial(t, b.user)
	in := b.waitIncoming(t)
	if !in.sdp.pcmu {
		t.Errorf("callee offer lacks PCMU")
	}
	if !sw.inRTPRange(in.sdp.media) || in.sdp.media == a.rtp.addr {
		t.Fatalf("callee offer points at %s, want a switch port in %d-%d", in.sdp.media, sw.cfg.RTPMin, sw.cfg.RTPMax)
	}
	if in.req.From().Address.User != a.user {
		t.Errorf("callee sees From %q, want %s", in.req.From().Address.User, a.user)
	}
	res, prov := c.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("caller got %d %s, want 200", res.StatusCode, res.Reason)
	}
	if !slices.Contains(prov, 180) {
		t.Errorf("caller saw provisionals %v, want a 180 before the 200", prov)
	}
	ans, err := parseSDP(res.Body())
	if err != nil {
		t.Fatalf("200 SDP: %v", err)
	}
	if !sw.inRTPRange(ans.media) || ans.media == b.rtp.addr || ans.media == in.sdp.media {
		t.Fatalf("caller answer points at %s, want the switch's caller-side port", ans.media)
	}
	da := c.ack(t, res)
	db := in.dialog(t)
	db.waitAck(t) // the switch ACKs the callee's 200 itself
	return c, da, db
}

// callerHangsUp ends an answered call from the caller's side and checks
// the callee got the BYE and the CDR says answered, caller_hangup.
func callerHangsUp(t testing.TB, sw *testSwitch, callID string, da, db *dialog) {
	t.Helper()
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	db.waitBye(t)
	if cdr := sw.waitCDR(t, callID); cdr.Status != store.StatusAnswered || cdr.EndedReason != "caller_hangup" {
		t.Fatalf("CDR %+v, want answered, caller_hangup", cdr)
	}
}

func TestCallCallerHangup(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	c, da, db := connect(t, sw, a, b)
	exchange(t, a, da.Media(), b, db.Media(), 50, 40)
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d, want 200", res.StatusCode)
	}
	db.waitBye(t)
	cdr := sw.waitCDR(t, c.CallID())
	if cdr.Status != store.StatusAnswered || cdr.Caller != "1001" || cdr.Callee != "1002" ||
		cdr.EndedReason != "caller_hangup" || cdr.TalkSeconds < 0 || cdr.AnswerTime.IsZero() {
		t.Fatalf("CDR %+v, want answered 1001->1002 ended by caller_hangup", cdr)
	}
	if n := sw.srv.Calls.Active(); n != 0 {
		t.Errorf("%d calls still active", n)
	}
}

func TestCallCalleeHangup(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	c, da, db := connect(t, sw, a, b)
	if res := db.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d, want 200", res.StatusCode)
	}
	da.waitBye(t)
	cdr := sw.waitCDR(t, c.CallID())
	if cdr.Status != store.StatusAnswered || cdr.EndedReason != "callee_hangup" {
		t.Fatalf("CDR %+v, want answered, callee_hangup", cdr)
	}
}

func TestCallForking(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	a := newPhone(t, sw, "1001")
	b1, b2 := newPhone(t, sw, "1002"), newPhone(t, sw, "1002")
	for _, p := range []*phone{a, b1, b2} {
		p.mustRegister(t)
	}
	b1.setPolicy(policyAnswer, 300*time.Millisecond)
	b2.setPolicy(policyRing, 0)
	c := a.dial(t, "1002")
	in1, in2 := b1.waitIncoming(t), b2.waitIncoming(t)
	da := c.answered(t)
	in2.waitCanceled(t)
	db := in1.dialog(t)
	db.waitAck(t)
	exchange(t, a, da.Media(), b1, db.Media(), 25, 20)
	if g, _ := b2.rtp.received(); g != 0 {
		t.Errorf("the phone that did not answer got %d RTP packets", g)
	}
	if res := da.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	db.waitBye(t)
	select {
	case <-in2.answered:
		t.Error("the canceled phone answered")
	default:
	}
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusAnswered {
		t.Fatalf("CDR %+v, want answered", cdr)
	}
}

func TestCallCancel(t *testing.T) {
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
	if res := c.cancel(t); res.StatusCode != 200 {
		t.Fatalf("CANCEL: %d, want 200", res.StatusCode)
	}
	if res, _ := c.final(t); res.StatusCode != 487 {
		t.Fatalf("INVITE after CANCEL: %d, want 487", res.StatusCode)
	}
	in.waitCanceled(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusCanceled {
		t.Fatalf("CDR %+v, want canceled", cdr)
	}
}

// noVoicemail runs a switch without a data dir: busy and unanswered calls
// get their SIP answer instead of voicemail.
func noVoicemail(c *server.Config) { c.DataDir = "" }

// noMusic keeps a held party's media relayed (silence) instead of music.
func noMusic(c *server.Config) { c.Call.MusicOnHold = "none" }

func TestCallBusy(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, noVoicemail)
	b.setPolicy(policyBusy, 0)
	c := a.dial(t, "1002")
	if res, _ := c.final(t); res.StatusCode != 486 {
		t.Fatalf("caller got %d, want 486", res.StatusCode)
	}
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusBusy {
		t.Fatalf("CDR %+v, want busy", cdr)
	}
}

func TestCallRefused(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, noVoicemail)
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	forger := newPhone(t, sw, "1001")
	forger.authUser, forger.password = "1002", passwordOf("1002")
	for _, tc := range []struct {
		name string
		p    *phone
		to   string
		auth bool
		want int
	}{
		{"unknown extension", a, "1999", true, 404},
		{"not registered", a, "1003", true, 480},
		{"no credentials", a, "1002", false, 407},
		{"From is not the authenticated user", forger, "1002", true, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := tc.p.dialWith(t, tc.to, tc.auth, nil).final(t)
			if res.StatusCode != tc.want {
				t.Fatalf("%d %s, want %d", res.StatusCode, res.Reason, tc.want)
			}
			if tc.want == 407 && res.GetHeader("Proxy-Authenticate") == nil {
				t.Fatal("407 without Proxy-Authenticate")
			}
		})
	}
}

func TestCallNoAnswer(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, noVoicemail, func(c *server.Config) { c.Call.RingTimeout = 2 * time.Second })
	b.setPolicy(policyRing, 0)
	c := a.dial(t, "1002")
	in := b.waitIncoming(t)
	res, prov := c.final(t)
	if res.StatusCode != 480 {
		t.Fatalf("caller got %d, want 480", res.StatusCode)
	}
	if !slices.Contains(prov, 180) {
		t.Errorf("caller saw %v before the 480, want 180", prov)
	}
	in.waitCanceled(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusNoAnswer {
		t.Errorf("CDR %+v, want no_answer", cdr)
	}
}

func TestCallHold(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, noMusic)
	c, da, db := connect(t, sw, a, b)
	exchange(t, a, da.Media(), b, db.Media(), 25, 20)

	res := da.reinvite(t, "sendonly")
	if res.StatusCode != 200 {
		t.Fatalf("hold re-INVITE: %d, want 200", res.StatusCode)
	}
	if ans, err := parseSDP(res.Body()); err != nil || ans.dir != "recvonly" || !sw.inRTPRange(ans.media) {
		t.Fatalf("hold answer %+v (%v), want recvonly from the switch", ans, err)
	}
	hold := db.waitReinvite(t)
	if off, err := parseSDP(hold.Body()); err != nil || off.dir != "sendonly" || !sw.inRTPRange(off.media) {
		t.Fatalf("callee hold offer %+v (%v), want sendonly pointing at the switch", off, err)
	}
	db.waitAck(t)

	res = da.reinvite(t, "sendrecv")
	if res.StatusCode != 200 {
		t.Fatalf("unhold re-INVITE: %d, want 200", res.StatusCode)
	}
	unhold := db.waitReinvite(t)
	if off, err := parseSDP(unhold.Body()); err != nil || off.dir != "sendrecv" || !sw.inRTPRange(off.media) {
		t.Fatalf("callee unhold offer %+v (%v), want sendrecv pointing at the switch", off, err)
	}
	db.waitAck(t)
	exchange(t, a, da.Media(), b, db.Media(), 50, 40)

	callerHangsUp(t, sw, c.CallID(), da, db)
}

func TestCallRTPTimeout(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, func(c *server.Config) { c.RTPTimeout = time.Second })
	c, da, db := connect(t, sw, a, b)
	da.waitBye(t)
	db.waitBye(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusAnswered || cdr.EndedReason != "rtp_timeout" {
		t.Fatalf("CDR %+v, want answered, rtp_timeout", cdr)
	}
}

// Ringing is not silence: a callee that answers after the RTP timeout must
// still get a working call (SPEC M1 times out talking calls, not ringing ones).
func TestCallRingLongerThanRTPTimeout(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, func(c *server.Config) { c.RTPTimeout = time.Second })
	b.setPolicy(policyAnswer, 2500*time.Millisecond)
	c := a.dial(t, "1002")
	in := b.waitIncoming(t)
	res, _ := c.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("caller got %d %s, want 200", res.StatusCode, res.Reason)
	}
	da := c.ack(t, res)
	db := in.dialog(t)
	exchange(t, a, da.Media(), b, db.Media(), 25, 20)
	callerHangsUp(t, sw, c.CallID(), da, db)
}

// Closing the switch while a call rings hangs it up properly: the caller
// gets a final response and the ringing phone a CANCEL.
func TestCloseWhileRinging(t *testing.T) {
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
	closed := make(chan error, 1)
	srv := sw.srv
	sw.srv = nil // closed here, not by the cleanup
	go func() { closed <- srv.Close() }()
	res, _ := c.final(t)
	if res.StatusCode < 400 {
		t.Errorf("caller got %d at shutdown, want a failure response", res.StatusCode)
	}
	in.waitCanceled(t)
	if err := <-closed; err != nil {
		t.Errorf("close: %v", err)
	}
}

// The callee may hold too: its re-INVITE reaches the caller through the switch.
func TestCallHoldFromCallee(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, noMusic)
	_, da, db := connect(t, sw, a, b)
	res := db.reinvite(t, "sendonly")
	if res.StatusCode != 200 {
		t.Fatalf("hold re-INVITE: %d, want 200", res.StatusCode)
	}
	if ans, err := parseSDP(res.Body()); err != nil || ans.dir != "recvonly" || !sw.inRTPRange(ans.media) {
		t.Fatalf("hold answer %+v (%v), want recvonly from the switch", ans, err)
	}
	hold := da.waitReinvite(t)
	if off, err := parseSDP(hold.Body()); err != nil || off.dir != "sendonly" || !sw.inRTPRange(off.media) {
		t.Fatalf("caller hold offer %+v (%v), want sendonly pointing at the switch", off, err)
	}
	if res := db.reinvite(t, "sendrecv"); res.StatusCode != 200 {
		t.Fatalf("unhold re-INVITE: %d, want 200", res.StatusCode)
	}
	da.waitReinvite(t)
	exchange(t, a, da.Media(), b, db.Media(), 25, 20)
	db.bye(t)
	da.waitBye(t)
}

// Phones on TCP: the switch reaches the callee over the connection the
// callee registered on, and the media path is the same.
func TestCallOverTCP(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *server.Config) { c.SIPTCP = "127.0.0.1:0" })
	a, b := newPhoneOn(t, sw, "1001", "tcp"), newPhoneOn(t, sw, "1002", "tcp")
	a.mustRegister(t)
	b.mustRegister(t)
	if bs := sw.srv.Registrar.Lookup("1002"); len(bs) != 1 || bs[0].Transport != "tcp" {
		t.Fatalf("bindings %+v, want one over tcp", bs)
	}
	b.setPolicy(policyAnswer, 100*time.Millisecond)
	c, da, db := connect(t, sw, a, b)
	exchange(t, a, da.Media(), b, db.Media(), 25, 20)
	if res := db.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	da.waitBye(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.EndedReason != "callee_hangup" {
		t.Fatalf("CDR %+v, want callee_hangup", cdr)
	}
}
