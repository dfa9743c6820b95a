package actionurl

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
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
		`{"action":"bridge","targets":["+4930123"],"trunks":["up","backup"],"time_limit":3600,"diversion":"1001","diversion_reason":"user-busy"}`,
		`{"verbs":[{"verb":"queue","queue":"7000","priority":5,"action":"/q"},{"verb":"bridge","targets":["0301"],"trunks":["a"],"time_limit":60}]}`,
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
		dec := d.dec
		if err := bridgeInBounds(dec.Targets, dec.Trunks, dec.TimeLimit); dec.Action == hook.ActionBridge && err != "" {
			t.Fatalf("decision accepted out of bounds: %s", err)
		}
		if dec.DiversionReason != "" && !slices.Contains(diversionReasons, dec.DiversionReason) {
			t.Fatalf("diversion_reason %q accepted", dec.DiversionReason)
		}
	})
}

// bridgeInBounds: extensions, or one outside number through 1-16 trunks;
// a time limit of 0 or 1 s to a day.
func bridgeInBounds(targets, trunks []string, limit time.Duration) string {
	if limit != 0 && (limit < time.Second || limit > 24*time.Hour) {
		return "time_limit"
	}
	if len(trunks) == 0 {
		if len(targets) == 0 || len(targets) > hook.MaxTargets {
			return "targets"
		}
		for _, t := range targets {
			if !hook.IsDigits(t, hook.MaxTargetLen) {
				return "target " + t
			}
		}
		return ""
	}
	if len(trunks) > maxTrunks || len(targets) != 1 || !hook.IsDigits(strings.TrimPrefix(targets[0], "+"), hook.MaxTargetLen) {
		return "trunk bridge"
	}
	for _, t := range trunks {
		if !hook.ValidUserPart(t) {
			return "trunk " + t
		}
	}
	return ""
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
	case verbBridge:
		return bridgeInBounds(s.bridge.Targets, s.bridge.Trunks, s.bridge.TimeLimit)
	case verbQueue:
		if !hook.ValidUserPart(s.queue.Queue) || s.queue.Priority < 0 || s.queue.Priority > maxPriority {
			return "queue"
		}
	case verbRedirect:
		if s.action == nil {
			return "redirect without url"
		}
	}
	return ""
}
