package dialrule

// PatternsOverlap reports exactly whether some number matches both a and b.
// A pattern is a fixed sequence of symbol sets plus a tail accepting any
// symbols ('.' at least one, '!' any number), so a common number exists
// iff the shared positions intersect and the lengths can agree: the longer
// fixed part must be absorbed by the shorter pattern's tail, and with equal
// fixed parts, "exactly n" and "more than n" ('.') exclude each other.
func PatternsOverlap(a, b Pattern) bool {
	if a.IsZero() || b.IsZero() {
		return false
	}
	n, m := len(a.pos), len(b.pos)
	for i := 0; i < min(n, m); i++ {
		if a.pos[i]&b.pos[i] == 0 {
			return false
		}
	}
	switch {
	case n < m:
		return a.tail != tailNone
	case n > m:
		return b.tail != tailNone
	}
	// Equal fixed parts: only "none" against "." cannot agree on a length.
	return !(a.tail == tailNone && b.tail == tailDot || a.tail == tailDot && b.tail == tailNone)
}
