package tone

import (
	"math"
	"testing"
)

// goertzel returns the amplitude of the f Hz component of x: Goertzel's
// recurrence over a Hann-windowed x (so neighbouring tones do not leak into
// the bin), normalised so a sine of amplitude A gives A.
func goertzel(x []int16, rate int, f float64) float64 {
	w := 2 * math.Pi * f / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2 float64
	n := float64(len(x))
	for i, v := range x {
		hann := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/n)
		s1, s2 = float64(v)*hann+c*s1-s2, s1
	}
	power := s1*s1 + s2*s2 - c*s1*s2
	return 4 * math.Sqrt(max(0, power)) / n // 2 for one-sided, 2 for the window's gain
}

func rms(x []int16) float64 {
	var sum float64
	for _, v := range x {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(x)))
}

// render reads n samples of t at rate in one call.
func render(t *testing.T, tn Tone, rate, n int) []int16 {
	t.Helper()
	out := make([]int16, n)
	if got := NewGenerator(tn, rate).Read(out); got != n {
		t.Fatalf("Read returned %d, want %d", got, n)
	}
	return out
}

func mustParse(t testing.TB, spec string) Tone {
	t.Helper()
	tn, err := Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", spec, err)
	}
	return tn
}

// assertOnly checks that x carries the want frequencies (each above min
// amplitude) and that every other probe frequency is at least 40 dB below
// the weakest wanted one.
func assertOnly(t *testing.T, x []int16, rate int, want []float64, minAmp float64, probes []float64) {
	t.Helper()
	weakest := math.Inf(1)
	for _, f := range want {
		a := goertzel(x, rate, f)
		if a < minAmp {
			t.Errorf("%v Hz: amplitude %.0f, want ≥ %.0f", f, a, minAmp)
		}
		weakest = min(weakest, a)
	}
	for _, f := range probes {
		if a := goertzel(x, rate, f); a > weakest/100 {
			t.Errorf("%v Hz: amplitude %.1f, want below %.1f (-40 dB)", f, a, weakest/100)
		}
	}
}
