package dialrule

import (
	"strings"
	"testing"
)

func TestNewRuleSeedExample(t *testing.T) {
	// Seed 004: users dial 9 for the CO lines, 00 for VoIP; the prefix is
	// stripped before the number goes to the trunk; prepend adds an area code.
	co, err := NewRule("9", "NXXXXXX", "020")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := co.Rewrite("95551234"); !ok || got != "0205551234" {
		t.Errorf("Rewrite(95551234) = %q %v", got, ok)
	}
	if _, ok := co.Rewrite("5551234"); ok {
		t.Error("a number without the dial prefix must not match")
	}
	voip, err := NewRule("00", "_X.", "")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := voip.Rewrite("00442079460958"); !ok || got != "442079460958" {
		t.Errorf("Rewrite = %q %v", got, ok)
	}
	if voip.Pattern.String() != "00X." || voip.Strip != 2 {
		t.Errorf("rule = %s", voip)
	}
	if PatternsOverlap(co.Pattern, voip.Pattern) {
		t.Error("rules with different prefixes must not overlap")
	}
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		rule Rule
		msg  string // "" = valid
	}{
		{Rule{Pattern: mustPattern(t, "9NXX"), Strip: 1}, ""},
		{Rule{Pattern: mustPattern(t, "9NXX"), Strip: 3}, ""},
		{Rule{Pattern: mustPattern(t, "9NXX"), Strip: 4}, "strip 4 removes the whole number"},
		{Rule{Pattern: mustPattern(t, "9."), Strip: 1}, ""},
		{Rule{Pattern: mustPattern(t, "9."), Strip: 2}, "strip 2 removes the whole number"},
		{Rule{Pattern: mustPattern(t, "9!"), Strip: 1}, "strip 1 removes the whole number"},
		{Rule{Pattern: mustPattern(t, "9NXX"), Strip: -1}, "negative"},
		{Rule{Strip: 0}, "no pattern"},
		{Rule{Pattern: mustPattern(t, "9NXX"), Prepend: "+44"}, ""},
		{Rule{Pattern: mustPattern(t, "9NXX"), Prepend: "4+4"}, "leading +"},
		{Rule{Pattern: mustPattern(t, "9NXX"), Prepend: "0a"}, "position 2"},
		{Rule{Pattern: mustPattern(t, "9NXX"), Prepend: strings.Repeat("1", MaxLen+1)}, "longer than"},
	}
	for _, tt := range tests {
		err := tt.rule.Validate()
		switch {
		case tt.msg == "" && err != nil:
			t.Errorf("%s: %v", tt.rule, err)
		case tt.msg != "" && (err == nil || !strings.Contains(err.Error(), tt.msg)):
			t.Errorf("%s: error %v, want %q", tt.rule, err, tt.msg)
		}
	}
}

func TestNewRuleErrors(t *testing.T) {
	if _, err := NewRule("9a", "X.", ""); err == nil || !strings.Contains(err.Error(), `dial prefix "9a"`) || !strings.Contains(err.Error(), "position 2") {
		t.Errorf("bad prefix: %v", err)
	}
	if _, err := NewRule("9", "9[", ""); err == nil || !strings.Contains(err.Error(), "position 2") {
		t.Errorf("bad pattern: %v", err)
	}
	if _, err := NewRule(strings.Repeat("9", MaxLen), "X", ""); err == nil {
		t.Error("too long accepted")
	}
	if _, err := NewRule("9", "!", ""); err == nil {
		t.Error("prefix-only rule (strips everything) accepted")
	}
}

func TestRuleApply(t *testing.T) {
	r := Rule{Pattern: mustPattern(t, "9X."), Strip: 1, Prepend: "0"}
	for in, want := range map[string]string{"912": "012", "9": "0", "": "0"} {
		if got := r.Apply(in); got != want {
			t.Errorf("Apply(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (Rule{Strip: -3}).Apply("12"); got != "12" {
		t.Errorf("negative strip: %q", got)
	}
}
