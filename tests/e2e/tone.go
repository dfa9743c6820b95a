package e2e

import (
	"math"
	"time"
)

// Tone returns a sine tone of freq Hz lasting d at the given sample rate,
// with peak amplitude as a fraction of full scale (clamped to 0..1).
func Tone(rate int, freq float64, d time.Duration, amplitude float64) []int16 {
	if rate <= 0 || d <= 0 {
		return nil
	}
	amplitude = math.Max(0, math.Min(1, amplitude))
	n := int(int64(rate) * int64(d) / int64(time.Second))
	out := make([]int16, n)
	w := 2 * math.Pi * freq / float64(rate)
	for i := range out {
		out[i] = int16(math.Round(amplitude * math.MaxInt16 * math.Sin(w*float64(i))))
	}
	return out
}
