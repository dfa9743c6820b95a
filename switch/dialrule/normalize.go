package dialrule

// Normalize turns a number as people and phones write it into the form
// patterns, masks and pools match: visual separators (blanks, '-', '.',
// '(' and ')', as in RFC 3966 "visual-separator") are dropped; digits, '*'
// and '#' are kept; '+' is kept only as the first symbol. Letters and
// anything else are refused, with their position, rather than guessed at
// (no vanity-number keypad mapping). An already normal number is returned
// without allocating. Percent-escapes are the SIP layer's business: pass the
// unescaped user part.
func Normalize(s string) (string, error) {
	const what = "number"
	clean := true
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')':
			clean = false
		case c == '+':
			if n > 0 {
				return "", syntaxErr(what, s, i+1, "'+' after the first digit")
			}
			n++
		case symBit[c] != 0:
			n++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			return "", syntaxErr(what, s, i+1, "letter %q: numbers hold digits, * # and a leading +", c)
		default:
			return "", syntaxErr(what, s, i+1, "%q: numbers hold digits, * # and a leading +", c)
		}
	}
	switch {
	case n == 0:
		return "", syntaxErr(what, s, 0, "no digits")
	case n == 1 && s[firstSym(s)] == '+':
		return "", syntaxErr(what, s, 0, "'+' without digits")
	case n > MaxLen:
		return "", syntaxErr(what, s, 0, "longer than %d symbols", MaxLen)
	case clean:
		return s, nil
	}
	b := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		if symBit[s[i]] != 0 {
			b = append(b, s[i])
		}
	}
	return string(b), nil
}

func firstSym(s string) int {
	for i := 0; i < len(s); i++ {
		if symBit[s[i]] != 0 {
			return i
		}
	}
	return 0
}
