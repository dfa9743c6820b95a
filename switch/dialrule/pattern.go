package dialrule

import (
	"strings"
)

// tail is what a pattern accepts after its fixed positions.
type tail uint8

const (
	tailNone tail = iota // nothing: the number has exactly len(pos) symbols
	tailDot              // '.': one or more symbols
	tailBang             // '!': zero or more symbols
)

// Pattern is a parsed Asterisk-style dial pattern. The zero Pattern matches
// nothing.
type Pattern struct {
	pos  []symset
	tail tail
}

// ParsePattern reads an Asterisk-style pattern:
//
//	X      any digit 0-9
//	N      a digit 2-9
//	Z      a digit 1-9
//	[1-5]  a class: digits, digit ranges and * # + ("[13-5]", "[*#]")
//	0-9 * # +  that symbol
//	.      one or more of anything; only last
//	!      zero or more of anything; only last
//
// A leading '_' (Asterisk's pattern marker) is tolerated, and so are '-'
// outside classes, which Asterisk ignores too ("_1-NXX-XXXX"). Letters other
// than X N Z (either case) are refused: numbers hold none.
func ParsePattern(s string) (Pattern, error) {
	const what = "pattern"
	body, off := s, 0
	if strings.HasPrefix(body, "_") {
		body, off = body[1:], 1
	}
	var p Pattern
	for i := 0; i < len(body); i++ {
		c, at := body[i], off+i+1
		if p.tail != tailNone {
			return Pattern{}, syntaxErr(what, s, at, "%q after %q: a wildcard must be last", c, tailChar(p.tail))
		}
		var set symset
		switch {
		case c == '-':
			continue
		case c == 'X' || c == 'x':
			set = setDigits
		case c == 'N' || c == 'n':
			set = setN
		case c == 'Z' || c == 'z':
			set = setZ
		case c == '.':
			p.tail = tailDot
			continue
		case c == '!':
			p.tail = tailBang
			continue
		case c == '[':
			end := strings.IndexByte(body[i:], ']')
			if end < 0 {
				return Pattern{}, syntaxErr(what, s, at, "'[' without ']'")
			}
			cs, err := parseClass(s, body[i+1:i+end], at+1)
			if err != nil {
				return Pattern{}, err
			}
			set = cs
			i += end
		case c == ']':
			return Pattern{}, syntaxErr(what, s, at, "']' without '['")
		case symBit[c] != 0:
			set = symBit[c]
		default:
			return Pattern{}, syntaxErr(what, s, at, "%q is not a pattern symbol (want 0-9 * # + X N Z [..] . !)", c)
		}
		p.pos = append(p.pos, set)
		if len(p.pos) > MaxLen {
			return Pattern{}, syntaxErr(what, s, at, "longer than %d positions", MaxLen)
		}
	}
	switch {
	case len(p.pos) == 0 && p.tail == tailNone:
		return Pattern{}, syntaxErr(what, s, 0, "empty pattern")
	case len(p.pos) == 0 && p.tail == tailBang:
		return Pattern{}, syntaxErr(what, s, 0, "'!' alone matches the empty number")
	}
	return p, nil
}

// parseClass reads the inside of [...]; at is the 1-based position of its
// first character in the whole input.
func parseClass(input, body string, at int) (symset, error) {
	const what = "pattern"
	if body == "" {
		return 0, syntaxErr(what, input, at-1, "empty class []")
	}
	var set symset
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '[' {
			return 0, syntaxErr(what, input, at+i, "'[' inside a class")
		}
		if symBit[c] == 0 {
			return 0, syntaxErr(what, input, at+i, "%q in a class (want digits, ranges like 1-5, * # +)", c)
		}
		if i+1 < len(body) && body[i+1] == '-' {
			if i+2 >= len(body) {
				return 0, syntaxErr(what, input, at+i+1, "range without an end")
			}
			hi := body[i+2]
			if !isDigit(c) || !isDigit(hi) {
				return 0, syntaxErr(what, input, at+i, "range %c-%c: ranges are between digits", c, hi)
			}
			if hi < c {
				return 0, syntaxErr(what, input, at+i, "reversed range %c-%c", c, hi)
			}
			for d := c; d <= hi; d++ {
				set |= symBit[d]
			}
			i += 2
			continue
		}
		set |= symBit[c]
	}
	return set, nil
}

func tailChar(t tail) byte {
	if t == tailBang {
		return '!'
	}
	return '.'
}

// Match reports whether the whole number matches. It allocates nothing.
func (p Pattern) Match(number string) bool {
	n := len(p.pos)
	if number == "" || len(number) < n {
		return false
	}
	for i, set := range p.pos {
		if set&symBit[number[i]] == 0 {
			return false
		}
	}
	rest := number[n:]
	switch {
	case p.tail == tailNone:
		return rest == ""
	case p.tail == tailDot && rest == "":
		return false
	}
	for i := 0; i < len(rest); i++ {
		if symBit[rest[i]] == 0 {
			return false
		}
	}
	return true
}

// MinLen is the length of the shortest number the pattern matches (0 for
// the zero Pattern).
func (p Pattern) MinLen() int {
	if p.tail == tailDot {
		return len(p.pos) + 1
	}
	return len(p.pos)
}

// MaxLen is the length of the longest number the pattern matches, -1 when
// unbounded.
func (p Pattern) MaxLen() int {
	if p.tail != tailNone {
		return -1
	}
	return len(p.pos)
}

// IsZero reports whether p is the zero Pattern (matches nothing).
func (p Pattern) IsZero() bool { return len(p.pos) == 0 && p.tail == tailNone }

// String is the canonical form: no '_' or '-', classes equal to X N Z
// written as such ("[2-9]" becomes "N"). ParsePattern(p.String()) == p.
func (p Pattern) String() string {
	var b strings.Builder
	for _, set := range p.pos {
		b.WriteString(set.String())
	}
	if p.tail != tailNone {
		b.WriteByte(tailChar(p.tail))
	}
	return b.String()
}

// Equal reports whether two patterns are the same after canonicalisation.
func (p Pattern) Equal(q Pattern) bool {
	if p.tail != q.tail || len(p.pos) != len(q.pos) {
		return false
	}
	for i := range p.pos {
		if p.pos[i] != q.pos[i] {
			return false
		}
	}
	return true
}

// MarshalText writes the canonical form, for config files and JSON.
func (p Pattern) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses like ParsePattern.
func (p *Pattern) UnmarshalText(b []byte) error {
	q, err := ParsePattern(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
