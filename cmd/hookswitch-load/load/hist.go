package load

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histBuckets covers 0 to 2^40 us (12 days) with 32 sub-buckets per power
// of two: under 3.2 % relative error, enough for percentiles against a
// 200 ms or 5 ms bound, and a fixed size so recording never allocates.
const histBuckets = 64 + 34*32

// Hist is a lock-free log-linear histogram of durations in microseconds.
type Hist struct {
	counts [histBuckets]atomic.Uint64
	n      atomic.Uint64
	sum    atomic.Uint64
	max    atomic.Uint64
}

func histIndex(us uint64) int {
	if us < 64 {
		return int(us)
	}
	l := bits.Len64(us)
	if l > 40 {
		return histBuckets - 1
	}
	top := us >> (l - 6) // 32..63
	return 64 + (l-7)*32 + int(top-32)
}

// histUpper is the largest value that lands in bucket i.
func histUpper(i int) uint64 {
	if i < 64 {
		return uint64(i)
	}
	i -= 64
	l := i/32 + 7
	top := uint64(i%32 + 32)
	return (top+1)<<(l-6) - 1
}

// Record adds one duration (negative ones count as zero).
func (h *Hist) Record(d time.Duration) {
	us := uint64(0)
	if d > 0 {
		us = uint64(d / time.Microsecond)
	}
	h.counts[histIndex(us)].Add(1)
	h.n.Add(1)
	h.sum.Add(us)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			return
		}
	}
}

// Count is the number of recorded values.
func (h *Hist) Count() uint64 { return h.n.Load() }

// Quantile returns the q-quantile (0 < q <= 1) as the upper edge of its
// bucket, so a reported p99 is never optimistic; 0 when empty.
func (h *Hist) Quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	want := uint64(q*float64(n) + 0.999999)
	if want == 0 {
		want = 1
	}
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= want {
			up := histUpper(i)
			if m := h.max.Load(); up > m {
				up = m
			}
			return time.Duration(up) * time.Microsecond
		}
	}
	return h.Max()
}

// Max is the largest recorded value.
func (h *Hist) Max() time.Duration { return time.Duration(h.max.Load()) * time.Microsecond }

// Mean is the average recorded value.
func (h *Hist) Mean() time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sum.Load()/n) * time.Microsecond
}
