package tone

import (
	"strconv"
	"strings"
	"time"
)

// Limits of what Parse accepts.
const (
	MaxFreq     = 4000 // Hz: the Nyquist frequency of 8 kHz audio
	MaxParts    = 256
	MaxSpecLen  = 4096
	MaxDuration = time.Hour // of one part; longer means "no duration", forever
)

// Part is one step of a cadence.
type Part struct {
	// Freq1 and Freq2 are in Hz; 0 means absent, both 0 is silence.
	Freq1, Freq2 int
	// Modulate: Freq1 amplitude-modulated by Freq2 at ModulationDepth
	// ("425*25", used for ringback in some countries) instead of the two
	// summed ("350+440").
	Modulate bool
	// Duration of the part; 0 (or negative) plays it for ever.
	Duration time.Duration
	// Level of each frequency in dBm0; 0 means DefaultLevel.
	Level float64
	// Once: the part ('!' in a spec) plays on the first pass only. A tone
	// repeats from its first part without Once; if every part has Once it
	// plays once and ends.
	Once bool
}

// Silent reports whether the part has no sound.
func (p Part) Silent() bool { return p.Freq1 == 0 && (p.Freq2 == 0 || p.Modulate) }

// Tone is a cadence of parts.
type Tone struct {
	Parts []Part
}

// Repeats reports whether the tone plays for ever: it repeats, or one of
// its parts has no duration.
func (t Tone) Repeats() bool {
	for _, p := range t.Parts {
		if !p.Once || p.Duration <= 0 {
			return true
		}
	}
	return false
}

// String returns the tone in the syntax Parse reads. Levels are not part
// of the syntax and are left out; durations are in whole milliseconds.
func (t Tone) String() string {
	var b strings.Builder
	for i, p := range t.Parts {
		if i > 0 {
			b.WriteByte(',')
		}
		if p.Once {
			b.WriteByte('!')
		}
		b.WriteString(strconv.Itoa(p.Freq1))
		if p.Freq2 != 0 || p.Modulate {
			if p.Modulate {
				b.WriteByte('*')
			} else {
				b.WriteByte('+')
			}
			b.WriteString(strconv.Itoa(p.Freq2))
		}
		if p.Duration > 0 {
			b.WriteByte('/')
			b.WriteString(strconv.FormatInt(max(1, p.Duration.Milliseconds()), 10))
		}
	}
	return b.String()
}
