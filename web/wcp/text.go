package wcp

import (
	"strings"
	"unicode/utf8"
)

// userPart is s when it is a user part the protocol allows (1-64 of
// letters, digits and -_.!~*'()&=+$,;?/), else def.
func userPart(s, def string) string {
	if s == "" || len(s) > 64 {
		return def
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()&=+$,;?/", c) >= 0) {
			return def
		}
	}
	return s
}

// line is s as one line of text of at most n bytes: invalid UTF-8 and
// control characters become U+FFFD, the end is cut on a rune boundary.
func line(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return '\uFFFD'
		}
		return r
	}, s)
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// text is s as text of at most n bytes: like line, but line breaks stay.
func text(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == 0x7f {
			return '\uFFFD'
		}
		return r
	}, s)
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
