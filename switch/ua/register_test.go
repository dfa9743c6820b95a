package ua

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

func bindings(sw *testSwitch, ext string) []store.Binding { return sw.srv.Registrar.Lookup(ext) }

// The right password registers the account's own Contact; Unregister
// removes it and says so last.
func TestRegisterAndUnregister(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a, r := register(t, s, "1001")
	bs := bindings(sw, "1001")
	if len(bs) != 1 || bs[0].Contact != a.Contact() {
		t.Fatalf("bindings %+v, want one for %s", bs, a.Contact())
	}
	if st, code, granted := a.Registration(); st != RegRegistered || code != 200 || granted != int(DefaultExpires/time.Second) {
		t.Fatalf("registration %s %d %d", st, code, granted)
	}
	if err := a.Unregister(ctxWait(t)); err != nil {
		t.Fatalf("unregister: %v", err)
	}
	if e := next(t, r.reg, "unregistered event"); e.State != RegUnregistered || e.Code != 200 {
		t.Fatalf("event %+v, want unregistered 200", e)
	}
	if bs := bindings(sw, "1001"); len(bs) != 0 {
		t.Fatalf("bindings after unregister: %+v", bs)
	}
	if err := a.Unregister(ctxWait(t)); !errors.Is(err, ErrUnregistered) {
		t.Fatalf("second unregister: %v, want ErrUnregistered", err)
	}
	if _, err := a.Call(ctxWait(t), "1002", "", sdpAt(30000, 1)); !errors.Is(err, ErrUnregistered) {
		t.Fatalf("call after unregister: %v, want ErrUnregistered", err)
	}
}

// A wrong password is refused with the switch's 403 and leaves nothing.
func TestRegisterWrongPassword(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	r := newRecorder()
	_, err := s.Register(ctxWait(t), "1001", "wrong", 0, r.events())
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 403 || Status(err) != 403 {
		t.Fatalf("register with a wrong password: %v, want a 403 StatusError", err)
	}
	if bs := bindings(sw, "1001"); len(bs) != 0 {
		t.Fatalf("bindings: %+v", bs)
	}
	s.mu.Lock()
	n := len(s.accounts)
	s.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d accounts left behind", n)
	}
	if _, err := s.Register(ctxWait(t), "9999", "x", 0, r.events()); Status(err) != 403 {
		t.Fatalf("unknown user: %v, want 403", err) // one answer for both (no user enumeration)
	}
	select {
	case e := <-r.reg:
		t.Fatalf("event for a failed registration: %+v", e)
	default:
	}
}

// Arguments are checked before anything is sent.
func TestRegisterInvalid(t *testing.T) {
	t.Parallel()
	s := newStack(t, netip0())
	for _, tc := range []struct {
		user    string
		expires time.Duration
	}{{"", 0}, {"10 01", 0}, {"1001@evil", 0}, {"a\r\nb", 0}, {"1001", -time.Second}, {"1001", 48 * time.Hour}} {
		if _, err := s.Register(ctxWait(t), tc.user, "pw", tc.expires, Events{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("register %q %v: %v, want ErrInvalid", tc.user, tc.expires, err)
		}
	}
}

// A lifetime under the switch's minimum is raised to it after the 423.
func TestRegisterIntervalTooBrief(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	r := newRecorder()
	a, err := s.Register(ctxWait(t), "1002", passwordOf("1002"), 10*time.Second, r.events())
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if e := next(t, r.reg, "registered event"); e.Expires != 60 {
		t.Fatalf("granted %d s, want the switch's minimum 60", e.Expires)
	}
	if _, _, granted := a.Registration(); granted != 60 {
		t.Fatalf("Registration says %d s", granted)
	}
}

// The registration is refreshed; a refresh refused (the password changed)
// is reported with its code and recovers when the password is back.
func TestRegisterRefreshAndRecovery(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *server.Config) { c.Registrar.MinExpires = time.Second })
	s := newStack(t, sw.sip)
	r := newRecorder()
	a, err := s.Register(ctxWait(t), "1003", passwordOf("1003"), 2*time.Second, r.events())
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	next(t, r.reg, "registered event")
	first := bindings(sw, "1003")[0].CSeq
	waitFor(t, "two refreshes", func() bool {
		bs := bindings(sw, "1003")
		return len(bs) == 1 && bs[0].CSeq >= first+4 // each refresh: challenge, then credentials
	})
	setPassword(t, sw, "1003", "changed")
	if e := next(t, r.reg, "failed event"); e.State != RegFailed || e.Code != 403 {
		t.Fatalf("event %+v, want failed 403", e)
	}
	setPassword(t, sw, "1003", passwordOf("1003"))
	if e := next(t, r.reg, "registered again"); e.State != RegRegistered || e.Code != 200 {
		t.Fatalf("event %+v, want registered", e)
	}
	if err := a.Unregister(ctxWait(t)); err != nil {
		t.Fatal(err)
	}
}

func setPassword(t *testing.T, sw *testSwitch, ext, pw string) {
	t.Helper()
	e, err := sw.st.GetExtension(ext)
	if err != nil {
		t.Fatal(err)
	}
	e.Password = pw
	if err := sw.st.UpdateExtension(e); err != nil {
		t.Fatal(err)
	}
}

// Close unregisters every account, so the switch stops routing to them.
func TestCloseUnregisters(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s, err := New(Config{Server: sw.sip, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	register(t, s, "1001")
	register(t, s, "1002")
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if n := len(bindings(sw, "1001")) + len(bindings(sw, "1002")); n != 0 {
		t.Fatalf("%d bindings left after Close", n)
	}
	if _, err := s.Register(context.Background(), "1003", passwordOf("1003"), 0, Events{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("register after close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

// Two sessions of one extension are two bindings with their own Contact.
func TestTwoSessionsOfOneExtension(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a1, _ := register(t, s, "1001")
	a2, _ := register(t, s, "1001")
	if a1.Contact() == a2.Contact() {
		t.Fatalf("both sessions registered %s", a1.Contact())
	}
	if bs := bindings(sw, "1001"); len(bs) != 2 {
		t.Fatalf("bindings %+v, want 2", bs)
	}
}

// Close ends calls in every state, and returns: nothing it owns is left
// running (it waits for all of it).
func TestCloseWithCallsInProgress(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s, err := New(Config{Server: sw.sip, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	a, ra := register(t, s, "1001")
	_, rb := register(t, s, "1002")
	c3, r3 := register(t, s, "1003")
	ringing, err := a.Call(ctxWait(t), "1002", "", sdpAt(30000, 1))
	if err != nil {
		t.Fatal(err)
	}
	next(t, rb.incoming, "incoming call").Ringing()
	ra.waitState(t, ringing, CallRinging)
	talking, err := c3.Call(ctxWait(t), "1001", "", sdpAt(30010, 1))
	if err != nil {
		t.Fatal(err)
	}
	in := next(t, ra.incoming, "second incoming call")
	if err := in.Answer(sdpAt(30020, 1)); err != nil {
		t.Fatal(err)
	}
	r3.waitState(t, talking, CallConnected)
	if _, err := a.SubscribeMWI(ctxWait(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	for _, c := range []*Call{ringing, talking, in} {
		select {
		case <-c.Done():
		default:
			t.Errorf("call %s not ended by Close (state %s)", c.ID(), c.State())
		}
	}
	waitFor(t, "the switch to see the calls end", func() bool { return sw.srv.Calls.Active() == 0 })
	if err := talking.Hangup(ctxWait(t)); !errors.Is(err, ErrCallEnded) {
		t.Fatalf("hangup after close: %v", err)
	}
}
