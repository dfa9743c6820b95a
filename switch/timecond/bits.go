package timecond

import "math/bits"

// dayBits is one bit per minute of a day: Open tests one bit instead of
// walking range lists, and needs no allocation.
type dayBits [(minutesPerDay + 63) / 64]uint64

func (b *dayBits) has(m int) bool { return b[m>>6]&(1<<(uint(m)&63)) != 0 }

// set marks minutes [from, to).
func (b *dayBits) set(from, to int) {
	for m := from; m < to; m++ {
		b[m>>6] |= 1 << (uint(m) & 63)
	}
}

func (b *dayBits) empty() bool { return *b == dayBits{} }

func (b *dayBits) full() bool {
	var f dayBits
	f.set(0, minutesPerDay)
	return *b == f
}

// clear removes the minutes set in o.
func (b *dayBits) clear(o *dayBits) {
	for i := range b {
		b[i] &^= o[i]
	}
}

// find returns the first minute at or after from whose bit equals val, or
// minutesPerDay when there is none.
func (b *dayBits) find(from int, val bool) int {
	for w := from >> 6; w < len(b) && from < minutesPerDay; w++ {
		word := b[w]
		if !val {
			word = ^word
		}
		if w == from>>6 {
			word &^= 1<<(uint(from)&63) - 1 // drop minutes before from
		}
		if word != 0 {
			return min(w<<6+bits.TrailingZeros64(word), minutesPerDay)
		}
	}
	return minutesPerDay
}
