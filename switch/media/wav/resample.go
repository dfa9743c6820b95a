package wav

import (
	"math"
	"sync"
)

// Filter design shared by both resamplers: a Kaiser-windowed sinc with its
// -6 dB point at the output Nyquist (4 kHz), kaiserZeros zero crossings on
// each side and β for about 80 dB of stopband. The transition is then about
// ±630 Hz around 4 kHz, so the telephone band (300-3400 Hz) is flat and
// anything above 4.63 kHz that would fold back into it is 80 dB down.
const (
	kaiserZeros = 16
	kaiserBeta  = 7.857 // 0.1102·(80-8.7), Kaiser's formula for 80 dB
	// kernelRes is the number of kernel table entries per zero crossing of
	// the general resampler, linearly interpolated between.
	kernelRes = 512
)

// To8kMono averages the channels of pcm (interleaved frames in format f) and
// resamples the result to 8000 Hz. Audio already at 8 kHz mono is returned
// as is, without a copy. A partial last frame is dropped, and the output is
// capped at MaxSamples. A Format that Decode would never return (no
// channels, no rate) gives nil.
func To8kMono(pcm []int16, f Format) []int16 {
	if f.Channels < 1 || f.Rate < 1 {
		return nil
	}
	if f.Channels == 1 && f.Rate == outRate {
		return pcm
	}
	mono := pcm
	if f.Channels > 1 {
		mono = downmix(pcm, f.Channels)
	}
	switch f.Rate {
	case outRate:
		return mono
	case 2 * outRate:
		return halfband(mono)
	}
	return resample(mono, f.Rate)
}

// downmix averages each frame's channels, rounding half away from zero.
func downmix(pcm []int16, channels int) []int16 {
	out := make([]int16, len(pcm)/channels)
	half := int32(channels / 2)
	for i := range out {
		var sum int32
		for _, s := range pcm[i*channels : (i+1)*channels] {
			sum += int32(s)
		}
		if sum >= 0 {
			out[i] = int16((sum + half) / int32(channels))
		} else {
			out[i] = int16((sum - half) / int32(channels))
		}
	}
	return out
}

// bessel0 is the modified Bessel function of the first kind, order 0, by
// its power series (converges fast for the β used here).
func bessel0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}

// kaiser is the window at x in [-1, 1].
func kaiser(x float64) float64 {
	if x <= -1 || x >= 1 {
		return 0
	}
	return bessel0(kaiserBeta*math.Sqrt(1-x*x)) / bessel0(kaiserBeta)
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// halfbandTaps holds the non-zero taps of the 2:1 filter: [0] is the
// centre, [i] for i ≥ 1 the tap at ±(2i-1). Every other tap of a half-band
// filter is zero, which halves the work.
var halfbandTaps = sync.OnceValue(func() [kaiserZeros + 1]float64 {
	var h [kaiserZeros + 1]float64
	const span = 2 * kaiserZeros // taps reach ±(span-1) input samples
	h[0] = 0.5
	sum := h[0]
	for i := 1; i <= kaiserZeros; i++ {
		k := float64(2*i - 1)
		h[i] = 0.5 * sinc(k/2) * kaiser(k/span)
		sum += 2 * h[i]
	}
	for i := range h { // unity gain at DC
		h[i] /= sum
	}
	return h
})

// halfband low-pass filters 16 kHz audio below 4 kHz and keeps every other
// sample.
func halfband(x []int16) []int16 {
	h := halfbandTaps()
	n := len(x)
	out := make([]int16, (n+1)/2)
	const reach = 2*kaiserZeros - 1
	for j := range out {
		c := 2 * j
		acc := h[0] * float64(x[c])
		if c >= reach && c+reach < n { // interior: a fixed-size window, no bounds checks
			win := (*[2*reach + 1]int16)(x[c-reach : c+reach+1])
			for i := 1; i <= kaiserZeros; i++ {
				k := 2*i - 1
				acc += h[i] * float64(int32(win[reach-k])+int32(win[reach+k]))
			}
		} else { // edges: samples outside the input are silence
			for i := 1; i <= kaiserZeros; i++ {
				k := 2*i - 1
				if c-k >= 0 {
					acc += h[i] * float64(x[c-k])
				}
				if c+k < n {
					acc += h[i] * float64(x[c+k])
				}
			}
		}
		out[j] = clamp16(acc)
	}
	return out
}

// sincKernel samples the windowed sinc from 0 to kaiserZeros zero crossings
// at kernelRes points per crossing, plus one guard entry for interpolation.
var sincKernel = sync.OnceValue(func() []float64 {
	k := make([]float64, kaiserZeros*kernelRes+2)
	for i := range kaiserZeros*kernelRes + 1 {
		x := float64(i) / kernelRes
		k[i] = sinc(x) * kaiser(x/kaiserZeros)
	}
	return k
})

// resample converts mono audio at rate in to 8 kHz by band-limited
// interpolation (J. O. Smith's method): each output sample is the input
// convolved with a windowed sinc centred on its exact (rational) position,
// the sinc's cutoff at the lower of the two Nyquist frequencies.
func resample(x []int16, in int) []int16 {
	nOut := (int64(len(x))*outRate + int64(in) - 1) / int64(in)
	out := make([]int16, min(nOut, MaxSamples))
	if len(out) == 0 {
		return out
	}
	k := newKernel(in)
	// Output positions take only outRate/gcd distinct
	// fractions. For the usual rates (44100: 80, 48000: 1) their taps fit
	// in a small table, computed once instead of once per sample.
	phases := outRate / gcd(in, outRate)
	if phases*k.taps() <= maxPolyTable {
		k.polyphase(x, out, phases)
	} else {
		k.direct(x, out)
	}
	return out
}

// maxPolyTable caps the polyphase table (in float64s, 2 MiB).
const maxPolyTable = 1 << 18

// kernel is the windowed sinc scaled for one input rate.
type kernel struct {
	in    int
	fc    float64 // cutoff as a fraction of the input Nyquist; zero crossings are 1/fc samples apart
	reach int     // taps reach at most this many input samples either side
	step  float64 // kernel table entries per input sample
	table []float64
}

func newKernel(in int) kernel {
	fc := min(1, float64(outRate)/float64(in))
	return kernel{
		in:    in,
		fc:    fc,
		reach: int(float64(kaiserZeros)/fc) + 1,
		step:  fc * kernelRes,
		table: sincKernel(),
	}
}

func (k kernel) taps() int { return 2*k.reach + 1 }

// weight is the tap for an input sample d input samples from the output
// position, interpolated from the table, gain included.
func (k kernel) weight(d float64) float64 {
	p := math.Abs(d) * k.step
	if p >= kaiserZeros*kernelRes {
		return 0
	}
	i := int(p)
	return k.fc * (k.table[i] + (p-float64(i))*(k.table[i+1]-k.table[i]))
}

// position of output sample j as input index and fraction numerator over
// outRate, exact, so hours of audio do not drift.
func (k kernel) position(j int) (int, int) {
	num := int64(j) * int64(k.in)
	return int(num / outRate), int(num % outRate)
}

func (k kernel) direct(x []int16, out []int16) {
	for j := range out {
		i0, rem := k.position(j)
		frac := float64(rem) / outRate
		acc := 0.0
		for o := max(-k.reach, -i0); o <= k.reach && i0+o < len(x); o++ {
			acc += k.weight(float64(o)-frac) * float64(x[i0+o])
		}
		out[j] = clamp16(acc)
	}
}

func (k kernel) polyphase(x []int16, out []int16, phases int) {
	n := k.taps()
	w := make([]float64, phases*n)
	unit := outRate / phases // rem is always a multiple of this
	for p := range phases {
		frac := float64(p*unit) / outRate
		for o := range n {
			w[p*n+o] = k.weight(float64(o-k.reach) - frac)
		}
	}
	for j := range out {
		i0, rem := k.position(j)
		taps := w[rem/unit*n : rem/unit*n+n]
		lo, acc := i0-k.reach, 0.0
		if lo >= 0 && lo+n <= len(x) {
			for o, s := range x[lo : lo+n] {
				acc += taps[o] * float64(s)
			}
		} else { // edges: samples outside the input are silence
			for o := range n {
				if i := lo + o; i >= 0 && i < len(x) {
					acc += taps[o] * float64(x[i])
				}
			}
		}
		out[j] = clamp16(acc)
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func clamp16(v float64) int16 {
	v = math.Round(v)
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(v)
}
