package dtmf

import (
	"fmt"
	"math"
	"testing"
)

const allKeys = "123A456B789C*0#D"

func TestDetectorEveryDigitEveryLevel(t *testing.T) {
	rng := newRand(1)
	chunks := [][]int{{160}, {1}, {7, 333, 2}, {1000}, {102}}
	for di := range len(allKeys) {
		digit := allKeys[di]
		for level := -25.0; level <= 0; level++ {
			x := silence(nil, samples(100))
			x = digitTone(x, digit, 100, level, rng)
			x = silence(x, samples(100))
			ch := chunks[(di+int(-level))%len(chunks)]
			if got := detect(toPCM(x), ch...); got != string(digit) {
				t.Errorf("digit %c at %v dBm0 (chunks %v): got %q", digit, level, ch, got)
			}
		}
	}
}

func TestDetectorPerToneLevels(t *testing.T) {
	// The same range read as per-tone levels, up to where the pair clips.
	rng := newRand(2)
	for _, digit := range []byte(allKeys) {
		for level := -25.0; level <= -3; level += 2 {
			lo, hi := freqsOf(digit)
			x := silence(nil, samples(60))
			x = pair(x, samples(80), lo, hi, level, level, rng)
			x = silence(x, samples(60))
			if got := detect(toPCM(x)); got != string(digit) {
				t.Errorf("digit %c at %v dBm0 a tone: got %q", digit, level, got)
			}
		}
	}
}

func TestDetectorWithNoise(t *testing.T) {
	rng := newRand(3)
	for _, digit := range []byte(allKeys) {
		for level := -25.0; level <= 0; level += 5 {
			x := silence(nil, samples(200))
			x = digitTone(x, digit, 60, level, rng)
			x = silence(x, samples(200))
			addNoise(x, level-15, rng)
			if got := detect(toPCM(x)); got != string(digit) {
				t.Errorf("digit %c at %v dBm0, 15 dB SNR: got %q", digit, level, got)
			}
		}
	}
}

// TestDetectorMinimumLength checks 40 ms tones count and 30 ms tones do
// not, wherever they fall against the block grid.
func TestDetectorMinimumLength(t *testing.T) {
	rng := newRand(4)
	for _, tc := range []struct {
		ms, level float64
		noise     bool
		want      int
	}{
		{40, -25, false, 1}, {40, -10, false, 1}, {40, 0, false, 1}, {40, -25, true, 1}, {40, 0, true, 1},
		{30, -25, false, 0}, {30, -10, false, 0}, {30, 0, false, 0}, {30, -25, true, 0}, {30, 0, true, 0},
	} {
		misses := 0
		for off := range blockLen {
			digit := allKeys[off%len(allKeys)]
			x := silence(nil, 160+off)
			x = digitTone(x, digit, tc.ms, tc.level, rng)
			x = silence(x, 300)
			if tc.noise {
				addNoise(x, tc.level-15, rng)
			}
			got := detect(toPCM(x))
			if len(got) != tc.want || (tc.want == 1 && got[0] != digit) {
				misses++
				if misses <= 3 {
					t.Errorf("%v ms %c at %v dBm0 (noise %v), offset %d: got %q", tc.ms, digit, tc.level, tc.noise, off, got)
				}
			}
		}
		if misses > 3 {
			t.Errorf("%v ms at %v dBm0 (noise %v): %d of %d offsets wrong", tc.ms, tc.level, tc.noise, misses, blockLen)
		}
	}
}

func TestDetectorTwist(t *testing.T) {
	rng := newRand(5)
	// twist is high-group level minus low-group level, in dB.
	for _, tc := range []struct {
		twist float64
		want  bool
	}{
		{0, true}, {3, true}, {-7, true}, {-4, true},
		{5, false}, {6.5, false}, {-9, false}, {-12, false},
	} {
		for _, digit := range []byte(allKeys) {
			lo, hi := freqsOf(digit)
			x := silence(nil, 100)
			x = pair(x, samples(80), lo, hi, -12, -12+tc.twist, rng)
			x = silence(x, 400)
			got := detect(toPCM(x))
			if (got == string(digit)) != tc.want || (!tc.want && got != "") {
				t.Errorf("digit %c twist %+v dB: got %q, want detected %v", digit, tc.twist, got, tc.want)
			}
		}
	}
}

func TestDetectorFrequencyDeviation(t *testing.T) {
	rng := newRand(6)
	for _, tc := range []struct {
		dev  float64
		want bool
	}{{0.015, true}, {-0.015, true}, {0.035, false}, {-0.035, false}, {0.05, false}, {-0.06, false}} {
		for _, digit := range []byte(allKeys) {
			lo, hi := freqsOf(digit)
			for which, f := range [][2]float64{{lo * (1 + tc.dev), hi}, {lo, hi * (1 + tc.dev)}} {
				x := silence(nil, 100)
				x = pair(x, samples(100), f[0], f[1], -10, -10, rng)
				x = silence(x, 400)
				got := detect(toPCM(x))
				if (got == string(digit)) != tc.want || (!tc.want && got != "") {
					t.Errorf("digit %c, %s group off by %+.1f%%: got %q, want detected %v",
						digit, [2]string{"low", "high"}[which], tc.dev*100, got, tc.want)
				}
			}
		}
	}
}

func TestDetectorRepeatsAndHolds(t *testing.T) {
	rng := newRand(7)
	build := func(parts ...func(x []float64) []float64) []int16 {
		var x []float64
		for _, p := range parts {
			x = p(x)
		}
		return toPCM(x)
	}
	tone := func(d byte, ms float64) func([]float64) []float64 {
		return func(x []float64) []float64 { return digitTone(x, d, ms, -10, rng) }
	}
	quiet := func(ms float64) func([]float64) []float64 {
		return func(x []float64) []float64 { return silence(x, samples(ms)) }
	}
	quietN := func(n int) func([]float64) []float64 {
		return func(x []float64) []float64 { return silence(x, n) }
	}
	for off := 0; off < blockLen; off += 3 {
		for _, tc := range []struct {
			name string
			pcm  []int16
			want string
		}{
			{"1 1 with 50 ms gap", build(quietN(off), tone('1', 60), quiet(50), tone('1', 60), quiet(100)), "11"},
			{"1 1 with 40 ms gap", build(quietN(off), tone('1', 50), quiet(40), tone('1', 50), quiet(100)), "11"},
			{"long press", build(quietN(off), tone('5', 2000), quiet(100)), "5"},
			{"10 ms break", build(quietN(off), tone('9', 100), quiet(10), tone('9', 100), quiet(100)), "9"},
			{"1 then 2 without gap", build(quietN(off), tone('1', 60), tone('2', 60), quiet(100)), "12"},
			{"1 2 1 with gaps", build(quietN(off), tone('1', 60), quiet(60), tone('2', 60), quiet(60), tone('1', 60), quiet(60)), "121"},
		} {
			if got := detect(tc.pcm, 160); got != tc.want {
				t.Errorf("%s, offset %d: got %q, want %q", tc.name, off, got, tc.want)
			}
		}
	}
}

// TestDetectorRandomValidDigits draws digits inside the Q.24 accept limits
// at once: any length from 40 ms, level, twist, frequency offset, with
// noise at 15 dB SNR.
func TestDetectorRandomValidDigits(t *testing.T) {
	rng := newRand(15)
	misses := 0
	const trials = 2000
	for trial := range trials {
		digit := allKeys[trial%len(allKeys)]
		lo, hi := freqsOf(digit)
		lo *= 1 + (rng.Float64()*2-1)*0.015
		hi *= 1 + (rng.Float64()*2-1)*0.015
		level := -25 + rng.Float64()*25 // composite, dBm0
		twist := -7 + rng.Float64()*10  // high minus low, dB
		ms := 40 + rng.Float64()*60
		low := level - 3.01 - twist/2 // per tone, so that the sum is at level
		x := silence(nil, 100+int(rng.Float64()*200))
		x = pair(x, samples(ms), lo, hi, low, low+twist, rng)
		x = silence(x, 300)
		addNoise(x, level-15, rng)
		if got := detect(toPCM(x)); got != string(digit) {
			if misses++; misses <= 5 {
				t.Errorf("%c (%.1f + %.1f Hz) %.0f ms at %.1f dBm0, twist %+.1f dB: got %q", digit, lo, hi, ms, level, twist, got)
			}
		}
	}
	if misses > 0 {
		t.Errorf("%d of %d valid digits missed", misses, trials)
	}
}

// Signals that are not DTMF must give no digit at all.

func TestDetectorNoFalseDigitsWhiteNoise(t *testing.T) {
	rng := newRand(8)
	total := 0
	for _, level := range []float64{-40, -30, -20, -10, -3} {
		x := silence(nil, samples(10_000))
		addNoise(x, level, rng)
		got := detect(toPCM(x))
		total += len(got)
		if got != "" {
			t.Errorf("white noise at %v dBm0: false digits %q", level, got)
		}
	}
	t.Logf("50 s of white noise: %d false digits", total)
}

func TestDetectorNoFalseDigitsSingleTones(t *testing.T) {
	rng := newRand(9)
	for _, f := range toneFreqs {
		for _, level := range []float64{-25, -15, -3} {
			x := sine(nil, samples(500), f, amp(level), 0)
			x = silence(x, 100)
			if got := detect(toPCM(x)); got != "" {
				t.Errorf("single %v Hz tone at %v dBm0: false digits %q", f, level, got)
			}
		}
	}
	// Two tones of one group are not a digit either.
	for g := 0; g < 8; g += 4 {
		for i := g; i < g+4; i++ {
			for j := i + 1; j < g+4; j++ {
				x := pair(nil, samples(300), toneFreqs[i], toneFreqs[j], -10, -10, rng)
				if got := detect(toPCM(x)); got != "" {
					t.Errorf("%v + %v Hz: false digits %q", toneFreqs[i], toneFreqs[j], got)
				}
			}
		}
	}
}

func TestDetectorNoFalseDigitsSpeechAndMusic(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
	}{
		{"speech-like signal", speechLike(newRand(10), 60)},
		{"music-like chords", musicLike(newRand(11), 60)},
	} {
		got := detect(toPCM(tc.x))
		t.Logf("60 s of %s: %d false digits", tc.name, len(got))
		if got != "" {
			t.Errorf("%s: false digits %q", tc.name, got)
		}
	}
}

func TestDetectorResetAndZeroValue(t *testing.T) {
	rng := newRand(12)
	x := digitTone(silence(nil, 100), '7', 80, -10, rng)
	x = silence(x, 400)
	pcm := toPCM(x)
	var d Detector
	if got := string(d.Process(nil, pcm)); got != "7" {
		t.Fatalf("zero Detector: got %q", got)
	}
	// Half a tone, a reset, then a whole one: one digit, not a merged run.
	d.Process(nil, pcm[:300])
	d.Reset()
	if got := string(d.Process(nil, pcm)); got != "7" {
		t.Fatalf("after Reset: got %q", got)
	}
}

func TestDetectorProcessAllocatesNothing(t *testing.T) {
	pcm := benchPCM()
	d := NewDetector()
	dst := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(20, func() {
		for i := 0; i+160 <= len(pcm); i += 160 {
			dst = d.Process(dst[:0], pcm[i:i+160])
		}
	})
	if allocs != 0 {
		t.Fatalf("Process allocated %v times per run", allocs)
	}
}

// speechLike returns seconds of a voice-like signal: syllables of a
// harmonic series whose fundamental glides over 100-300 Hz, harmonics up to
// 3000 Hz shaped by three gliding formants (vowel bandwidths of 60-200 Hz),
// between fricative noise and pauses, at syllable levels of -25 to -3 dBm0.
func speechLike(rng interface {
	Float64() float64
	NormFloat64() float64
}, seconds float64) []float64 {
	total := samples(seconds * 1000)
	x := make([]float64, 0, total)
	var phases [30]float64
	for len(x) < total {
		switch r := rng.Float64(); {
		case r < 0.15:
			x = silence(x, samples(30+rng.Float64()*150))
			continue
		case r < 0.3: // fricative: high-passed noise
			n := samples(50 + rng.Float64()*150)
			a := amp(-30+rng.Float64()*20) / math.Sqrt2
			prev := 0.0
			for i := range n {
				v := rng.NormFloat64() * a
				env := math.Sin(math.Pi * float64(i) / float64(n))
				x = append(x, (v-prev)*env)
				prev = v
			}
			continue
		}
		n := samples(120 + rng.Float64()*350)
		f0a, f0b := 100+rng.Float64()*200, 100+rng.Float64()*200
		var fa, fb [3]float64
		for k, band := range [3][2]float64{{300, 900}, {900, 2500}, {2300, 3000}} {
			fa[k] = band[0] + rng.Float64()*(band[1]-band[0])
			fb[k] = band[0] + rng.Float64()*(band[1]-band[0])
		}
		bw := [3]float64{60 + rng.Float64()*60, 80 + rng.Float64()*80, 120 + rng.Float64()*80}
		level := amp(-25 + rng.Float64()*22)
		start := len(x)
		x = silence(x, n)
		syl := x[start:]
		var peak float64
		for i := range n {
			t := float64(i) / float64(n)
			f0 := f0a + (f0b-f0a)*t
			var v float64
			for h := 1; h < len(phases); h++ {
				f := float64(h) * f0
				if f > 3000 {
					break
				}
				phases[h] += 2 * math.Pi * f / sampleRate
				// A cascade of three formant resonators (unity gain at
				// 0 Hz) over a source falling 6 dB an octave.
				g := 1 / float64(h)
				for k := range 3 {
					fk := fa[k] + (fb[k]-fa[k])*t
					g *= fk * fk / math.Sqrt(sq(fk*fk-f*f)+sq(f*bw[k]))
				}
				v += g * math.Sin(phases[h])
			}
			env := math.Sin(math.Pi * t)
			syl[i] = v * env
			peak = max(peak, math.Abs(syl[i]))
		}
		for i := range syl {
			syl[i] *= level / peak
		}
	}
	return x[:total]
}

// musicLike returns seconds of chords: triads and sevenths on random roots
// over three octaves, each note with a few decaying harmonics, struck with
// an attack and decay, sometimes overlapping the next chord.
func musicLike(rng interface{ Float64() float64 }, seconds float64) []float64 {
	total := samples(seconds * 1000)
	x := make([]float64, total+samples(2000))
	chords := [][]int{{0, 4, 7}, {0, 3, 7}, {0, 4, 7, 10}, {0, 4, 7, 11}, {0, 3, 7, 10}, {0, 5, 7}, {0, 4, 7, 12}}
	for pos := 0; pos < total; {
		shape := chords[int(rng.Float64()*float64(len(chords)))]
		root := 48 + int(rng.Float64()*36) // C3 to B5
		n := samples(250 + rng.Float64()*900)
		level := amp(-25 + rng.Float64()*20)
		timbre := 0.3 + rng.Float64()*0.6 // harmonic roll-off
		for _, iv := range shape {
			f := 440 * math.Pow(2, float64(root+iv-69)/12)
			for h := 1; h <= 6 && float64(h)*f < 3800; h++ {
				a := level / float64(len(shape)) * math.Pow(timbre, float64(h-1))
				w := 2 * math.Pi * float64(h) * f / sampleRate
				ph := rng.Float64() * 2 * math.Pi
				for i := range n + samples(300) {
					env := math.Min(1, float64(i)/80) * math.Exp(-3*float64(i)/float64(n))
					x[pos+i] += a * env * math.Sin(w*float64(i)+ph)
				}
			}
		}
		pos += n - int(rng.Float64()*float64(samples(100)))
	}
	return x[:total]
}

func ExampleDetector() {
	rng := newRand(14)
	var x []float64
	for _, d := range []byte("42#") {
		x = digitTone(x, d, 70, -12, rng)
		x = silence(x, samples(70))
	}
	pcm := toPCM(x)
	d := NewDetector()
	var digits []byte
	for i := 0; i < len(pcm); i += 160 {
		digits = d.Process(digits, pcm[i:min(i+160, len(pcm))])
	}
	fmt.Println(string(digits))
	// Output: 42#
}
