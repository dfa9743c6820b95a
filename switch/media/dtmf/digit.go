package dtmf

// Flash is the digit for RFC 4733 event 16, a hook flash, which has no key.
const Flash byte = '!'

// digits lists the digit of each RFC 4733 §3.2 DTMF event code 0-16.
const digits = "0123456789*#ABCD!"

// EventOf returns the RFC 4733 event code of a digit: '0'-'9' are 0-9,
// '*' 10, '#' 11, 'A'-'D' 12-15 and Flash 16. Lower-case 'a'-'d' are
// accepted too, as some SIP INFO senders use them.
func EventOf(digit byte) (int, bool) {
	switch {
	case digit >= '0' && digit <= '9':
		return int(digit - '0'), true
	case digit == '*':
		return 10, true
	case digit == '#':
		return 11, true
	case digit >= 'A' && digit <= 'D':
		return int(digit-'A') + 12, true
	case digit >= 'a' && digit <= 'd':
		return int(digit-'a') + 12, true
	case digit == Flash:
		return 16, true
	}
	return 0, false
}

// DigitOf returns the digit of an RFC 4733 event code, the inverse of
// EventOf. Codes above 16 are other telephony events (tones, line
// signals), not digits.
func DigitOf(event int) (byte, bool) {
	if event < 0 || event >= len(digits) {
		return 0, false
	}
	return digits[event], true
}
