package dtmf

import "math"

// In-band DTMF detection (ITU-T Q.23 tones, Q.24 receiver limits) with
// Goertzel filters over blocks of 102 samples (12.75 ms at 8 kHz): long
// enough to tell the row tones apart (78 Hz bins for 73 Hz spacing), short
// enough to time 40 ms tones.
const (
	sampleRate = 8000
	blockLen   = 102

	// dBm0Peak is the peak amplitude of a 0 dBm0 sine in 16-bit linear
	// PCM: G.711 full scale is +3.17 dBm0.
	dBm0Peak = 22657.0
	// minToneDBm0 is the weakest tone accepted, per tone: a -25 dBm0 pair
	// is -28 dBm0 a tone, twist puts the weaker up to 4 dB lower, and one
	// block's estimate may be 2 dB off.
	minToneDBm0 = -34.0
	// Twist, high-group minus low-group level, within +4/-8 dB. The
	// strong tone leaks into the weak tone's filter and skews one block's
	// estimate by up to ~2 dB, so blocks are held to looser limits and the
	// run's summed powers, which average the error out, to the true ones.
	maxTwistDB   = 4.0
	minTwistDB   = -8.0
	twistSlackDB = 2.5
	// groupMarginDB is how far a tone must stand above the others of its
	// group; speech and music rarely put a lone peak there.
	groupMarginDB = 6.0
	// toneShare is the least part of a block's energy the two tones must
	// hold: a pure pair holds all of it, with white noise at 15 dB SNR
	// 97%, speech with its many harmonics far less. Blocks partly filled
	// with tone hold less, so blocks are held to a looser share and the
	// run's full blocks to runShare, once the loss of the Goertzel filter
	// to a tone off its frequency is made up (-1.4 dB at 1633 Hz +1.5%).
	toneShare = 0.7
	runShare  = 0.85
	// Frequency tolerance, checked by the phase advance of each tone from
	// one block to the next: Q.24 receivers accept ±1.5% and reject ±3.5%.
	// Above 1200 Hz 2.5% exceeds what the phase can tell within a block
	// (±39 Hz), so it is capped.
	freqTol      = 0.025
	maxFreqTolHz = 30.0
	// minBlocks is the shortest tone reported and the shortest pause that
	// re-arms a digit, in blocks: 272 samples, 34 ms, between the 40 ms
	// that must count and the 30 ms that must not (the estimate runs about
	// 1 ms short, so the split falls near 35 ms).
	minBlocks = 272.0 / blockLen
	// fullFill is the fill above which a block counts as all tone.
	fullFill = 0.9
	// maxRun is how many blocks of a run feed its length estimate: far
	// more than a run needs to reach minBlocks.
	maxRun = 8
)

// The keypad: rows are the low group, columns the high group.
var (
	toneFreqs = [8]float64{697, 770, 852, 941, 1209, 1336, 1477, 1633}
	keypad    = [16]byte{
		'1', '2', '3', 'A',
		'4', '5', '6', 'B',
		'7', '8', '9', 'C',
		'*', '0', '#', 'D',
	}
)

// filter holds the constants of one Goertzel filter.
type filter struct {
	coef     float64 // 2cos(w), the recurrence coefficient
	cos, sin float64 // cos(w), sin(w): the complex output
	// stepCos, stepSin: cos and sin of w*blockLen, the phase an exact tone
	// advances from one block to the next.
	stepCos, stepSin float64
	cosTol           float64 // cosine of the tolerated phase error
}

var (
	filters = makeFilters()
	// minPower is the Goertzel power of a full block of the weakest tone:
	// a sine of amplitude A gives (A*N/2)^2.
	minPower = sq(dBm0Peak * math.Pow(10, minToneDBm0/20) * blockLen / 2)
	// Power ratios of the decibel limits.
	maxTwist      = math.Pow(10, maxTwistDB/10)
	minTwist      = math.Pow(10, minTwistDB/10)
	maxBlockTwist = math.Pow(10, (maxTwistDB+twistSlackDB)/10)
	minBlockTwist = math.Pow(10, (minTwistDB-twistSlackDB)/10)
	groupMargin   = math.Pow(10, groupMarginDB/10)
)

func makeFilters() (fs [8]filter) {
	for i, f := range toneFreqs {
		w := 2 * math.Pi * f / sampleRate
		tolHz := min(freqTol*f, maxFreqTolHz)
		fs[i] = filter{
			coef:    2 * math.Cos(w),
			cos:     math.Cos(w),
			sin:     math.Sin(w),
			stepCos: math.Cos(w * blockLen),
			stepSin: math.Sin(w * blockLen),
			cosTol:  math.Cos(2 * math.Pi * tolHz * blockLen / sampleRate),
		}
	}
	return fs
}

func sq(x float64) float64 { return x * x }

// key is a keypad position plus one: 1-16, from '1' to 'D' row by row.
type key int

const noKey key = 0

// rowCol returns the filter indexes of a key's two tones.
func rowCol(k key) (int, int) { return int(k-1) / 4, 4 + int(k-1)%4 }

func (k key) digit() byte { return keypad[k-1] }

// feed runs the eight Goertzel recurrences, s = x + 2cos(w)s1 - s2, over
// x. They run side by side in one loop with their state in locals: each
// filter's chain of dependent operations is what limits the speed, and
// eight chains interleaved keep the FPU busy (~35% faster than two loops
// of four).
func (d *Detector) feed(x []int16) {
	c0, c1, c2, c3 := filters[0].coef, filters[1].coef, filters[2].coef, filters[3].coef
	c4, c5, c6, c7 := filters[4].coef, filters[5].coef, filters[6].coef, filters[7].coef
	a0, a1, a2, a3 := d.s1[0], d.s1[1], d.s1[2], d.s1[3]
	a4, a5, a6, a7 := d.s1[4], d.s1[5], d.s1[6], d.s1[7]
	b0, b1, b2, b3 := d.s2[0], d.s2[1], d.s2[2], d.s2[3]
	b4, b5, b6, b7 := d.s2[4], d.s2[5], d.s2[6], d.s2[7]
	e := d.energy
	for _, v := range x {
		f := float64(v)
		e += f * f
		a0, b0 = f+c0*a0-b0, a0
		a1, b1 = f+c1*a1-b1, a1
		a2, b2 = f+c2*a2-b2, a2
		a3, b3 = f+c3*a3-b3, a3
		a4, b4 = f+c4*a4-b4, a4
		a5, b5 = f+c5*a5-b5, a5
		a6, b6 = f+c6*a6-b6, a6
		a7, b7 = f+c7*a7-b7, a7
	}
	d.s1 = [8]float64{a0, a1, a2, a3, a4, a5, a6, a7}
	d.s2 = [8]float64{b0, b1, b2, b3, b4, b5, b6, b7}
	d.energy = e
}

// classify returns the key whose tones dominate the block, or noKey.
func classify(p *[8]float64, energy float64) key {
	r, c := 0, 4
	for i := 1; i < 4; i++ {
		if p[i] > p[r] {
			r = i
		}
		if p[4+i] > p[c] {
			c = 4 + i
		}
	}
	pr, pc := p[r], p[c]
	if pr < minPower || pc < minPower {
		return noKey
	}
	if pc > pr*maxBlockTwist || pc < pr*minBlockTwist {
		return noKey
	}
	for i := range 4 {
		if i != r && p[i]*groupMargin > pr {
			return noKey
		}
		if 4+i != c && p[4+i]*groupMargin > pc {
			return noKey
		}
	}
	// A full-block tone of energy E has power E*N/2.
	if pr+pc < toneShare*energy*blockLen/2 {
		return noKey
	}
	return key(r*4 + (c - 4) + 1)
}
