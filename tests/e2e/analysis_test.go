package e2e

import (
	"math"
	"testing"
	"time"
)

func TestTonePowerDetectsTone(t *testing.T) {
	for _, freq := range []float64{697, 1477} {
		s := Tone(8000, freq, time.Second, 0.5)
		got := TonePower(s, 8000, freq)
		if math.Abs(got-0.25) > 0.02 {
			t.Errorf("%v Hz: power = %.4f, want about 0.25 (amplitude 0.5 squared)", freq, got)
		}
		other := 697 + 1477 - freq
		if leak := TonePower(s, 8000, other); leak > got/1e4 {
			t.Errorf("%v Hz tone: power at %v Hz = %.3g, want under 40 dB below %.3g", freq, other, leak, got)
		}
		dom, _ := DominantFrequency(s, 8000, 300, 3400, 10)
		if math.Abs(dom-freq) > 10 {
			t.Errorf("dominant = %v Hz, want %v Hz", dom, freq)
		}
	}
}

func TestTonePowerMixture(t *testing.T) {
	loud := Tone(8000, 1477, time.Second, 0.6)
	quiet := Tone(8000, 697, time.Second, 0.06)
	for i := range loud {
		loud[i] += quiet[i]
	}
	hi, lo := TonePower(loud, 8000, 1477), TonePower(loud, 8000, 697)
	if ratio := 10 * math.Log10(hi/lo); math.Abs(ratio-20) > 1 {
		t.Errorf("ratio = %.1f dB, want about 20 dB", ratio)
	}
}

func TestSilenceIsSilence(t *testing.T) {
	s := make([]int16, 8000)
	if p := TonePower(s, 8000, 697); p != 0 {
		t.Errorf("power of silence = %v, want 0", p)
	}
	if _, p := DominantFrequency(s, 8000, 300, 3400, 10); p != 0 {
		t.Errorf("dominant power of silence = %v, want 0", p)
	}
	if d := ActiveDuration(s, 8000, -40); d != 0 {
		t.Errorf("active duration of silence = %v, want 0", d)
	}
}

func TestActiveDuration(t *testing.T) {
	s := append(make([]int16, 4000), Tone(8000, 1000, 1500*time.Millisecond, 0.3)...)
	s = append(s, make([]int16, 4000)...)
	if d := ActiveDuration(s, 8000, -40); d != 1500*time.Millisecond {
		t.Errorf("active duration = %v, want 1.5s", d)
	}
}

func TestShortInputs(t *testing.T) {
	if p := TonePower([]int16{1, 2, 3}, 8000, 697); p != 0 {
		t.Errorf("power of 3 samples = %v, want 0", p)
	}
	if s := Skip([]int16{1, 2, 3}, 8000, time.Second); len(s) != 0 {
		t.Errorf("skip beyond end = %v, want empty", s)
	}
	if s := Skip(make([]int16, 8000), 8000, 500*time.Millisecond); len(s) != 4000 {
		t.Errorf("len after skip = %d, want 4000", len(s))
	}
	if Tone(0, 697, time.Second, 1) != nil {
		t.Error("Tone with rate 0 should be nil")
	}
}
