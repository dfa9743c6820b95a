package wcp

import (
	"context"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// The page calls a SIP phone with its WebRTC offer: the switch's WebRTC
// answer comes back as 9003, ICE and DTLS complete with the gateway,
// DTMF reaches the phone as INFO, and 1010 hangs up.
func TestCallToPhone(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	br := newBrowser(t)

	ack := cl.ask(callproto.OpCall, 0, f("to", "1002"), f("disp", "Alice"), f("sdp", br.offer()))
	cid := ack.Get("cid")
	if cid == "" {
		t.Fatalf("no cid: %s", ack)
	}
	pc := recv(t, p.calls, "the phone's incoming call")
	if pc.From() != "1001" {
		t.Fatalf("the phone sees the call from %q", pc.From())
	}
	if strings.Contains(string(pc.RemoteSDP()), "SAVPF") {
		t.Fatalf("the phone was offered WebRTC:\n%s", pc.RemoteSDP())
	}
	if err := pc.Answer(plainSDP(30000)); err != nil {
		t.Fatal(err)
	}
	var answered bool
	for !answered {
		m := cl.next()
		switch {
		case m.Op == callproto.EvMediaChange && m.Get("cid") == cid:
			if !strings.Contains(m.Get("sdp"), "a=fingerprint:") {
				t.Fatalf("the page got no WebRTC answer: %s", m.Get("sdp"))
			}
			br.setAnswer(m.Get("sdp"))
		case m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "1":
		case m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "2":
			answered = true
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
	br.connected()

	cl.ask(callproto.OpDTMF, 0, f("cid", cid), f("dtmf", "7"))
	if body := recv(t, p.infos, "the DTMF INFO"); !strings.Contains(body, "Signal=7") {
		t.Fatalf("INFO body %q", body)
	}
	cl.ask(callproto.OpRinging, -2, f("cid", cid)) // not an incoming call
	// Hold: the switch answers the browser leg's re-INVITE itself (the
	// same DTLS session, recvonly); the page gets the SDP, then local hold.
	cl.ask(callproto.OpModify, 0, f("cid", cid), f("type", "1"))
	if m := cl.event(callproto.EvMediaChange, "cid="+cid); !strings.Contains(m.Get("sdp"), "a=recvonly") {
		t.Fatalf("the held call's SDP: %s", m)
	}
	if m := cl.event(callproto.EvCallState, "cid="+cid); m.Get("state") != "3" {
		t.Fatalf("after hold: %s, want state=3 (local hold)", m)
	}
	cl.ask(callproto.OpDisconnect, 0, f("cid", cid))
	cl.event(callproto.EvCallState, "cid="+cid, "state=0")
	p.waitState(t, ua.CallDisconnected)
	cl.ask(callproto.OpDisconnect, -4, f("cid", cid))
}

// A SIP phone calls the page's extension: 9002 brings the switch's
// WebRTC offer, 1006 rings, 1004 answers with the browser's SDP, and the
// phone's hang-up is 9004 state=0 with its cause.
func TestCallFromPhone(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	br := newBrowser(t)

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	pcall, err := p.a.Call(ctx, "1001", "Bob", plainSDP(30002))
	if err != nil {
		t.Fatal(err)
	}
	in := cl.event(callproto.EvIncomingCall, "from=1002", "to=1001", "disp=Bob")
	cid, offer := in.Get("cid"), in.Get("sdp")
	if !strings.Contains(offer, "UDP/TLS/RTP/SAVPF") || !strings.Contains(offer, "a=ice-ufrag:") {
		t.Fatalf("the page was offered plain SDP:\n%s", offer)
	}
	cl.ask(callproto.OpRinging, 0, f("cid", cid))
	cl.event(callproto.EvCallState, "cid="+cid, "state=1")
	p.waitState(t, ua.CallRinging)
	cl.ask(callproto.OpAnswer, -2, f("cid", cid), f("sdp", "v=0\r\nnot sdp"))
	cl.ask(callproto.OpAnswer, 0, f("cid", cid), f("sdp", br.answer(offer)))
	cl.event(callproto.EvCallState, "cid="+cid, "state=2")
	p.waitState(t, ua.CallConnected)
	br.connected()
	cl.ask(callproto.OpReject, -2, f("cid", cid), f("rc", "486")) // answered already

	if err := pcall.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	cl.event(callproto.EvCallState, "cid="+cid, "state=0", "cause=200")
}

// 1005 refuses a call with the page's status; the phone hears it.
func TestRejectIncoming(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := p.a.Call(ctx, "1001", "", plainSDP(30004)); err != nil {
		t.Fatal(err)
	}
	cid := cl.event(callproto.EvIncomingCall).Get("cid")
	cl.ask(callproto.OpReject, 0, f("cid", cid), f("rc", "486"))
	cl.event(callproto.EvCallState, "cid="+cid, "state=0", "cause=486")
	// The switch's busy treatment (voicemail) answers the phone; without a
	// mailbox it would hear the 486 itself.
	for {
		e := recv(t, p.states, "the phone's call state")
		if e.State == ua.CallDisconnected || e.State == ua.CallConnected {
			t.Logf("phone: %v %d", e.State, e.Code)
			break
		}
	}
}

// Closing the socket hangs up the session's calls.
func TestCloseHangsUp(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	cl.register("1001")
	br := newBrowser(t)
	cl.ask(callproto.OpCall, 0, f("to", "1002"), f("sdp", br.offer()))
	pc := recv(t, p.calls, "the phone's incoming call")
	if err := pc.Answer(plainSDP(30006)); err != nil {
		t.Fatal(err)
	}
	p.waitState(t, ua.CallConnected)
	cl.c.CloseNow()
	p.waitState(t, ua.CallDisconnected)
	waitFor(t, "the binding removed", func() bool { return len(sw.srv.Registrar.Lookup("1001")) == 0 })
}
