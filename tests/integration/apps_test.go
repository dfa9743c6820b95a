package integration

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media/wav"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// The default applications (scripts/apps.lua): the auto attendant on
// 5000, voicemail behind busy and unanswered calls and on *61,
// conference room 8000, music on hold and one-touch recording *1.

// waitTone waits until what r received after `from` holds freq.
func waitTone(t *testing.T, r *rtpPeer, from int, freq float64, what string) int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		a := r.audioSince(from)
		for off := 0; off+1600 <= len(a); off += 800 {
			if hasTone(a[off:off+1600], freq) {
				return from + off + 1600
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: no %v Hz tone heard", what, freq)
	return 0
}

func TestIVRKeyAndDirectDial(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, keys string }{{"key 2", "2"}, {"direct dial", "1002"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sw, a, b := pair(t)
			c := a.dial(t, "5000")
			d := c.answered(t)
			if greeting := a.rtp.waitAudio(t, 0, 8000); !loud(greeting) {
				t.Fatal("the attendant's greeting is silent")
			}
			a.rtp.sendDigits(t, d.Media(), tc.keys)
			in := b.waitIncoming(t)
			bd := in.dialog(t)
			// The ringback the caller heard stops once the switch has the
			// callee's answer; then the caller talks to 1002 through the relay.
			a.rtp.waitQuiet(t, 200*time.Millisecond)
			exchange(t, a, d.Media(), b, bd.Media(), 25, 15)
			d.bye(t)
			// 1002 rang after the program had answered: the CDR is kept,
			// without a ring time after the answer.
			if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusAnswered || cdr.RingSeconds != 0 {
				t.Fatalf("CDR %+v, want answered with no ring time", cdr)
			}
		})
	}
}

// A digit sent as SIP INFO works like RFC 4733.
func TestIVRInfoDigit(t *testing.T) {
	t.Parallel()
	_, a, b := pair(t)
	d := a.dial(t, "5000").answered(t)
	a.rtp.waitAudio(t, 0, 4000)
	info := d.request(sip.INFO)
	info.AppendHeader(sip.NewHeader("Content-Type", "application/dtmf-relay"))
	info.SetBody([]byte("Signal=0\r\nDuration=160\r\n"))
	if res := a.do(t, info); res.StatusCode != 200 {
		t.Fatalf("INFO: %d, want 200", res.StatusCode)
	}
	// 0 is the operator, extension 1000 here unknown: the caller hears the
	// transfer prompt and then "nobody is available"; what matters is that
	// the key was taken, which 1002 must not see.
	bad := d.request(sip.INFO)
	bad.AppendHeader(sip.NewHeader("Content-Type", "text/plain"))
	bad.SetBody([]byte("hello"))
	if res := a.do(t, bad); res.StatusCode != 415 {
		t.Fatalf("INFO text/plain: %d, want 415", res.StatusCode)
	}
	select {
	case <-b.incoming:
		t.Fatal("1002 rang for key 0")
	case <-time.After(300 * time.Millisecond):
	}
	d.bye(t)
}

// subscribeMWI subscribes p to its own mailbox and returns the first NOTIFY.
func subscribeMWI(t *testing.T, p *phone) *sip.Request {
	t.Helper()
	d := p.newDialog(sip.GenerateTagN(24), p.aor(p.user), p.aor(p.user), p.switchURI(p.user))
	req := func(auth string) *sip.Request {
		r := d.request(sip.SUBSCRIBE)
		r.AppendHeader(sip.NewHeader("Event", "message-summary"))
		r.AppendHeader(sip.NewHeader("Accept", "application/simple-message-summary"))
		r.AppendHeader(sip.NewHeader("Expires", "600"))
		if auth != "" {
			r.AppendHeader(sip.NewHeader("Authorization", auth))
		}
		return r
	}
	first := req("")
	res := p.do(t, first)
	if res.StatusCode == 401 {
		res = p.do(t, req(p.authorization(t, res, "WWW-Authenticate", sip.SUBSCRIBE, first.Recipient.String(), 1)))
	}
	if res.StatusCode != 200 {
		t.Fatalf("SUBSCRIBE: %d %s", res.StatusCode, res.Reason)
	}
	return recv(t, p.notifies, "initial MWI NOTIFY")
}

// A busy extension's caller leaves a message after the beep; the box's
// phone gets an MWI NOTIFY; it calls *61 and hears the message.
func TestVoicemailDepositAndRetrieve(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	if n := subscribeMWI(t, b); !strings.Contains(string(n.Body()), "Messages-Waiting: no") {
		t.Fatalf("initial MWI body %q", n.Body())
	}
	b.setPolicy(policyBusy, 0)
	d := a.dial(t, "1002").answered(t)
	// The greeting, then the beep (1 kHz): speak after it.
	waitTone(t, a.rtp, 0, 1000, "the beep before recording")
	message := sine(1300, 2*time.Second, 6000)
	if err := a.rtp.sendPCM(d.Media(), message); err != nil {
		t.Fatal(err)
	}
	a.rtp.sendDigits(t, d.Media(), "#")
	d.waitBye(t) // "message saved", goodbye
	msgs, err := sw.srv.Voicemail.Messages("1002", "new")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("box 1002: %v, %v; want one new message", msgs, err)
	}
	if m := msgs[0]; m.Caller != "1001" || m.Duration < 1500*time.Millisecond || m.Duration > 3*time.Second {
		t.Fatalf("message %+v: want from 1001, about 2 s", m)
	}
	n := recv(t, b.notifies, "MWI NOTIFY after the deposit")
	if body := string(n.Body()); !strings.Contains(body, "Messages-Waiting: yes") || !strings.Contains(body, "Voice-Message: 1/0") {
		t.Fatalf("MWI body %q, want 1 new message", body)
	}

	b.setPolicy(policyAnswer, 0)
	rd := b.dial(t, "*61").answered(t)
	// Type ahead: 1 plays the new messages.
	b.rtp.waitAudio(t, 0, 4000)
	b.rtp.sendDigits(t, rd.Media(), "1")
	waitTone(t, b.rtp, 0, 1300, "the retrieved message")
	rd.bye(t)
	// Listened to: the message is saved now.
	waitFor(t, "the message to move to saved", func() bool {
		n, s, _ := sw.srv.Voicemail.Counts("1002")
		return n == 0 && s == 1
	})
}

// Three callers in room 8000 each send their own tone and hear the other
// two, not their own.
func TestConferenceThreeParties(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	freqs := map[string]float64{"1001": 440, "1002": 1000, "1003": 1650} // no intermodulation product of two is the third
	phones := map[string]*phone{}
	dialogs := map[string]*dialog{}
	for _, u := range []string{"1001", "1002", "1003"} {
		p := newPhone(t, sw, u)
		p.mustRegister(t)
		phones[u] = p
		dialogs[u] = p.dial(t, "8000").answered(t)
	}
	waitFor(t, "three members in room 8000, past their prompts", func() bool {
		rs := sw.srv.Rooms.List()
		if len(rs) != 1 || len(rs[0].Members) != 3 {
			return false
		}
		for _, m := range rs[0].Members {
			if m.Joined.IsZero() {
				return false
			}
		}
		return true
	})
	start := map[string]int{}
	done := make(chan error, 3)
	for u, p := range phones {
		start[u] = len(p.rtp.audio())
		go func() { done <- p.rtp.sendPCM(dialogs[u].Media(), sine(freqs[u], 3*time.Second, 5000)) }()
	}
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for u, p := range phones {
		heard := p.rtp.audioSince(start[u] + 4000) // skip the first half second
		if len(heard) > 16000 {
			heard = heard[:16000]
		}
		for o, f := range freqs {
			if got := hasTone(heard, f); got != (o != u) {
				t.Errorf("%s hears %s's %v Hz: %v, want %v (power %.0f)", u, o, f, got, o != u, tonePower(heard, f))
			}
		}
	}
	for _, d := range dialogs {
		d.bye(t)
	}
	waitFor(t, "the room to close", func() bool { return len(sw.srv.Rooms.List()) == 0 })
}

// A held party hears music; on resume the relay carries the other
// party's media again.
func TestMusicOnHold(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	_, da, db := connect(t, sw, a, b)
	if res := da.reinvite(t, "sendonly"); res.StatusCode != 200 {
		t.Fatalf("hold: %d", res.StatusCode)
	}
	db.waitReinvite(t)
	from := len(b.rtp.audio())
	if music := b.rtp.waitAudio(t, from, 16000); !loud(music) {
		t.Fatal("the held party hears silence, want music")
	}
	if res := da.reinvite(t, "sendrecv"); res.StatusCode != 200 {
		t.Fatalf("resume: %d", res.StatusCode)
	}
	db.waitReinvite(t)
	exchange(t, a, da.Media(), b, db.Media(), 25, 15)
}

// *1 during a call records both parties, one per channel.
func TestOneTouchRecording(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	_, da, db := connect(t, sw, a, b)
	a.rtp.sendDigits(t, da.Media(), "*1")
	waitFor(t, "the recording to start", func() bool { return sw.srv.Recordings.InProgress() == 1 })
	done := make(chan error, 1)
	go func() { done <- b.rtp.sendPCM(db.Media(), sine(1650, 2*time.Second, 6000)) }()
	if err := a.rtp.sendPCM(da.Media(), sine(440, 2*time.Second, 6000)); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	a.rtp.sendDigits(t, da.Media(), "*1")
	var rec store.Recording
	waitFor(t, "the recording to be saved", func() bool {
		list, _, err := sw.srv.Recordings.List(recording.Filter{Kind: "call"})
		if err != nil || len(list) != 1 {
			return false
		}
		rec = list[0]
		return true
	})
	if rec.Channels != 2 || rec.From != "1001" || rec.Duration < 2*time.Second {
		t.Fatalf("recording %+v: want 2 channels from 1001, at least 2 s", rec)
	}
	path, err := sw.srv.Recordings.Path(rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pcm, f, err := wav.Decode(data)
	if err != nil || f.Channels != 2 {
		t.Fatalf("recording: %v %+v", err, f)
	}
	left, right := make([]int16, len(pcm)/2), make([]int16, len(pcm)/2)
	for i := range left {
		left[i], right[i] = pcm[2*i], pcm[2*i+1]
	}
	if !hasTone(left, 440) || hasTone(left, 1650) || !hasTone(right, 1650) || hasTone(right, 440) {
		t.Fatalf("channels: caller 440 Hz %.0f / 1650 Hz %.0f, callee 1650 Hz %.0f / 440 Hz %.0f",
			tonePower(left, 440), tonePower(left, 1650), tonePower(right, 1650), tonePower(right, 440))
	}
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// *80 + extension asks the called phone to answer by itself.
func TestIntercomAutoAnswerHeaders(t *testing.T) {
	t.Parallel()
	_, a, b := pair(t)
	c := a.dial(t, "*801002")
	in := b.waitIncoming(t)
	for h, want := range map[string]string{"Answer-Mode": "Auto", "Call-Info": "answer-after=0"} {
		got := in.req.GetHeader(h)
		if got == nil || !strings.Contains(got.Value(), want) {
			t.Errorf("%s: %v, want it to hold %q", h, got, want)
		}
	}
	d := c.answered(t)
	exchange(t, a, d.Media(), b, in.dialog(t).Media(), 25, 15)
	d.bye(t)
}

// A caller talking to a program (no callee) may re-INVITE: the switch
// answers it itself, mirroring the direction, and the program goes on.
func TestProgramCallerReinvite(t *testing.T) {
	t.Parallel()
	_, a, b := pair(t)
	d := a.dial(t, "5000").answered(t)
	res := d.reinvite(t, "sendonly")
	if res.StatusCode != 200 {
		t.Fatalf("hold re-INVITE to a program: %d", res.StatusCode)
	}
	if ans, err := parseSDP(res.Body()); err != nil || ans.dir != "recvonly" {
		t.Fatalf("answer %+v (%v), want recvonly", ans, err)
	}
	if res := d.reinvite(t, "sendrecv"); res.StatusCode != 200 {
		t.Fatalf("resume: %d", res.StatusCode)
	}
	// The attendant still takes keys.
	a.rtp.sendDigits(t, d.Media(), "2")
	b.waitIncoming(t).dialog(t)
	d.bye(t)
}

// An INFO with "Record: on" / "Record: off" (Yealink, Grandstream, the web
// phone) starts and stops the same recording as *1; a bad value is 400.
func TestRecordOnDemandInfo(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	_, da, db := connect(t, sw, a, b)
	info := func(d *dialog, value string) int {
		t.Helper()
		req := d.request(sip.INFO)
		req.AppendHeader(sip.NewHeader("Record", value))
		return d.p.do(t, req).StatusCode
	}
	if code := info(da, "sometimes"); code != 400 {
		t.Fatalf("Record: sometimes: %d, want 400", code)
	}
	if code := info(db, "on"); code != 200 {
		t.Fatalf("Record: on: %d, want 200", code)
	}
	waitFor(t, "the recording to start", func() bool { return sw.srv.Recordings.InProgress() == 1 })
	if code := info(da, "on"); code != 200 || sw.srv.Recordings.InProgress() != 1 {
		t.Fatalf("a second Record: on: %d with %d recordings, want 200 and still one", code, sw.srv.Recordings.InProgress())
	}
	if err := a.rtp.sendPCM(da.Media(), sine(440, time.Second, 6000)); err != nil {
		t.Fatal(err)
	}
	if code := info(da, "off"); code != 200 {
		t.Fatalf("Record: off: %d, want 200", code)
	}
	waitFor(t, "the recording to be saved", func() bool {
		list, _, err := sw.srv.Recordings.List(recording.Filter{Kind: "call"})
		return err == nil && len(list) == 1 && list[0].Duration >= 900*time.Millisecond
	})
	da.bye(t)
	db.waitBye(t)
	waitFor(t, "the call to end", func() bool { return sw.srv.Calls.Active() == 0 })
	if code := info(da, "on"); code != 481 {
		t.Fatalf("Record: on after the call: %d, want 481", code)
	}
}
