package tone

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		spec string
		want []Part
	}{
		{"425", []Part{{Freq1: 425}}},
		{"350+440", []Part{{Freq1: 350, Freq2: 440}}},
		{"425*25/400,0/200", []Part{{Freq1: 425, Freq2: 25, Modulate: true, Duration: 400 * ms}, {Duration: 200 * ms}}},
		{"!350+440/100,!0/100,350+440", []Part{
			{Freq1: 350, Freq2: 440, Duration: 100 * ms, Once: true},
			{Duration: 100 * ms, Once: true},
			{Freq1: 350, Freq2: 440},
		}},
		{" ! 950 / 330 , 0 ", []Part{{Freq1: 950, Duration: 330 * ms, Once: true}, {}}},
		{"0+0", []Part{{}}},
		{"4000/3600000", []Part{{Freq1: 4000, Duration: time.Hour}}},
	} {
		got, err := Parse(c.spec)
		if err != nil {
			t.Errorf("%q: %v", c.spec, err)
			continue
		}
		if !reflect.DeepEqual(got.Parts, c.want) {
			t.Errorf("%q: got %+v, want %+v", c.spec, got.Parts, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		spec string
		pos  int
		msg  string
	}{
		{"", 1, "unexpected end: want a frequency"},
		{"  ", 3, "unexpected end: want a frequency"},
		{"425,", 5, "unexpected end"},
		{",425", 1, `unexpected ','`},
		{"425,,0", 5, `unexpected ','`},
		{"4001", 1, "frequency 4001 Hz out of range"},
		{"350+5000", 5, "frequency 5000 Hz out of range"},
		{"350+", 5, "unexpected end: want a frequency"},
		{"350+x", 5, `unexpected 'x'`},
		{"425/", 5, "want a duration"},
		{"425/0", 5, "duration 0 ms out of range"},
		{"425/3600001", 5, "duration 3600001 ms"},
		{"425/100x", 8, `unexpected 'x'`},
		{"425 425", 5, `unexpected '4'`},
		{"-425", 1, `unexpected '-'`},
		{"1234567890", 1, "number too long"},
		{"!M640/100", 2, `unexpected 'M'`},
		{"425/100,0,425/100", 9, "only the last part may omit /ms"},
		{"425/100,!0/100", 9, "once-only parts must come first"},
		{"425/100;0/100", 8, `unexpected ';'`},
		{"425\x00", 4, `unexpected '\x00'`},
	} {
		_, err := Parse(c.spec)
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: got %v, want a *ParseError", c.spec, err)
			continue
		}
		if pe.Pos != c.pos || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: got position %d %q, want %d containing %q", c.spec, pe.Pos, pe.Msg, c.pos, c.msg)
		}
		if !strings.HasPrefix(err.Error(), "tone: position ") {
			t.Errorf("%q: error %q", c.spec, err)
		}
	}
}

func TestParseLimits(t *testing.T) {
	if _, err := Parse(strings.Repeat(" ", MaxSpecLen+1)); !errors.Is(err, ErrSyntax) {
		t.Errorf("long spec: %v", err)
	}
	many := strings.TrimSuffix(strings.Repeat("!1/1,", MaxParts), ",")
	if _, err := Parse(many); err != nil {
		t.Errorf("%d parts: %v", MaxParts, err)
	}
	_, err := Parse(many + ",1/1")
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "more than 256 parts") || pe.Pos != len(many)+2 {
		t.Errorf("%d parts: %v", MaxParts+1, err)
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, spec := range []string{
		"425", "350+440", "!350+440/100,!0/100,350+440", "425*25/400,0/200", "0", "440*0/5", "!1000/250",
	} {
		tn := mustParse(t, spec)
		if s := tn.String(); s != spec {
			t.Errorf("String() = %q, want %q", s, spec)
		}
	}
	// Whitespace and "+0" normalise away.
	if s := mustParse(t, " 440 + 0 / 10 ").String(); s != "440/10" {
		t.Errorf("String() = %q, want 440/10", s)
	}
}

func TestRepeats(t *testing.T) {
	for spec, want := range map[string]bool{
		"425":                   true,
		"425/100,0/100":         true,
		"!425/100,0/100":        true,
		"!425/100,!0/100":       false,
		"!950/330,!1400/330,0":  true, // the last part has no duration
		"!950/330,!1400/330,!0": true,
	} {
		if got := mustParse(t, spec).Repeats(); got != want {
			t.Errorf("%q: Repeats() = %v, want %v", spec, got, want)
		}
	}
	if (Tone{}).Repeats() {
		t.Error("empty tone repeats")
	}
}
