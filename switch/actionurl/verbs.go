package actionurl

import (
	"bytes"
	"encoding/json"
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
	verbConference
	verbSendDigits
	verbQueue
)

var verbNames = [...]string{"unknown", "answer", "play", "collect", "record", "bridge", "sleep", "transfer", "hangup", "redirect", "conference", "send_digits", "queue"}

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
	verbAnswer:     {"verb", "on_error"},
	verbPlay:       {"verb", "file", "tone", "loops", "duration", "on_error"},
	verbCollect:    {"verb", "max", "timeout", "inter_digit", "terminator", "prompt", "flush", "action", "on_error"},
	verbRecord:     {"verb", "max_duration", "terminator", "beep", "silence", "action", "on_error"},
	verbBridge:     {"verb", "targets", "mode", "timeout", "caller_id", "trunks", "time_limit", "action", "on_error"},
	verbSleep:      {"verb", "seconds"},
	verbTransfer:   {"verb", "target", "on_error"},
	verbHangup:     {"verb", "code", "reason"},
	verbRedirect:   {"verb", "url", "on_error"},
	verbConference: {"verb", "room", "admin", "muted", "wait_leader", "name", "record", "max_members", "action", "on_error"},
	verbSendDigits: {"verb", "digits", "on_error"},
	verbQueue:      {"verb", "queue", "priority", "action", "on_error"},
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

// wireVerb is the union of every verb's fields. Booleans are pointers so
// that a flag given to the wrong verb is reported even when false.
type wireVerb struct {
	Verb        string          `json:"verb"`
	File        string          `json:"file"`
	Tone        string          `json:"tone"`
	Loops       int             `json:"loops"`
	Duration    *float64        `json:"duration"`
	Max         int             `json:"max"`
	Timeout     *float64        `json:"timeout"`
	InterDigit  *float64        `json:"inter_digit"`
	Terminator  string          `json:"terminator"`
	Prompt      json.RawMessage `json:"prompt"` // a file name or a list of them
	Flush       *bool           `json:"flush"`
	MaxDuration *float64        `json:"max_duration"`
	Beep        *bool           `json:"beep"`
	Silence     *float64        `json:"silence"`
	Targets     []string        `json:"targets"`
	Mode        string          `json:"mode"`
	CallerID    string          `json:"caller_id"`
	Trunks      []string        `json:"trunks"`
	TimeLimit   *float64        `json:"time_limit"`
	Queue       string          `json:"queue"`
	Priority    int             `json:"priority"`
	Target      string          `json:"target"`
	Seconds     *float64        `json:"seconds"`
	Code        int             `json:"code"`
	Reason      string          `json:"reason"`
	URL         string          `json:"url"`
	Room        string          `json:"room"`
	Admin       *bool           `json:"admin"`
	Muted       *bool           `json:"muted"`
	WaitLeader  *bool           `json:"wait_leader"`
	Name        string          `json:"name"`
	Record      *bool           `json:"record"`
	MaxMembers  int             `json:"max_members"`
	Digits      string          `json:"digits"`
	Action      string          `json:"action"`
	OnError     string          `json:"on_error"`
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
	add(v.Tone != "", "tone")
	add(v.Loops != 0, "loops")
	add(v.Duration != nil, "duration")
	add(v.Max != 0, "max")
	add(v.Timeout != nil, "timeout")
	add(v.InterDigit != nil, "inter_digit")
	add(v.Terminator != "", "terminator")
	add(promptSet(v.Prompt), "prompt")
	add(v.Flush != nil, "flush")
	add(v.MaxDuration != nil, "max_duration")
	add(v.Beep != nil, "beep")
	add(v.Silence != nil, "silence")
	add(v.Targets != nil, "targets")
	add(v.Mode != "", "mode")
	add(v.CallerID != "", "caller_id")
	add(v.Trunks != nil, "trunks")
	add(v.TimeLimit != nil, "time_limit")
	add(v.Queue != "", "queue")
	add(v.Priority != 0, "priority")
	add(v.Target != "", "target")
	add(v.Seconds != nil, "seconds")
	add(v.Code != 0, "code")
	add(v.Reason != "", "reason")
	add(v.URL != "", "url")
	add(v.Room != "", "room")
	add(v.Admin != nil, "admin")
	add(v.Muted != nil, "muted")
	add(v.WaitLeader != nil, "wait_leader")
	add(v.Name != "", "name")
	add(v.Record != nil, "record")
	add(v.MaxMembers != 0, "max_members")
	add(v.Digits != "", "digits")
	add(v.Action != "", "action")
	add(v.OnError != "", "on_error")
	return s
}

// step is a validated verb, ready to run: the primitive's spec as the
// call takes it.
type step struct {
	kind    verbKind
	play    hook.PlaySpec
	collect hook.CollectSpec
	record  hook.RecordSpec
	bridge  hook.BridgeSpec
	conf    hook.ConferenceSpec
	queue   hook.QueueSpec
	digits  string        // send_digits
	target  string        // transfer
	seconds time.Duration // sleep
	code    int           // hangup
	reason  string
	action  *dest // collect, record, bridge, conference, queue: where the result goes; redirect: the URL
	onError errMode
}

// Verb defaults and bounds (those of the Lua call object).
const (
	defaultCollectMax  = 1
	defaultCollectWait = 5 * time.Second
	defaultRecordMax   = 120 * time.Second
	maxRecordSeconds   = 3600
	maxPlaySeconds     = 3600
	maxLoops           = 100
	maxPrompts         = 32
	maxRecordKeys      = 4
	maxMembers         = 1000
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
		return s, fmt.Errorf("%w: field \"verb\": unknown verb %q (want answer, play, collect, record, bridge, conference, queue, send_digits, sleep, transfer, hangup or redirect)", ErrResponse, clip(v.Verb))
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
		s.play, err = parsePlay(v)
	case verbCollect:
		s.collect, err = parseCollect(v)
	case verbRecord:
		s.record, err = parseRecord(v)
	case verbBridge:
		s.bridge = hook.BridgeSpec{Targets: v.Targets, CallerID: v.CallerID, Trunks: v.Trunks}
		if s.bridge.Mode, err = parseMode(v.Mode); err == nil {
			s.bridge.Timeout, err = checkSeconds("timeout", v.Timeout, maxSeconds)
		}
		if err == nil {
			s.bridge.TimeLimit, err = checkTimeLimit(v.TimeLimit)
		}
		err = firstErr(err, checkBridgeTargets(v.Targets, v.Trunks), checkUserPart("caller_id", v.CallerID))
	case verbConference:
		s.conf, err = parseConference(v)
	case verbQueue:
		s.queue, err = parseQueue(v)
	case verbSendDigits:
		s.digits = v.Digits
		err = checkKeys("digits", v.Digits, 1, maxDigits)
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

func parsePlay(v *wireVerb) (hook.PlaySpec, error) {
	p := hook.PlaySpec{File: v.File, Tone: v.Tone, Loops: v.Loops}
	if (v.File == "") == (v.Tone == "") {
		return p, fmt.Errorf("%w: fields \"file\" and \"tone\": give exactly one of them", ErrResponse)
	}
	if v.Loops < 0 || v.Loops > maxLoops {
		return p, fmt.Errorf("%w: field \"loops\": want 0-%d, got %d", ErrResponse, maxLoops, v.Loops)
	}
	var err error
	if p.Duration, err = checkSeconds("duration", v.Duration, maxPlaySeconds); err != nil {
		return p, err
	}
	if v.File != "" {
		return p, checkFile("file", v.File)
	}
	return p, checkTone("tone", v.Tone)
}

func parseCollect(v *wireVerb) (hook.CollectSpec, error) {
	c := hook.CollectSpec{Max: v.Max, Terminator: v.Terminator, Flush: isTrue(v.Flush)}
	if c.Max == 0 {
		c.Max = defaultCollectMax
	}
	if c.Max < 1 || c.Max > maxDigits {
		return c, fmt.Errorf("%w: field \"max\": want 1-%d digits, got %d", ErrResponse, maxDigits, v.Max)
	}
	var err error
	if c.Timeout, err = checkSeconds("timeout", v.Timeout, maxSeconds); c.Timeout == 0 {
		c.Timeout = defaultCollectWait
	}
	if err != nil {
		return c, err
	}
	if c.InterDigit, err = checkSeconds("inter_digit", v.InterDigit, maxSeconds); err != nil {
		return c, err
	}
	if c.Prompt, err = parsePrompts(v.Prompt); err != nil {
		return c, err
	}
	return c, checkKeys("terminator", v.Terminator, 0, 1)
}

func parseRecord(v *wireVerb) (hook.RecordSpec, error) {
	r := hook.RecordSpec{Terminator: v.Terminator, Beep: isTrue(v.Beep)}
	var err error
	if r.MaxDuration, err = checkSeconds("max_duration", v.MaxDuration, maxRecordSeconds); r.MaxDuration == 0 {
		r.MaxDuration = defaultRecordMax
	}
	if err != nil {
		return r, err
	}
	if r.Silence, err = checkSeconds("silence", v.Silence, maxSeconds); err != nil {
		return r, err
	}
	return r, checkKeys("terminator", v.Terminator, 0, maxRecordKeys)
}

func parseConference(v *wireVerb) (hook.ConferenceSpec, error) {
	c := hook.ConferenceSpec{Room: v.Room, Admin: isTrue(v.Admin), Muted: isTrue(v.Muted), WaitLeader: isTrue(v.WaitLeader),
		Name: v.Name, Record: isTrue(v.Record), MaxMembers: v.MaxMembers}
	if v.Room == "" {
		return c, fmt.Errorf("%w: field \"room\": required", ErrResponse)
	}
	if v.MaxMembers < 0 || v.MaxMembers > maxMembers {
		return c, fmt.Errorf("%w: field \"max_members\": want 0-%d (0: no limit), got %d", ErrResponse, maxMembers, v.MaxMembers)
	}
	err := checkRoom("room", v.Room)
	if err == nil && v.Name != "" {
		err = checkFile("name", v.Name)
	}
	return c, err
}

// isTrue reads an optional flag.
func isTrue(b *bool) bool { return b != nil && *b }

// promptSet reports whether a prompt was given: as for the other fields,
// null and "" mean none.
func promptSet(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && string(raw) != "null" && string(raw) != `""`
}

// parsePrompts reads a prompt: one file name, or a list of them played in
// turn.
func parsePrompts(raw json.RawMessage) ([]string, error) {
	if !promptSet(raw) {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, checkFile("prompt", one)
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%w: field \"prompt\": want a file name or a list of file names", ErrResponse)
	}
	if len(list) > maxPrompts {
		return nil, fmt.Errorf("%w: field \"prompt\": want at most %d files, got %d", ErrResponse, maxPrompts, len(list))
	}
	for i, f := range list {
		if err := checkFile(fmt.Sprintf("prompt[%d]", i), f); err != nil {
			return nil, err
		}
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
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
