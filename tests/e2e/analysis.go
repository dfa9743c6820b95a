package e2e

import (
	"math"
	"time"
)

const (
	// toneFrame is the Goertzel block: 50 ms gives 20 Hz resolution, fine
	// enough to tell DTMF-like tones apart and short enough that the
	// frames add up robustly over a jittery recording.
	toneFrame = 50 * time.Millisecond
	// levelFrame is the block used to decide loud versus silent: one
	// G.711 packet at the usual 20 ms ptime.
	levelFrame = 20 * time.Millisecond
)

// TonePower returns the mean power at freq over Hann-windowed 50 ms
// frames of samples, normalised so that a sine of peak amplitude a
// (fraction of full scale) at freq gives about a*a. It returns 0 when
// samples hold less than one frame.
func TonePower(samples []int16, rate int, freq float64) float64 {
	n := framesLen(rate, toneFrame)
	if n < 2 || len(samples) < n {
		return 0
	}
	win, winSum := hann(n)
	coeff := 2 * math.Cos(2*math.Pi*freq/float64(rate))
	var total float64
	frames := 0
	for off := 0; off+n <= len(samples); off += n {
		total += goertzel(samples[off:off+n], win, coeff)
		frames++
	}
	// |X| of a windowed sine of amplitude A is A*sum(w)/2 (in units of
	// full scale), hence the scaling.
	scale := 2 / (winSum * math.MaxInt16)
	return total / float64(frames) * scale * scale
}

// DominantFrequency scans lo..hi Hz in steps of step Hz and returns the
// frequency with the highest TonePower, and that power.
func DominantFrequency(samples []int16, rate int, lo, hi, step float64) (freq, power float64) {
	if step <= 0 || hi < lo {
		return 0, 0
	}
	for f := lo; f <= hi; f += step {
		if p := TonePower(samples, rate, f); p > power {
			freq, power = f, p
		}
	}
	return freq, power
}

// ActiveDuration returns how much of samples is louder than thresholdDBFS
// (RMS relative to a full-scale square wave), counted in 20 ms frames.
func ActiveDuration(samples []int16, rate int, thresholdDBFS float64) time.Duration {
	n := framesLen(rate, levelFrame)
	if n < 1 {
		return 0
	}
	limit := math.Pow(10, thresholdDBFS/20) * math.MaxInt16
	active := 0
	for off := 0; off+n <= len(samples); off += n {
		var sum float64
		for _, s := range samples[off : off+n] {
			sum += float64(s) * float64(s)
		}
		if math.Sqrt(sum/float64(n)) > limit {
			active++
		}
	}
	return time.Duration(active) * levelFrame
}

// Skip returns samples without their first d of audio (empty if shorter).
func Skip(samples []int16, rate int, d time.Duration) []int16 {
	n := framesLen(rate, d)
	if n >= len(samples) {
		return nil
	}
	return samples[max(n, 0):]
}

func framesLen(rate int, d time.Duration) int {
	return int(int64(rate) * int64(d) / int64(time.Second))
}

// goertzel returns |X(f)|^2 of the windowed block, with coeff = 2cos(2*pi*f/fs).
func goertzel(block []int16, win []float64, coeff float64) float64 {
	var s1, s2 float64
	for i, x := range block {
		s := float64(x)*win[i] + coeff*s1 - s2
		s2, s1 = s1, s
	}
	return s1*s1 + s2*s2 - coeff*s1*s2
}

// hann returns a periodic Hann window of length n and the sum of its taps.
func hann(n int) (win []float64, sum float64) {
	win = make([]float64, n)
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
		sum += win[i]
	}
	return win, sum
}
