package jitter

import "math/bits"

// ring stores G.711 bytes at their extended RTP timestamp modulo a power of
// two, with one presence bit per sample: a hole is told from a received
// byte without reserving a byte value. The Buffer keeps every set bit within
// [playout point, playout point + size), so positions never collide.
type ring struct {
	data []byte
	have []uint64
	mask int64
}

func newRing(size int) ring {
	return ring{data: make([]byte, size), have: make([]uint64, size/64), mask: int64(size - 1)}
}

func (r *ring) size() int64 { return r.mask + 1 }

func (r *ring) reset() { clear(r.have) }

// put stores p at ext and returns how many of its samples were new.
func (r *ring) put(ext int64, p []byte) (fresh int) {
	for len(p) > 0 {
		i := int(ext & r.mask)
		n := copy(r.data[i:], p)
		fresh += r.mark(i, n)
		p, ext = p[n:], ext+int64(n)
	}
	return fresh
}

// take copies the samples at ext into dst, writes fill where a sample is
// missing, clears them, and returns how many were missing.
func (r *ring) take(ext int64, dst []byte, fill byte) (missing int) {
	for len(dst) > 0 {
		i := int(ext & r.mask)
		n := copy(dst, r.data[i:])
		missing += r.unmark(i, dst[:n], fill)
		dst, ext = dst[n:], ext+int64(n)
	}
	return missing
}

// drop clears n samples from ext on.
func (r *ring) drop(ext, n int64) {
	if n >= r.size() {
		r.reset()
		return
	}
	for n > 0 {
		i := int(ext & r.mask)
		k := min(n, r.size()-int64(i))
		r.forWords(i, int(k), func(w int, m uint64) { r.have[w] &^= m })
		ext, n = ext+k, n-k
	}
}

// mark sets the bits of [i, i+n), which does not wrap, and counts the new ones.
func (r *ring) mark(i, n int) (fresh int) {
	r.forWords(i, n, func(w int, m uint64) {
		fresh += bits.OnesCount64(m &^ r.have[w])
		r.have[w] |= m
	})
	return fresh
}

// unmark clears the bits of [i, i+len(dst)), which does not wrap, filling
// dst where a bit was not set.
func (r *ring) unmark(i int, dst []byte, fill byte) (missing int) {
	r.forWords(i, len(dst), func(w int, m uint64) {
		holes := m &^ r.have[w]
		r.have[w] &^= m
		for holes != 0 {
			b := bits.TrailingZeros64(holes)
			dst[w*64+b-i] = fill
			holes &= holes - 1
			missing++
		}
	})
	return missing
}

// forWords calls f for every bitmap word touched by [i, i+n) with the mask
// of the bits inside the range. The closures are inlined, not allocated.
func (r *ring) forWords(i, n int, f func(w int, m uint64)) {
	for n > 0 {
		b := i & 63
		k := min(64-b, n)
		m := ^uint64(0)
		if k < 64 {
			m = (uint64(1)<<k - 1) << b
		}
		f(i>>6, m)
		i, n = i+k, n-k
	}
}
