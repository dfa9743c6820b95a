package jitter

// Delay estimation, all in samples. A packet's transit is its arrival time
// on our clock minus its RTP timestamp (RFC 3550 section 6.4.1); only
// differences of transits mean anything, since the two clocks have unrelated
// origins.
const (
	minWindow  = 2 * ClockRate // the fastest transit is the minimum over the last 2-4 s
	decayShift = 7             // the slowest transit decays 1/128 s per second (~7.8 ms/s)
)

// estimator follows the fastest and the slowest recent transits and the
// RFC 3550 interarrival jitter.
type estimator struct {
	curMin, prevMin int64 // minimum transit of the current and the previous window
	winStart        int64 // arrival time that opened the current window
	peak            int64 // slowest recent transit, decaying towards the fastest
	decayAcc        int64
	j16             int64 // RFC 3550 jitter in samples, scaled by 16 (A.8)
	last            int64 // previous packet's transit
}

// reset starts over at transit t, keeping a learned excursion (slowest
// minus fastest) and jitter when the same stream restarts.
func (e *estimator) reset(t, now, excursion, j16 int64) {
	*e = estimator{curMin: t, prevMin: t, winStart: now, peak: t + excursion, j16: j16, last: t}
}

// observe takes the transit t of a packet that arrived at now.
func (e *estimator) observe(t, now int64) {
	d := t - e.last
	e.last = t
	if d < 0 {
		d = -d
	}
	e.j16 += d - (e.j16+8)>>4
	if now-e.winStart >= minWindow {
		e.prevMin, e.curMin, e.winStart = e.curMin, t, now
	} else {
		e.curMin = min(e.curMin, t)
	}
	e.peak = max(e.peak, t)
}

// base is the fastest recent transit: the delay a sample needs at best.
func (e *estimator) base() int64 { return min(e.curMin, e.prevMin) }

// excursion is how much slower than the fastest the slowest recent packet was.
func (e *estimator) excursion() int64 { return max(e.peak-e.base(), 0) }

func (e *estimator) jitter() int64 { return e.j16 >> 4 }

// decay lowers the slowest transit after n samples of playout, so the delay
// shrinks slowly once the network calms down.
func (e *estimator) decay(n int64) {
	e.decayAcc += n
	e.peak -= e.decayAcc >> decayShift
	e.decayAcc &= 1<<decayShift - 1
	e.peak = max(e.peak, e.base())
}

// anchor returns the transit at which samples play out: the sample with
// timestamp ts is due at local time ts + anchor. It covers the slowest
// recent transit plus half the jitter as headroom, within [minD, maxD] of
// the fastest.
func (e *estimator) anchor(minD, maxD int64) int64 {
	b := e.base()
	return min(max(b+minD, e.peak+e.jitter()/2), b+maxD)
}
