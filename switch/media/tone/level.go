package tone

import "math"

// Levels in dBm0 (ITU-T G.711: a sine at +3.17 dBm0 just reaches μ-law
// full scale).
const (
	// DefaultLevel is the level of each frequency of a part whose Level
	// is 0: peak ≈ 5090, so two of them (or one modulated at 90 %) never
	// clip.
	DefaultLevel = -13.0
	// MaxLevel caps a part's level so a sum of two frequencies, or one
	// modulated, stays below full scale.
	MaxLevel = -3.0
	// DTMFLevel is the level of each frequency DTMF uses (ITU-T Q.23
	// senders: about -10 dBm0 per frequency).
	DTMFLevel = -10.0
	// ModulationDepth of "f1*f2" parts, as in the PBX tables.
	ModulationDepth = 0.9

	fullScaleDBm0 = 3.17
)

// amplitude is the peak of a sine at level dBm0.
func amplitude(level float64) float64 {
	if level == 0 || math.IsNaN(level) {
		level = DefaultLevel
	}
	level = min(level, MaxLevel)
	return math.MaxInt16 * math.Pow(10, (level-fullScaleDBm0)/20)
}
