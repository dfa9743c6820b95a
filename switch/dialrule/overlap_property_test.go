package dialrule

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// The overlap tests are exact, so they must agree with brute force over
// every number of 1 to 7 digits. The brute force below does not use the
// code under test: patterns are evaluated through per-position tables built
// from their text's meaning, pools through integer intervals.

const bruteMaxLen = 7

func TestPatternsOverlapBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var agreeTrue, agreeFalse int
	for round := 0; round < rounds(4); round++ {
		const k = 64
		src := make([]string, k)
		ps := make([]Pattern, k)
		for i := range ps {
			src[i] = randomPattern(rng)
			ps[i] = mustPattern(t, src[i])
		}
		ov := brutePatterns(t, ps)
		for i := range ps {
			for j := range ps {
				truth := ov[i]>>j&1 == 1
				if got := PatternsOverlap(ps[i], ps[j]); got != truth {
					t.Fatalf("PatternsOverlap(%q, %q) = %v, brute force says %v", src[i], src[j], got, truth)
				}
				if truth {
					agreeTrue++
				} else {
					agreeFalse++
				}
			}
		}
	}
	t.Logf("%d overlapping and %d disjoint pairs", agreeTrue, agreeFalse)
	// The generator must exercise both answers, or the test proves little.
	if agreeTrue < 500/(4/rounds(4)) || agreeFalse < 500/(4/rounds(4)) {
		t.Fatalf("weak sample: %d overlapping and %d disjoint pairs", agreeTrue, agreeFalse)
	}
}

// randomPattern draws short patterns over few digits so that pairs often
// collide, with every construct: literals, X N Z, classes, '.' and '!'.
func randomPattern(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.IntN(5)
	for range n {
		switch rng.IntN(7) {
		case 0, 1:
			b.WriteByte(byte('1' + rng.IntN(2)))
		case 2:
			b.WriteByte("XNZ"[rng.IntN(3)])
		case 3:
			b.WriteByte(byte('0' + rng.IntN(10)))
		default:
			lo := rng.IntN(4)
			hi := lo + rng.IntN(3)
			if rng.IntN(2) == 0 {
				fmt.Fprintf(&b, "[%d-%d]", lo, hi)
			} else {
				fmt.Fprintf(&b, "[%d%d]", lo, hi+2)
			}
		}
	}
	switch rng.IntN(4) {
	case 0:
		b.WriteByte('.')
	case 1:
		if n > 0 {
			b.WriteByte('!')
		} else {
			b.WriteByte('.')
		}
	default:
		if n == 0 {
			b.WriteByte('X')
		}
	}
	return b.String()
}

// brutePatterns walks every digit string of length 1..bruteMaxLen and
// returns, for each pattern i, the set of patterns j that match some common
// string. Subtrees no pattern can still match are skipped; their numbers
// match nothing, so skipping them changes no answer.
func brutePatterns(t *testing.T, ps []Pattern) []uint64 {
	var accept [bruteMaxLen][10]uint64 // patterns whose d-th symbol may be digit c
	var end [bruteMaxLen + 1]uint64    // patterns matching some string of length L
	for i, p := range ps {
		text := p.String()
		fixed, tl := expandText(text)
		for d := 0; d < bruteMaxLen; d++ {
			for c := 0; c < 10; c++ {
				if d < len(fixed) && strings.IndexByte(fixed[d], byte('0'+c)) >= 0 || d >= len(fixed) && tl != 0 {
					accept[d][c] |= 1 << i
				}
			}
		}
		for l := 1; l <= bruteMaxLen; l++ {
			n := len(fixed)
			if l == n && tl != '.' || l > n && tl != 0 {
				end[l] |= 1 << i
			}
		}
	}
	ov := make([]uint64, len(ps))
	buf := make([]byte, bruteMaxLen)
	nodes := 0
	var walk func(d int, alive uint64)
	walk = func(d int, alive uint64) {
		for c := 0; c < 10; c++ {
			a := alive & accept[d][c]
			if a == 0 {
				continue
			}
			buf[d] = byte('0' + c)
			matched := a & end[d+1]
			for m := matched; m != 0; m &= m - 1 {
				ov[bits.TrailingZeros64(m)] |= matched
			}
			if nodes++; nodes%4999 == 0 { // spot-check Match against the tables
				num := string(buf[:d+1])
				for i, p := range ps {
					if p.Match(num) != (matched>>i&1 == 1) {
						t.Fatalf("%q.Match(%q) = %v, tables say %v", p, num, p.Match(num), !p.Match(num))
					}
				}
			}
			if d+1 < bruteMaxLen {
				walk(d+1, a)
			}
		}
	}
	walk(0, 1<<len(ps)-1)
	return ov
}

// expandText turns the canonical text of a digit-only pattern into the
// digits each position accepts, independently of the parser's symsets.
func expandText(s string) (fixed []string, tl byte) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case 'X':
			fixed = append(fixed, "0123456789")
		case 'N':
			fixed = append(fixed, "23456789")
		case 'Z':
			fixed = append(fixed, "123456789")
		case '.', '!':
			tl = c
		case '[':
			j := i + strings.IndexByte(s[i:], ']')
			var set []byte
			for k := i + 1; k < j; k++ {
				if k+2 < j && s[k+1] == '-' {
					for d := s[k]; d <= s[k+2]; d++ {
						set = append(set, d)
					}
					k += 2
					continue
				}
				set = append(set, s[k])
			}
			fixed = append(fixed, string(set))
			i = j
		default:
			fixed = append(fixed, string(c))
		}
	}
	return fixed, tl
}

func TestPoolsOverlapBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var agreeTrue, agreeFalse int
	for round := 0; round < rounds(3); round++ {
		const k = 40
		src := make([]string, k)
		pools := make([]Pool, k)
		for i := range pools {
			src[i] = randomPool(rng)
			pools[i] = mustPool(t, src[i])
		}
		ov := brutePools(t, pools)
		for i := range pools {
			for j := range pools {
				truth := ov[i]>>j&1 == 1
				if got := Overlaps(pools[i], pools[j]); got != truth {
					t.Fatalf("Overlaps(%q, %q) = %v, brute force says %v", src[i], src[j], got, truth)
				}
				w, ok := OverlapWitness(pools[i], pools[j])
				if ok != truth || ok && (!pools[i].Contains(w) || !pools[j].Contains(w)) {
					t.Fatalf("OverlapWitness(%q, %q) = %q %v, truth %v", src[i], src[j], w, ok, truth)
				}
				if truth {
					agreeTrue++
				} else {
					agreeFalse++
				}
			}
		}
	}
	t.Logf("%d overlapping and %d disjoint pairs", agreeTrue, agreeFalse)
	if agreeTrue < 300/(3/rounds(3)) || agreeFalse < 300/(3/rounds(3)) {
		t.Fatalf("weak sample: %d overlapping and %d disjoint pairs", agreeTrue, agreeFalse)
	}
}

// randomPool draws 1-3 terms of 1-7 digits, biased to the digits 1 and 2 so
// that pools collide often; "*" is rare since it overlaps everything.
func randomPool(rng *rand.Rand) string {
	digit := func() byte {
		if rng.IntN(3) > 0 {
			return byte('1' + rng.IntN(2))
		}
		return byte('0' + rng.IntN(10))
	}
	var terms []string
	for range 1 + rng.IntN(3) {
		l := 1 + rng.IntN(bruteMaxLen)
		switch r := rng.IntN(20); {
		case r == 0:
			terms = append(terms, "*")
		case r < 10 || l == 1:
			prefix := rng.IntN(l + 1)
			var b []byte
			for range prefix {
				b = append(b, digit())
			}
			terms = append(terms, string(b)+strings.Repeat("*", l-prefix))
		default:
			for {
				lo, hi := []byte{digit()}, []byte(nil)
				hi = append(hi, lo[0])
				for range l - 1 {
					lo, hi = append(lo, digit()), append(hi, digit())
				}
				if string(lo) > string(hi) {
					lo, hi = hi, lo
				}
				if string(lo) != string(hi) {
					terms = append(terms, string(lo)+"-"+string(hi))
					break
				}
			}
		}
	}
	return strings.Join(terms, ";")
}

// brutePools evaluates every number of 1..bruteMaxLen digits as an integer
// against each term read as an interval (a prefix-then-stars mask is the
// interval prefix*10^s .. prefix*10^s+10^s-1).
func brutePools(t *testing.T, pools []Pool) []uint64 {
	type interval struct {
		lo, hi int
		pool   int
	}
	var byLen [bruteMaxLen + 1][]interval
	var anyPools uint64
	for i, p := range pools {
		for _, s := range strings.Split(p.String(), ";") {
			if s == "*" {
				anyPools |= 1 << i
				continue
			}
			if lo, hi, ok := strings.Cut(s, "-"); ok {
				byLen[len(lo)] = append(byLen[len(lo)], interval{atoi(lo), atoi(hi), i})
				continue
			}
			prefix := strings.TrimRight(s, "*")
			span := pow10(len(s) - len(prefix))
			base := atoi(prefix) * span
			byLen[len(s)] = append(byLen[len(s)], interval{base, base + span - 1, i})
		}
	}
	ov := make([]uint64, len(pools))
	for l := 1; l <= bruteMaxLen; l++ {
		ivs := byLen[l]
		for v := 0; v < pow10(l); v++ {
			m := anyPools
			for _, iv := range ivs {
				if iv.lo <= v && v <= iv.hi {
					m |= 1 << iv.pool
				}
			}
			for b := m; b != 0; b &= b - 1 {
				ov[bits.TrailingZeros64(b)] |= m
			}
			if v%7919 == 0 { // spot-check Contains against the intervals
				num := fmt.Sprintf("%0*d", l, v)
				for i, p := range pools {
					if p.Contains(num) != (m>>i&1 == 1) {
						t.Fatalf("pool %q Contains(%q) = %v, intervals say otherwise", p, num, p.Contains(num))
					}
				}
			}
		}
	}
	return ov
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// rounds keeps -short runs quick; each round is a full brute force.
func rounds(n int) int {
	if testing.Short() {
		return 1
	}
	return n
}
