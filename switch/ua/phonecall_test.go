package ua

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
)

// An account calls a plain SIP phone, which answers; SDP goes both ways
// through the anchor; the phone hangs up.
func TestCallToPhone(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw.sip, "1003")
	p.register(t)
	s := newStack(t, sw.sip)
	a, ra := register(t, s, "1001")
	c, err := a.Call(ctxWait(t), "1003", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	anchored(t, ra.waitSDP(t, c, "m=audio"), phoneRTP)
	ra.waitState(t, c, CallConnected)
	d := next(t, p.answered, "the phone's answered call")
	anchored(t, d.InviteRequest.Body(), 30000)
	if err := c.SendDTMF(ctxWait(t), '#'); err != nil {
		t.Fatalf("dtmf: %v", err)
	}
	info := recvReq(t, p.infos, "INFO at the phone")
	if digit, _, err := dtmf.ParseInfo(info.ContentType().Value(), info.Body()); err != nil || digit != '#' {
		t.Fatalf("info %q: %q %v", info.Body(), digit, err)
	}
	if err := d.Bye(ctxWait(t)); err != nil {
		t.Fatalf("phone bye: %v", err)
	}
	if e := ra.waitState(t, c, CallDisconnected); !e.Remote || e.Code != 200 {
		t.Fatalf("end %+v", e)
	}
}

// A plain SIP phone calls an account, which answers and hangs up.
func TestCallFromPhone(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	p := newPhone(t, sw.sip, "1003")
	s := newStack(t, sw.sip)
	_, rb := register(t, s, "1002")
	// The account answers on its event goroutine, as a protocol server
	// would when the browser says so.
	go func() {
		c := next(t, rb.incoming, "incoming call")
		if c.From() != "1003" || c.FromName() != "Phone 1003" {
			t.Errorf("from %q %q", c.From(), c.FromName())
		}
		c.Ringing()
		c.Answer(sdpAt(30004, 3))
	}()
	d := p.dial(t, "1002")
	anchored(t, d.InviteResponse.Body(), 30004)
	if !strings.Contains(string(d.InviteResponse.Body()), "a=sendrecv") {
		t.Fatalf("answer:\n%s", d.InviteResponse.Body())
	}
	var c *Call
	for c == nil {
		ev := next(t, rb.states, "call state")
		if ev.e.State == CallConnected {
			c = ev.c
		}
	}
	if err := c.Hangup(ctxWait(t)); err != nil {
		t.Fatalf("hangup: %v", err)
	}
	recvReq(t, p.byes, "BYE at the phone")
	if e := rb.waitState(t, c, CallDisconnected); e.Remote {
		t.Fatalf("end %+v", e)
	}
}
