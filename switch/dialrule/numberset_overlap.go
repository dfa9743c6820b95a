package dialrule

// Set is a DID pool or a caller-ID mask; Overlaps takes either.
type Set interface {
	numbers() numberSet
}

// Overlaps reports exactly whether some number is in both a and b: two
// tenants' DID pools on one trunk, two inbound DID masks, or two caller-ID
// masks of rules on the same DID (the seed requires those not to conflict).
// An empty pool overlaps nothing; an empty caller mask (every caller)
// overlaps every non-empty set.
func Overlaps(a, b Set) bool {
	sa, sb := a.numbers(), b.numbers()
	if sa.isEmpty() || sb.isEmpty() {
		return false
	}
	if sa.all || sb.all {
		return true
	}
	for _, ta := range sa.terms {
		for _, tb := range sb.terms {
			if termsOverlap(ta, tb) {
				return true
			}
		}
	}
	return false
}

// OverlapWitness returns one number in both a and b, or "" and false. It
// is what a refusal message shows ("overlaps tenant B's pool at 4412345").
// With the empty caller mask on one side, the witness is a number of the
// other side.
func OverlapWitness(a, b Set) (string, bool) {
	sa, sb := a.numbers(), b.numbers()
	if sa.isEmpty() || sb.isEmpty() {
		return "", false
	}
	if sa.all && sb.all {
		return "0", true
	}
	if sa.all {
		sa, sb = sb, sa
	}
	for _, ta := range sa.terms {
		if sb.all {
			return ta.example(), true
		}
		for _, tb := range sb.terms {
			if w, ok := termsWitness(ta, tb); ok {
				return w, true
			}
		}
	}
	return "", false
}

func termsOverlap(a, b term) bool {
	_, ok := termsWitness(a, b)
	return ok
}

// termsWitness finds a common number of two terms. Every term but "*" has
// a single length, which makes the search small and exact.
func termsWitness(a, b term) (string, bool) {
	if a.kind == termAny {
		return b.example(), true
	}
	if b.kind == termAny {
		return a.example(), true
	}
	if len(a.a) != len(b.a) {
		return "", false
	}
	switch {
	case a.kind == termMask && b.kind == termMask:
		w := []byte(a.a)
		for i := range w {
			switch {
			case w[i] == '*':
				w[i] = b.a[i]
			case b.a[i] != '*' && b.a[i] != w[i]:
				return "", false
			}
		}
		return zeroStars(w), true
	case a.kind == termRange && b.kind == termRange:
		lo, hi := max(a.a, b.a), min(a.b, b.b)
		if lo > hi {
			return "", false
		}
		return lo, true
	case a.kind == termRange:
		a, b = b, a
	}
	return maskRangeWitness(a.a, b.a, b.b)
}

// maskRangeWitness finds the smallest number matching mask within lo..hi
// (all three of one length), walking the digits with the usual "still equal
// to the bound" flags. Once both flags are off the rest is free, so only the
// two boundary paths are explored and the walk is linear.
func maskRangeWitness(mask, lo, hi string) (string, bool) {
	w := make([]byte, len(mask))
	if ok := walk(mask, lo, hi, w, 0, true, true); !ok {
		return "", false
	}
	return string(w), true
}

func walk(mask, lo, hi string, w []byte, i int, tightLo, tightHi bool) bool {
	if i == len(mask) {
		return true
	}
	if !tightLo && !tightHi {
		for j := i; j < len(mask); j++ {
			w[j] = mask[j]
			if w[j] == '*' {
				w[j] = '0'
			}
		}
		return true
	}
	from, to := byte('0'), byte('9')
	if tightLo {
		from = lo[i]
	}
	if tightHi {
		to = hi[i]
	}
	if m := mask[i]; m != '*' {
		if !isDigit(m) || m < from || m > to { // a '+' never meets a range
			return false
		}
		from, to = m, m
	}
	for d := from; d <= to; d++ {
		w[i] = d
		nextLo, nextHi := tightLo && d == lo[i], tightHi && d == hi[i]
		if walk(mask, lo, hi, w, i+1, nextLo, nextHi) {
			return true
		}
	}
	return false
}

// example is one number of a term.
func (t term) example() string {
	switch t.kind {
	case termAny:
		return "0"
	case termRange:
		return t.a
	}
	return zeroStars([]byte(t.a))
}

func zeroStars(w []byte) string {
	for i := range w {
		if w[i] == '*' {
			w[i] = '0'
		}
	}
	return string(w)
}
