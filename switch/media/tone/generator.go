package tone

import (
	"math"
	"time"
)

// sineBits is the log2 of the sine table size; with linear interpolation
// between entries its error is below -100 dB, far under G.711 noise.
const sineBits = 10

// sineTable holds one period plus a guard entry for interpolation.
var sineTable [1<<sineBits + 1]float64

func init() {
	for i := range sineTable {
		sineTable[i] = math.Sin(2 * math.Pi * float64(i) / (1 << sineBits))
	}
}

// sine of a phase given as a fraction of a turn in 32 bits.
func sine(ph uint32) float64 {
	const fracBits = 32 - sineBits
	i := ph >> fracBits
	f := float64(ph&(1<<fracBits-1)) / (1 << fracBits)
	return sineTable[i] + f*(sineTable[i+1]-sineTable[i])
}

// rampTime is the fade at part edges that keeps cadences click-free.
const rampTime = 2 * time.Millisecond

// Generator renders a Tone as signed 16-bit PCM. It is not safe for
// concurrent use.
type Generator struct {
	parts    []genPart
	ramp     int // samples
	idx      int // current part
	pos      int // sample within the current part
	fadeIn   bool
	repeat   int // part to loop back to, -1: the tone plays once
	ph1, ph2 uint32
	done     bool
}

type genPart struct {
	sound
	inc1, inc2 uint32 // phase steps per sample
	n          int    // samples; 0 plays for ever
	fadeOut    bool
}

// sound is what a listener hears of a part: between two parts with the
// same sound the wave just continues, anywhere else it fades.
type sound struct {
	freq1, freq2 int
	amp1, amp2   float64
	modulate     bool
}

// NewGenerator prepares t for playing at rate samples per second: 8000
// or 16000 (any rate from 8000 to 192000 works; others are taken as 8000).
func NewGenerator(t Tone, rate int) *Generator {
	if rate < 8000 || rate > 192000 {
		rate = 8000
	}
	g := &Generator{
		parts:  make([]genPart, len(t.Parts)),
		ramp:   int(int64(rate) * int64(rampTime) / int64(time.Second)),
		repeat: -1,
		fadeIn: true,
		done:   len(t.Parts) == 0,
	}
	for i, p := range t.Parts {
		g.parts[i] = newGenPart(p, rate)
		if !p.Once && g.repeat < 0 {
			g.repeat = i
		}
	}
	for i := range g.parts {
		switch {
		case i+1 < len(g.parts):
			g.parts[i].fadeOut = g.parts[i].sound != g.parts[i+1].sound
		case g.repeat >= 0:
			g.parts[i].fadeOut = g.parts[i].sound != g.parts[g.repeat].sound
		default: // the end of a tone that plays once
			g.parts[i].fadeOut = true
		}
	}
	return g
}

func newGenPart(p Part, rate int) genPart {
	step := func(f int) uint32 {
		// Frequencies beyond what Parse allows still give a defined phase
		// step; the modulo keeps negative and huge values in range.
		turns := math.Mod(float64(f)/float64(rate), 1)
		if turns < 0 {
			turns++
		}
		return uint32(uint64(turns * (1 << 32))) // turns just below 1 may round to 1<<32

	}
	amp := amplitude(p.Level)
	gp := genPart{inc1: step(p.Freq1), inc2: step(p.Freq2)}
	// Only what sounds goes into the sound, so all silences are equal and
	// a 0 Hz component adds nothing (not even the DC of a frozen phase).
	if p.Freq1 != 0 {
		gp.freq1, gp.amp1 = p.Freq1, amp
		if p.Freq2 != 0 {
			gp.freq2, gp.modulate = p.Freq2, p.Modulate
			if !p.Modulate {
				gp.amp2 = amp
			}
		}
	} else if p.Freq2 != 0 && !p.Modulate {
		gp.freq1, gp.amp1, gp.inc1 = p.Freq2, amp, gp.inc2
	}
	if p.Duration > 0 {
		gp.n = int(max(1, min(math.Round(p.Duration.Seconds()*float64(rate)), math.MaxInt32)))
	}
	return gp
}

// Read fills dst with the tone and returns the number of samples written:
// len(dst) while the tone lasts, fewer and then 0 once a tone that plays
// once has ended. It does not allocate.
func (g *Generator) Read(dst []int16) int {
	n := 0
	for n < len(dst) && !g.done {
		p := &g.parts[g.idx]
		m := len(dst) - n
		if p.n > 0 {
			m = min(m, p.n-g.pos)
		}
		g.render(p, dst[n:n+m])
		n += m
		g.pos += m
		if p.n > 0 && g.pos >= p.n {
			g.next()
		}
	}
	return n
}

func (g *Generator) next() {
	from := g.idx
	g.pos = 0
	g.idx++
	if g.idx == len(g.parts) {
		if g.repeat < 0 {
			g.done = true
			return
		}
		g.idx = g.repeat
	}
	g.fadeIn = g.parts[from].sound != g.parts[g.idx].sound
}

func (g *Generator) render(p *genPart, dst []int16) {
	r := g.ramp
	if p.n > 0 {
		r = min(r, p.n/2)
	}
	for i := range dst {
		s1, s2 := sine(g.ph1), sine(g.ph2)
		g.ph1 += p.inc1
		g.ph2 += p.inc2
		var v float64
		if p.modulate {
			v = p.amp1 * s1 * (1 + ModulationDepth*s2)
		} else {
			v = p.amp1*s1 + p.amp2*s2
		}
		pos := g.pos + i
		if g.fadeIn && pos < r {
			v *= float64(pos+1) / float64(r+1)
		}
		if p.fadeOut && p.n > 0 && p.n-pos <= r {
			v *= float64(p.n-pos) / float64(r+1)
		}
		dst[i] = int16(max(math.MinInt16, min(math.MaxInt16, math.Round(v))))
	}
}
