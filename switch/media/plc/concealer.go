package plc

import "math"

const (
	pitchMin = 20  // samples: 400 Hz
	pitchMax = 120 // samples: 66.7 Hz
	corrLen  = 160 // correlation window: 20 ms
	histLen  = 3 * pitchMax

	fullGain   = 80  // samples at full level: 10 ms
	fadeLen    = 400 // then 20 % per 10 ms: silence after 80+400 = 480 samples (60 ms)
	cycleStep  = 80  // one more period in the repeated cycle every 10 ms, up to 3
	joinMax    = 80  // longest cross-fade into a good frame: 10 ms
	joinPerErr = 32  // cross-fade grows by 4 ms per 10 ms erased (Appendix I)
)

// Concealer hides lost frames of one 8 kHz stream. See the package doc.
type Concealer struct {
	hist   [histLen]int16   // the latest output, newest last
	pitch  [histLen]float32 // the history frozen at the start of an erasure
	period int              // pitch period found for the current erasure
	pos    int              // next sample of pitch to play
	erased int              // samples concealed in the current erasure
}

// Reset forgets the history, as for a new stream.
func (c *Concealer) Reset() { *c = Concealer{} }

// Good takes a frame that arrived and remembers it. After a loss it
// cross-fades the first samples of frame with the continuation of the
// synthetic signal, so Good may modify frame in place; otherwise frame is
// left unchanged.
func (c *Concealer) Good(frame []int16) {
	if c.erased > 0 {
		n := min(c.period/4+joinPerErr*((c.erased+cycleStep-1)/cycleStep-1), joinMax, len(frame))
		for i := range n {
			w := float32(i+1) / float32(n+1)
			frame[i] = clamp(c.next()*(1-w) + float32(frame[i])*w)
		}
		c.erased = 0
	}
	c.remember(frame)
}

// Lost fills dst with a synthetic continuation of the stream.
func (c *Concealer) Lost(dst []int16) {
	if c.erased == 0 {
		c.start()
	}
	for i := range dst {
		dst[i] = clamp(c.next())
	}
	c.remember(dst)
}

// start freezes the history for a new erasure and finds its pitch period.
func (c *Concealer) start() {
	p := c.findPitch()
	c.period, c.pos = p, histLen-p
	for i, v := range c.hist {
		c.pitch[i] = float32(v)
	}
	// The cycle jumps from the newest sample back to one period earlier:
	// blend the last quarter period into the quarter before that jump
	// target, so the wrap is smooth even if the speech is not exactly
	// periodic.
	q := max(p/4, 1)
	for i := range q {
		w := float32(i+1) / float32(q+1)
		j := histLen - q + i
		c.pitch[j] = (1-w)*c.pitch[j] + w*c.pitch[j-p]
	}
}

// next returns the next synthetic sample, attenuated.
func (c *Concealer) next() float32 {
	cycles := min(1+c.erased/cycleStep, 3)
	v := c.pitch[c.pos]
	if c.pos++; c.pos == histLen {
		c.pos = histLen - cycles*c.period
	}
	g := float32(1)
	if c.erased >= fullGain {
		g = max(0, 1-float32(c.erased-fullGain)/fadeLen)
	}
	c.erased++
	return v * g
}

// remember appends samples to the history.
func (c *Concealer) remember(s []int16) {
	if len(s) >= histLen {
		copy(c.hist[:], s[len(s)-histLen:])
		return
	}
	copy(c.hist[:], c.hist[len(s):])
	copy(c.hist[histLen-len(s):], s)
}

// findPitch returns the lag in [pitchMin, pitchMax] whose window best
// matches the newest corrLen samples (normalised cross-correlation): a
// coarse search on every other lag and sample, then the neighbours.
func (c *Concealer) findPitch() int {
	best, bestScore := pitchMin, math.Inf(-1)
	for p := pitchMin; p <= pitchMax; p += 2 {
		if s := c.score(p, 2); s > bestScore {
			best, bestScore = p, s
		}
	}
	coarse := best
	bestScore = math.Inf(-1)
	for p := max(coarse-1, pitchMin); p <= min(coarse+1, pitchMax); p++ {
		if s := c.score(p, 1); s > bestScore {
			best, bestScore = p, s
		}
	}
	return best
}

// score is the correlation of the newest corrLen samples with those p
// earlier, divided by the root energy of the earlier ones, every step-th
// sample.
func (c *Concealer) score(p, step int) float64 {
	x := c.hist[histLen-corrLen:]
	y := c.hist[histLen-corrLen-p : histLen-p]
	y = y[:len(x)]
	var xy, yy int64
	for i := 0; i < len(x); i += step {
		a, b := int64(x[i]), int64(y[i])
		xy += a * b
		yy += b * b
	}
	if yy == 0 {
		return 0
	}
	return float64(xy) / math.Sqrt(float64(yy))
}

// clamp rounds v to the nearest int16, saturating.
func clamp(v float32) int16 {
	switch {
	case v >= math.MaxInt16:
		return math.MaxInt16
	case v <= math.MinInt16:
		return math.MinInt16
	case v < 0:
		return int16(v - 0.5)
	}
	return int16(v + 0.5)
}
