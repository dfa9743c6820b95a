package ua

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
)

// The switch relays a MESSAGE to a registered user; one to an extension
// nobody registered comes back as the switch's status (480), as the
// web-call-protocol's delivery report shows it.
func TestMessageThroughSwitch(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a, _ := register(t, s, "1001")
	_, rb := register(t, s, "1002")
	if err := a.Message(ctxWait(t), "1002", "hello"); err != nil {
		t.Fatalf("message: %v", err)
	}
	if m := next(t, rb.msgs, "the message"); m.From != "1001" || string(m.Body) != "hello" {
		t.Fatalf("delivered %+v", m)
	}
	err := a.Message(ctxWait(t), "1003", "anyone?")
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 480 || se.Method != "MESSAGE" {
		t.Fatalf("message to nobody: %v, want a 480 StatusError", err)
	}
	for _, text := range []string{"", strings.Repeat("x", maxMessageLen+1), "\xff"} {
		if err := a.Message(ctxWait(t), "1002", text); !errors.Is(err, ErrInvalid) {
			t.Errorf("text of %d bytes: %v, want ErrInvalid", len(text), err)
		}
	}
	if err := a.Message(ctxWait(t), "a b", "x"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad recipient: %v", err)
	}
}

// MWI: the first NOTIFY says nothing waits; a voicemail deposit brings
// one that says 1 new; Unsubscribe ends it.
func TestMWI(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	s := newStack(t, sw.sip)
	a, r := register(t, s, "1001")
	sub, err := a.SubscribeMWI(ctxWait(t))
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if m := next(t, r.mwis, "first MWI"); m.Waiting || m.New != 0 {
		t.Fatalf("first MWI %+v", m)
	}
	deposit(t, sw, "1001")
	if m := next(t, r.mwis, "MWI after the deposit"); !m.Waiting || m.New != 1 || m.Old != 0 || !strings.HasPrefix(m.Account, "sip:1001@") {
		t.Fatalf("MWI %+v, want 1 new", m)
	}
	for n := next(t, r.notifies, "notify"); n.Terminated; n = next(t, r.notifies, "notify") {
		t.Fatalf("terminated early: %+v", n)
	}
	if err := sub.Unsubscribe(ctxWait(t)); err != nil {
		t.Fatalf("unsubscribe: %v", err)
	}
	for {
		n := next(t, r.notifies, "final notify")
		if n.Terminated {
			if n.Sub != sub || n.Event != "message-summary" {
				t.Fatalf("final notify %+v", n)
			}
			break
		}
	}
}

// deposit leaves a one-second message of silence in box.
func deposit(t *testing.T, sw *testSwitch, box string) {
	t.Helper()
	rec := sw.srv.Recordings
	id, path, err := rec.Create(recording.Meta{Kind: recording.KindProgram, From: "1002", To: box})
	if err != nil {
		t.Fatal(err)
	}
	n := uint32(16000)
	if err := os.WriteFile(path, append(recording.AppendWAVHeader(nil, 1, 8000, n), make([]byte, n)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rec.Finish(id, time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := sw.srv.Voicemail.Deposit(box, id, "1002", "Bob"); err != nil {
		t.Fatalf("deposit: %v", err)
	}
}
