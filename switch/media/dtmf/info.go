package dtmf

import (
	"bytes"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
)

// MaxInfoSize bounds a SIP INFO DTMF body; real ones are under 40 bytes.
const MaxInfoSize = 1024

// maxInfoDuration bounds the Duration of application/dtmf-relay, in ms.
const maxInfoDuration = 60_000

// ParseInfo decodes the body of a SIP INFO request carrying one digit:
//
//   - application/dtmf-relay (the de facto Cisco format): lines
//     "Signal=5" and "Duration=160" (ms), '\n' or "\r\n" line ends, keys
//     in any case, spaces around keys and values; Signal is a digit or an
//     event code (10 '*', 11 '#', 12-15 'A'-'D', 16 flash); a missing
//     Duration is 0, unknown keys are ignored;
//   - application/dtmf: the body is the digit alone ("5", "*") or its
//     event code, with no duration.
//
// Anything else, and bodies over MaxInfoSize, are errors.
func ParseInfo(contentType string, body []byte) (digit byte, dur time.Duration, err error) {
	if len(body) > MaxInfoSize {
		return 0, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrInfoTooLarge, len(body), MaxInfoSize)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %q: %v", ErrUnsupportedContentType, contentType, err)
	}
	switch mt {
	case "application/dtmf-relay":
		return parseRelay(body)
	case "application/dtmf":
		d, err := parseSignal(string(bytes.TrimSpace(body)))
		return d, 0, err
	}
	return 0, 0, fmt.Errorf("%w: %q, want application/dtmf-relay or application/dtmf", ErrUnsupportedContentType, mt)
}

func parseRelay(body []byte) (byte, time.Duration, error) {
	var (
		digit            byte
		dur              time.Duration
		haveSig, haveDur bool
	)
	for n, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line) // also drops the '\r' of "\r\n"
		if line == "" {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return 0, 0, fmt.Errorf("%w: line %d %q is not key=value", ErrMalformedInfo, n+1, line)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case strings.EqualFold(key, "Signal"):
			if haveSig {
				return 0, 0, fmt.Errorf("%w: Signal given twice", ErrMalformedInfo)
			}
			d, err := parseSignal(val)
			if err != nil {
				return 0, 0, err
			}
			digit, haveSig = d, true
		case strings.EqualFold(key, "Duration"):
			if haveDur {
				return 0, 0, fmt.Errorf("%w: Duration given twice", ErrMalformedInfo)
			}
			ms, err := strconv.ParseUint(val, 10, 32)
			if err != nil || ms > maxInfoDuration {
				return 0, 0, fmt.Errorf("%w: Duration %q, want 0-%d ms", ErrMalformedInfo, val, maxInfoDuration)
			}
			dur, haveDur = time.Duration(ms)*time.Millisecond, true
		}
	}
	if !haveSig {
		return 0, 0, fmt.Errorf("%w: no Signal line", ErrMalformedInfo)
	}
	return digit, dur, nil
}

// parseSignal reads a digit ("5", "*", "a") or its event code ("11").
func parseSignal(s string) (byte, error) {
	if len(s) == 1 {
		if code, ok := EventOf(s[0]); ok {
			d, _ := DigitOf(code) // upper-cases 'a'-'d'
			return d, nil
		}
	}
	if len(s) == 2 && isDigit(s[0]) && isDigit(s[1]) {
		if d, ok := DigitOf(int(s[0]-'0')*10 + int(s[1]-'0')); ok {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%w: signal %q", ErrUnknownDigit, s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
