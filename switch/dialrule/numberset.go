package dialrule

import (
	"strings"
)

// The grammar shared by DID pools and caller-ID masks (seed 001, DID pool
// items 14-17 and the inbound rule's CID number mask): a ';'-separated list
// of terms, each one of
//
//   - alone: any number
//     44*****      a literal prefix then '*' wildcards, one digit each
//     (here: 44 and 5 more digits); no '*' at all is a single
//     number; an optional leading '+' is a literal symbol
//     12000-18000  an inclusive range of numbers of that length
//
// Reading of the seed's range rules, taken literally:
//   - "the numbers must have the same amount of digits": both ends have the
//     same length (12000-180000 is refused), and the range holds numbers of
//     exactly that length, leading zeros included (0100-0199 is 0100..0199);
//   - "the start number must be less than the end number": strictly, so
//     18000-12000 and 12000-12000 are refused (write a single number);
//   - "the start number and end number use a same prefix: 12000-22000 is not
//     allowed": both ends begin with the same digit (a common prefix of at
//     least one digit); 12000-18000 and 22000-22800 pass, 12000-22000 and
//     19999-20001 do not.
//
// Also, as the seed's examples imply: a mask is a prefix followed by
// wildcards, so a digit after a '*' is refused (4*4); ranges hold digits
// only; blanks around terms are ignored; one trailing ';' is tolerated (the
// seed writes "00442012345678;") but an empty term elsewhere is refused.
type numberSet struct {
	terms []term
	all   bool // the empty caller mask: matches every caller, even non-numeric ones
}

type termKind uint8

const (
	termAny   termKind = iota // "*"
	termMask                  // prefix then wildcards; a = the mask
	termRange                 // a..b, same length, digits
)

type term struct {
	kind termKind
	a, b string
}

func (t term) String() string {
	switch t.kind {
	case termAny:
		return "*"
	case termRange:
		return t.a + "-" + t.b
	}
	return t.a
}

// parseSet reads the list; what names the input in errors.
func parseSet(what, s string) (numberSet, error) {
	var set numberSet
	if strings.TrimSpace(s) == "" {
		return set, nil
	}
	start := 0
	for start <= len(s) {
		end := strings.IndexByte(s[start:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		raw := s[start:end]
		lead := len(raw) - len(strings.TrimLeft(raw, " \t"))
		text := strings.TrimSpace(raw)
		if text == "" {
			if end == len(s) && start > 0 { // one trailing ';'
				break
			}
			return numberSet{}, syntaxErr(what, s, start+1, "empty entry in the ';' list")
		}
		t, err := parseTerm(what, s, text, start+lead+1)
		if err != nil {
			return numberSet{}, err
		}
		set.terms = append(set.terms, t)
		start = end + 1
	}
	return set, nil
}

// parseTerm reads one term; at is the 1-based position of text in input.
func parseTerm(what, input, text string, at int) (term, error) {
	if text == "*" {
		return term{kind: termAny}, nil
	}
	if dash := strings.IndexByte(text, '-'); dash >= 0 {
		return parseRange(what, input, text, dash, at)
	}
	body, skip := text, 0
	if body[0] == '+' {
		body, skip = body[1:], 1
		if body == "" {
			return term{}, syntaxErr(what, input, at, "'+' without a number")
		}
	}
	if len(body) > MaxLen {
		return term{}, syntaxErr(what, input, at, "entry longer than %d digits", MaxLen)
	}
	star := false
	for i := 0; i < len(body); i++ {
		c, pos := body[i], at+skip+i
		switch {
		case c == '*':
			star = true
		case isDigit(c) && star:
			return term{}, syntaxErr(what, input, pos, "digit after '*': a mask is a number prefix followed by '*' wildcards")
		case !isDigit(c):
			return term{}, syntaxErr(what, input, pos, "%q is not a digit or '*'", c)
		}
	}
	return term{kind: termMask, a: text}, nil
}

func parseRange(what, input, text string, dash, at int) (term, error) {
	lo, hi := text[:dash], text[dash+1:]
	for i := 0; i < len(text); i++ {
		if i != dash && !isDigit(text[i]) {
			return term{}, syntaxErr(what, input, at+i, "%q in a range: ranges hold digits only", text[i])
		}
	}
	switch {
	case lo == "":
		return term{}, syntaxErr(what, input, at, "range without a start number")
	case hi == "":
		return term{}, syntaxErr(what, input, at+dash, "range without an end number")
	case len(lo) > MaxLen || len(hi) > MaxLen:
		return term{}, syntaxErr(what, input, at, "range numbers longer than %d digits", MaxLen)
	case len(lo) != len(hi):
		return term{}, syntaxErr(what, input, at, "range %s: start and end must have the same number of digits (%d and %d)", text, len(lo), len(hi))
	case lo >= hi: // same length: string order is numeric order
		return term{}, syntaxErr(what, input, at, "range %s: the start number must be less than the end number", text)
	case lo[0] != hi[0]:
		return term{}, syntaxErr(what, input, at, "range %s: start and end must share a prefix (same first digit)", text)
	}
	return term{kind: termRange, a: lo, b: hi}, nil
}

// contains reports whether number is in the set. It allocates nothing.
func (s numberSet) contains(number string) bool {
	if s.all {
		return true
	}
	for _, t := range s.terms {
		if t.contains(number) {
			return true
		}
	}
	return false
}

func (t term) contains(n string) bool {
	switch t.kind {
	case termAny:
		return n != ""
	case termMask:
		if len(n) != len(t.a) {
			return false
		}
		for i := 0; i < len(n); i++ {
			if m := t.a[i]; m == '*' && !isDigit(n[i]) || m != '*' && m != n[i] {
				return false
			}
		}
		return true
	}
	if len(n) != len(t.a) || n < t.a || n > t.b {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !isDigit(n[i]) {
			return false
		}
	}
	return true
}

func (s numberSet) String() string {
	var b strings.Builder
	for i, t := range s.terms {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(t.String())
	}
	return b.String()
}

func (s numberSet) isEmpty() bool { return !s.all && len(s.terms) == 0 }

func (s numberSet) hasAny() bool {
	if s.all {
		return true
	}
	for _, t := range s.terms {
		if t.kind == termAny {
			return true
		}
	}
	return false
}
