package pionpeer

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Two peers negotiate on loopback and each receives the other's PCMU.
func TestPeersTalk(t *testing.T) {
	a := New(t, Options{})
	b := New(t, Options{EventPT: 101, EventFmtp: "0-16", Interceptors: true})
	if err := a.Track.Send([]byte{1}); !errors.Is(err, ErrUnbound) {
		t.Fatalf("Send before negotiation: %v, want ErrUnbound", err)
	}
	offer := a.Offer(t)
	for _, want := range []string{"PCMU/8000", "telephone-event/8000", "a=fmtp:126 0-15", "typ host", "127.0.0.1", "a=sendrecv"} {
		if !strings.Contains(offer, want) {
			t.Errorf("offer lacks %q:\n%s", want, offer)
		}
	}
	answer := b.Answer(t, offer)
	if !strings.Contains(answer, "a=sendrecv") || !strings.Contains(answer, "PCMU/8000") {
		t.Errorf("answer is not sendrecv PCMU:\n%s", answer)
	}
	a.SetAnswer(t, answer)
	a.Connected(t, Wait)
	b.Connected(t, Wait)

	frame := make([]byte, 160)
	deadline := time.Now().Add(Wait)
	for time.Now().Before(deadline) && (a.Received() < 10 || b.Received() < 10) {
		_ = a.Track.Send(frame)
		_ = b.Track.Send(frame)
		time.Sleep(10 * time.Millisecond)
	}
	if a.Received() < 10 || b.Received() < 10 {
		t.Fatalf("received %d and %d PCMU packets, want 10 or more each", a.Received(), b.Received())
	}
	if a.Packets() < a.Received() {
		t.Errorf("Packets %d < Received %d", a.Packets(), a.Received())
	}
	select {
	case <-b.FirstRTP():
	default:
		t.Error("FirstRTP not closed after packets arrived")
	}
}

// Without a mic the answer only receives.
func TestNoMicAnswerIsRecvonly(t *testing.T) {
	a := New(t, Options{})
	b := New(t, Options{NoMic: true})
	answer := b.Answer(t, a.Offer(t))
	if !strings.Contains(answer, "a=recvonly") {
		t.Errorf("answer without a mic is not recvonly:\n%s", answer)
	}
}

// A refused offer fails the test rather than panicking.
func TestAnswerRefusesGarbage(t *testing.T) {
	ft := &fakeTB{TB: t}
	p := New(t, Options{})
	func() {
		defer func() { _ = recover() }()
		p.Answer(ft, "not sdp")
	}()
	if !ft.failed {
		t.Error("Answer took garbage without failing")
	}
}

// fakeTB records Fatalf and stops the caller as testing does.
type fakeTB struct {
	testing.TB
	failed bool
}

type fatal struct{}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	panic(fatal{})
}
