package dtmf

import (
	"errors"
	"testing"
	"time"
)

type sent struct {
	e      Event
	marker bool
}

func drain(t *testing.T, s *Sender) []sent {
	t.Helper()
	var out []sent
	for p, m, done := s.Next(); !done; p, m, done = s.Next() {
		e, err := ParseEvent(p)
		if err != nil {
			t.Fatalf("sender produced a bad payload % x: %v", p, err)
		}
		out = append(out, sent{e, m})
		if len(out) > 1000 {
			t.Fatal("sender never done")
		}
	}
	return out
}

func TestSenderSequence(t *testing.T) {
	s := NewSender()
	if err := s.Start('#', 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	want := []sent{
		{Event{Code: 11, Volume: 10, Duration: 160}, true},
		{Event{Code: 11, Volume: 10, Duration: 320}, false},
		{Event{Code: 11, Volume: 10, Duration: 480}, false},
		{Event{Code: 11, Volume: 10, Duration: 640}, false},
		{Event{Code: 11, End: true, Volume: 10, Duration: 800}, false},
		{Event{Code: 11, End: true, Volume: 10, Duration: 800}, false},
		{Event{Code: 11, End: true, Volume: 10, Duration: 800}, false},
	}
	got := drain(t, s)
	if len(got) != len(want) {
		t.Fatalf("got %d packets %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("packet %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// Done stays done.
	if p, _, done := s.Next(); !done || p != nil {
		t.Fatalf("after the end: % x, done %v", p, done)
	}
}

func TestSenderDurations(t *testing.T) {
	for _, tc := range []struct {
		dur    time.Duration
		frames int
	}{
		{MinDuration, 2}, {49 * time.Millisecond, 2}, {50 * time.Millisecond, 3},
		{160 * time.Millisecond, 8}, {MaxDuration, 250},
	} {
		s := NewSender()
		if err := s.Start('1', tc.dur); err != nil {
			t.Fatalf("%v: %v", tc.dur, err)
		}
		got := drain(t, s)
		if len(got) != tc.frames-1+3 {
			t.Errorf("%v: %d packets, want %d", tc.dur, len(got), tc.frames+2)
		}
		last := got[len(got)-1].e
		if !last.End || int(last.Duration) != tc.frames*160 {
			t.Errorf("%v: last packet %+v, want end at %d", tc.dur, last, tc.frames*160)
		}
		for i := 1; i < len(got); i++ {
			if got[i].marker || got[i].e.Duration < got[i-1].e.Duration {
				t.Errorf("%v: packet %d %+v after %+v", tc.dur, i, got[i], got[i-1])
			}
		}
	}
}

func TestSenderErrors(t *testing.T) {
	s := NewSender()
	if err := s.Start('x', time.Second); !errors.Is(err, ErrUnknownDigit) {
		t.Errorf("digit x: %v", err)
	}
	for _, d := range []time.Duration{0, -time.Second, 39 * time.Millisecond, MaxDuration + time.Millisecond} {
		if err := s.Start('1', d); !errors.Is(err, ErrBadDuration) {
			t.Errorf("duration %v: %v", d, err)
		}
	}
	if err := s.SetVolume(64); !errors.Is(err, ErrBadVolume) {
		t.Errorf("volume 64: %v", err)
	}
	if err := s.Start('1', time.Second); err != nil {
		t.Fatal(err)
	}
	s.Next()
	if err := s.Start('2', time.Second); !errors.Is(err, ErrSenderBusy) {
		t.Errorf("start while busy: %v", err)
	}
	drain(t, s)
	if err := s.SetVolume(20); err != nil {
		t.Fatal(err)
	}
	if err := s.Start('2', time.Second); err != nil {
		t.Errorf("start after drain: %v", err)
	}
	if got := drain(t, s); got[0].e.Volume != 20 || got[0].e.Code != 2 {
		t.Errorf("first packet after SetVolume(20): %+v", got[0])
	}
	var zero Sender
	if _, _, done := zero.Next(); !done {
		t.Error("zero Sender not done")
	}
}

// TestSenderToReceiver checks that what a Sender emits is read back as
// exactly one digit each, also with the first packets lost.
func TestSenderToReceiver(t *testing.T) {
	var r Receiver
	s := NewSender()
	ts := uint32(0xFFFF0000) // crosses the wrap on the way
	var got []byte
	for lose := range 3 {
		for _, d := range []byte("0123456789*#ABCD!") {
			if err := s.Start(d, 60*time.Millisecond+time.Duration(lose)*20*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			evTS := ts
			i := 0
			for p, m, done := s.Next(); !done; p, m, done = s.Next() {
				if i >= lose {
					if digit, ok := r.Packet(42, evTS, m, p); ok {
						got = append(got, digit)
					}
				}
				i++
				ts += 160
			}
			ts += 1600 // some audio between digits
		}
	}
	if want := "0123456789*#ABCD!0123456789*#ABCD!0123456789*#ABCD!"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
