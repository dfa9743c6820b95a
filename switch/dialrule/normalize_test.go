package dialrule

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	ok := map[string]string{
		"+44 20 7946 0958":  "+442079460958",
		"+1 (555) 123-4567": "+15551234567",
		"(+44) 20-7946":     "+44207946",
		"555.123.4567":      "5551234567",
		"0044\t20":          "004420",
		"*72#":              "*72#",
		"1234":              "1234",
	}
	for in, want := range ok {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []struct {
		in  string
		pos int
		msg string
	}{
		{"1-800-FLOWERS", 7, "letter 'F'"},
		{"12+3", 3, "'+' after the first digit"},
		{"++44", 2, "'+' after the first digit"},
		{"1%2B", 2, `'%'`},
		{"12;phone-context=x", 3, `';'`},
		{"", 0, "no digits"},
		{" - ", 0, "no digits"},
		{"+", 0, "'+' without digits"},
		{" (+) ", 0, "'+' without digits"},
		{strings.Repeat("1", MaxLen+1), 0, "longer than"},
	}
	for _, tt := range bad {
		_, err := Normalize(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Normalize(%q) = %v, want pos %d %q", tt.in, err, tt.pos, tt.msg)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = Normalize("+442079460958") }); n != 0 {
		t.Errorf("Normalize of a normal number allocates %v times", n)
	}
}
