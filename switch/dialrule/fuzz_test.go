package dialrule

import "testing"

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{"_9NXXXXXX", "9011.", "[13-5]X!", "1-NXX", "[*#+]", "9[5-1]", "[", "!", "", "Zz."} {
		f.Add(s, "92345678")
	}
	f.Fuzz(func(t *testing.T, s, number string) {
		p, err := ParsePattern(s)
		if err != nil {
			if se, ok := err.(*SyntaxError); !ok || se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("ParsePattern(%q): %v (bad position or type)", s, err)
			}
			return
		}
		q, err := ParsePattern(p.String())
		if err != nil || !q.Equal(p) || Compare(p, q) != 0 {
			t.Fatalf("%q -> %q does not round-trip: %v", s, p.String(), err)
		}
		if !PatternsOverlap(p, p) {
			t.Fatalf("%q does not overlap itself", s)
		}
		m := p.Match(number)
		if m && (len(number) < p.MinLen() || p.MaxLen() >= 0 && len(number) > p.MaxLen()) {
			t.Fatalf("%q matched %q outside its lengths", s, number)
		}
		// A match is a witness: any pattern that matches the same number
		// overlaps p.
		if m {
			lit, err := ParsePattern(number)
			if err == nil && !PatternsOverlap(p, lit) {
				t.Fatalf("%q matches %q but does not overlap it", s, number)
			}
		}
		r := Rule{Pattern: p, Strip: p.MinLen() - 1}
		if r.Validate() == nil && m && r.Apply(number) == "" {
			t.Fatalf("valid rule %s turned %q into nothing", r, number)
		}
	})
}

func FuzzParsePool(f *testing.F) {
	for _, s := range []string{"*", "44*****", "12000-18000", "123;1100-1200;44*****", "12000-22000", "+44*;", "4*4", ";;", " 1 ; 2 "} {
		f.Add(s, "4412345")
	}
	f.Fuzz(func(t *testing.T, s, did string) {
		p, err := ParsePool(s)
		if err != nil {
			if se, ok := err.(*SyntaxError); !ok || se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("ParsePool(%q): %v (bad position or type)", s, err)
			}
			return
		}
		q, err := ParsePool(p.String())
		if err != nil || q.String() != p.String() {
			t.Fatalf("%q -> %q does not round-trip: %v", s, p.String(), err)
		}
		if Overlaps(p, p) == p.IsEmpty() {
			t.Fatalf("%q: Overlaps with itself %v, empty %v", s, Overlaps(p, p), p.IsEmpty())
		}
		if w, ok := OverlapWitness(p, p); ok && !p.Contains(w) {
			t.Fatalf("%q: witness %q not contained", s, w)
		}
		if p.Contains(did) {
			one, err := ParseInboundDID(did)
			if err == nil && !Overlaps(p, one) {
				t.Fatalf("%q contains %q but does not overlap it", s, did)
			}
		}
		m, err := ParseMask(s)
		if err != nil || m.String() != p.String() || m.Match(did) != (p.Contains(did) || p.IsEmpty()) {
			t.Fatalf("mask and pool disagree on %q / %q: %v", s, did, err)
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"+1 (555) 123-4567", "1-800-FLOWERS", "", "+", "12+3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s)
		if err != nil {
			return
		}
		if m, err := Normalize(n); err != nil || m != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q %v", s, n, m, err)
		}
		if !mustParse(ParsePattern(".")).Match(n) {
			t.Fatalf("%q -> %q holds a non-symbol", s, n)
		}
	})
}

func mustParse(p Pattern, err error) Pattern {
	if err != nil {
		panic(err)
	}
	return p
}
