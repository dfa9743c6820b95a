package ua

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/media"
)

// A MESSAGE from the switch reaches the account.
func TestMessageIn(t *testing.T) {
	t.Parallel()
	f, _, a, r := fakeSetup(t)
	f.send(t, a.s.Addr(), reqHead(f, a, "MESSAGE", "m1", "t1", "", 1, "Content-Type: text/plain;charset=UTF-8"), "hi there")
	if res := f.response(t, "MESSAGE", 0); res.StatusCode != 200 {
		t.Fatalf("MESSAGE: %d", res.StatusCode)
	}
	m := next(t, r.msgs, "message")
	if m.From != "2000" || m.FromName != "Switch" || string(m.Body) != "hi there" || !strings.HasPrefix(m.ContentType, "text/plain") {
		t.Fatalf("message %+v", m)
	}
}

// What a peer may send wrong gets a SIP error, never reaches the owner.
func TestRefusals(t *testing.T) {
	t.Parallel()
	f, s, a, r := fakeSetup(t)
	to := s.Addr()
	for _, tc := range []struct {
		name   string
		method string
		head   string
		body   string
		want   int
	}{
		{"bad sdp", "INVITE", reqHead(f, a, "INVITE", "c1", "t1", "", 1, "Content-Type: application/sdp"), "v=0\r\nm=garbage\r\n", 488},
		{"not sdp", "INVITE", reqHead(f, a, "INVITE", "c2", "t1", "", 1, "Content-Type: text/html"), "<b>", 415},
		{"unknown account", "INVITE", strings.Replace(reqHead(f, a, "INVITE", "c3", "t1", "", 1), a.Contact(), "sip:nobody@127.0.0.1", 1), "", 404},
		{"stray bye", "BYE", reqHead(f, a, "BYE", "c4", "t1", "nosuch", 2), "", 481},
		{"stray info", "INFO", reqHead(f, a, "INFO", "c5", "t1", "nosuch", 2), "", 481},
		{"stray re-invite", "INVITE", reqHead(f, a, "INVITE", "c6", "t1", "nosuch", 2), "", 481},
		{"stray notify", "NOTIFY", reqHead(f, a, "NOTIFY", "c7", "t1", "nosuch", 2, "Event: message-summary", "Subscription-State: active"), "", 481},
		{"stray cancel", "CANCEL", reqHead(f, a, "CANCEL", "c8", "t1", "", 1), "", 481},
		{"unknown method", "PUBLISH", reqHead(f, a, "PUBLISH", "c9", "t1", "", 1), "", 405},
		{"required extension", "INVITE", reqHead(f, a, "INVITE", "c10", "t1", "", 1, "Require: 100rel"), "", 420},
		{"options", "OPTIONS", reqHead(f, a, "OPTIONS", "c11", "t1", "", 1), "", 200},
		{"message, no such account", "MESSAGE", strings.Replace(reqHead(f, a, "MESSAGE", "c12", "t1", "", 1), a.Contact(), "sip:x@127.0.0.1", 1), "x", 404},
	} {
		f.send(t, to, tc.head, tc.body)
		if res := f.response(t, tc.method, 0); res.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, res.StatusCode, res.Reason, tc.want)
		}
	}
	// No Contact in an INVITE.
	head := strings.Replace(reqHead(f, a, "INVITE", "c13", "t1", "", 1), "Contact: <sip:"+f.addr.String()+">\n", "", 1)
	f.send(t, to, head, "")
	if res := f.response(t, "INVITE", 0); res.StatusCode != 400 {
		t.Errorf("INVITE without Contact: %d", res.StatusCode)
	}
	// Garbage datagrams: answered or dropped, and the stack still works.
	for _, junk := range []string{"\x00\x01\x02", "INVITE\r\n\r\n", "SIP/2.0 200 OK\r\n\r\n", strings.Repeat("A", 2000),
		"INVITE sip:x SIP/2.0\r\nVia: x\r\nContent-Length: 99999\r\n\r\n"} {
		f.conn.WriteToUDPAddrPort([]byte(junk), to)
	}
	f.send(t, to, reqHead(f, a, "OPTIONS", "c14", "t1", "", 1), "")
	if res := f.response(t, "OPTIONS", 0); res.StatusCode != 200 {
		t.Fatalf("OPTIONS after junk: %d", res.StatusCode)
	}
	select {
	case c := <-r.incoming:
		t.Fatalf("a refused INVITE reached the owner: %s", c.ID())
	default:
	}
}

// Requests from anywhere but the switch are refused.
func TestOnlyFromSwitch(t *testing.T) {
	t.Parallel()
	_, s, a, r := fakeSetup(t)
	other := newFakeSwitch(t)
	other.send(t, s.Addr(), reqHead(other, a, "INVITE", "x1", "t1", "", 1, "Content-Type: application/sdp"), string(sdpAt(1234, 1)))
	if res := other.response(t, "INVITE", 0); res.StatusCode != 403 {
		t.Fatalf("INVITE from elsewhere: %d, want 403", res.StatusCode)
	}
	select {
	case <-r.incoming:
		t.Fatal("an INVITE from elsewhere reached the owner")
	default:
	}
}

// An incoming call from the (fake) switch driven through every in-dialog
// case: answer, ACK, re-INVITE hold, an old CSeq, an offerless re-INVITE
// answered in the ACK, a BYE with the wrong tag, the BYE.
func TestIncomingDialog(t *testing.T) {
	t.Parallel()
	f, s, a, r := fakeSetup(t)
	to := s.Addr()
	f.send(t, to, reqHead(f, a, "INVITE", "d1", "sw", "", 1, "Content-Type: application/sdp"), string(sdpAt(40000, 1)))
	c := next(t, r.incoming, "incoming call")
	if c.From() != "2000" || string(c.RemoteSDP()) != string(sdpAt(40000, 1)) {
		t.Fatalf("incoming from %q sdp %q", c.From(), c.RemoteSDP())
	}
	if err := c.Answer([]byte("v=0\r\n")); err == nil {
		t.Fatal("answer with a bad SDP accepted")
	}
	if err := c.Answer(sdpAt(30000, 5)); err != nil {
		t.Fatalf("answer: %v", err)
	}
	ok := f.response(t, "INVITE", 1)
	tag := tagOf(ok.To().Params)
	if ok.StatusCode != 200 || tag == "" || ok.Contact() == nil || !strings.Contains(string(ok.Body()), "a=sendrecv") {
		t.Fatalf("answer %d tag %q:\n%s", ok.StatusCode, tag, ok.Body())
	}
	// Until the ACK, the 2xx is sent again, and a re-INVITE is told to wait.
	f.send(t, to, reqHead(f, a, "INVITE", "d1", "sw", tag, 2, "Content-Type: application/sdp"), string(sdpAt(40000, 2)))
	if res := f.response(t, "INVITE", 2); res.StatusCode != 491 {
		t.Fatalf("re-INVITE before the ACK: %d, want 491", res.StatusCode)
	}
	f.send(t, to, reqHead(f, a, "ACK", "d1", "sw", tag, 1), "")
	r.waitState(t, c, CallConnected)

	hold := strings.Replace(string(sdpAt(40000, 3)), "a=sendrecv", "a=sendonly", 1)
	f.send(t, to, reqHead(f, a, "INVITE", "d1", "sw", tag, 3, "Content-Type: application/sdp"), hold)
	res := f.response(t, "INVITE", 3)
	if res.StatusCode != 200 || !strings.Contains(string(res.Body()), "a=recvonly") || !strings.Contains(string(res.Body()), "o=- 4242 6 ") {
		t.Fatalf("hold answer %d:\n%s", res.StatusCode, res.Body())
	}
	f.send(t, to, reqHead(f, a, "ACK", "d1", "sw", tag, 3), "")
	r.waitState(t, c, CallRemoteHeld)
	r.waitSDP(t, c, "a=sendonly")

	f.send(t, to, reqHead(f, a, "INVITE", "d1", "sw", tag, 3, "Content-Type: application/sdp"), hold)
	res = f.response(t, "INVITE", 3)
	for res.StatusCode == 200 { // a 2xx retransmission that crossed our ACK
		res = f.response(t, "INVITE", 3)
	}
	if res.StatusCode != 500 {
		t.Fatalf("re-INVITE with an old CSeq: %d, want 500", res.StatusCode)
	}
	f.send(t, to, reqHead(f, a, "INVITE", "d1", "sw", tag, 4, "Content-Type: application/sdp"), "v=0\r\nbad\r\n")
	if res := f.response(t, "INVITE", 4); res.StatusCode != 488 {
		t.Fatalf("re-INVITE with a bad SDP: %d, want 488", res.StatusCode)
	}

	// Offerless: our 200 offers (sendrecv: we do not hold), the ACK answers.
	f.send(t, to, reqHead(f, a, "INVITE", "d1", "sw", tag, 5), "")
	res = f.response(t, "INVITE", 5)
	if res.StatusCode != 200 || !strings.Contains(string(res.Body()), "a=sendrecv") {
		t.Fatalf("offerless re-INVITE: %d\n%s", res.StatusCode, res.Body())
	}
	f.send(t, to, reqHead(f, a, "ACK", "d1", "sw", tag, 5, "Content-Type: application/sdp"), string(sdpAt(40010, 4)))
	r.waitSDP(t, c, "m=audio 40010 ")
	r.waitState(t, c, CallConnected) // their answer is sendrecv: no more remote hold

	f.send(t, to, reqHead(f, a, "BYE", "d1", "other", tag, 6), "")
	if res := f.response(t, "BYE", 0); res.StatusCode != 481 {
		t.Fatalf("BYE with a wrong From tag: %d, want 481", res.StatusCode)
	}
	f.send(t, to, reqHead(f, a, "BYE", "d1", "sw", tag, 7), "")
	if res := f.response(t, "BYE", 0); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	if e := r.waitState(t, c, CallDisconnected); !e.Remote || e.Code != 200 {
		t.Fatalf("end %+v", e)
	}
}

// Our own call through the fake switch: a 2xx without SDP after a 183
// with SDP takes the 183's as the answer; a 2xx retransmitted is ACKed
// again.
func TestOutgoingEarlyAnswer(t *testing.T) {
	t.Parallel()
	f, s, a, r := fakeSetup(t)
	c, err := a.Call(ctxWait(t), "2000", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	inv := f.request(t, "INVITE")
	if string(inv.Body()) == "" || inv.CallID().Value() != c.ID() {
		t.Fatalf("INVITE: %s", inv)
	}
	from, _ := net.ResolveUDPAddr("udp", s.Addr().String())
	reply := func(code int, body []byte) {
		res := newResponse(inv, code, body)
		f.conn.WriteToUDP([]byte(res.String()), from)
	}
	reply(183, sdpAt(40020, 1))
	r.waitState(t, c, CallRinging)
	r.waitSDP(t, c, "m=audio 40020 ")
	reply(200, nil)
	r.waitState(t, c, CallConnected)
	ack := f.request(t, "ACK")
	if ack.CSeq().SeqNo != inv.CSeq().SeqNo || tagOf(ack.To().Params) != "callee" {
		t.Fatalf("ACK %s", ack)
	}
	reply(200, nil) // our ACK was "lost"
	if again := f.request(t, "ACK"); again.CSeq().SeqNo != inv.CSeq().SeqNo {
		t.Fatalf("second ACK %s", again)
	}
	if info, err := media.ParseSDP(c.RemoteSDP()); err != nil || info.Audio().Addr.Port() != 40020 {
		t.Fatalf("remote SDP %q: %v", c.RemoteSDP(), err)
	}
}

// An account holds at most MaxCalls calls; more incoming ones get 486.
func TestMaxCalls(t *testing.T) {
	t.Parallel()
	f := newFakeSwitch(t)
	s, err := New(Config{Server: f.addr, Logger: testLogger(), MaxCalls: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a, r := register(t, s, "1001")
	c, err := a.Call(ctxWait(t), "2000", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Call(ctxWait(t), "2001", "", sdpAt(30000, 1)); !errors.Is(err, ErrTooManyCalls) {
		t.Fatalf("second call: %v, want ErrTooManyCalls", err)
	}
	f.send(t, s.Addr(), reqHead(f, a, "INVITE", "in1", "sw", "", 1), "")
	if res := f.response(t, "INVITE", 1); res.StatusCode != 486 {
		t.Fatalf("incoming call over the limit: %d, want 486", res.StatusCode)
	}
	select {
	case <-r.incoming:
		t.Fatal("a call over the limit reached the owner")
	default:
	}
	inv := f.request(t, "INVITE")
	from, _ := net.ResolveUDPAddr("udp", s.Addr().String())
	f.conn.WriteToUDP([]byte(newResponse(inv, 603, nil).String()), from)
	if e := r.waitState(t, c, CallDisconnected); e.Code != 603 || !e.Remote {
		t.Fatalf("end %+v", e)
	}
	// The call is gone: the account takes a new one.
	c2, err := a.Call(ctxWait(t), "2001", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatalf("call after the first ended: %v", err)
	}
	f.conn.WriteToUDP([]byte(newResponse(f.request(t, "INVITE"), 603, nil).String()), from)
	r.waitState(t, c2, CallDisconnected)
}
