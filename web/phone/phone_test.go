package phone

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/web/callproto"
)

type phoneState struct {
	Registered bool   `json:"registered"`
	Ext        string `json:"ext"`
	// FirstAudioMuted: the first call's audio element is muted (during a
	// transfer's consultation).
	FirstAudioMuted bool   `json:"firstAudioMuted"`
	Server          string `json:"server"`
	Status          string `json:"status"`
	VM              *struct {
		NewCount int `json:"newCount"`
		OldCount int `json:"oldCount"`
	} `json:"vm"`
	Calls []struct {
		CID        string `json:"cid"`
		Dir        string `json:"dir"`
		Number     string `json:"number"`
		State      string `json:"state"`
		Muted      bool   `json:"muted"`
		MicEnabled *bool  `json:"micEnabled"`
		Recording  bool   `json:"recording"`
		Consult    bool   `json:"consult"` // a second call that outlived its first
		Second     *struct {
			CID        string `json:"cid"`
			Number     string `json:"number"`
			State      string `json:"state"`
			MicEnabled *bool  `json:"micEnabled"`
		} `json:"second"`
	} `json:"calls"`
	Book []struct {
		Number string `json:"number"`
		Name   string `json:"name"`
		BLF    bool   `json:"blf"`
		State  string `json:"state"`
	} `json:"book"`
	History []struct {
		Dir    string `json:"dir"`
		Number string `json:"number"`
		Result string `json:"result"`
	} `json:"history"`
}

func (h *harness) state() phoneState {
	h.t.Helper()
	var s phoneState
	h.ui.Eval("HookswitchPhone.state()", &s)
	return s
}

// Signing in: the login form's default server is the page's own origin's
// /wcp, the proof the page computes with WebCrypto is the one callproto
// checks, and the phone shows it is registered. The password is not kept.
func TestPhoneLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "s3cret-Pa55"})
	u := h.ui
	u.Open("/phone/")
	u.Wait("html[data-ready]")
	var server string
	u.Eval("document.getElementById('login-server').value", &server)
	if want := "ws://" + strings.TrimPrefix(h.srv.URL, "http://") + "/wcp"; server != want {
		t.Errorf("default server %q, want %q", server, want)
	}
	u.Shot("login")
	c := h.login("1001", "s3cret-Pa55")
	if !c.proofOK {
		t.Error("the page's password proof does not pass callproto.CheckProof")
	}
	u.WaitText("#status", "Registered as 1001")
	u.Wait("#dial-form")
	u.WaitHidden("#login-view")
	s := h.state()
	if !s.Registered || s.Ext != "1001" {
		t.Errorf("state after login: %+v", s)
	}
	var stored string
	u.Eval("JSON.stringify(localStorage)", &stored)
	if strings.Contains(stored, "s3cret-Pa55") {
		t.Errorf("the password is in localStorage: %s", stored)
	}
	u.Shot("registered")
	h.end()
}

// A wrong password: the switch says 9001 state=-403, the page says so, stays
// on the login form and closes the session.
func TestPhoneLoginRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "right"})
	c := h.login("1001", "wrong")
	if c.proofOK {
		t.Fatal("a wrong password passed CheckProof")
	}
	h.ui.WaitText("#login-error", "Wrong extension or password")
	if rest := c.closed(t); len(rest) != 0 {
		t.Errorf("after the refusal the page sent %v", rest)
	}
	h.ui.Wait("#login-form")
	if s := h.state(); s.Registered {
		t.Errorf("registered after -403: %+v", s)
	}
	h.ui.Shot("login-refused")
	h.end()
}

// wantWebRTCSDP checks an SDP the page sent: a WebRTC audio offer or answer
// with DTLS and ICE credentials, G.711 and nothing the switch cannot relay.
func wantWebRTCSDP(t *testing.T, what, sdp string) {
	t.Helper()
	if !strings.HasPrefix(sdp, "v=0\r\n") {
		t.Errorf("%s does not start with v=0 CRLF: %.40q", what, sdp)
	}
	if missing := sdpLacks(sdp, "m=audio ", "a=fingerprint:sha-256 ", "a=ice-ufrag:", "a=ice-pwd:", "PCMU/8000", "a=candidate:"); len(missing) > 0 {
		t.Errorf("%s lacks %q:\n%s", what, missing, sdp)
	}
	if strings.Contains(sdp, "opus/") {
		t.Errorf("%s offers opus, which the switch does not relay:\n%s", what, sdp)
	}
}

func ev(k, v string) callproto.Field { return callproto.F(k, v) }

// call places a call to number from the dial pad and connects it: the
// switch answers with a pion peer's SDP and says ringing, then connected.
// Media flows both ways before it returns.
func (h *harness) call(c *wconn, number string) (string, *far) {
	h.t.Helper()
	u := h.ui
	u.Fill("#number", number)
	u.Click("#call-button")
	m := c.next(h.t, callproto.OpCall)
	if m.Get("to") != number {
		h.t.Fatalf("1003 to=%q, want %q", m.Get("to"), number)
	}
	wantWebRTCSDP(h.t, "the page's offer", m.Get("sdp"))
	cid := c.lastCID
	f := newFar(h.t)
	answer := f.answer(h.t, m.Get("sdp"))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "1"))
	u.WaitText("#call-state", "Ringing")
	c.event(callproto.EvMediaChange, ev("cid", cid), ev("sdp", answer))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "2"))
	u.WaitText("#call-state", "Connected")
	f.waitRTP(h.t)
	u.Until("HookswitchPhone.stats().then(s => s && s.packetsReceived > 0 && s.connectionState === 'connected')", nil)
	return cid, f
}

func (h *harness) lastHistory() (dir, number, result string) {
	h.t.Helper()
	s := h.state()
	if len(s.History) == 0 {
		h.t.Fatal("the call history is empty")
	}
	x := s.History[0]
	return x.Dir, x.Number, x.Result
}

// An outgoing call from the keyboard: 1003 with the number and an SDP offer
// a WebRTC peer accepts; media both ways; DTMF from keys and the keypad
// (1012), hold and resume (1007 type 1 and 0), mute (local only), record
// on demand (1013), hang up (1010); then redial, cancelled with Escape.
func TestPhoneOutgoingCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	c := h.login("1001", "pw")
	u := h.ui
	u.WaitText("#status", "Registered")

	// Digits typed outside any field go to the number; Enter dials.
	u.Click("h1.brand")
	u.TypeText("1002")
	u.Press("Enter")
	m := c.next(t, callproto.OpCall)
	if m.Get("to") != "1002" {
		t.Fatalf("1003 to=%q, want 1002", m.Get("to"))
	}
	wantWebRTCSDP(t, "the page's offer", m.Get("sdp"))
	if missing := sdpLacks(m.Get("sdp"), "a=setup:actpass", "a=sendrecv", "a=rtcp-mux"); len(missing) > 0 {
		t.Errorf("the offer lacks %q", missing)
	}
	cid := c.lastCID
	u.WaitText("#call-state", "Calling")
	f := newFar(t)
	answer := f.answer(t, m.Get("sdp"))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "1"))
	u.WaitText("#call-state", "Ringing")
	c.event(callproto.EvMediaChange, ev("cid", cid), ev("sdp", answer))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "2"))
	u.WaitText("#call-state", "Connected")
	f.waitRTP(t)
	var st struct {
		ConnectionState string `json:"connectionState"`
		PacketsReceived int    `json:"packetsReceived"`
		Codec           string `json:"codec"`
	}
	u.Until("HookswitchPhone.stats().then(s => s && s.packetsReceived > 0 && s)", &st)
	if st.Codec != "audio/PCMU" {
		t.Errorf("the page receives %q, want audio/PCMU", st.Codec)
	}
	u.Shot("in-call")

	// DTMF: keys typed during the call, and the keypad.
	for _, k := range []string{"5", "#"} {
		u.Press(k)
		if d := c.next(t, callproto.OpDTMF); d.Get("dtmf") != k || d.Get("cid") != cid {
			t.Errorf("key %s sent %v", k, d)
		}
	}
	u.Click(`#keypad button[data-key="9"]`)
	if d := c.next(t, callproto.OpDTMF); d.Get("dtmf") != "9" || d.Get("cid") != cid {
		t.Errorf("keypad 9 sent %v", d)
	}
	u.WaitText("#dtmf-sent", "5#9")

	// Hold and resume.
	u.Click("#hold")
	if d := c.next(t, callproto.OpModify); d.Get("type") != "1" || d.Get("cid") != cid {
		t.Errorf("hold sent %v, want 1007 type=1", d)
	}
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "3"))
	u.WaitText("#call-state", "On hold")
	if p := u.Attr("#hold", "aria-pressed"); p != "true" {
		t.Errorf("hold button aria-pressed=%q while held", p)
	}
	u.Shot("on-hold")
	u.Click("#hold")
	if d := c.next(t, callproto.OpModify); d.Get("type") != "0" {
		t.Errorf("resume sent %v, want 1007 type=0", d)
	}
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "2"))
	u.WaitText("#call-state", "Connected")

	// Mute disables the microphone track and tells the switch nothing: the
	// next command it gets is the recording's.
	u.Click("#mute")
	u.Until("HookswitchPhone.state().calls[0].micEnabled === false", nil)
	u.Click("#record")
	if d := c.next(t, callproto.OpRecord); d.Get("rec") != "1" || d.Get("cid") != cid {
		t.Errorf("record sent %v, want 1013 rec=1", d)
	}
	u.WaitText("#call-state", "recording")
	u.Click("#record")
	if d := c.next(t, callproto.OpRecord); d.Get("rec") != "0" {
		t.Errorf("stop recording sent %v, want 1013 rec=0", d)
	}
	u.Click("#mute")
	u.Until("HookswitchPhone.state().calls[0].micEnabled === true", nil)

	u.Click("#hangup")
	if d := c.next(t, callproto.OpDisconnect); d.Get("cid") != cid {
		t.Errorf("hang-up sent %v, want 1010 cid=%s", d, cid)
	}
	u.WaitHidden("#call")
	if dir, n, r := h.lastHistory(); dir != "out" || n != "1002" || r != "answered" {
		t.Errorf("history: %s %s %s, want out 1002 answered", dir, n, r)
	}

	// Redial, then hang up from the keyboard before the answer.
	u.Click("#redial")
	if d := c.next(t, callproto.OpCall); d.Get("to") != "1002" {
		t.Errorf("redial sent %v, want 1003 to=1002", d)
	}
	cid2 := c.lastCID
	u.Until("HookswitchPhone.state().calls[0]?.cid", nil)
	u.Press("Escape")
	if d := c.next(t, callproto.OpDisconnect); d.Get("cid") != cid2 {
		t.Errorf("Escape sent %v, want 1010 cid=%s", d, cid2)
	}
	u.WaitHidden("#call")
	if _, _, r := h.lastHistory(); r != "cancelled" {
		t.Errorf("history: %s, want cancelled", r)
	}
	u.Click("#tab-history")
	u.Wait(`#history li[data-result="cancelled"]`)
	u.Shot("history")
	h.end()
}

// minimalOffer is enough SDP for a call that is never answered.
const minimalOffer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\n"

// Incoming calls: 9002 shows the banner (the caller's name as text, not
// HTML) and the page says 1006 ringing; answering sends 1004 with an SDP
// answer that the offering peer accepts, and media flows. Rejecting by key
// or button sends 1005 486; a caller who gives up is a missed call.
func TestPhoneIncomingCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	c := h.login("1001", "pw")
	u := h.ui
	u.WaitText("#status", "Registered")

	f := newFar(t)
	cid := newCID()
	c.event(callproto.EvIncomingCall, ev("from", "1003"), ev("disp", "Bob <b>&amp;"), ev("to", "1001"),
		ev("cid", cid), ev("ucid", "u-1"), ev("sdp", f.offer(t)))
	if r := c.next(t, callproto.OpRinging); r.Get("cid") != cid {
		t.Errorf("ringing sent %v", r)
	}
	u.Wait("#incoming")
	if got := u.Text("#incoming-from"); got != "Bob <b>&amp; (1003)" {
		t.Errorf("banner shows %q", got)
	}
	u.Shot("incoming")
	u.Click("#answer")
	a := c.next(t, callproto.OpAnswer)
	if a.Get("cid") != cid {
		t.Errorf("answer sent %v", a)
	}
	wantWebRTCSDP(t, "the page's answer", a.Get("sdp"))
	f.accept(t, a.Get("sdp"))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "2"))
	u.WaitText("#call-state", "Connected")
	u.WaitHidden("#incoming")
	f.waitRTP(t)
	u.Until("HookswitchPhone.stats().then(s => s && s.packetsReceived > 0)", nil)
	u.Shot("answered")

	// The far end hangs up.
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "0"))
	u.WaitHidden("#call")
	if dir, n, r := h.lastHistory(); dir != "in" || n != "1003" || r != "answered" {
		t.Errorf("history: %s %s %s, want in 1003 answered", dir, n, r)
	}

	// Rejected with Escape, then with the button.
	for _, how := range []string{"key", "button"} {
		cid := newCID()
		c.event(callproto.EvIncomingCall, ev("from", "1004"), ev("to", "1001"), ev("cid", cid), ev("sdp", minimalOffer))
		c.next(t, callproto.OpRinging)
		u.Wait("#incoming")
		if how == "key" {
			u.Press("Escape")
		} else {
			u.Click("#reject")
		}
		if r := c.next(t, callproto.OpReject); r.Get("cid") != cid || r.Get("rc") != "486" {
			t.Errorf("reject by %s sent %v, want 1005 rc=486", how, r)
		}
		u.WaitHidden("#incoming")
		if _, _, r := h.lastHistory(); r != "rejected" {
			t.Errorf("history after reject by %s: %s", how, r)
		}
	}

	// The caller gives up.
	cid4 := newCID()
	c.event(callproto.EvIncomingCall, ev("from", "anonymous"), ev("to", "1001"), ev("cid", cid4), ev("sdp", minimalOffer))
	c.next(t, callproto.OpRinging)
	u.WaitText("#incoming-from", "Anonymous")
	c.event(callproto.EvCallState, ev("cid", cid4), ev("state", "0"), ev("cause", "487"))
	u.WaitHidden("#incoming")
	if dir, _, r := h.lastHistory(); dir != "in" || r != "missed" {
		t.Errorf("history: %s %s, want in missed", dir, r)
	}
	h.end()
}

// Transfer with consultation: 1008 carries the offer of a second peer
// connection, whose answer comes as 9003 with the second call's cid; media
// flows on it while the first call's microphone and audio are off; 9007
// reports the second call. "Back to caller" is 1007 type=2 and closes the
// second peer connection; completing is 1010 on the first call, whose
// 9004 state=0 says how the transfer went.
func TestPhoneTransfer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	c := h.login("1001", "pw")
	u := h.ui
	u.WaitText("#status", "Registered")
	cid, _ := h.call(c, "1002")

	// Cancelled: back to the caller.
	u.Click("#transfer")
	u.Fill("#transfer-to", "1005")
	u.Press("Enter")
	s := c.next(t, callproto.OpSecondCall)
	if s.Get("cid") != cid || s.Get("rto") != "1005" {
		t.Fatalf("transfer sent %v, want 1008 cid=%s rto=1005", s, cid)
	}
	wantWebRTCSDP(t, "the second call's offer", s.Get("sdp"))
	second := c.lastCID
	u.WaitText("#transfer-status", "Calling 1005")
	h.consulting(second)
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "1"))
	u.WaitText("#transfer-status", "Ringing 1005")
	f := newFar(t)
	c.event(callproto.EvMediaChange, ev("cid", second), ev("sdp", f.answer(t, s.Get("sdp"))))
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "2"))
	u.WaitText("#transfer-status", "Talking to 1005")
	f.waitRTP(t)
	u.Until("HookswitchPhone.secondStats().then(s => s && s.connectionState === 'connected' && s.packetsReceived > 0)", nil)
	// The switch reports the answer to its hold re-INVITE of the first
	// call as 9003 (web/wcp does): the negotiated peer connection takes
	// nothing from it and sends no 1004 (the next command must be 1007).
	c.event(callproto.EvMediaChange, ev("cid", cid), ev("sdp", minimalOffer))
	c.event(callproto.EvMediaChange, ev("cid", second), ev("sdp", minimalOffer))
	u.Click("#transfer-cancel")
	if m := c.next(t, callproto.OpModify); m.Get("cid") != cid || m.Get("type") != "2" {
		t.Errorf("back to caller sent %v, want 1007 type=2", m)
	}
	u.WaitHidden("#transfer-state")
	// The second peer connection is closed; the first call has its
	// microphone and audio back.
	u.Until("HookswitchPhone.secondStats().then(s => s === null)", nil)
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "0"))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "2"))
	u.WaitText("#call-state", "Connected")
	if st := h.state(); len(st.Calls) != 1 || st.Calls[0].MicEnabled == nil || !*st.Calls[0].MicEnabled || st.FirstAudioMuted || st.Calls[0].Second != nil {
		t.Errorf("after back to caller: %+v, want one call with its microphone and audio on", st)
	}

	// Completed.
	u.Click("#transfer")
	u.Fill("#transfer-to", "1006")
	u.Click("#transfer-call")
	s = c.next(t, callproto.OpSecondCall)
	if s.Get("rto") != "1006" {
		t.Fatalf("transfer sent %v, want rto=1006", s)
	}
	wantWebRTCSDP(t, "the second call's offer", s.Get("sdp"))
	second = c.lastCID
	h.consulting(second)
	f2 := newFar(t)
	c.event(callproto.EvMediaChange, ev("cid", second), ev("sdp", f2.answer(t, s.Get("sdp"))))
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "2"))
	u.WaitText("#transfer-status", "Talking to 1006")
	f2.waitRTP(t)
	u.Until("HookswitchPhone.secondStats().then(s => s && s.packetsReceived > 0)", nil)
	// Mute during the consultation mutes the second call's microphone;
	// the first call's stays off.
	u.Click("#mute")
	u.Until("HookswitchPhone.state().calls[0].second.micEnabled === false", nil)
	u.Click("#mute")
	u.Until("HookswitchPhone.state().calls[0].second.micEnabled === true && HookswitchPhone.state().calls[0].micEnabled === false", nil)
	u.Shot("transfer")
	u.Click("#transfer-complete")
	if m := c.next(t, callproto.OpDisconnect); m.Get("cid") != cid {
		t.Errorf("complete sent %v, want 1010 cid=%s (the first call)", m, cid)
	}
	// The outcome is the first call's 9004 state=0: its cause is the
	// transfer's final status. Until it comes, the page says it waits.
	u.WaitText("#transfer-status", "Transferring to 1006")
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "0"))
	u.Until("HookswitchPhone.secondStats().then(s => s === null)", nil)
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "0"), ev("cause", "200"))
	u.WaitHidden("#call")
	u.WaitText("#status", "Transferred to 1006")
	if _, _, r := h.lastHistory(); r != "transferred" {
		t.Errorf("history: %s, want transferred", r)
	}
	if st := h.state(); len(st.Calls) != 0 || st.FirstAudioMuted {
		t.Errorf("after the transfer: %+v, want no calls and the audio unmuted", st)
	}
	h.end()
}

// consulting checks the page's state right after its 1008 was answered
// with second: the first call held, its microphone and audio off, the
// second call's microphone on.
func (h *harness) consulting(second string) {
	h.t.Helper()
	h.ui.Until(fmt.Sprintf("HookswitchPhone.state().calls[0]?.second?.cid === %q", second), nil)
	st := h.state()
	if len(st.Calls) != 1 {
		h.t.Fatalf("%d calls during the consultation, want 1", len(st.Calls))
	}
	x := st.Calls[0]
	if x.State != "held" || x.MicEnabled == nil || *x.MicEnabled || !st.FirstAudioMuted {
		h.t.Errorf("first call during the consultation: %+v (first audio muted: %v), want held, microphone and audio off", x, st.FirstAudioMuted)
	}
	if x.Second.MicEnabled == nil || !*x.Second.MicEnabled {
		h.t.Errorf("second call during the consultation: %+v, want its microphone on", x.Second)
	}
}

// A transfer the far end refuses: the first call's 9004 state=0 carries
// the refusal, and the page says the transfer failed instead of done. A
// second call still ringing is cancelled by the switch (9007 state=0
// first); one that was answered stays up and becomes a call of its own,
// still reported by 9007.
func TestPhoneTransferFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	c := h.login("1001", "pw")
	u := h.ui
	u.WaitText("#status", "Registered")
	cid, _ := h.call(c, "1002")
	u.Click("#transfer")
	u.Fill("#transfer-to", "1007")
	u.Click("#transfer-call")
	c.next(t, callproto.OpSecondCall)
	second := c.lastCID
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "1"))
	u.WaitText("#transfer-status", "Ringing 1007")
	u.Click("#transfer-complete")
	if m := c.next(t, callproto.OpDisconnect); m.Get("cid") != cid {
		t.Errorf("complete sent %v, want 1010 cid=%s", m, cid)
	}
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "0"), ev("cause", "487"))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "0"), ev("cause", "486"))
	u.WaitHidden("#call")
	u.WaitText("#status", "the transfer to 1007 failed: busy, 486")
	if _, _, r := h.lastHistory(); r != "answered" {
		t.Errorf("history: %s, want answered (the transfer failed)", r)
	}

	// Attended, and failed: the page goes on talking to 1008.
	cid, _ = h.call(c, "1002")
	u.Click("#transfer")
	u.Fill("#transfer-to", "1008")
	u.Click("#transfer-call")
	s := c.next(t, callproto.OpSecondCall)
	second = c.lastCID
	f := newFar(t)
	c.event(callproto.EvMediaChange, ev("cid", second), ev("sdp", f.answer(t, s.Get("sdp"))))
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "2"))
	u.WaitText("#transfer-status", "Talking to 1008")
	f.waitRTP(t)
	u.Click("#transfer-complete")
	if m := c.next(t, callproto.OpDisconnect); m.Get("cid") != cid {
		t.Errorf("complete sent %v, want 1010 cid=%s", m, cid)
	}
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "0"), ev("cause", "503"))
	u.WaitText("#status", "the transfer to 1008 failed")
	u.Until(fmt.Sprintf("HookswitchPhone.state().current === %q", second), nil)
	u.WaitText("#call-state", "Connected")
	u.WaitText("#call-peer", "1008")
	st := h.state()
	if len(st.Calls) != 1 || !st.Calls[0].Consult || st.Calls[0].MicEnabled == nil || !*st.Calls[0].MicEnabled || st.FirstAudioMuted {
		t.Errorf("after the failed transfer: %+v, want the second call alone, microphone and audio on", st)
	}
	before := 0
	u.Eval("HookswitchPhone.stats().then(s => s.packetsReceived)", &before)
	u.Until(fmt.Sprintf("HookswitchPhone.stats().then(s => s && s.packetsReceived > %d)", before), nil)
	// It ends as its 9007 says.
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "0"), ev("cause", "200"))
	u.WaitHidden("#call")
	if _, n, r := h.lastHistory(); n != "1008" || r != "answered" {
		t.Errorf("history: %s %s, want 1008 answered", n, r)
	}

	// Hanging up during a consultation ends the consultation only.
	cid, _ = h.call(c, "1002")
	u.Click("#transfer")
	u.Fill("#transfer-to", "1009")
	u.Click("#transfer-call")
	c.next(t, callproto.OpSecondCall)
	second = c.lastCID
	u.WaitText("#transfer-status", "Calling 1009")
	u.Click("#hangup")
	if m := c.next(t, callproto.OpDisconnect); m.Get("cid") != second {
		t.Errorf("hang-up during the consultation sent %v, want 1010 cid=%s (the second call)", m, second)
	}
	u.WaitHidden("#transfer-state")
	u.WaitText("#call-state", "On hold")
	c.event(callproto.EvSecondCallState, ev("cid", second), ev("state", "0"))
	u.Click("#hold")
	if m := c.next(t, callproto.OpModify); m.Get("cid") != cid || m.Get("type") != "0" {
		t.Errorf("resume sent %v, want 1007 type=0 on the first call", m)
	}
	h.end()
}

// Voicemail: the page registers with mwi=1; a 9011 with new messages lights
// the indicator, one without puts it out; clicking it calls the mailbox.
func TestPhoneVoicemail(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	u := h.ui
	u.Open("/phone/")
	u.Wait("html[data-ready]")
	u.Fill("#login-ext", "1001")
	u.Fill("#login-password", "pw")
	u.Click("#login-submit")
	c := h.peer.accept(t)
	c.next(t, callproto.OpConnect)
	if r := c.next(t, callproto.OpRegister); r.Get("mwi") != "1" {
		t.Errorf("register mwi=%q, want 1", r.Get("mwi"))
	}
	u.WaitText("#status", "Registered")
	c.event(callproto.EvVoicemail, ev("vm", "2/8 (0/2)"))
	u.Wait("#vm.lit")
	if got := u.Text("#vm-text"); got != "2 new voicemails" {
		t.Errorf("indicator says %q", got)
	}
	u.Shot("voicemail")
	c.event(callproto.EvVoicemail, ev("vm", "0/10 (0/0)"))
	u.Wait("#vm:not(.lit)")
	if got := u.Text("#vm-text"); got != "No new voicemail" {
		t.Errorf("indicator says %q", got)
	}
	u.Click("#vm")
	if m := c.next(t, callproto.OpCall); m.Get("to") != "*61" {
		t.Errorf("the indicator called %v, want the own mailbox *61", m)
	}
	h.end()
}

const dialogBusy = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:2001@pbx">
 <dialog id="a1" direction="initiator"><state>confirmed</state>
  <local><identity>sip:2001@pbx</identity></local><remote><identity>sip:1009@pbx</identity></remote></dialog>
</dialog-info>`

const dialogRinging = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="sip:2002@pbx">
 <dialog id="b1" direction="recipient"><state>early</state>
  <local><identity>sip:2002@pbx</identity></local><remote><identity display="Eve">sip:1010@pbx</identity></remote></dialog>
</dialog-info>`

const dialogIdle = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="4" state="full" entity="sip:2001@pbx"/>`

// The phone book from the register ACK's pbook URL (the seed's XML, asked
// with pext): BLF is watched with 1014 for the entries that want it, and
// 9012 marks them busy, ringing, idle or unknown. Names are text.
func TestPhoneBookBLF(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw", pbook: "/pbook.xml"})
	asked := make(chan string, 4)
	h.srv.Mux.HandleFunc("GET /pbook.xml", func(w http.ResponseWriter, r *http.Request) {
		asked <- r.URL.Query().Get("pext")
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<?xml version="1.0"?>
<EZPhoneDirectory><PbookGroup><GroupName>Friends</GroupName>
<DirectoryEntry><Name>Jim</Name><Telephone>2001</Telephone><Blf>Yes</Blf></DirectoryEntry>
<DirectoryEntry><Name>Samuel &lt;Tz&gt;</Name><Telephone>2002</Telephone><Blf>Yes</Blf></DirectoryEntry>
<DirectoryEntry><Name>Ming Wang</Name><Telephone>2003</Telephone><Blf>No</Blf></DirectoryEntry>
</PbookGroup></EZPhoneDirectory>`)
	})
	c := h.login("1001", "pw")
	u := h.ui
	b := c.next(t, callproto.OpBLF)
	if b.Get("blf") != "1" || b.Get("ext") != "2001,2002" {
		t.Errorf("BLF sent %v, want 1014 blf=1 ext=2001,2002", b)
	}
	select {
	case pext := <-asked:
		if pext != "1001" {
			t.Errorf("phone book asked with pext=%q, want 1001", pext)
		}
	default:
		t.Error("the phone book URL was not fetched")
	}
	u.Wait(`#book li[data-ext="2003"]`)
	if got := u.Text(`#book li[data-ext="2002"] .name`); got != "Samuel <Tz>" {
		t.Errorf("entry 2002 shows %q", got)
	}
	c.event(callproto.EvBLFState, ev("state", "0"), ev("ext", "2001"), ev("blfxml", dialogBusy))
	u.Wait(`#book li[data-ext="2001"] .blf[data-state="busy"]`)
	c.event(callproto.EvBLFState, ev("state", "0"), ev("ext", "2002"), ev("blfxml", dialogRinging))
	u.Wait(`#book li[data-ext="2002"] .blf[data-state="ringing"]`)
	if got := u.Text(`#book li[data-ext="2001"] .blf-text`); got != "busy" {
		t.Errorf("2001's state reads %q, want busy (as text, not only a colour)", got)
	}
	u.Shot("phone-book")
	c.event(callproto.EvBLFState, ev("state", "0"), ev("ext", "2001"), ev("blfxml", dialogIdle))
	u.Wait(`#book li[data-ext="2001"] .blf[data-state="idle"]`)
	c.event(callproto.EvBLFState, ev("state", "-404"), ev("ext", "2002"))
	u.Wait(`#book li[data-ext="2002"] .blf[data-state="unknown"]`)
	var dots int
	u.Eval(`document.querySelectorAll('#book li[data-ext="2003"] .blf').length`, &dots)
	if dots != 0 {
		t.Errorf("2003 (Blf No) shows a BLF state")
	}
	u.Click(`#book li[data-ext="2001"] button.call`)
	if m := c.next(t, callproto.OpCall); m.Get("to") != "2001" {
		t.Errorf("calling from the phone book sent %v", m)
	}
	h.end()
}

// Without a pbook URL the phone book is the extensions the user adds; each
// is watched (1014 blf=1) when added and unwatched (blf=0) when removed.
func TestPhoneBookLocal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	c := h.login("1001", "pw")
	u := h.ui
	u.WaitText("#status", "Registered")
	u.Fill("#book-number", "2005")
	u.Fill("#book-name", "Ann")
	u.Click("#book-add button")
	if b := c.next(t, callproto.OpBLF); b.Get("blf") != "1" || b.Get("ext") != "2005" {
		t.Errorf("adding sent %v, want 1014 blf=1 ext=2005", b)
	}
	c.event(callproto.EvBLFState, ev("state", "0"), ev("ext", "2005"), ev("blfxml", strings.ReplaceAll(dialogBusy, "2001", "2005")))
	u.Wait(`#book li[data-ext="2005"] .blf[data-state="busy"]`)
	var stored string
	u.Eval("localStorage.getItem('hookswitch.phone.contacts.1001')", &stored)
	if !strings.Contains(stored, `"2005"`) {
		t.Errorf("contacts not kept: %s", stored)
	}
	u.Click(`#book li[data-ext="2005"] button.remove`)
	if b := c.next(t, callproto.OpBLF); b.Get("blf") != "0" || b.Get("ext") != "2005" {
		t.Errorf("removing sent %v, want 1014 blf=0 ext=2005", b)
	}
	u.WaitHidden(`#book li[data-ext="2005"]`)
	h.end()
}

// The page as a whole: one global (HookswitchPhone), every control named
// for assistive technology, sign-in by keyboard alone, and no sideways
// scrolling at a phone's width.
func TestPhonePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	u := h.ui
	u.Open("/blank.html")
	var base []string
	u.Eval("Object.getOwnPropertyNames(window)", &base)
	u.Open("/phone/")
	u.Wait("html[data-ready]")
	var names []string
	u.Eval("Object.getOwnPropertyNames(window)", &names)
	var extra []string
	for _, n := range names {
		if !slices.Contains(base, n) {
			extra = append(extra, n)
		}
	}
	if !slices.Equal(extra, []string{"HookswitchPhone"}) {
		t.Errorf("globals beyond a blank page: %q, want only HookswitchPhone", extra)
	}
	var unnamed []string
	u.Eval(`[...document.querySelectorAll('input, select, textarea')].filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.id || e.outerHTML)
		.concat([...document.querySelectorAll('button')].filter(b => !(b.getAttribute('aria-label') || b.textContent.trim())).map(b => b.id || b.outerHTML))`, &unnamed)
	if len(unnamed) > 0 {
		t.Errorf("controls without a label: %q", unnamed)
	}

	// The extension field has the focus; Tab, type, Enter.
	u.TypeText("1001")
	u.Press("Tab")
	u.TypeText("pw")
	u.Press("Enter")
	c := h.peer.accept(t)
	c.next(t, callproto.OpConnect)
	c.next(t, callproto.OpRegister)
	u.WaitText("#status", "Registered as 1001")

	u.Viewport(390, 844)
	var fits bool
	u.Eval("document.documentElement.scrollWidth <= window.innerWidth", &fits)
	if !fits {
		t.Error("the phone scrolls sideways at 390 px")
	}
	u.Shot("phone-width")
	h.end()
}

// The switch drives the media: 9009 answers an incoming call without a
// click (1004 follows), and 9008 resets it: the page makes a new peer
// connection and answers the 9003 offer that follows with 1004, and media
// flows again on the new one.
func TestPhoneAutoAnswerAndMediaReset(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{password: "pw"})
	c := h.login("1001", "pw")
	u := h.ui
	u.WaitText("#status", "Registered")

	f := newFar(t)
	cid := newCID()
	c.event(callproto.EvIncomingCall, ev("from", "1003"), ev("to", "1001"), ev("cid", cid), ev("sdp", f.offer(t)))
	c.next(t, callproto.OpRinging)
	c.event(callproto.EvAnswerNow, ev("cid", cid))
	a := c.next(t, callproto.OpAnswer)
	if a.Get("cid") != cid {
		t.Fatalf("auto-answer sent %v", a)
	}
	f.accept(t, a.Get("sdp"))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "2"))
	u.WaitText("#call-state", "Connected")
	f.waitRTP(t)

	c.event(callproto.EvResetMedia, ev("cid", cid))
	f2 := newFar(t)
	c.event(callproto.EvMediaChange, ev("cid", cid), ev("sdp", f2.offer(t)))
	a2 := c.next(t, callproto.OpAnswer)
	if a2.Get("cid") != cid {
		t.Fatalf("the renegotiation answer is %v", a2)
	}
	wantWebRTCSDP(t, "the renegotiated answer", a2.Get("sdp"))
	f2.accept(t, a2.Get("sdp"))
	f2.waitRTP(t)
	u.Until("HookswitchPhone.stats().then(s => s && s.connectionState === 'connected' && s.packetsReceived > 0)", nil)
	u.Click("#hangup")
	if d := c.next(t, callproto.OpDisconnect); d.Get("cid") != cid {
		t.Errorf("hang-up sent %v", d)
	}
	h.end()
}
