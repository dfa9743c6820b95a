package hook

import (
	"strings"
	"unicode/utf8"
)

// Limits every engine checks in decisions. Targets become Request-URI
// users, caller-IDs From users and reasons Reason-Phrases, so no engine may
// hand the core something it would have to emit verbatim.
const (
	MaxTargets     = 64
	MaxTargetLen   = 32
	MaxCallerIDLen = 64
	MaxReasonLen   = 128
	// UserPartSpecial are the non-alphanumeric characters of a SIP URI user
	// part that need no escaping (RFC 3261 section 25.1 unreserved and
	// user-unreserved).
	UserPartSpecial = "-_.!~*'()&=+$,;?/"
)

// IsDigits reports whether s is 1 to maxLen ASCII digits.
func IsDigits(s string, maxLen int) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidUserPart reports whether s can be a SIP URI user part as it is.
func ValidUserPart(s string) bool {
	if s == "" || len(s) > MaxCallerIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alnum && strings.IndexByte(UserPartSpecial, c) < 0 {
			return false
		}
	}
	return true
}

// ValidReason reports whether s can be a Reason-Phrase (RFC 3261 25.1):
// UTF-8 text without control characters, at most MaxReasonLen bytes.
func ValidReason(s string) bool {
	if len(s) > MaxReasonLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}
