package jitter

import (
	"testing"
	"time"
)

// firstFullAfter returns the index of the first Full frame popped at or
// after at, or -1.
func firstFullAfter(out []popped, at time.Duration) int {
	for i, o := range out {
		if o.at >= at && o.status == Full {
			return i
		}
	}
	return -1
}

// lastFullBefore returns the index of the last Full frame popped before at, or -1.
func lastFullBefore(out []popped, at time.Duration) int {
	last := -1
	for i, o := range out {
		if o.at < at && o.status == Full {
			last = i
		}
	}
	return last
}

func split(out []popped, at time.Duration) (before, after []popped) {
	for i, o := range out {
		if o.at >= at {
			return out[:i], out[i:]
		}
	}
	return out, nil
}

// Network loss shows up as exactly one Lost frame per lost 20 ms packet;
// duplicates are counted and dropped, even after their frame played.
func TestLossAndDuplicates(t *testing.T) {
	b, clk := newSim(Config{})
	net := newNetwork(3, 25*time.Millisecond)
	net.loss, net.dup = 0.05, 0.05
	s := stream{ssrc: 1, ts: 1, ptime: 160, dur: 20 * time.Second}
	pkts := net.send(s)
	out := run(b, clk, pkts, 9*time.Millisecond, 20*time.Second)
	seen := map[uint16]bool{}
	dups := 0
	for _, p := range pkts {
		if seen[p.seq] {
			dups++
		}
		seen[p.seq] = true
	}
	st := b.Stats()
	played := int(st.Played + st.Lost)
	missing := 0
	for k := range played {
		if !seen[uint16(k)] {
			missing++
		}
	}
	if int(st.Lost) != missing {
		t.Errorf("%d frames lost, %d packets missing among the first %d", st.Lost, missing, played)
	}
	if int(st.Duplicates) != dups || dups == 0 {
		t.Errorf("%d duplicates counted, %d sent", st.Duplicates, dups)
	}
	if st.Late != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v: nothing should be late or dropped", st)
	}
	if i := inOrderSkippingLost(out); i >= 0 {
		t.Errorf("out of order at frame %d", i)
	}
}

// inOrderSkippingLost checks the pattern across Lost frames too: each Full
// frame starts where its position in the stream says.
func inOrderSkippingLost(out []popped) int {
	k := -1
	for i, o := range out {
		switch o.status {
		case Full:
			if k >= 0 && o.data[0] != byte(k*160) {
				return i
			}
			if k < 0 {
				k = int(o.data[0]) / 160 // the first frame is frame 0 or 1 here
			}
			for j := 1; j < len(o.data); j++ {
				if o.data[j] != o.data[j-1]+1 {
					return i
				}
			}
			k++
		case Lost:
			if k >= 0 {
				k++
			}
		}
	}
	return -1
}

// Packets swapped in pairs play in order.
func TestReorder(t *testing.T) {
	b, clk := newSim(Config{})
	pkts := newNetwork(4, 30*time.Millisecond).send(stream{ssrc: 2, ts: 99, ptime: 160, dur: 5 * time.Second})
	for i := 0; i+1 < len(pkts); i += 2 {
		pkts[i].at, pkts[i+1].at = pkts[i+1].at, pkts[i].at+time.Millisecond
	}
	sortArrivals(pkts)
	out := run(b, clk, pkts, 13*time.Millisecond, 5*time.Second)
	// Packet 0 comes 39 ms after packet 1: the buffer learns that much
	// jitter at once and may stall one frame to build the delay.
	if s := b.Stats(); s.Lost > 1 || s.Late != 0 || s.Played < 240 {
		t.Fatalf("stats %+v, want 240+ played, at most 1 lost", s)
	}
	if i := inOrder(out); i >= 0 {
		t.Fatalf("out of order at frame %d", i)
	}
}

// Timestamps and sequence numbers wrap, with jitter reordering across the wrap.
func TestWrap(t *testing.T) {
	for _, ptime := range []int{80, 160, 240} {
		b, clk := newSim(Config{})
		net := newNetwork(5, 30*time.Millisecond)
		net.jitter = uniform(25 * time.Millisecond)
		pkts := net.send(stream{ssrc: 3, seq: 0xFFF0, ts: 0xFFFFFFFF - 3000, ptime: ptime, dur: 5 * time.Second})
		out := run(b, clk, pkts, time.Millisecond, 5*time.Second)
		if s := b.Stats(); s.Lost != 0 || s.Late != 0 || s.Resyncs != 0 || s.Played < 240 {
			t.Errorf("ptime %d: stats %+v, want 240+ played, none lost", ptime, s)
		}
		if i := inOrder(out); i >= 0 {
			t.Errorf("ptime %d: out of order at frame %d", ptime, i)
		}
	}
}

// A change of stream (new SSRC, or a timestamp jump that the arrival times
// do not explain) resynchronises at once: no waiting, no seconds of loss.
func TestResync(t *testing.T) {
	const at = 3 * time.Second
	first := stream{ssrc: 10, seq: 500, ts: 123456, ptime: 160, dur: at}
	for _, tc := range []struct {
		name     string
		second   stream
		maxLate  uint64 // packets of the new stream dropped before the resync
		maxNoise int    // non-Full frames between the two streams
	}{
		{"new ssrc", stream{ssrc: 11, seq: 9, ts: 0x80000000, base: 0x41, ptime: 160, start: at, dur: at}, 0, 3},
		{"ts jumps 5 s ahead", stream{ssrc: 10, seq: 500 + 150, ts: 123456 + 150*160 + 5*ClockRate, base: 0x41, ptime: 160, start: at, dur: at}, 0, 3},
		{"ts jumps 5 s back", stream{ssrc: 10, seq: 500 + 150, ts: 123456 + 150*160 - 5*ClockRate, base: 0x41, ptime: 160, start: at, dur: at}, 1, 4},
		{"ts jumps back 300 ms", stream{ssrc: 10, seq: 500 + 150, ts: 123456 + 150*160 - 2400, base: 0x41, ptime: 160, start: at, dur: at}, 1, 4},
	} {
		b, clk := newSim(Config{})
		net := newNetwork(6, 20*time.Millisecond)
		pkts := append(net.send(first), net.send(tc.second)...)
		sortArrivals(pkts)
		out := run(b, clk, pkts, 4*time.Millisecond, 2*at)
		s := b.Stats()
		if s.Resyncs != 1 || s.Late > tc.maxLate {
			t.Errorf("%s: stats %+v, want 1 resync", tc.name, s)
		}
		next := -1
		for i, o := range out {
			if o.status == Full && o.data[0] == tc.second.base+byte(160*tc.maxLate) {
				next = i
				break
			}
		}
		if next < 0 {
			t.Errorf("%s: the second stream did not start playing from its start", tc.name)
			continue
		}
		before, after := out[:next], out[next:]
		if i := inOrder(before); i >= 0 {
			t.Errorf("%s: first stream out of order at frame %d", tc.name, i)
		}
		if i := inOrder(after); i >= 0 {
			t.Errorf("%s: second stream out of order at frame %d", tc.name, i)
		}
		if last := lastFullBefore(out, out[next].at); next-last-1 > tc.maxNoise {
			t.Errorf("%s: %d frames between the streams, want at most %d", tc.name, next-last-1, tc.maxNoise)
		}
		if d := out[next].at - (at + 20*time.Millisecond + net.delay); d > DefaultMinDelay+20*time.Millisecond+time.Duration(tc.maxLate)*20*time.Millisecond {
			t.Errorf("%s: the second stream played %v after its first packet", tc.name, d)
		}
		if lost := count(after, Lost); lost > 1 {
			t.Errorf("%s: %d frames lost after the switch", tc.name, lost)
		}
	}
}

// Packets of the old SSRC that arrive after the switch are stragglers: they
// do not switch the buffer back.
func TestOldSSRCStragglers(t *testing.T) {
	b, clk := newSim(Config{})
	net := newNetwork(11, 20*time.Millisecond)
	a := net.send(stream{ssrc: 1, ts: 0, ptime: 160, dur: 2 * time.Second})
	c := net.send(stream{ssrc: 2, ts: 99999, base: 0x41, ptime: 160, start: 2 * time.Second, dur: 2 * time.Second})
	a[len(a)-1].at += 50 * time.Millisecond // the old stream's last packet comes after the new one's first two
	a[len(a)-2].at += 45 * time.Millisecond
	pkts := append(a, c...)
	sortArrivals(pkts)
	out := run(b, clk, pkts, 3*time.Millisecond, 4*time.Second)
	s := b.Stats()
	if s.Resyncs != 1 || s.Late != 2 {
		t.Fatalf("stats %+v, want 1 resync and the 2 stragglers late", s)
	}
	_, after := split(out, 2*time.Second+60*time.Millisecond)
	if i := inOrder(after); i >= 0 || count(after, Lost) != 0 {
		t.Fatalf("new stream disturbed by stragglers at frame %d", i)
	}
}

// Silence suppression: a gap in timestamps that matches the gap in time
// plays as a gap, and the next talkspurt (marker) plays at the right delay.
func TestTalkspurt(t *testing.T) {
	b, clk := newSim(Config{})
	net := newNetwork(7, 30*time.Millisecond)
	a := stream{ssrc: 1, ts: 1000, ptime: 160, dur: 2 * time.Second}
	gap := 100 * time.Millisecond
	c := stream{ssrc: 1, seq: 100, ts: 1000 + uint32((2*time.Second+gap)/(time.Second/ClockRate)), base: 0x40, ptime: 160, start: 2*time.Second + gap, dur: 2 * time.Second}
	pkts := append(net.send(a), net.send(c)...)
	out := run(b, clk, pkts, 17*time.Millisecond, 4*time.Second)
	s := b.Stats()
	if s.Resyncs != 0 || s.Dropped != 0 || s.Late != 0 {
		t.Fatalf("stats %+v: a talkspurt is no resync", s)
	}
	// the gap is 5 frames: lost while the buffer cannot tell silence from loss
	if s.Lost > 5 {
		t.Fatalf("%d lost frames for a 100 ms gap", s.Lost)
	}
	_, after := split(out, 2*time.Second+gap)
	if i := inOrder(after); i >= 0 {
		t.Fatalf("talkspurt out of order at frame %d", i)
	}
	next := firstFullAfter(out, 2*time.Second+gap)
	if d := out[next].at - (c.start + 20*time.Millisecond + net.delay); d < DefaultMinDelay || d > DefaultMinDelay+20*time.Millisecond {
		t.Fatalf("talkspurt played %v after its first packet, want 40-60 ms", d)
	}
}

// When the peer stops, the buffer plays what it holds, conceals a little,
// then goes Idle; the next packet starts again cleanly.
func TestStopRestart(t *testing.T) {
	for _, tsJump := range []uint32{0, 0x12345678} {
		b, clk := newSim(Config{})
		net := newNetwork(8, 30*time.Millisecond)
		a := stream{ssrc: 4, ts: 1, ptime: 160, dur: 2 * time.Second}
		restart := 3 * time.Second
		c := stream{ssrc: 4, seq: 1000, ts: 1 + uint32(restart/(time.Second/ClockRate)) + tsJump, base: 0x40, ptime: 160, start: restart, dur: 2 * time.Second}
		pkts := append(net.send(a), net.send(c)...)
		out := run(b, clk, pkts, 2*time.Millisecond, 5*time.Second)
		last := lastFullBefore(out, restart)
		lost, idleAt := 0, -1
		for i := last + 1; i < len(out) && out[i].at < restart; i++ {
			switch out[i].status {
			case Lost:
				lost++
				if idleAt >= 0 {
					t.Fatalf("jump %#x: lost frame after idle", tsJump)
				}
			case Idle:
				if idleAt < 0 {
					idleAt = i
				}
			case Full:
				t.Fatalf("jump %#x: full frame after the stream ended", tsJump)
			}
		}
		if idleAt < 0 || lost > 9 {
			t.Fatalf("jump %#x: %d lost frames, idle at %d: want idle within 200 ms", tsJump, lost, idleAt)
		}
		s := b.Stats()
		if s.Resyncs != 0 || s.Late != 0 {
			t.Fatalf("jump %#x: stats %+v, a restart after idle is no resync", tsJump, s)
		}
		next := firstFullAfter(out, restart)
		if d := out[next].at - (restart + 20*time.Millisecond + net.delay); d < DefaultMinDelay || d > DefaultMinDelay+20*time.Millisecond {
			t.Fatalf("jump %#x: restart played %v after its first packet, want 40-60 ms", tsJump, d)
		}
		if _, after := split(out, restart); inOrder(after) >= 0 || out[next].data[0] != 0x40 {
			t.Fatalf("jump %#x: restarted stream out of order", tsJump)
		}
	}
}

// One late packet raises the target at once; after a calm minute the delay
// is back near MinDelay.
func TestLateGrowsThenShrinks(t *testing.T) {
	b, clk := newSim(Config{})
	pkts := newNetwork(9, 30*time.Millisecond).send(stream{ssrc: 5, ts: 1, ptime: 160, dur: 70 * time.Second})
	pkts[100].at += 100 * time.Millisecond
	sortArrivals(pkts)
	run(b, clk, pkts, 10*time.Millisecond, 3*time.Second)
	s := b.Stats()
	if s.Late != 1 || s.Target < 90*time.Millisecond || s.Delay < 100*time.Millisecond {
		t.Fatalf("after a packet 100 ms late: stats %+v, want 1 late and a target of 100 ms or more", s)
	}
	// the late packet's frame, then stalls to build the extra delay
	if s.Lost < 2 || s.Lost > 6 {
		t.Fatalf("after a packet 100 ms late: %d frames lost", s.Lost)
	}
	out := runFrom(b, clk, pkts, 3*time.Second, 70*time.Second)
	s = b.Stats()
	if s.Target != DefaultMinDelay || s.Delay > DefaultMinDelay+20*time.Millisecond || s.Dropped == 0 {
		t.Fatalf("after a calm minute: stats %+v, want the delay back to 40-60 ms", s)
	}
	if lost := count(out, Lost); lost != 0 {
		t.Fatalf("%d frames lost while shrinking", lost)
	}
}

// runFrom is run for the packets arriving after from.
func runFrom(b *Buffer, clk *simClock, pkts []packet, from, end time.Duration) []popped {
	i := 0
	for i < len(pkts) && pkts[i].at <= from-10*time.Millisecond {
		i++
	}
	return run(b, clk, pkts[i:], from+10*time.Millisecond, end)
}
