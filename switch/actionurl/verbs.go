package actionurl

import (
	"fmt"
	"net/url"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// verbKind names a verb of a call program document.
type verbKind int

const (
	verbUnknown verbKind = iota
	verbAnswer
	verbPlay
	verbCollect
	verbRecord
	verbBridge
	verbSleep
	verbTransfer
	verbHangup
	verbRedirect
)

var verbNames = [...]string{"unknown", "answer", "play", "collect", "record", "bridge", "sleep", "transfer", "hangup", "redirect"}

func (k verbKind) String() string {
	if k < 0 || int(k) >= len(verbNames) {
		return "unknown"
	}
	return verbNames[k]
}

func parseVerbKind(s string) verbKind {
	for i, n := range verbNames[1:] {
		if n == s {
			return verbKind(i + 1)
		}
	}
	return verbUnknown
}

// verbFields lists the fields each verb accepts; anything else is a typo
// worth reporting.
var verbFields = [...][]string{
	verbAnswer:   {"verb", "on_error"},
	verbPlay:     {"verb", "file", "loops", "on_error"},
	verbCollect:  {"verb", "max", "timeout", "terminator", "prompt", "action", "on_error"},
	verbRecord:   {"verb", "max_duration", "terminator", "action", "on_error"},
	verbBridge:   {"verb", "targets", "mode", "timeout", "caller_id", "action", "on_error"},
	verbSleep:    {"verb", "seconds"},
	verbTransfer: {"verb", "target", "on_error"},
	verbHangup:   {"verb", "code", "reason"},
	verbRedirect: {"verb", "url", "on_error"},
}

// errMode is what a failed verb does to the program.
type errMode int

const (
	errUnknown  errMode = iota // inherit (the document's, else hangup)
	errHangup                  // hang up with 500 and end the program
	errContinue                // go on with the next verb
)

func (m errMode) String() string {
	switch m {
	case errHangup:
		return "hangup"
	case errContinue:
		return "continue"
	}
	return "unknown"
}

func parseErrMode(field, s string) (errMode, error) {
	switch s {
	case "":
		return errUnknown, nil
	case "hangup":
		return errHangup, nil
	case "continue":
		return errContinue, nil
	}
	return errUnknown, fmt.Errorf("%w: field %q: want continue or hangup, got %q", ErrResponse, field, clip(s))
}

// wireVerb is the union of every verb's fields.
type wireVerb struct {
	Verb        string   `json:"verb"`
	File        string   `json:"file"`
	Loops       int      `json:"loops"`
	Max         int      `json:"max"`
	Timeout     *float64 `json:"timeout"`
	Terminator  string   `json:"terminator"`
	Prompt      string   `json:"prompt"`
	MaxDuration *float64 `json:"max_duration"`
	Targets     []string `json:"targets"`
	Mode        string   `json:"mode"`
	CallerID    string   `json:"caller_id"`
	Target      string   `json:"target"`
	Seconds     *float64 `json:"seconds"`
	Code        int      `json:"code"`
	Reason      string   `json:"reason"`
	URL         string   `json:"url"`
	Action      string   `json:"action"`
	OnError     string   `json:"on_error"`
}

func (v *wireVerb) set() []string {
	var s []string
	add := func(ok bool, name string) {
		if ok {
			s = append(s, name)
		}
	}
	add(v.Verb != "", "verb")
	add(v.File != "", "file")
	add(v.Loops != 0, "loops")
	add(v.Max != 0, "max")
	add(v.Timeout != nil, "timeout")
	add(v.Terminator != "", "terminator")
	add(v.Prompt != "", "prompt")
	add(v.MaxDuration != nil, "max_duration")
	add(v.Targets != nil, "targets")
	add(v.Mode != "", "mode")
	add(v.CallerID != "", "caller_id")
	add(v.Target != "", "target")
	add(v.Seconds != nil, "seconds")
	add(v.Code != 0, "code")
	add(v.Reason != "", "reason")
	add(v.URL != "", "url")
	add(v.Action != "", "action")
	add(v.OnError != "", "on_error")
	return s
}

// step is a validated verb, ready to run.
type step struct {
	kind       verbKind
	file       string // play
	loops      int
	max        int // collect
	timeout    time.Duration
	terminator string
	prompt     string
	maxDur     time.Duration // record
	targets    []string      // bridge
	mode       hook.BridgeMode
	callerID   string
	target     string // transfer
	seconds    time.Duration
	code       int // hangup
	reason     string
	action     *dest // collect, record, bridge: where the result goes; redirect: the URL
	onError    errMode
}

// Verb defaults.
const (
	defaultCollectMax  = 1
	defaultCollectWait = 5 * time.Second
	defaultRecordMax   = 120 * time.Second
	maxRecordSeconds   = 3600
	maxLoops           = 100
	defaultHangupCode  = 603
)

// parseVerbs validates a verb document.
func parseVerbs(a *routeAnswer, base *url.URL) (*doc, error) {
	if err := onlyFields(a, "a verb document", "verbs", "on_error"); err != nil {
		return nil, err
	}
	if base == nil {
		return nil, fmt.Errorf("%w: a verb document needs a call program, which this hook cannot run", ErrResponse)
	}
	if len(a.Verbs) == 0 || len(a.Verbs) > defaultDocLimit {
		return nil, fmt.Errorf("%w: field \"verbs\": want 1 to %d verbs, got %d", ErrResponse, defaultDocLimit, len(a.Verbs))
	}
	d := &doc{kind: docVerbs, steps: make([]step, len(a.Verbs))}
	var err error
	if d.onError, err = parseErrMode("on_error", a.OnError); err != nil {
		return nil, err
	}
	for i := range a.Verbs {
		if d.steps[i], err = parseVerb(&a.Verbs[i], base); err != nil {
			return nil, fmt.Errorf("verbs[%d]: %w", i, err)
		}
	}
	return d, nil
}

func parseVerb(v *wireVerb, base *url.URL) (step, error) {
	s := step{kind: parseVerbKind(v.Verb)}
	if s.kind == verbUnknown {
		return s, fmt.Errorf("%w: field \"verb\": unknown verb %q (want answer, play, collect, record, bridge, sleep, transfer, hangup or redirect)", ErrResponse, clip(v.Verb))
	}
	for _, f := range v.set() {
		ok := false
		for _, g := range verbFields[s.kind] {
			ok = ok || f == g
		}
		if !ok {
			return s, fmt.Errorf("%w: field %q does not belong in verb %s", ErrResponse, f, s.kind)
		}
	}
	var err error
	if s.onError, err = parseErrMode("on_error", v.OnError); err != nil {
		return s, err
	}
	if v.Action != "" {
		if s.action, err = resolve(base, v.Action); err != nil {
			return s, fmt.Errorf("field \"action\": %w", err)
		}
	}
	switch s.kind {
	case verbPlay:
		s.file, s.loops = v.File, v.Loops
		if v.Loops < 0 || v.Loops > maxLoops {
			return s, fmt.Errorf("%w: field \"loops\": want 0-%d, got %d", ErrResponse, maxLoops, v.Loops)
		}
		err = checkFile("file", v.File)
	case verbCollect:
		s.max, s.terminator, s.prompt = v.Max, v.Terminator, v.Prompt
		if s.max == 0 {
			s.max = defaultCollectMax
		}
		if s.max < 1 || s.max > maxDigits {
			return s, fmt.Errorf("%w: field \"max\": want 1-%d digits, got %d", ErrResponse, maxDigits, v.Max)
		}
		if s.timeout, err = checkSeconds("timeout", v.Timeout, maxSeconds); s.timeout == 0 {
			s.timeout = defaultCollectWait
		}
		if err == nil && v.Prompt != "" {
			err = checkFile("prompt", v.Prompt)
		}
		err = firstErr(err, checkTerminator("terminator", v.Terminator))
	case verbRecord:
		s.terminator = v.Terminator
		if s.maxDur, err = checkSeconds("max_duration", v.MaxDuration, maxRecordSeconds); s.maxDur == 0 {
			s.maxDur = defaultRecordMax
		}
		err = firstErr(err, checkTerminator("terminator", v.Terminator))
	case verbBridge:
		s.targets, s.callerID = v.Targets, v.CallerID
		if s.mode, err = parseMode(v.Mode); err == nil {
			s.timeout, err = checkSeconds("timeout", v.Timeout, maxSeconds)
		}
		err = firstErr(err, checkTargets("targets", v.Targets), checkUserPart("caller_id", v.CallerID))
	case verbSleep:
		if v.Seconds == nil {
			return s, fmt.Errorf("%w: field \"seconds\": required", ErrResponse)
		}
		s.seconds, err = checkSeconds("seconds", v.Seconds, maxSeconds)
	case verbTransfer:
		s.target = v.Target
		if v.Target == "" {
			return s, fmt.Errorf("%w: field \"target\": required", ErrResponse)
		}
		err = checkUserPart("target", v.Target)
	case verbHangup:
		s.code, s.reason = v.Code, v.Reason
		if s.code == 0 {
			s.code = defaultHangupCode
		}
		err = firstErr(checkCode("code", v.Code), checkReason(v.Reason))
	case verbRedirect:
		if v.URL == "" {
			return s, fmt.Errorf("%w: field \"url\": required", ErrResponse)
		}
		if s.action, err = resolve(base, v.URL); err != nil {
			err = fmt.Errorf("field \"url\": %w", err)
		}
	}
	return s, err
}

// resolve reads an action URL relative to the document that named it, as
// a browser resolves a link.
func resolve(base *url.URL, ref string) (*dest, error) {
	if len(ref) > 2048 {
		return nil, fmt.Errorf("%w: longer than 2048 bytes", ErrURL)
	}
	r, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrURL, clip(ref), err)
	}
	u := base.ResolveReference(r)
	if err := validURL(u); err != nil {
		return nil, err
	}
	return newDest(u), nil
}
