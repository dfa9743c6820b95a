package ua

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// anchored checks that an SDP the switch sent carries its media address,
// not the far side's port, and PCMU.
func anchored(t testing.TB, sdp []byte, farPort int) media.AudioInfo {
	t.Helper()
	s, err := media.ParseSDP(sdp)
	if err != nil {
		t.Fatalf("sdp from the switch: %v\n%s", err, sdp)
	}
	a := s.Audio()
	if a.Addr.Addr().String() != "127.0.0.1" || int(a.Addr.Port()) == farPort || a.Addr.Port() == 0 {
		t.Fatalf("media at %s: not anchored by the switch (far port %d)", a.Addr, farPort)
	}
	if len(a.Codecs) == 0 || a.Codecs[0].Name != "PCMU" {
		t.Fatalf("codecs %+v, want PCMU first", a.Codecs)
	}
	return a
}

// connected sets up 1001 -> 1002 between two accounts and returns both
// ends.
func connected(t *testing.T) (*testSwitch, *Call, *recorder, *Call, *recorder) {
	t.Helper()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a, ra := register(t, s, "1001")
	_, rb := register(t, s, "1002")
	ca, err := a.Call(ctxWait(t), "1002", "Alice", sdpAt(30000, 1))
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	if ca.ID() == "" || ca.State() != CallCalling || !ca.Outgoing() {
		t.Fatalf("new call: id %q state %s", ca.ID(), ca.State())
	}
	cb := next(t, rb.incoming, "incoming call")
	if cb.From() != "1001" || cb.FromName() != "Alice" || cb.To() != "1002" || cb.Outgoing() || cb.State() != CallIncoming {
		t.Fatalf("incoming from %q (%q) to %q, state %s", cb.From(), cb.FromName(), cb.To(), cb.State())
	}
	offer := anchored(t, cb.RemoteSDP(), 30000)
	if err := cb.Ringing(); err != nil {
		t.Fatalf("ringing: %v", err)
	}
	if e := ra.waitState(t, ca, CallRinging); e.Code != 180 || !e.Remote {
		t.Fatalf("ringing event %+v", e)
	}
	if err := cb.Answer(sdpAt(30002, 7)); err != nil {
		t.Fatalf("answer: %v", err)
	}
	if err := cb.Answer(sdpAt(30002, 7)); !errors.Is(err, ErrCallState) {
		t.Fatalf("second answer: %v, want ErrCallState", err)
	}
	ans := ra.waitSDP(t, ca, "m=audio")
	anchored(t, ans, 30002)
	if e := ra.waitState(t, ca, CallConnected); e.Code != 200 {
		t.Fatalf("connected event %+v", e)
	}
	rb.waitState(t, cb, CallConnected)
	if !bytes.Equal(ca.RemoteSDP(), ans) {
		t.Fatal("RemoteSDP differs from the reported answer")
	}
	// Our answer went out with our version, sendrecv, as offered.
	if l := string(cb.LocalSDP()); !strings.Contains(l, "o=- 4242 7 ") || !strings.Contains(l, "a=sendrecv") {
		t.Fatalf("our answer:\n%s", l)
	}
	if offer.Direction != media.DirectionSendRecv {
		t.Fatalf("offer direction %s", offer.Direction)
	}
	waitFor(t, "the switch to see one call", func() bool { return sw.srv.Calls.Active() == 1 })
	return sw, ca, ra, cb, rb
}

// A call between two accounts: SDP both ways through the switch's
// anchor, BYE from the caller.
func TestCallBetweenAccountsCallerHangsUp(t *testing.T) {
	t.Parallel()
	sw, ca, ra, cb, rb := connected(t)
	if err := ca.Hangup(ctxWait(t)); err != nil {
		t.Fatalf("hangup: %v", err)
	}
	if e := ra.waitState(t, ca, CallDisconnected); e.Remote || e.Code != 200 {
		t.Fatalf("caller's end %+v", e)
	}
	if e := rb.waitState(t, cb, CallDisconnected); !e.Remote || e.Code != 200 {
		t.Fatalf("callee's end %+v", e)
	}
	<-cb.Done()
	if err := ca.Hangup(ctxWait(t)); !errors.Is(err, ErrCallEnded) {
		t.Fatalf("second hangup: %v", err)
	}
	cdr := waitCDR(t, sw, ca.ID())
	if cdr.Caller != "1001" || cdr.Callee != "1002" || cdr.Status != "answered" || cdr.EndedReason != "caller_hangup" {
		t.Fatalf("cdr %+v", cdr)
	}
}

// The callee hangs up this time.
func TestCallBetweenAccountsCalleeHangsUp(t *testing.T) {
	t.Parallel()
	_, ca, ra, cb, rb := connected(t)
	if err := cb.Hangup(ctxWait(t)); err != nil {
		t.Fatalf("hangup: %v", err)
	}
	if e := rb.waitState(t, cb, CallDisconnected); e.Remote {
		t.Fatalf("callee's end %+v", e)
	}
	if e := ra.waitState(t, ca, CallDisconnected); !e.Remote || e.Code != 200 {
		t.Fatalf("caller's end %+v", e)
	}
}

// Hold and resume: our re-INVITE's sendonly reaches the other account as
// a remote hold, its answer comes back recvonly; resume restores both.
func TestHoldAndResume(t *testing.T) {
	t.Parallel()
	_, ca, ra, cb, rb := connected(t)
	if err := ca.Hold(ctxWait(t), true); err != nil {
		t.Fatalf("hold: %v", err)
	}
	ra.waitState(t, ca, CallHeld)
	ra.waitSDP(t, ca, "a=recvonly")
	if l := string(ca.LocalSDP()); !strings.Contains(l, "a=sendonly") || !strings.Contains(l, "o=- 4242 2 ") {
		t.Fatalf("our hold offer (version 2, sendonly):\n%s", l)
	}
	rb.waitSDP(t, cb, "a=sendonly")
	if e := rb.waitState(t, cb, CallRemoteHeld); !e.Remote {
		t.Fatalf("remote hold event %+v", e)
	}
	if l := string(cb.LocalSDP()); !strings.Contains(l, "a=recvonly") || !strings.Contains(l, "o=- 4242 8 ") {
		t.Fatalf("the held side's answer (version 8, recvonly):\n%s", l)
	}
	if err := ca.Hold(ctxWait(t), true); err != nil { // already held: nothing to do
		t.Fatalf("hold again: %v", err)
	}
	if err := ca.Hold(ctxWait(t), false); err != nil {
		t.Fatalf("resume: %v", err)
	}
	ra.waitState(t, ca, CallConnected)
	rb.waitState(t, cb, CallConnected)
	if l := string(ca.LocalSDP()); !strings.Contains(l, "a=sendrecv") || !strings.Contains(l, "o=- 4242 3 ") {
		t.Fatalf("our resume offer:\n%s", l)
	}
	// The other side holds now.
	if err := cb.Hold(ctxWait(t), true); err != nil {
		t.Fatalf("hold from the callee: %v", err)
	}
	ra.waitState(t, ca, CallRemoteHeld)
	rb.waitState(t, cb, CallHeld)
	ca.Hangup(ctxWait(t))
}

// DTMF by INFO and a free INFO reach the other account.
func TestInfoAndDTMF(t *testing.T) {
	t.Parallel()
	_, ca, ra, cb, rb := connected(t)
	if err := ca.SendDTMF(ctxWait(t), '5'); err != nil {
		t.Fatalf("dtmf: %v", err)
	}
	in := next(t, rb.infos, "INFO at the callee")
	d, _, err := dtmf.ParseInfo(in.ct, in.body)
	if in.c != cb || err != nil || d != '5' {
		t.Fatalf("info %q %q: digit %q, %v", in.ct, in.body, d, err)
	}
	if err := ca.SendDTMF(ctxWait(t), 'x'); !errors.Is(err, ErrInvalid) {
		t.Fatalf("dtmf x: %v", err)
	}
	if err := cb.Info(ctxWait(t), "application/x-record", []byte("action=start")); err != nil {
		t.Fatalf("info: %v", err)
	}
	in = next(t, ra.infos, "INFO at the caller")
	if in.c != ca || in.ct != "application/x-record" || string(in.body) != "action=start" {
		t.Fatalf("info at the caller: %q %q", in.ct, in.body)
	}
	if err := ca.Info(ctxWait(t), "bad type", nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("info with a bad content type: %v", err)
	}
}

// A callee that refuses: the caller gets the code (on a switch without
// voicemail, where the dial plan sends busy callers).
func TestCallRejected(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *server.Config) { c.DataDir = "" })
	s := newStack(t, sw.sip)
	a, ra := register(t, s, "1001")
	_, rb := register(t, s, "1002")
	ca, err := a.Call(ctxWait(t), "1002", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	cb := next(t, rb.incoming, "incoming call")
	if err := cb.Reject(600, "1003"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("reject 600 with a contact: %v", err)
	}
	if err := cb.Reject(200, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("reject 200: %v", err)
	}
	if err := cb.Reject(486, ""); err != nil {
		t.Fatalf("reject: %v", err)
	}
	if e := ra.waitState(t, ca, CallDisconnected); e.Code != 486 || !e.Remote {
		t.Fatalf("caller's end %+v, want 486 from the far side", e)
	}
	if e := rb.waitState(t, cb, CallDisconnected); e.Code != 486 || e.Remote {
		t.Fatalf("callee's end %+v", e)
	}
	if err := cb.Answer(sdpAt(30002, 1)); !errors.Is(err, ErrCallEnded) {
		t.Fatalf("answer after reject: %v", err)
	}
}

// The caller gives up while it rings: CANCEL, 487 on both sides.
func TestCallCancelled(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a, ra := register(t, s, "1001")
	_, rb := register(t, s, "1002")
	ca, err := a.Call(ctxWait(t), "1002", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	cb := next(t, rb.incoming, "incoming call")
	cb.Ringing()
	ra.waitState(t, ca, CallRinging)
	if err := ca.Hangup(ctxWait(t)); err != nil {
		t.Fatalf("hangup while ringing: %v", err)
	}
	if e := ra.waitState(t, ca, CallDisconnected); e.Code != 487 || e.Remote {
		t.Fatalf("caller's end %+v, want 487 by us", e)
	}
	if e := rb.waitState(t, cb, CallDisconnected); e.Code != 487 || !e.Remote {
		t.Fatalf("callee's end %+v, want 487 by them", e)
	}
	if err := cb.Answer(sdpAt(30002, 1)); !errors.Is(err, ErrCallEnded) {
		t.Fatalf("answer a cancelled call: %v", err)
	}
}

// An unknown number fails with the switch's code.
func TestCallUnknownNumber(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a, ra := register(t, s, "1001")
	ca, err := a.Call(ctxWait(t), "5999", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if e := ra.waitState(t, ca, CallDisconnected); e.Code < 400 || !e.Remote {
		t.Fatalf("end %+v, want a 4xx-6xx from the switch", e)
	}
	<-ca.Done()
}

// Bad arguments are refused before anything is sent.
func TestCallInvalid(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a, _ := register(t, s, "1001")
	for name, f := range map[string]func() error{
		"to":      func() error { _, err := a.Call(ctxWait(t), "10 02", "", sdpAt(1, 1)); return err },
		"display": func() error { _, err := a.Call(ctxWait(t), "1002", "a\r\nb", sdpAt(1, 1)); return err },
		"sdp":     func() error { _, err := a.Call(ctxWait(t), "1002", "", []byte("v=0\r\n")); return err },
		"header":  func() error { _, err := a.Call(ctxWait(t), "1002", "", sdpAt(1, 1), Header{"Via", "x"}); return err },
		"value": func() error {
			_, err := a.Call(ctxWait(t), "1002", "", sdpAt(1, 1), Header{"X-A", "a\r\nVia: b"})
			return err
		},
	} {
		if err := f(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// waitCDR polls the store for the CDR of the caller's Call-ID.
func waitCDR(t testing.TB, sw *testSwitch, callID string) store.CDR {
	t.Helper()
	var found store.CDR
	waitFor(t, "the CDR of "+callID, func() bool {
		cdrs, err := sw.st.ListCDRs(store.CDRQuery{Limit: store.MaxCDRLimit})
		if err != nil {
			t.Fatalf("list cdrs: %v", err)
		}
		for _, c := range cdrs {
			if c.CallID == callID {
				found = c
				return true
			}
		}
		return false
	})
	return found
}
