package mix

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

const frame = 160

func tone(hz float64, amp float64) []int16 {
	s := make([]int16, frame)
	for i := range s {
		s[i] = int16(amp * math.Sin(2*math.Pi*hz*float64(i)/8000))
	}
	return s
}

// goertzel returns the amplitude of the hz component of s.
func goertzel(s []int16, hz float64) float64 {
	w := 2 * math.Pi * hz / 8000
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range s {
		s1, s2 = float64(v)+c*s1-s2, s1
	}
	p := s1*s1 + s2*s2 - c*s1*s2
	return 2 * math.Sqrt(math.Max(p, 0)) / float64(len(s))
}

// Tones on whole DFT bins of a 160-sample frame (50 Hz apart).
var tones = []float64{400, 1000, 1750}

func TestEachHearsTheOthers(t *testing.T) {
	m := New(frame)
	ins := [][]int16{tone(tones[0], 8000), tone(tones[1], 8000), tone(tones[2], 8000)}
	outs := [][]int16{make([]int16, frame), make([]int16, frame), make([]int16, frame)}
	full := make([]int16, frame)
	if err := m.Mix(outs, ins, []bool{true, true, true}, full); err != nil {
		t.Fatal(err)
	}
	for p, out := range outs {
		for q, hz := range tones {
			a := goertzel(out, hz)
			if q == p && a > 1 {
				t.Errorf("participant %d hears its own %v Hz at %.1f", p, hz, a)
			}
			if q != p && math.Abs(a-8000) > 10 {
				t.Errorf("participant %d hears %v Hz at %.1f, want 8000", p, hz, a)
			}
		}
	}
	for _, hz := range tones {
		if a := goertzel(full, hz); math.Abs(a-8000) > 10 {
			t.Errorf("full mix has %v Hz at %.1f, want 8000", hz, a)
		}
	}
}

// A muted participant is heard by nobody and hears everyone.
func TestMuted(t *testing.T) {
	m := New(frame)
	ins := [][]int16{tone(tones[0], 8000), tone(tones[1], 8000), tone(tones[2], 8000), nil}
	outs := [][]int16{make([]int16, frame), make([]int16, frame), make([]int16, frame), make([]int16, frame)}
	speaking := []bool{true, false, true, false} // 1 muted, 3 only listens
	if err := m.Mix(outs, ins, speaking, nil); err != nil {
		t.Fatal(err)
	}
	for p, out := range outs {
		for q, hz := range tones {
			a := goertzel(out, hz)
			heard := speaking[q] && q != p
			if heard && math.Abs(a-8000) > 10 || !heard && a > 1 {
				t.Errorf("participant %d hears %v Hz at %.1f (heard %v)", p, hz, a, heard)
			}
		}
	}
	if fmt.Sprint(outs[1]) != fmt.Sprint(outs[3]) {
		t.Errorf("the muted participant and the listener should hear the same full mix")
	}
}

func TestSaturation(t *testing.T) {
	m := New(frame)
	hi, lo := make([]int16, frame), make([]int16, frame)
	for i := range hi {
		hi[i], lo[i] = 30000, -30000
	}
	outs := [][]int16{make([]int16, frame), make([]int16, frame), make([]int16, frame), make([]int16, frame), make([]int16, frame)}
	if err := m.Mix(outs, [][]int16{hi, hi, lo, lo, lo}, []bool{true, true, false, false, true}, nil); err != nil {
		t.Fatal(err)
	}
	// the sum is 30000: participant 0 and 1 hear 0, 2 and 3 hear 30000, 4 hears 60000 -> 32767
	for p, want := range []int16{0, 0, 30000, 30000, math.MaxInt16} {
		if outs[p][7] != want {
			t.Errorf("participant %d hears %d, want %d", p, outs[p][7], want)
		}
	}
	if err := m.Mix(outs[:3], [][]int16{lo, lo, hi}, []bool{true, true, true}, nil); err != nil {
		t.Fatal(err)
	}
	for p, want := range []int16{0, 0, math.MinInt16} {
		if outs[p][0] != want {
			t.Errorf("negative: participant %d hears %d, want %d", p, outs[p][0], want)
		}
	}
	// 50 full-scale speakers: no int32 overflow, every output clipped
	ins, outs2, sp := make([][]int16, 50), make([][]int16, 50), make([]bool, 50)
	for p := range ins {
		ins[p], outs2[p], sp[p] = lo, make([]int16, frame), true
	}
	if err := m.Mix(outs2, ins, sp, nil); err != nil {
		t.Fatal(err)
	}
	for p := range outs2 {
		if outs2[p][0] != math.MinInt16 {
			t.Fatalf("participant %d of 50 hears %d", p, outs2[p][0])
		}
	}
}

// Mixing in place (outs[p] == ins[p]) gives the same result.
func TestInPlace(t *testing.T) {
	m := New(frame)
	ins := [][]int16{tone(tones[0], 9000), tone(tones[1], 9000), tone(tones[2], 9000)}
	want := [][]int16{make([]int16, frame), make([]int16, frame), make([]int16, frame)}
	sp := []bool{true, true, true}
	if err := m.Mix(want, ins, sp, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Mix(ins, ins, sp, nil); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ins) != fmt.Sprint(want) {
		t.Fatal("in-place mix differs")
	}
}

func TestErrors(t *testing.T) {
	for _, n := range []int{0, -1, MaxFrameSize + 1} {
		if err := New(n).Mix(nil, nil, nil, nil); !errors.Is(err, ErrFrameSize) {
			t.Errorf("New(%d).Mix = %v, want ErrFrameSize", n, err)
		}
	}
	m := New(frame)
	f := make([]int16, frame)
	short := make([]int16, frame-1)
	for i, c := range []struct {
		outs, ins [][]int16
		sp        []bool
	}{
		{[][]int16{f}, [][]int16{f, f}, []bool{true, true}},
		{[][]int16{f, f}, [][]int16{f, f}, []bool{true}},
		{[][]int16{f, f}, [][]int16{f, short}, []bool{true, true}},
		{[][]int16{f, short}, [][]int16{f, f}, []bool{true, true}},
		{[][]int16{f, f}, [][]int16{f, nil}, []bool{true, true}},
	} {
		if err := m.Mix(c.outs, c.ins, c.sp, nil); !errors.Is(err, ErrMismatch) {
			t.Errorf("case %d: %v, want ErrMismatch", i, err)
		}
	}
	if err := m.Mix([][]int16{f, nil}, [][]int16{f, nil}, []bool{true, false}, nil); err != nil {
		t.Errorf("nil output and silent nil input: %v", err)
	}
	if err := m.Mix([][]int16{f}, [][]int16{f}, []bool{true}, short); !errors.Is(err, ErrMismatch) {
		t.Errorf("full mix into a short frame: %v", err)
	}
	outs, ins, sp := [][]int16{f, f}, [][]int16{f, f}, []bool{true, true}
	if a := testing.AllocsPerRun(100, func() { _ = m.Mix(outs, ins, sp, f) }); a != 0 {
		t.Errorf("%v allocations per mix", a)
	}
}

func BenchmarkMix(b *testing.B) {
	for _, n := range []int{3, 10, 50} {
		b.Run(fmt.Sprintf("participants=%d", n), func(b *testing.B) {
			m := New(frame)
			ins, outs, sp, full := make([][]int16, n), make([][]int16, n), make([]bool, n), make([]int16, frame)
			for p := range ins {
				ins[p], outs[p], sp[p] = tone(300+50*float64(p), 5000), make([]int16, frame), true
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = m.Mix(outs, ins, sp, full)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/participant")
		})
	}
}
