package ua

import (
	"strings"
	"unicode/utf8"
)

// Limits on what the owner hands us; the switch refuses longer anyway.
const (
	maxUserLen     = 64
	maxDisplayLen  = 128
	maxHostLen     = 255
	maxHeaderName  = 64
	maxHeaderValue = 1024
	maxHeaders     = 16
	maxMessageLen  = 16 << 10 // a MESSAGE body (RFC 3428 5: fits a datagram)
	maxInfoLen     = 16 << 10
)

// Header is an extra header for an INVITE we send.
type Header struct {
	Name, Value string
}

// validUser accepts a SIP user part made of the characters RFC 3261 25.1
// allows unescaped that numbers and names use: letters, digits and
// -_.!~*'()+ (so feature codes like *61 pass; '#' would need escaping).
func validUser(s string) bool {
	if s == "" || len(s) > maxUserLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("-_.!~*'()+", rune(c)) {
			return false
		}
	}
	return true
}

// validHost accepts a host name, an IPv4 address or a bracketed IPv6
// address, optionally with a port.
func validHost(s string) bool {
	if s == "" || len(s) > maxHostLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("-.:[]", rune(c)) {
			return false
		}
	}
	return true
}

// validDisplay accepts a display name we can quote: UTF-8 without control
// characters; quotes and backslashes are escaped when written.
func validDisplay(s string) bool {
	if len(s) > maxDisplayLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// reserved are headers we build ourselves; an owner's copy would break the
// dialog, the transaction or the body.
var reserved = map[string]bool{
	"via": true, "from": true, "f": true, "to": true, "t": true, "call-id": true, "i": true, "cseq": true,
	"contact": true, "m": true, "max-forwards": true, "route": true, "record-route": true,
	"content-length": true, "l": true, "content-type": true, "c": true, "content-encoding": true, "e": true,
	"authorization": true, "proxy-authorization": true, "expires": true, "require": true, "proxy-require": true,
	"allow": true, "supported": true, "k": true, "user-agent": true,
}

// validHeader accepts an extra header: a token name that is not one we
// build, and a value of printable text on one line.
func validHeader(h Header) bool {
	if h.Name == "" || len(h.Name) > maxHeaderName || len(h.Value) > maxHeaderValue || reserved[strings.ToLower(h.Name)] {
		return false
	}
	for i := 0; i < len(h.Name); i++ {
		if !isToken(h.Name[i]) {
			return false
		}
	}
	if !utf8.ValidString(h.Value) {
		return false
	}
	for _, r := range h.Value {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// validContentType accepts type/subtype with optional parameters, on one
// line (an INFO's Content-Type from the owner).
func validContentType(s string) bool {
	if s == "" || len(s) > maxHeaderValue {
		return false
	}
	typ, _, _ := strings.Cut(s, ";")
	major, minor, ok := strings.Cut(strings.TrimSpace(typ), "/")
	if !ok || major == "" || minor == "" {
		return false
	}
	for i := 0; i < len(major); i++ {
		if !isToken(major[i]) {
			return false
		}
	}
	for i := 0; i < len(minor); i++ {
		if !isToken(minor[i]) {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isToken is RFC 3261 25.1's token character.
func isToken(c byte) bool { return isAlnum(c) || strings.IndexByte("-.!%*_+`'~", c) >= 0 }

// clip bounds peer text quoted in our errors and logs.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
