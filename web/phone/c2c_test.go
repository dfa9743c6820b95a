package phone

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/web/callproto"
)

// The click-to-call widget on its test page: a click places a guest call,
// op 1011 with the session's nonce and an SDP offer a WebRTC peer accepts;
// the call connects with media, the widget's keys send DTMF, and a second
// click hangs up (1010) and ends the session.
func TestClickToCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{})
	u := h.ui
	u.Open("/phone/c2c-test.html?to=2000&disp=Web%20guest&label=Call%20sales")
	u.WaitText("#widget button.main", "Call sales")
	var snippet string
	u.Eval("document.getElementById('snippet').textContent", &snippet)
	if want := `<script type="module" src="` + h.srv.URL + `/phone/c2c.js"></script>`; !strings.Contains(snippet, want) || !strings.Contains(snippet, `data-hookswitch-call="2000"`) {
		t.Errorf("snippet %q lacks %q and the number", snippet, want)
	}
	u.Shot("c2c-idle")
	u.Click("#widget button.main")

	c := h.peer.accept(t)
	c.next(t, callproto.OpConnect)
	g := c.next(t, callproto.OpGuestCall)
	if g.Get("nonce") != c.nonce {
		t.Errorf("1011 nonce=%q, want the session's %q", g.Get("nonce"), c.nonce)
	}
	if g.Get("to") != "2000" || g.Get("disp") != "Web guest" {
		t.Errorf("1011 to=%q disp=%q, want 2000 and Web guest", g.Get("to"), g.Get("disp"))
	}
	wantWebRTCSDP(t, "the widget's offer", g.Get("sdp"))
	cid := c.lastCID
	f := newFar(t)
	answer := f.answer(t, g.Get("sdp"))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "1"))
	u.WaitText("#widget .status", "Ringing")
	c.event(callproto.EvMediaChange, ev("cid", cid), ev("sdp", answer))
	c.event(callproto.EvCallState, ev("cid", cid), ev("state", "2"))
	u.WaitText("#widget .status", "Connected")
	f.waitRTP(t)
	u.WaitText("#events", "connected")
	u.Shot("c2c-connected")

	u.Click(`#widget .pad button[data-key="7"]`)
	if d := c.next(t, callproto.OpDTMF); d.Get("dtmf") != "7" || d.Get("cid") != cid {
		t.Errorf("the widget's key 7 sent %v", d)
	}
	u.Click("#widget button.main")
	if d := c.next(t, callproto.OpDisconnect); d.Get("cid") != cid {
		t.Errorf("hang-up sent %v, want 1010 cid=%s", d, cid)
	}
	if rest := c.closed(t); len(rest) != 0 {
		t.Errorf("after hanging up the widget sent %v", rest)
	}
	u.WaitText("#widget button.main", "Call sales")
	u.Wait(`#events li[data-state="ended"]`)
	h.end()
}

// A guest call the switch refuses (click-to-call off: ACK 2011 code -1)
// says so on the widget, which closes the session and can be clicked again.
func TestClickToCallRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, &peer{refuseGuests: true})
	u := h.ui
	u.Open("/phone/c2c-test.html?to=2000")
	u.Click("#widget button.main")
	c := h.peer.accept(t)
	c.next(t, callproto.OpConnect)
	c.next(t, callproto.OpGuestCall)
	u.Wait(`#events li[data-state="failed"]`)
	u.WaitText("#widget .status", "Calling is not available right now")
	u.Shot("c2c-refused")
	if rest := c.closed(t); len(rest) != 0 {
		t.Errorf("after the refusal the widget sent %v", rest)
	}
	u.WaitText("#widget button.main", "Call us")
	h.end()
}
