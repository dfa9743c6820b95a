package jitter

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{
		{MinDelay: -time.Millisecond},
		{MinDelay: 2 * time.Second},
		{MinDelay: 100 * time.Millisecond, MaxDelay: 50 * time.Millisecond},
		{MaxDelay: 2 * time.Second},
		{IdleAfter: -1},
		{FrameSize: -1},
		{FrameSize: MaxFrameSize + 1},
	} {
		if err := c.Validate(); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%+v: Validate() = %v, want ErrBadConfig", c, err)
		}
		// New clamps instead and works
		b, clk := newSim(c)
		pkts := newNetwork(1, 20*time.Millisecond).send(stream{ssrc: 1, ptime: 160, dur: 2 * time.Second})
		out := run(b, clk, pkts, 0, 2*time.Second)
		if count(out, Full) == 0 {
			t.Errorf("%+v: the clamped buffer played nothing", c)
		}
	}
	if err := (Config{MinDelay: 300 * time.Millisecond}).Validate(); err != nil {
		t.Errorf("a min delay above the default max: %v (max should follow)", err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
}

func TestIdleBeforeStart(t *testing.T) {
	b, _ := newSim(Config{Silence: 0xD5})
	dst := make([]byte, 160)
	if st := b.Pop(dst); st != Idle {
		t.Fatalf("Pop before any packet = %v, want idle", st)
	}
	for i, c := range dst {
		if c != 0xD5 {
			t.Fatalf("dst[%d] = %#x, want the configured silence 0xd5", i, c)
		}
	}
	if st := b.Pop(nil); st != Idle {
		t.Fatalf("Pop(nil) = %v", st)
	}
}

func TestInvalidPayloads(t *testing.T) {
	b, _ := newSim(Config{})
	b.Push(1, 1, 0, false, nil)
	b.Push(1, 1, 0, false, make([]byte, MaxPayloadSize+1))
	if s := b.Stats(); s.Invalid != 2 || s.Received != 0 {
		t.Fatalf("stats %+v, want 2 invalid and nothing received", s)
	}
	if st := b.Pop(make([]byte, 160)); st != Idle {
		t.Fatalf("Pop after invalid packets only = %v, want idle", st)
	}
}

// No jitter: nothing lost, bytes in order, and the delay is MinDelay plus at
// most one frame (the phase of the clock against the arrivals).
func TestNoJitter(t *testing.T) {
	for _, phase := range []time.Duration{0, 3 * time.Millisecond, 11 * time.Millisecond, 19 * time.Millisecond} {
		b, clk := newSim(Config{})
		net := newNetwork(1, 35*time.Millisecond)
		pkts := net.send(stream{ssrc: 7, seq: 100, ts: 5000, ptime: 160, dur: 10 * time.Second})
		out := run(b, clk, pkts, phase, 10*time.Second)
		firstFull := -1
		for i, o := range out {
			if o.status == Full {
				firstFull = i
				break
			}
		}
		if firstFull < 0 {
			t.Fatalf("phase %v: nothing played", phase)
		}
		if out[firstFull].data[0] != 0 {
			t.Fatalf("phase %v: first frame starts with %d, want the first sample", phase, out[firstFull].data[0])
		}
		delay := out[firstFull].at - pkts[0].at
		if delay < DefaultMinDelay || delay > DefaultMinDelay+20*time.Millisecond {
			t.Errorf("phase %v: delay %v, want 40-60 ms", phase, delay)
		}
		s := b.Stats()
		if s.Lost != 0 || s.Dropped != 0 || s.Late != 0 || s.Played < 494 {
			t.Errorf("phase %v: stats %+v, want 494+ played, none lost", phase, s)
		}
		if i := inOrder(out); i >= 0 {
			t.Errorf("phase %v: out of order at frame %d", phase, i)
		}
		// Stats.Delay counts from the arrival of a frame's first sample.
		if s.Delay != delay {
			t.Errorf("phase %v: Stats.Delay %v, measured %v", phase, s.Delay, delay)
		}
	}
}

// Any ptime plays out in 160-sample frames, in order, without loss.
func TestPtimes(t *testing.T) {
	for _, ptime := range []int{80, 160, 240, 320, 480} {
		b, clk := newSim(Config{})
		net := newNetwork(2, 20*time.Millisecond)
		pkts := net.send(stream{ssrc: 9, ts: 1, ptime: ptime, dur: 6 * time.Second})
		out := run(b, clk, pkts, 7*time.Millisecond, 6*time.Second)
		s := b.Stats()
		if s.Lost != 0 || s.Played < 294 {
			t.Errorf("ptime %d: stats %+v, want 294+ frames played, none lost", ptime, s)
		}
		if i := inOrder(out); i >= 0 {
			t.Errorf("ptime %d: out of order at frame %d", ptime, i)
		}
	}
}

// Jitter: after the adaptation, fewer than 1 % of the frames are lost.
func TestJitterAdapts(t *testing.T) {
	cases := []struct {
		name      string
		jitter    func(*rand.Rand) time.Duration // extra delay per packet
		jLo, jHi  time.Duration                  // expected RFC 3550 jitter
		maxTarget time.Duration
	}{
		{"uniform 0-30ms", uniform(30 * time.Millisecond), 7 * time.Millisecond, 13 * time.Millisecond, 60 * time.Millisecond},
		{"uniform 0-90ms (30 ms jitter)", uniform(90 * time.Millisecond), 22 * time.Millisecond, 38 * time.Millisecond, 150 * time.Millisecond},
		{"normal sd 30ms", func(r *rand.Rand) time.Duration {
			return time.Duration(max(0, 40+30*r.NormFloat64()) * float64(time.Millisecond))
		}, 22 * time.Millisecond, 48 * time.Millisecond, 200 * time.Millisecond},
	}
	for _, tc := range cases {
		for seed := uint64(1); seed <= 5; seed++ {
			b, clk := newSim(Config{})
			net := newNetwork(seed, 30*time.Millisecond)
			net.jitter = tc.jitter
			pkts := net.send(stream{ssrc: 3, ts: 77, ptime: 160, dur: 60 * time.Second})
			out := run(b, clk, pkts, 5*time.Millisecond, 60*time.Second)
			warm := 250 // 5 s to adapt
			lost := count(out[warm:], Lost)
			frames := len(out) - warm
			s := b.Stats()
			if lost*100 >= frames {
				t.Errorf("%s seed %d: %d of %d frames lost after adaptation (stats %+v)", tc.name, seed, lost, frames, s)
			}
			if s.Jitter < tc.jLo || s.Jitter > tc.jHi {
				t.Errorf("%s seed %d: jitter %v, want %v-%v", tc.name, seed, s.Jitter, tc.jLo, tc.jHi)
			}
			if s.Target > tc.maxTarget {
				t.Errorf("%s seed %d: target %v over %v: the delay grew more than needed", tc.name, seed, s.Target, tc.maxTarget)
			}
			if i := inOrder(out[warm:]); i >= 0 && lost == 0 && s.Dropped == 0 {
				t.Errorf("%s seed %d: out of order at frame %d", tc.name, seed, warm+i)
			}
			t.Logf("%s seed %d: lost %d/%d, late %d, dropped %d, target %v, delay %v, jitter %v",
				tc.name, seed, lost, frames, s.Late, s.Dropped, s.Target, s.Delay, s.Jitter)
		}
	}
}
