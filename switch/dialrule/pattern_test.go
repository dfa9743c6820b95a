package dialrule

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		noMatch []string
	}{
		{"X", []string{"0", "9"}, []string{"", "*", "10", "a"}},
		{"N", []string{"2", "9"}, []string{"0", "1", "22"}},
		{"Z", []string{"1", "9"}, []string{"0"}},
		{"x", []string{"5"}, []string{"55"}},
		{"[1-5]", []string{"1", "3", "5"}, []string{"0", "6"}},
		{"[13-5]", []string{"1", "3", "4", "5"}, []string{"2", "6"}},
		{"[*#]", []string{"*", "#"}, []string{"1", "+"}},
		{"*72X", []string{"*720"}, []string{"#720", "*72"}},
		{"+44.", []string{"+442079460958"}, []string{"+44", "0044123"}},
		{"9NXXXXXX", []string{"92345678"}, []string{"91345678", "9234567", "923456789"}},
		{"_9NXXXXXX", []string{"92345678"}, []string{"91345678"}},
		{"_1-NXX-NXX-XXXX", []string{"12125551234"}, []string{"11125551234"}},
		{"9.", []string{"90", "9123456789", "9*#+"}, []string{"9", "8123", "91a"}},
		{".", []string{"1", "123", "+1"}, []string{"", "1 2"}},
		{"9!", []string{"9", "91", "9123"}, []string{"", "8"}},
		{"00X.", []string{"0012", "00123"}, []string{"001", "01234"}},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.pattern)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tt.pattern, err)
		}
		for _, n := range tt.match {
			if !p.Match(n) {
				t.Errorf("%q should match %q", tt.pattern, n)
			}
		}
		for _, n := range tt.noMatch {
			if p.Match(n) {
				t.Errorf("%q should not match %q", tt.pattern, n)
			}
		}
	}
}

func TestPatternErrors(t *testing.T) {
	tests := []struct {
		pattern string
		pos     int
		msg     string
	}{
		{"", 0, "empty pattern"},
		{"_", 0, "empty pattern"},
		{"--", 0, "empty pattern"},
		{"!", 0, "'!' alone"},
		{"9.X", 3, "wildcard must be last"},
		{"9!1", 3, "wildcard must be last"},
		{"9..", 3, "wildcard must be last"},
		{"9A", 2, `'A' is not a pattern symbol`},
		{"_9A", 3, `'A' is not a pattern symbol`},
		{"9[12", 2, "'[' without ']'"},
		{"912]", 4, "']' without '['"},
		{"9[]", 2, "empty class"},
		{"9[5-1]", 3, "reversed range 5-1"},
		{"9[1-]", 4, "range without an end"},
		{"9[1-*]", 3, "ranges are between digits"},
		{"9[a]", 3, `'a' in a class`},
		{"9[1[2]]", 4, "'[' inside a class"},
		{"9[.]", 3, `'.' in a class`},
		{strings.Repeat("X", MaxLen+1), MaxLen + 1, "longer than"},
	}
	for _, tt := range tests {
		_, err := ParsePattern(tt.pattern)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParsePattern(%q) = %v, want a SyntaxError", tt.pattern, err)
			continue
		}
		if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParsePattern(%q): pos %d msg %q, want pos %d msg containing %q", tt.pattern, se.Pos, se.Msg, tt.pos, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "dialrule: pattern ") {
			t.Errorf("error %q lacks context", err)
		}
	}
}

func TestPatternString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"_9NXXXXXX", "9NXXXXXX"},
		{"1-NXX-XXXX", "1NXXXXXX"},
		{"[0-9][2-9][1-9]", "XNZ"},
		{"[13-5]", "[13-5]"},
		{"[1345]", "[13-5]"},
		{"[1245]", "[1245]"},
		{"[1-4]", "[1-4]"},
		{"[01236-9]", "[0-36-9]"},
		{"[5]", "5"},
		{"[#*1+]", "[1*#+]"},
		{"x.", "X."},
		{"9!", "9!"},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.String(); got != tt.want {
			t.Errorf("ParsePattern(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		q, err := ParsePattern(p.String())
		if err != nil || !q.Equal(p) {
			t.Errorf("%q does not round-trip: %v", tt.in, err)
		}
	}
	var zero Pattern
	if zero.Match("1") || zero.Match("") || !zero.IsZero() {
		t.Error("zero Pattern must match nothing")
	}
}

func TestPatternLengths(t *testing.T) {
	for _, tt := range []struct {
		p        string
		min, max int
	}{{"9NXX", 4, 4}, {"9.", 2, -1}, {"9!", 1, -1}, {".", 1, -1}} {
		p := mustPattern(t, tt.p)
		if p.MinLen() != tt.min || p.MaxLen() != tt.max {
			t.Errorf("%s: MinLen %d MaxLen %d, want %d %d", tt.p, p.MinLen(), p.MaxLen(), tt.min, tt.max)
		}
	}
}

func TestCompareOrdersMostSpecificFirst(t *testing.T) {
	in := []string{"X!", ".", "9.", "9X.", "9011.", "9NXXXXXX", "91NXXNXXXXXX", "9[2-4]XXXXXX", "92XXXXXX", "9!"}
	want := []string{"9011.", "91NXXNXXXXXX", "92XXXXXX", "9[2-4]XXXXXX", "9NXXXXXX", "9X.", "9.", "9!", "X!", "."}
	ps := make([]Pattern, len(in))
	for i, s := range in {
		ps[i] = mustPattern(t, s)
	}
	slices.SortFunc(ps, Compare)
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("sorted = %v\nwant     %v", got, want)
	}
	// Overlapping pairs: the first in order is never a strict superset at the
	// first position where they differ, so the number goes to the narrower rule.
	if Compare(mustPattern(t, "9X"), mustPattern(t, "9[0-9]")) != 0 {
		t.Error("equal patterns must compare 0")
	}
	if Compare(mustPattern(t, "12"), mustPattern(t, "12!")) >= 0 || Compare(mustPattern(t, "12X"), mustPattern(t, "12.")) >= 0 {
		t.Error("a fixed end must sort before a wildcard tail")
	}
}

func TestPatternsOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"9NXX", "9XXX", true},
		{"9NXX", "91XX", false},
		{"9NXX", "9NXXX", false},
		{"9.", "9NXX", true},
		{"9.", "9", false},
		{"9!", "9", true},
		{"9.", "9!", true},
		{"9X.", "9X", false},
		{"9X!", "9X", true},
		{"0.", "9.", false},
		{".", "+44X", true},
		{"[13]X", "[24]X", false},
		{"[13]X", "[34]X", true},
		{"X", "*", false},
		{"9", "9", true},
	}
	for _, tt := range tests {
		a, b := mustPattern(t, tt.a), mustPattern(t, tt.b)
		if got := PatternsOverlap(a, b); got != tt.want {
			t.Errorf("PatternsOverlap(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := PatternsOverlap(b, a); got != tt.want {
			t.Errorf("PatternsOverlap(%q, %q) = %v, want %v (reversed)", tt.b, tt.a, got, tt.want)
		}
	}
	if PatternsOverlap(Pattern{}, mustPattern(t, ".")) {
		t.Error("the zero Pattern overlaps nothing")
	}
}

func TestPatternText(t *testing.T) {
	var p Pattern
	if err := p.UnmarshalText([]byte("_9NXX")); err != nil {
		t.Fatal(err)
	}
	b, _ := p.MarshalText()
	if string(b) != "9NXX" {
		t.Errorf("MarshalText = %q", b)
	}
	if err := p.UnmarshalText([]byte("9Q")); err == nil {
		t.Error("UnmarshalText accepted 9Q")
	}
}

func mustPattern(t testing.TB, s string) Pattern {
	t.Helper()
	p, err := ParsePattern(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
