package dtmf

import (
	"math"
	"math/rand/v2"
)

// Test signals are built in float64 and converted to PCM at the end.

// amp returns the peak amplitude of a sine at level dBm0.
func amp(dbm0 float64) float64 { return dBm0Peak * math.Pow(10, dbm0/20) }

func samples(ms float64) int { return int(math.Round(ms * sampleRate / 1000)) }

// freqsOf returns the row and column frequencies of a keypad digit.
func freqsOf(digit byte) (float64, float64) {
	for i, k := range keypad {
		if k == digit {
			return toneFreqs[i/4], toneFreqs[4+i%4]
		}
	}
	panic("not a keypad digit: " + string(digit))
}

// sine appends n samples of a sine; phase in radians.
func sine(x []float64, n int, freq, peak, phase float64) []float64 {
	w := 2 * math.Pi * freq / sampleRate
	for i := range n {
		x = append(x, peak*math.Sin(w*float64(i)+phase))
	}
	return x
}

// pair appends a dual tone: lowDB and highDB are the per-tone levels.
func pair(x []float64, n int, fLow, fHigh, lowDB, highDB float64, rng *rand.Rand) []float64 {
	start := len(x)
	x = sine(x, n, fLow, amp(lowDB), rng.Float64()*2*math.Pi)
	hi := sine(nil, n, fHigh, amp(highDB), rng.Float64()*2*math.Pi)
	for i, v := range hi {
		x[start+i] += v
	}
	return x
}

// digitTone appends ms of a digit at a composite level (each tone 3 dB
// lower).
func digitTone(x []float64, digit byte, ms, dbm0 float64, rng *rand.Rand) []float64 {
	lo, hi := freqsOf(digit)
	return pair(x, samples(ms), lo, hi, dbm0-3.01, dbm0-3.01, rng)
}

func silence(x []float64, n int) []float64 { return append(x, make([]float64, n)...) }

// addNoise adds white Gaussian noise of level dbm0 (the power of a sine at
// that level) to x.
func addNoise(x []float64, dbm0 float64, rng *rand.Rand) {
	rms := amp(dbm0) / math.Sqrt2
	for i := range x {
		x[i] += rng.NormFloat64() * rms
	}
}

func toPCM(x []float64) []int16 {
	pcm := make([]int16, len(x))
	for i, v := range x {
		pcm[i] = int16(max(-32768, min(32767, math.Round(v))))
	}
	return pcm
}

// detect runs a fresh Detector over pcm in chunks of the given sizes,
// cycling through them.
func detect(pcm []int16, chunks ...int) string {
	if len(chunks) == 0 {
		chunks = []int{160}
	}
	d := NewDetector()
	var out []byte
	for i := 0; len(pcm) > 0; i++ {
		n := min(chunks[i%len(chunks)], len(pcm))
		out = d.Process(out, pcm[:n])
		pcm = pcm[n:]
	}
	return string(out)
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9E3779B97F4A7C15)) }
