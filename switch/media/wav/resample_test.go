package wav

import (
	"errors"
	"math"
	"testing"
)

// interior drops the filter's edge transients (zero padding) from a
// resampled signal before measuring it.
func interior(x []int16) []int16 { return x[400 : len(x)-400] }

func TestTo8kMonoPassThrough(t *testing.T) {
	in := sine(800, 8000, 1000, 1000)
	out := To8kMono(in, Format{Rate: 8000, Channels: 1})
	if &out[0] != &in[0] || len(out) != len(in) {
		t.Fatal("8 kHz mono input was copied, want it returned as is")
	}
}

func TestTo8kMonoInvalidFormat(t *testing.T) {
	for _, f := range []Format{{Rate: 0, Channels: 1}, {Rate: 8000, Channels: 0}, {Rate: -1, Channels: -1}} {
		if out := To8kMono([]int16{1, 2}, f); out != nil {
			t.Errorf("%+v: got %v, want nil", f, out)
		}
	}
}

func TestDownmix(t *testing.T) {
	got := To8kMono([]int16{100, 300, -100, -300, 1, 2, 32767, 32767, -32768, -32768, 5}, Format{Rate: 8000, Channels: 2})
	// Averages round half away from zero; the odd last sample is a partial frame.
	equal16(t, got, []int16{200, -200, 2, 32767, -32768})
	got = To8kMono([]int16{1, 2, 3, 10, 20, 30}, Format{Rate: 8000, Channels: 3})
	equal16(t, got, []int16{2, 20})
	// Opposite channels cancel.
	l := sine(8000, 8000, 440, 10000)
	st := make([]int16, 0, 16000)
	for _, s := range l {
		st = append(st, s, -s)
	}
	if r := rms(To8kMono(st, Format{Rate: 8000, Channels: 2})); r != 0 {
		t.Errorf("opposite channels: rms %v, want 0", r)
	}
}

// The 16 kHz path: a 1 kHz tone keeps its frequency and level.
func TestHalfbandPassband(t *testing.T) {
	for _, f := range []float64{300, 1000, 3000} {
		in := sine(16000, 16000, f, 10000)
		out := To8kMono(in, Format{Rate: 16000, Channels: 1})
		if len(out) != 8000 {
			t.Fatalf("%v Hz: %d samples, want 8000", f, len(out))
		}
		mid := interior(out)
		amp := toneAmp(mid, 8000, f)
		if d := db(amp / 10000); math.Abs(d) > 1 {
			t.Errorf("%v Hz: level changed by %.2f dB, want within 1 dB", f, d)
		}
		// The tone is all there is: no other frequency carries energy.
		if share := (amp / math.Sqrt2) / rms(mid); share < 0.99 {
			t.Errorf("%v Hz: tone is %.3f of the signal, want ≥ 0.99", f, share)
		}
	}
}

// A 6 kHz tone in a 16 kHz prompt would alias to 2 kHz without a filter.
func TestHalfbandStopband(t *testing.T) {
	for _, f := range []float64{4700, 6000, 7900} {
		out := To8kMono(sine(16000, 16000, f, 20000), Format{Rate: 16000, Channels: 1})
		if d := db(rms(interior(out)) / (20000 / math.Sqrt2)); d > -40 {
			t.Errorf("%v Hz: attenuated by %.1f dB, want ≥ 40 dB", f, -d)
		}
	}
}

func TestResample44100(t *testing.T) {
	in := sine(44100, 44100, 440, 12000)
	out := To8kMono(in, Format{Rate: 44100, Channels: 1})
	if len(out) != 8000 {
		t.Fatalf("%d samples, want 8000", len(out))
	}
	mid := interior(out)
	amp := toneAmp(mid, 8000, 440)
	if d := db(amp / 12000); math.Abs(d) > 1 {
		t.Errorf("level changed by %.2f dB", d)
	}
	if share := (amp / math.Sqrt2) / rms(mid); share < 0.99 {
		t.Errorf("440 Hz is %.3f of the signal, want ≥ 0.99", share)
	}
	// Neighbouring frequencies are empty: the tone did not shift.
	for _, f := range []float64{420, 460} {
		if a := toneAmp(mid, 8000, f); a > amp/20 {
			t.Errorf("%v Hz has amplitude %.0f next to 440 Hz's %.0f", f, a, amp)
		}
	}
}

func TestResampleRates(t *testing.T) {
	for _, rate := range []int{6000, 11025, 12000, 22050, 24000, 32000, 44100, 48000, 96000, 192000, 8001, 7999} {
		n := rate // one second
		out := To8kMono(sine(n, rate, 1000, 10000), Format{Rate: rate, Channels: 1})
		want := (int64(n)*8000 + int64(rate) - 1) / int64(rate)
		if int64(len(out)) != want {
			t.Errorf("%d Hz: %d samples, want %d", rate, len(out), want)
			continue
		}
		mid := interior(out)
		amp := toneAmp(mid, 8000, 1000)
		if d := db(amp / 10000); math.Abs(d) > 1 {
			t.Errorf("%d Hz: level changed by %.2f dB", rate, d)
		}
		if share := (amp / math.Sqrt2) / rms(mid); share < 0.99 {
			t.Errorf("%d Hz: 1 kHz is %.3f of the signal, want ≥ 0.99", rate, share)
		}
	}
}

func TestResampleStopband(t *testing.T) {
	for _, c := range []struct {
		rate int
		f    float64
	}{{48000, 5000}, {44100, 6000}, {22050, 7000}, {11025, 4800}, {32000, 12000}} {
		out := To8kMono(sine(c.rate, c.rate, c.f, 20000), Format{Rate: c.rate, Channels: 1})
		if d := db(rms(interior(out)) / (20000 / math.Sqrt2)); d > -40 {
			t.Errorf("%v Hz at %d Hz: attenuated by %.1f dB, want ≥ 40 dB", c.f, c.rate, -d)
		}
	}
}

func TestResampleEdges(t *testing.T) {
	for _, rate := range []int{16000, 44100, 1} {
		for _, n := range []int{0, 1, 2, 3} {
			out := To8kMono(make([]int16, n), Format{Rate: rate, Channels: 1})
			if want := (n*8000 + rate - 1) / rate; len(out) != want {
				t.Errorf("%d samples at %d Hz: %d out, want %d", n, rate, len(out), want)
			}
		}
	}
	// Full-scale square waves overshoot (Gibbs) and must clamp, not wrap.
	sq := make([]int16, 4410)
	for i := range sq {
		sq[i] = 32767
		if i/20%2 == 1 {
			sq[i] = -32768
		}
	}
	for _, s := range To8kMono(sq, Format{Rate: 44100, Channels: 1})[50:700] {
		if s == 0 {
			t.Fatal("clamped square wave has a zero sample in its middle: wrapped?")
		}
	}
}

func TestLoad(t *testing.T) {
	st := make([]int16, 0, 2*16000)
	for _, s := range sine(16000, 16000, 1000, 8000) {
		st = append(st, s, s)
	}
	out, err := Load(Encode(st, 16000, 2))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 8000 {
		t.Fatalf("%d samples, want 8000", len(out))
	}
	if d := db(toneAmp(interior(out), 8000, 1000) / 8000); math.Abs(d) > 1 {
		t.Errorf("level changed by %.2f dB", d)
	}
	if _, err := Load([]byte("nope")); !errors.Is(err, ErrMalformed) {
		t.Errorf("garbage: %v, want ErrMalformed", err)
	}
}

// A tiny file claiming 1 Hz would grow 8000-fold: Load refuses it.
func TestLoadOutputLimit(t *testing.T) {
	frames := MaxSamples/8000 + 1
	_, err := Load(Encode(make([]int16, frames), 1, 1))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	out, err := Load(Encode(make([]int16, 20), 1, 1))
	if err != nil || len(out) != 160000 {
		t.Fatalf("20 samples at 1 Hz: %d samples, %v: want 160000", len(out), err)
	}
}

// The polyphase table and the direct sum are the same filter.
func TestPolyphaseMatchesDirect(t *testing.T) {
	for _, rate := range []int{11025, 44100, 48000, 6000, 96000} {
		x := sine(rate/2, rate, 1234, 15000)
		for i := range x { // add broadband content
			x[i] += int16((i*7919)%2001 - 1000)
		}
		n := (len(x)*8000 + rate - 1) / rate
		a, b := make([]int16, n), make([]int16, n)
		k := newKernel(rate)
		k.direct(x, a)
		k.polyphase(x, b, 8000/gcd(rate, 8000))
		for i := range a {
			if d := int(a[i]) - int(b[i]); d < -1 || d > 1 {
				t.Fatalf("%d Hz sample %d: direct %d, polyphase %d", rate, i, a[i], b[i])
			}
		}
	}
}
