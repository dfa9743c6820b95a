package digest

import (
	"fmt"
	"strings"
)

// maxHeaderLen bounds the input we parse; real Authorization headers are a
// few hundred bytes.
const maxHeaderLen = 8192

// paramScanner walks the auth-param list of a Digest header value:
// name=token or name="quoted-string", separated by commas with optional
// whitespace (RFC 7616 3.4, RFC 3261 25.1). Empty list elements are
// skipped (RFC 7230 7). It never panics and allocates only to unescape a
// quoted string that contains backslashes.
type paramScanner struct {
	s string
	i int
}

// newParamScanner checks the "Digest" scheme and positions the scanner on
// the first parameter.
func newParamScanner(header string) (paramScanner, error) {
	if len(header) > maxHeaderLen {
		return paramScanner{}, fmt.Errorf("header is %d bytes, limit %d: %w", len(header), maxHeaderLen, ErrMalformed)
	}
	i := skipWS(header, 0)
	j := i
	for j < len(header) && isTokenChar(header[j]) {
		j++
	}
	if !strings.EqualFold(header[i:j], "Digest") {
		return paramScanner{}, fmt.Errorf("scheme %q is not Digest: %w", clip(header[i:j]), ErrMalformed)
	}
	if j < len(header) && !isWS(header[j]) {
		return paramScanner{}, fmt.Errorf("no space after scheme: %w", ErrMalformed)
	}
	return paramScanner{s: header, i: j}, nil
}

// next returns the next parameter; ok is false at the end of the list.
func (p *paramScanner) next() (name, value string, ok bool, err error) {
	s := p.s
	i := p.i
	for i < len(s) && (isWS(s[i]) || s[i] == ',') {
		i++
	}
	if i == len(s) {
		p.i = i
		return "", "", false, nil
	}
	start := i
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	if i == start {
		return "", "", false, fmt.Errorf("unexpected %q at offset %d: %w", s[i], i, ErrMalformed)
	}
	name = s[start:i]
	i = skipWS(s, i)
	if i == len(s) || s[i] != '=' {
		return "", "", false, fmt.Errorf("parameter %q has no value: %w", clip(name), ErrMalformed)
	}
	i = skipWS(s, i+1)
	if i == len(s) {
		return "", "", false, fmt.Errorf("parameter %q has no value: %w", clip(name), ErrMalformed)
	}
	if s[i] == '"' {
		value, i, err = quoted(s, i)
		if err != nil {
			return "", "", false, fmt.Errorf("parameter %q: %w", clip(name), err)
		}
	} else {
		start = i
		for i < len(s) && isValueChar(s[i]) {
			i++
		}
		if i == start {
			return "", "", false, fmt.Errorf("parameter %q has no value: %w", clip(name), ErrMalformed)
		}
		value = s[start:i]
	}
	i = skipWS(s, i)
	if i < len(s) && s[i] != ',' {
		return "", "", false, fmt.Errorf("unexpected %q after parameter %q: %w", s[i], clip(name), ErrMalformed)
	}
	p.i = i
	return name, value, true, nil
}

// quoted parses the quoted-string starting at s[i] == '"' and returns its
// unescaped content and the offset after the closing quote (RFC 3261 25.1:
// quoted-pair = "\" followed by any byte but CR and LF).
func quoted(s string, i int) (string, int, error) {
	start := i + 1
	escaped := false
	for j := start; j < len(s); j++ {
		c := s[j]
		if class[c]&cQuoted != 0 {
			continue
		}
		switch {
		case c == '"':
			if !escaped {
				return s[start:j], j + 1, nil
			}
			return unescape(s[start:j]), j + 1, nil
		case c == '\\':
			if j+1 == len(s) || isCtl(s[j+1]) {
				return "", 0, fmt.Errorf("bad escape in quoted string: %w", ErrMalformed)
			}
			escaped = true
			j++
		default:
			return "", 0, fmt.Errorf("control character in quoted string: %w", ErrMalformed)
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted string: %w", ErrMalformed)
}

// unescape removes the backslashes of quoted-pairs; s was validated by quoted.
func unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for j := 0; j < len(s); j++ {
		if s[j] == '\\' && j+1 < len(s) {
			j++
		}
		b.WriteByte(s[j])
	}
	return b.String()
}

// Character classes, looked up in one table on the hot path.
const (
	cToken  = 1 << iota // token (RFC 3261 25.1)
	cValue              // unquoted value: looser than token, some clients send unquoted base64 nonces or URIs
	cQuoted             // plain qdtext: anything but '"', '\\' and controls other than whitespace
	cWS                 // SP, HTAB and, for folded lines, CR and LF
)

var class = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-.!%*_+`'~", b) >= 0 {
			t[c] |= cToken
		}
		if b > 0x20 && b < 0x7f && b != ',' && b != '"' {
			t[c] |= cValue
		}
		if b == ' ' || b == '\t' || b == '\r' || b == '\n' {
			t[c] |= cWS
		}
		if (!isCtl(b) || t[c]&cWS != 0) && b != '"' && b != '\\' {
			t[c] |= cQuoted
		}
	}
	return t
}()

// isCtl reports a control character; only whitespace ones are allowed in a
// quoted string, and none may be escaped.
func isCtl(c byte) bool { return c < 0x20 && c != '\t' || c == 0x7f }

func isWS(c byte) bool        { return class[c]&cWS != 0 }
func isTokenChar(c byte) bool { return class[c]&cToken != 0 }
func isValueChar(c byte) bool { return class[c]&cValue != 0 }

func skipWS(s string, i int) int {
	for i < len(s) && isWS(s[i]) {
		i++
	}
	return i
}

// clip bounds attacker-controlled text copied into error messages.
func clip(s string) string {
	const max = 32
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
