package tone

import (
	"fmt"
	"time"
)

// Parse reads a tone in the indications syntax of open-source PBXs:
//
//	tone    = part { "," part }
//	part    = [ "!" ] freq [ ( "+" | "*" ) freq ] [ "/" ms ]
//
// "f1+f2" sums two frequencies, "f1*f2" modulates f1 by f2, frequency 0 is
// silence, "/ms" is the duration and a part without one plays for ever (so
// only the last part may omit it). '!' marks a part played on the first
// pass only; such parts come first, the rest repeat. Frequencies are 0 to
// 4000 Hz, durations 1 ms to 1 h. Spaces between tokens are ignored.
// Errors are *ParseError with the 1-based position of the fault.
func Parse(spec string) (Tone, error) {
	if len(spec) > MaxSpecLen {
		return Tone{}, &ParseError{Pos: MaxSpecLen + 1, Msg: fmt.Sprintf("spec is %d bytes: limit %d", len(spec), MaxSpecLen)}
	}
	s := scanner{spec: spec}
	var t Tone
	var starts []int // where each part begins, for errors found later
	for {
		s.space()
		starts = append(starts, s.i)
		p, err := s.part()
		if err != nil {
			return Tone{}, err
		}
		if len(t.Parts) == MaxParts {
			return Tone{}, s.fail(starts[len(starts)-1], fmt.Sprintf("more than %d parts", MaxParts))
		}
		t.Parts = append(t.Parts, p)
		s.space()
		if s.i == len(spec) {
			break
		}
		if spec[s.i] != ',' {
			return Tone{}, s.fail(s.i, fmt.Sprintf("unexpected %q: want ',', '+', '*' or '/'", spec[s.i]))
		}
		s.i++
	}
	repeating := false
	for i, p := range t.Parts {
		if p.Duration == 0 && i != len(t.Parts)-1 {
			return Tone{}, s.fail(starts[i], "part without duration plays for ever: only the last part may omit /ms")
		}
		if p.Once && repeating {
			return Tone{}, s.fail(starts[i], "'!' after a repeating part: once-only parts must come first")
		}
		repeating = repeating || !p.Once
	}
	return t, nil
}

type scanner struct {
	spec string
	i    int
}

func (s *scanner) fail(i int, msg string) error { return &ParseError{Pos: i + 1, Msg: msg} }

func (s *scanner) space() {
	for s.i < len(s.spec) && (s.spec[s.i] == ' ' || s.spec[s.i] == '\t') {
		s.i++
	}
}

func (s *scanner) part() (Part, error) {
	var p Part
	if s.i < len(s.spec) && s.spec[s.i] == '!' {
		p.Once = true
		s.i++
		s.space()
	}
	var err error
	if p.Freq1, err = s.freq(); err != nil {
		return Part{}, err
	}
	s.space()
	if s.i < len(s.spec) && (s.spec[s.i] == '+' || s.spec[s.i] == '*') {
		p.Modulate = s.spec[s.i] == '*'
		s.i++
		s.space()
		if p.Freq2, err = s.freq(); err != nil {
			return Part{}, err
		}
		s.space()
	}
	if s.i < len(s.spec) && s.spec[s.i] == '/' {
		s.i++
		s.space()
		at := s.i
		ms, err := s.number("a duration in ms")
		if err != nil {
			return Part{}, err
		}
		if ms < 1 || ms > MaxDuration.Milliseconds() {
			return Part{}, s.fail(at, fmt.Sprintf("duration %d ms out of range: want 1 to %d (omit /ms for ever)", ms, MaxDuration.Milliseconds()))
		}
		p.Duration = time.Duration(ms) * time.Millisecond
	}
	return p, nil
}

func (s *scanner) freq() (int, error) {
	at := s.i
	f, err := s.number("a frequency in Hz")
	if err != nil {
		return 0, err
	}
	if f > MaxFreq {
		return 0, s.fail(at, fmt.Sprintf("frequency %d Hz out of range: want 0 to %d", f, MaxFreq))
	}
	return int(f), nil
}

// number reads up to 9 decimal digits; more is out of every range here.
func (s *scanner) number(what string) (int64, error) {
	at := s.i
	var n int64
	for s.i < len(s.spec) && s.spec[s.i] >= '0' && s.spec[s.i] <= '9' {
		if s.i-at == 9 {
			return 0, s.fail(at, fmt.Sprintf("number too long: want %s", what))
		}
		n = n*10 + int64(s.spec[s.i]-'0')
		s.i++
	}
	if s.i == at {
		if s.i == len(s.spec) {
			return 0, s.fail(at, "unexpected end: want "+what)
		}
		return 0, s.fail(at, fmt.Sprintf("unexpected %q: want %s", s.spec[s.i], what))
	}
	return n, nil
}
