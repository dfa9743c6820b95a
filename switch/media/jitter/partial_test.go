package jitter

import (
	"testing"
	"time"
)

// A frame missing half or less of its samples is Full with the holes filled
// with Config.Silence; missing more, it is Lost.
func TestPartialFrames(t *testing.T) {
	b, clk := newSim(Config{Silence: 0xD5})
	pkts := newNetwork(10, 20*time.Millisecond).send(stream{ssrc: 1, ts: 0, ptime: 80, dur: 2 * time.Second})
	drop := map[uint16]bool{
		21: true,           // half of frame 10: Full with 80 silence bytes
		40: true, 41: true, // all of frame 20: Lost
	}
	kept := pkts[:0]
	for _, p := range pkts {
		if !drop[p.seq] {
			kept = append(kept, p)
		}
	}
	out := run(b, clk, kept, 3*time.Millisecond, 2*time.Second)
	frame := -1
	for _, o := range out {
		if o.status == Idle {
			continue
		}
		frame++
		switch frame {
		case 10:
			if o.status != Full {
				t.Fatalf("frame 10 missing half: %v, want full", o.status)
			}
			for i, c := range o.data {
				want := byte(frame*160 + i)
				if i >= 80 {
					want = 0xD5
				}
				if c != want {
					t.Fatalf("frame 10 byte %d = %#x, want %#x", i, c, want)
				}
			}
		case 20:
			if o.status != Lost {
				t.Fatalf("frame 20 missing all: %v, want lost", o.status)
			}
		default:
			if o.status != Full || o.data[0] != byte(frame*160) {
				t.Fatalf("frame %d: %v starting %d", frame, o.status, o.data[0])
			}
		}
	}
	if s := b.Stats(); s.Lost != 1 {
		t.Fatalf("stats %+v, want 1 lost frame", s)
	}
}

func TestNoAllocs(t *testing.T) {
	b, clk := newSim(Config{})
	payload := make([]byte, 160)
	dst := make([]byte, 160)
	var ts uint32
	var seq uint16
	allocs := testing.AllocsPerRun(1000, func() {
		clk.t += 20 * time.Millisecond
		b.Push(1, seq, ts, false, payload)
		b.Pop(dst)
		seq++
		ts += 160
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per packet and frame", allocs)
	}
}
