package dialrule

import (
	"errors"
	"strings"
	"testing"
)

func TestPoolSeedExamples(t *testing.T) {
	tests := []struct {
		pool    string
		in, out []string
	}{
		{"*", []string{"1", "4412345678", "trunkuser"}, []string{""}},
		{"44*****", []string{"4400000", "4499999"}, []string{"440000", "44000000", "4500000", "44a0000", "44+0000"}},
		{"12000-18000", []string{"12000", "15555", "18000"}, []string{"11999", "18001", "120000", "1200", "12a00"}},
		{"22000-22800", []string{"22000", "22800"}, []string{"22801"}},
		{"123;1100-1200;44*****", []string{"123", "1100", "1200", "4412345"}, []string{"124", "1201", "441234"}},
		{" 123 ; 456 ;", []string{"123", "456"}, []string{""}},
		{"+44*****", []string{"+4412345"}, []string{"4412345", "004412345"}},
		{"0100-0199", []string{"0100", "0150"}, []string{"100", "0200"}},
		{"***", []string{"000", "999"}, []string{"99", "*99"}},
		{"", nil, []string{"", "1"}},
	}
	for _, tt := range tests {
		p, err := ParsePool(tt.pool)
		if err != nil {
			t.Fatalf("ParsePool(%q): %v", tt.pool, err)
		}
		for _, n := range tt.in {
			if !p.Contains(n) {
				t.Errorf("pool %q should contain %q", tt.pool, n)
			}
		}
		for _, n := range tt.out {
			if p.Contains(n) {
				t.Errorf("pool %q should not contain %q", tt.pool, n)
			}
		}
	}
}

func TestPoolErrors(t *testing.T) {
	tests := []struct {
		pool string
		pos  int
		msg  string
	}{
		// The seed's three refused ranges, in its words.
		{"12000-22000", 1, "share a prefix"},
		{"12000-180000", 1, "same number of digits"},
		{"18000-12000", 1, "start number must be less"},
		{"12000-12000", 1, "start number must be less"},
		{"19999-20001", 1, "share a prefix"},
		{"123;12000-22000", 5, "share a prefix"},
		{"123; 18000-12000", 6, "start number must be less"},
		{"-18000", 1, "without a start"},
		{"12000-", 6, "without an end"},
		{"12000-18000-19000", 12, "digits only"},
		{"12*00-18000", 3, "digits only"},
		{"+1200-1800", 1, "digits only"},
		{"4*4", 3, "digit after '*'"},
		{"44*****;4*4*", 11, "digit after '*'"},
		{"44a", 3, `'a' is not a digit`},
		{"44 55", 3, `' ' is not a digit`},
		{"+", 1, "'+' without a number"},
		{"4+4", 2, `'+' is not a digit`},
		{"**;", 0, ""}, // valid: two-digit numbers, trailing ';'
		{";", 1, "empty entry"},
		{"123;;456", 5, "empty entry"},
		{"123;;", 5, "empty entry"},
		{strings.Repeat("1", MaxLen+1), 1, "longer than"},
		{strings.Repeat("1", MaxLen+1) + "-" + strings.Repeat("2", MaxLen+1), 1, "longer than"},
	}
	for _, tt := range tests {
		_, err := ParsePool(tt.pool)
		if tt.msg == "" {
			if err != nil {
				t.Errorf("ParsePool(%q): %v", tt.pool, err)
			}
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParsePool(%q) = %v, want a SyntaxError", tt.pool, err)
			continue
		}
		if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParsePool(%q): pos %d %q, want pos %d %q", tt.pool, se.Pos, se.Msg, tt.pos, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "dialrule: DID pool ") {
			t.Errorf("error %q lacks context", err)
		}
	}
}

func TestPoolString(t *testing.T) {
	p, err := ParsePool(" 123 ;1100-1200; 44***** ;")
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != "123;1100-1200;44*****" {
		t.Errorf("String = %q", p.String())
	}
	var q Pool
	if err := q.UnmarshalText([]byte(p.String())); err != nil || q.String() != p.String() {
		t.Errorf("text round trip: %v %q", err, q.String())
	}
	if err := q.UnmarshalText([]byte("18000-12000")); err == nil {
		t.Error("UnmarshalText accepted a reversed range")
	}
	if !mustPool(t, "").IsEmpty() || mustPool(t, "1").IsEmpty() {
		t.Error("IsEmpty")
	}
	if !mustPool(t, "1;*").HasAny() || mustPool(t, "1;***").HasAny() {
		t.Error("HasAny")
	}
}

func TestTenantPoolsOverlap(t *testing.T) {
	tests := []struct {
		a, b    string
		overlap bool
	}{
		// Seed item 14: once a tenant has "*", nobody else gets a DID.
		{"*", "44*****", true},
		{"*", "123", true},
		{"*", "", false}, // the empty pool is allowed next to "*"
		{"", "", false},
		{"44*****", "4412345", true},
		{"44*****", "441234", false},
		{"44*****", "45*****", false},
		{"44*****", "4*", false},
		{"12000-18000", "18000-18999", true},
		{"12000-18000", "18001-18999", false},
		{"12000-18000", "22000-22800", false},
		{"12000-18000", "17***", true},
		{"12000-18000", "18***", true},  // 18000 only
		{"12001-18000", "120**", true},  // 12001
		{"12100-18000", "120**", false}, // just below
		{"12000-12099", "121**", false},
		{"12000-12099", "1****", true},
		{"123;1100-1200;44*****", "1150", true},
		{"123;1100-1200;44*****", "124;1201-1300;45*****", false},
		{"+44*****", "44*****", false},
		{"+44*****", "4400000-4499999", false},
		{"0044********", "0033********", false},
	}
	for _, tt := range tests {
		a, b := mustPool(t, tt.a), mustPool(t, tt.b)
		for _, pair := range [][2]Pool{{a, b}, {b, a}} {
			got := Overlaps(pair[0], pair[1])
			w, ok := OverlapWitness(pair[0], pair[1])
			if got != tt.overlap || ok != tt.overlap {
				t.Errorf("Overlaps(%q, %q) = %v, witness %q %v; want %v", pair[0], pair[1], got, w, ok, tt.overlap)
				continue
			}
			if ok && (!pair[0].Contains(w) || !pair[1].Contains(w)) {
				t.Errorf("witness %q of %q and %q is not in both", w, pair[0], pair[1])
			}
		}
	}
}

func TestParseInboundDID(t *testing.T) {
	for _, ok := range []string{"*", "00442012345678", "00442012345678;", " 1234 ", "+442012345678"} {
		if _, err := ParseInboundDID(ok); err != nil {
			t.Errorf("ParseInboundDID(%q): %v", ok, err)
		}
	}
	for s, pos := range map[string]int{"004420*": 7, "1000-2000": 5, "123;456": 4, "": 0, " 12a": 4} {
		_, err := ParseInboundDID(s)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Pos != pos {
			t.Errorf("ParseInboundDID(%q) = %v, want an error at %d", s, err, pos)
		}
	}
	pool := mustPool(t, "44*****")
	did, _ := ParseInboundDID("4412345")
	if !Overlaps(pool, did) {
		t.Error("a DID from the pool must overlap it")
	}
	anyDID, _ := ParseInboundDID("*")
	if !anyDID.HasAny() || !anyDID.Contains("whatever") {
		t.Error("* DID")
	}
}

func TestCallerMask(t *testing.T) {
	tests := []struct {
		mask    string
		in, out []string
	}{
		// Seed 001: a UK caller, a London caller, a range, the empty mask.
		// (The seed's star counts are illustrative; each '*' is one digit.)
		{"0044********", []string{"004420794609"}, []string{"00442079460", "0044207946095", "003320794609"}},
		{"004420******", []string{"004420794609"}, []string{"004416194609"}},
		{"00442012345670-00442012345680", []string{"00442012345670", "00442012345675", "00442012345680"}, []string{"00442012345681"}},
		{"***", []string{"123"}, []string{"12", "1234"}},
		{"", []string{"", "anonymous", "123"}, nil},
		{"*", []string{"1", "anonymous"}, []string{""}},
	}
	for _, tt := range tests {
		m, err := ParseMask(tt.mask)
		if err != nil {
			t.Fatalf("ParseMask(%q): %v", tt.mask, err)
		}
		for _, n := range tt.in {
			if !m.Match(n) {
				t.Errorf("mask %q should match %q", tt.mask, n)
			}
		}
		for _, n := range tt.out {
			if m.Match(n) {
				t.Errorf("mask %q should not match %q", tt.mask, n)
			}
		}
	}
	if _, err := ParseMask("0044-0033"); err == nil || !strings.Contains(err.Error(), "dialrule: caller mask") {
		t.Errorf("ParseMask error: %v", err)
	}

	// Seed 001: rules on one DID need masks that do not conflict.
	uk, fr := mustMask(t, "0044********"), mustMask(t, "0033********")
	london := mustMask(t, "004420******")
	empty := mustMask(t, "")
	var zero CallerMask
	switch {
	case Overlaps(uk, fr):
		t.Error("UK and France masks overlap")
	case !Overlaps(uk, london):
		t.Error("UK and London masks must overlap")
	case !Overlaps(empty, fr) || !Overlaps(zero, uk) || !Overlaps(empty, zero):
		t.Error("the empty mask overlaps every mask")
	case Overlaps(empty, mustPool(t, "")):
		t.Error("nothing overlaps the empty pool")
	case !empty.IsEmpty() || !zero.IsEmpty() || !zero.Match("x") || uk.IsEmpty():
		t.Error("IsEmpty / zero mask")
	}
	if w, ok := OverlapWitness(empty, fr); !ok || !fr.Match(w) {
		t.Errorf("witness %q %v", w, ok)
	}
	if w, ok := OverlapWitness(empty, zero); !ok || w == "" {
		t.Errorf("witness %q %v", w, ok)
	}
	var m CallerMask
	if err := m.UnmarshalText([]byte("0044********;0033*")); err != nil || m.String() != "0044********;0033*" {
		t.Errorf("text: %v %q", err, m.String())
	}
	if b, _ := m.MarshalText(); string(b) != m.String() {
		t.Error("MarshalText")
	}
	if err := m.UnmarshalText([]byte("1*1")); err == nil {
		t.Error("UnmarshalText accepted 1*1")
	}
}

func mustPool(t testing.TB, s string) Pool {
	t.Helper()
	p, err := ParsePool(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustMask(t testing.TB, s string) CallerMask {
	t.Helper()
	m, err := ParseMask(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
