package actionurl

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseDoc feeds route answers (all three formats) to the parser: it
// must never panic, must refuse with ErrResponse or ErrURL, and what it
// accepts must be within the verbs' bounds.
func FuzzParseDoc(f *testing.F) {
	for _, seed := range []string{
		callAnswer,
		`{"status_code":200,"action":"repeat","prompt":"menu.wav"}`,
		`{"action":"bridge","targets":["1001"],"mode":"sequential","timeout":15}`,
		`{"action":"reject","code":486,"reason":"Busy Here"}`,
		`{"verbs":[{"verb":"answer"},{"verb":"play","tone":"busy","duration":2},{"verb":"play","file":"a.wav","loops":3}]}`,
		`{"verbs":[{"verb":"collect","max":4,"inter_digit":2,"flush":true,"prompt":["a","b"],"terminator":"#","action":"/m"}]}`,
		`{"verbs":[{"verb":"record","terminator":"#*","beep":true,"silence":3,"max_duration":60,"action":"/r"}]}`,
		`{"verbs":[{"verb":"conference","room":"3000","admin":true,"name":"rec:1","max_members":5,"action":"/c"}]}`,
		`{"verbs":[{"verb":"send_digits","digits":"12#"},{"verb":"redirect","url":"/next"}],"on_error":"continue"}`,
		`{"verbs":[{"verb":"collect","prompt":[1]}]}`,
	} {
		f.Add([]byte(seed))
	}
	base := newDest(mustURL(f, "http://127.0.0.1/start")).u
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := parseDoc(body, base)
		if err != nil {
			if !errors.Is(err, ErrResponse) && !errors.Is(err, ErrURL) {
				t.Fatalf("error %v wraps neither ErrResponse nor ErrURL", err)
			}
			return
		}
		for i, s := range d.steps {
			if err := stepInBounds(&s); err != "" {
				t.Fatalf("steps[%d] %s accepted out of bounds: %s", i, s.kind, err)
			}
		}
	})
}

func stepInBounds(s *step) string {
	keys := func(k string, lo, hi int) bool {
		return len(k) >= lo && len(k) <= hi && strings.Trim(k, dtmfKeys) == ""
	}
	switch s.kind {
	case verbUnknown:
		return "unknown verb"
	case verbPlay:
		if (s.play.File == "") == (s.play.Tone == "") || s.play.Loops < 0 || s.play.Loops > maxLoops || s.play.Duration < 0 {
			return "play"
		}
	case verbCollect:
		c := s.collect
		if c.Max < 1 || c.Max > maxDigits || c.Timeout <= 0 || c.InterDigit < 0 || len(c.Prompt) > maxPrompts || !keys(c.Terminator, 0, 1) {
			return "collect"
		}
		for _, p := range c.Prompt {
			if checkFile("prompt", p) != nil {
				return "collect prompt " + p
			}
		}
	case verbRecord:
		if s.record.MaxDuration <= 0 || s.record.Silence < 0 || !keys(s.record.Terminator, 0, maxRecordKeys) {
			return "record"
		}
	case verbConference:
		if s.conf.Room == "" || s.conf.MaxMembers < 0 || s.conf.MaxMembers > maxMembers {
			return "conference"
		}
	case verbSendDigits:
		if !keys(s.digits, 1, maxDigits) {
			return "send_digits"
		}
	case verbRedirect:
		if s.action == nil {
			return "redirect without url"
		}
	}
	return ""
}
