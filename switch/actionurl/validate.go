package actionurl

import (
	"fmt"
	"math"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Limits on what a web app may return. Targets and caller-IDs become SIP
// URI user parts and reasons Reason-Phrases, so they are checked here and
// the core never emits what a web app wrote verbatim.
const (
	maxFileLen  = 255
	maxSeconds  = 600
	maxDigits   = 64
	maxExtra    = 64 // CDR extra fields
	maxExtraLen = 1024
	// RFC 3261 section 25.1 unreserved and user-unreserved characters.
)

func checkTargets(field string, ts []string) error {
	if len(ts) == 0 || len(ts) > hook.MaxTargets {
		return fmt.Errorf("%w: field %q: want 1 to %d extension numbers", ErrResponse, field, hook.MaxTargets)
	}
	for i, t := range ts {
		if !hook.IsDigits(t, hook.MaxTargetLen) {
			return fmt.Errorf("%w: field \"%s[%d]\": want an extension number (digits), got %q", ErrResponse, field, i, clip(t))
		}
	}
	return nil
}

// checkUserPart validates an optional caller-ID or delivery address.
func checkUserPart(field, s string) error {
	if s != "" && !hook.ValidUserPart(s) {
		return fmt.Errorf("%w: field %q: want 1-%d characters of a SIP user part (letters, digits, %s), got %q", ErrResponse, field, hook.MaxCallerIDLen, hook.UserPartSpecial, clip(s))
	}
	return nil
}

// checkReason follows RFC 3261 section 25.1 Reason-Phrase: text, spaces
// and tabs, no CR, LF or other control characters.
func checkReason(s string) error {
	if len(s) > hook.MaxReasonLen || !printable(s) {
		return fmt.Errorf("%w: field \"reason\": want at most %d bytes of UTF-8 text without control characters", ErrResponse, hook.MaxReasonLen)
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// checkCode accepts 0 (the default) or a SIP failure code.
func checkCode(field string, code int) error {
	if code != 0 && (code < 400 || code > 699) {
		return fmt.Errorf("%w: field %q: want a SIP status code 400-699, got %d", ErrResponse, field, code)
	}
	return nil
}

// checkSeconds turns optional seconds into a duration within (0, max].
func checkSeconds(field string, v *float64, max float64) (time.Duration, error) {
	if v == nil {
		return 0, nil
	}
	if !(*v > 0 && *v <= max) { // also refuses NaN
		return 0, fmt.Errorf("%w: field %q: want seconds in (0, %v], got %v", ErrResponse, field, max, *v)
	}
	return time.Duration(math.Round(*v * float64(time.Second))), nil
}

// checkFile accepts a prompt name relative to the prompts directory: no
// absolute paths, no way up, no control characters.
func checkFile(field, f string) error {
	bad := f == "" || len(f) > maxFileLen || !printable(f) || strings.ContainsAny(f, "\\\x00") ||
		path.IsAbs(f) || path.Clean(f) != f || f == ".." || strings.HasPrefix(f, "../")
	if bad {
		return fmt.Errorf("%w: field %q: want a relative file name of at most %d bytes, got %q", ErrResponse, field, maxFileLen, clip(f))
	}
	return nil
}

// dtmfKeys are the keys of a phone's keypad and the four extra ones of
// RFC 4733 (events 12-15).
const dtmfKeys = "0123456789*#ABCD"

// checkKeys accepts min to max DTMF keys: a terminator (0-1), the keys
// that end a recording (0-4) or digits to send (1-64).
func checkKeys(field, s string, min, max int) error {
	ok := len(s) >= min && len(s) <= max
	for i := 0; ok && i < len(s); i++ {
		ok = strings.IndexByte(dtmfKeys, s[i]) >= 0
	}
	if ok {
		return nil
	}
	want := fmt.Sprintf("%d-%d DTMF keys", min, max)
	switch {
	case min == 0 && max == 1:
		want = "one DTMF key"
	case min == 0:
		want = fmt.Sprintf("1-%d DTMF keys", max)
	}
	return fmt.Errorf("%w: field %q: want %s (0-9, *, # or A-D), got %q", ErrResponse, field, want, clip(s))
}

// checkTone accepts a tone name ("ringback") or an indications spec
// ("350+440/1000,0/3000"); the media layer judges the spec itself, here
// it only has to be short printable text.
func checkTone(field, s string) error {
	if s == "" || len(s) > maxFileLen || !printable(s) {
		return fmt.Errorf("%w: field %q: want a tone name or spec of 1-%d printable bytes, got %q", ErrResponse, field, maxFileLen, clip(s))
	}
	return nil
}

// checkRoom accepts a conference room's name or number.
func checkRoom(field, s string) error {
	if s == "" || len(s) > maxFileLen || !printable(s) {
		return fmt.Errorf("%w: field %q: want a room name of 1-%d printable bytes, got %q", ErrResponse, field, maxFileLen, clip(s))
	}
	return nil
}
