package plc

import (
	"math"
	"testing"
)

const frameLen = 160

// vowel returns n samples of a vowel-like signal: harmonics of f0 shaped by
// two formants (700 and 1200 Hz), peak around 10000.
func vowel(f0 float64, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		t := float64(i) / 8000
		var v float64
		for k := 1; f0*float64(k) < 3500; k++ {
			f := f0 * float64(k)
			a := math.Exp(-sq((f-700)/250)) + 0.6*math.Exp(-sq((f-1200)/300)) + 0.2/float64(k)
			v += a * math.Sin(2*math.Pi*f*t+float64(k)*0.7)
		}
		s[i] = int16(3500 * v)
	}
	return s
}

func sq(x float64) float64 { return x * x }

func energy(a, b []int16) float64 {
	var e float64
	for i := range a {
		d := float64(a[i])
		if b != nil {
			d -= float64(b[i])
		}
		e += d * d
	}
	return e
}

// A concealed 20 ms hole in a vowel has far less error energy than a hole
// filled with silence, counting the cross-faded frame after it. A 200 Hz
// vowel has a whole period (40 samples): only the fade is error. Other
// pitches drift in phase by the fraction of a sample per repeated period,
// which waveform repetition cannot avoid: the bound is looser.
func TestConcealHole(t *testing.T) {
	for _, tc := range []struct{ f0, maxRatio float64 }{{200, 0.1}, {173, 0.4}, {120, 0.4}, {310, 0.5}} {
		f0 := tc.f0
		sig := vowel(f0, 30*frameLen)
		var c Concealer
		out := make([]int16, len(sig))
		const hole = 20
		for k := 0; k < 30; k++ {
			f := out[k*frameLen : (k+1)*frameLen]
			copy(f, sig[k*frameLen:])
			if k == hole {
				c.Lost(f)
			} else {
				c.Good(f)
			}
		}
		span := sig[hole*frameLen : (hole+2)*frameLen]
		concealed := energy(out[hole*frameLen:(hole+2)*frameLen], span)
		silence := energy(span[:frameLen], nil)
		ratio := concealed / silence
		t.Logf("f0 %v Hz: period %d, error energy %.1f dB below silence filling", f0, c.period, -10*math.Log10(ratio))
		if ratio > tc.maxRatio {
			t.Errorf("f0 %v Hz: concealment error is %.2f of silence filling's, want < %v", f0, ratio, tc.maxRatio)
		}
		if want := int(math.Round(8000 / f0)); c.period%want > 1 && c.period%want < want-1 {
			t.Errorf("f0 %v Hz: pitch period %d, want a multiple of about %d", f0, c.period, want)
		}
		// before and well after the hole, nothing changed
		if energy(out[:hole*frameLen], sig[:hole*frameLen]) != 0 || energy(out[(hole+2)*frameLen:], sig[(hole+2)*frameLen:]) != 0 {
			t.Errorf("f0 %v Hz: frames away from the hole were modified", f0)
		}
	}
}

// A long loss fades out by 20 % per 10 ms after the first 10 ms and is
// silent from 60 ms on; the next good frame fades back in.
func TestLongLossFades(t *testing.T) {
	sig := vowel(200, 20*frameLen)
	var c Concealer
	for k := range 10 {
		c.Good(append([]int16(nil), sig[k*frameLen:(k+1)*frameLen]...))
	}
	out := make([]int16, 5*frameLen)
	for k := range 5 {
		c.Lost(out[k*frameLen : (k+1)*frameLen])
	}
	level := func(from, to int) float64 { return math.Sqrt(energy(out[from:to], nil) / float64(to-from)) }
	ref := level(0, 80)
	if ref < 1000 {
		t.Fatalf("first 10 ms of concealment at rms %.0f: nearly silent", ref)
	}
	prev := ref
	for b := 1; b < 6; b++ {
		l := level(b*80, (b+1)*80)
		// the mean gain of block b is 1 - 0.2*(b-0.5)
		if want := ref * (1 - 0.2*(float64(b)-0.5)); math.Abs(l-want) > 0.12*ref {
			t.Errorf("10 ms block %d at rms %.0f, want about %.0f", b, l, want)
		}
		if l >= prev {
			t.Errorf("10 ms block %d at rms %.0f, not below the previous %.0f", b, l, prev)
		}
		prev = l
	}
	for i, v := range out[480:] {
		if v != 0 {
			t.Fatalf("sample %d ms into the loss = %d, want silence after 60 ms", (480+i)/8, v)
		}
	}
	next := append([]int16(nil), sig[15*frameLen:16*frameLen]...)
	c.Good(next)
	if math.Abs(float64(next[0])) > 0.05*math.Abs(float64(sig[15*frameLen]))+200 {
		t.Errorf("first sample after a long loss = %d, want a fade in from silence (signal %d)", next[0], sig[15*frameLen])
	}
	if energy(next[joinMax:], sig[15*frameLen+joinMax:16*frameLen]) != 0 {
		t.Errorf("good frame changed beyond the 10 ms fade in")
	}
}

// A stream without loss passes unchanged.
func TestCleanStreamUnchanged(t *testing.T) {
	sig := vowel(140, 50*frameLen)
	var c Concealer
	for k := range 50 {
		f := append([]int16(nil), sig[k*frameLen:(k+1)*frameLen]...)
		c.Good(f)
		if energy(f, sig[k*frameLen:(k+1)*frameLen]) != 0 {
			t.Fatalf("frame %d modified without loss", k)
		}
	}
}

// Full-scale input and odd frame sizes stay in range and do not panic.
func TestSaturationAndSizes(t *testing.T) {
	var c Concealer
	sq := make([]int16, 400)
	for i := range sq {
		sq[i] = math.MaxInt16
		if i/20%2 == 1 {
			sq[i] = math.MinInt16
		}
	}
	c.Good(sq)
	out := make([]int16, 37)
	c.Lost(out)
	for i, v := range out {
		if v != math.MaxInt16 && v != math.MinInt16 && (v > -30000 && v < 30000) {
			t.Fatalf("concealed full-scale square wave sample %d = %d", i, v)
		}
	}
	c.Lost(nil)
	c.Good(nil)
	c.Good(make([]int16, 1))
	c.Lost(make([]int16, 1000))
	c.Reset()
	z := make([]int16, 160)
	c.Lost(z)
	if energy(z, nil) != 0 {
		t.Fatalf("loss before any speech is not silent")
	}
}

func TestNoAllocs(t *testing.T) {
	var c Concealer
	f := vowel(200, frameLen)
	if a := testing.AllocsPerRun(100, func() { c.Good(f); c.Lost(f) }); a != 0 {
		t.Fatalf("%v allocations per frame", a)
	}
}

func BenchmarkGood(b *testing.B) {
	var c Concealer
	f := vowel(200, frameLen)
	for b.Loop() {
		c.Good(f)
	}
}

// BenchmarkLostFirst is the first frame of an erasure: pitch search included.
func BenchmarkLostFirst(b *testing.B) {
	var c Concealer
	sig := vowel(200, 3*frameLen)
	dst := make([]int16, frameLen)
	c.Good(sig)
	for b.Loop() {
		c.Lost(dst)
		c.erased = 0 // the next Lost starts a new erasure
	}
}

// BenchmarkLostNext is a later frame of an erasure.
func BenchmarkLostNext(b *testing.B) {
	var c Concealer
	c.Good(vowel(200, 3*frameLen))
	dst := make([]int16, frameLen)
	c.Lost(dst)
	for b.Loop() {
		c.Lost(dst)
	}
}
