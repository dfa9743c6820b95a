package ua

import (
	"errors"
	"strconv"
	"strings"
)

// MWI is a message-summary (RFC 3842): whether messages wait, and the
// voice message counts.
type MWI struct {
	Waiting   bool
	Account   string // Message-Account, if given
	New, Old  int
	NewUrgent int
	OldUrgent int
}

var errSummary = errors.New("malformed message-summary")

// maxSummary bounds the body we read; the switch's is under 100 bytes.
const maxSummary = 8 << 10

// ParseMessageSummary reads an application/simple-message-summary body:
// the Messages-Waiting line is required; of the message-context lines
// only Voice-Message is kept (new/old, then the optional urgent pair).
// Unknown lines are skipped, as RFC 3842 5.2 asks.
func ParseMessageSummary(body []byte) (MWI, error) {
	if len(body) > maxSummary {
		return MWI{}, errSummary
	}
	var m MWI
	seen := false
	for _, ln := range strings.Split(string(body), "\n") {
		ln = strings.TrimSpace(ln)
		name, val, ok := strings.Cut(ln, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "messages-waiting":
			switch strings.ToLower(val) {
			case "yes":
				m.Waiting = true
			case "no":
				m.Waiting = false
			default:
				return MWI{}, errSummary
			}
			seen = true
		case "message-account":
			m.Account = val
		case "voice-message":
			var err error
			if m.New, m.Old, m.NewUrgent, m.OldUrgent, err = counts(val); err != nil {
				return MWI{}, err
			}
		}
	}
	if !seen {
		return MWI{}, errSummary
	}
	return m, nil
}

// counts reads "new/old" and an optional "(urgent-new/urgent-old)".
func counts(v string) (n, o, un, uo int, err error) {
	pair, rest, _ := strings.Cut(v, "(")
	if n, o, err = slash(pair); err != nil {
		return
	}
	if rest = strings.TrimSpace(rest); rest != "" {
		inner, ok := strings.CutSuffix(rest, ")")
		if !ok {
			return 0, 0, 0, 0, errSummary
		}
		if un, uo, err = slash(inner); err != nil {
			return
		}
	}
	return
}

func slash(s string) (int, int, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, errSummary
	}
	x, ok1 := count(a)
	y, ok2 := count(b)
	if !ok1 || !ok2 {
		return 0, 0, errSummary
	}
	return x, y, nil
}

// count reads a message count, bounded (RFC 3842 uses 1*DIGIT).
func count(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
