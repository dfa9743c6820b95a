package actionurl

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// docKind is the format of a route answer.
type docKind int

const (
	docUnknown docKind = iota
	docIVR             // seed 001 IVR Action URL: "action" call, hangup or repeat
	docPlain           // a plain decision: "action" bridge or reject
	docVerbs           // a verb document: "verbs"
)

func (k docKind) String() string {
	switch k {
	case docIVR:
		return "ivr"
	case docPlain:
		return "decision"
	case docVerbs:
		return "verbs"
	}
	return "unknown"
}

// ivrAction is a seed 001 response action.
type ivrAction int

const (
	ivrUnknown ivrAction = iota
	ivrCall              // forward to "destination"
	ivrHangup            // hang up
	ivrRepeat            // collect input again and ask again
)

// Seed 001 defaults: the receptionist hangs up with 603 Decline and
// collects up to 20 digits (bank card numbers) ended by #.
const (
	ivrHangupCode   = 603
	ivrRepeatMax    = 20
	ivrRepeatWait   = 5 * time.Second
	ivrTerminator   = "#"
	defaultDocLimit = 100 // verbs in one document
)

// routeAnswer is the union of the three formats; parseDoc checks that only
// the fields of the detected format are set.
type routeAnswer struct {
	StatusCode      *int       `json:"status_code"`
	Action          string     `json:"action"`
	Destination     string     `json:"destination"`
	Prompt          string     `json:"prompt"`
	Targets         []string   `json:"targets"`
	Mode            string     `json:"mode"`
	Timeout         *float64   `json:"timeout"`
	CallerID        string     `json:"caller_id"`
	Trunks          []string   `json:"trunks"`
	TimeLimit       *float64   `json:"time_limit"`
	Diversion       string     `json:"diversion"`
	DiversionReason string     `json:"diversion_reason"`
	Code            int        `json:"code"`
	Reason          string     `json:"reason"`
	Verbs           []wireVerb `json:"verbs"`
	OnError         string     `json:"on_error"`
}

func (a *routeAnswer) set() []string {
	var s []string
	add := func(ok bool, name string) {
		if ok {
			s = append(s, name)
		}
	}
	add(a.StatusCode != nil, "status_code")
	add(a.Action != "", "action")
	add(a.Destination != "", "destination")
	add(a.Prompt != "", "prompt")
	add(a.Targets != nil, "targets")
	add(a.Mode != "", "mode")
	add(a.Timeout != nil, "timeout")
	add(a.CallerID != "", "caller_id")
	add(a.Trunks != nil, "trunks")
	add(a.TimeLimit != nil, "time_limit")
	add(a.Diversion != "", "diversion")
	add(a.DiversionReason != "", "diversion_reason")
	add(a.Code != 0, "code")
	add(a.Reason != "", "reason")
	add(a.Verbs != nil, "verbs")
	add(a.OnError != "", "on_error")
	return s
}

// doc is a parsed route answer.
type doc struct {
	kind    docKind
	ivr     ivrAction
	dec     hook.RouteDecision // docPlain, and docIVR call and hangup
	steps   []step             // docVerbs, and docIVR repeat
	onError errMode
}

// isProgram reports whether the answer needs a call program.
func (d *doc) isProgram() bool { return d.kind == docVerbs || d.kind == docIVR && d.ivr == ivrRepeat }

// decision is the RouteDecision of a non-program answer.
func (d *doc) decision() hook.RouteDecision { return d.dec }

// parseDoc reads a route answer; base resolves relative action URLs.
func parseDoc(body []byte, base *url.URL) (*doc, error) {
	var a routeAnswer
	if err := decodeStrict(body, &a); err != nil {
		return nil, err
	}
	switch {
	case a.Verbs != nil && a.Action != "":
		return nil, fmt.Errorf("%w: give \"verbs\" or \"action\", not both", ErrResponse)
	case a.Verbs != nil:
		return parseVerbs(&a, base)
	}
	switch strings.ToLower(a.Action) {
	case "call", "hangup", "repeat":
		return parseIVR(&a, base)
	case "bridge", "reject":
		return parsePlain(&a)
	case "":
		return nil, fmt.Errorf("%w: want \"verbs\" or \"action\"", ErrResponse)
	}
	return nil, fmt.Errorf("%w: field \"action\": unknown action %q (want call, hangup, repeat, bridge or reject)", ErrResponse, clip(a.Action))
}

func onlyFields(a *routeAnswer, what string, allowed ...string) error {
	for _, f := range a.set() {
		ok := false
		for _, g := range allowed {
			ok = ok || f == g
		}
		if !ok {
			return fmt.Errorf("%w: field %q does not belong in %s", ErrResponse, f, what)
		}
	}
	return nil
}

// parseIVR reads the seed 001 IVR Action URL answer.
func parseIVR(a *routeAnswer, base *url.URL) (*doc, error) {
	d := &doc{kind: docIVR}
	if a.StatusCode != nil && *a.StatusCode != 200 {
		return nil, fmt.Errorf("%w: status_code %d: the web app reports a failure", ErrResponse, *a.StatusCode)
	}
	switch strings.ToLower(a.Action) {
	case "call":
		d.ivr = ivrCall
		if err := onlyFields(a, "a call answer", "status_code", "action", "destination"); err != nil {
			return nil, err
		}
		if !hook.IsDigits(a.Destination, hook.MaxTargetLen) {
			return nil, fmt.Errorf("%w: field \"destination\": want an extension number (digits), got %q", ErrResponse, clip(a.Destination))
		}
		d.dec = hook.RouteDecision{Action: hook.ActionBridge, Targets: []string{a.Destination}}
	case "hangup":
		d.ivr = ivrHangup
		// destination is ignored unless the action is call (seed 001).
		if err := onlyFields(a, "a hangup answer", "status_code", "action", "destination", "code", "reason"); err != nil {
			return nil, err
		}
		if err := firstErr(checkCode("code", a.Code), checkReason(a.Reason)); err != nil {
			return nil, err
		}
		d.dec = hook.RouteDecision{Action: hook.ActionReject, Code: a.Code, Reason: a.Reason}
		if d.dec.Code == 0 {
			d.dec.Code = ivrHangupCode
		}
	case "repeat":
		d.ivr = ivrRepeat
		if err := onlyFields(a, "a repeat answer", "status_code", "action", "destination", "prompt"); err != nil {
			return nil, err
		}
		if a.Prompt != "" {
			if err := checkFile("prompt", a.Prompt); err != nil {
				return nil, err
			}
		}
		if base == nil {
			return nil, fmt.Errorf("%w: repeat needs a call program, which this hook cannot run", ErrResponse)
		}
		d.steps = []step{
			{kind: verbAnswer},
			{kind: verbCollect, action: newDest(base), collect: hook.CollectSpec{
				Max: ivrRepeatMax, Timeout: ivrRepeatWait, Terminator: ivrTerminator, Prompt: optional(a.Prompt),
			}},
		}
	}
	return d, nil
}

// parsePlain reads {"action":"bridge",...} or {"action":"reject",...}, the
// same decision a Lua route function returns.
func parsePlain(a *routeAnswer) (*doc, error) {
	d := &doc{kind: docPlain}
	if strings.ToLower(a.Action) == "reject" {
		if err := onlyFields(a, "a reject decision", "action", "code", "reason"); err != nil {
			return nil, err
		}
		if a.Code == 0 {
			return nil, fmt.Errorf("%w: field \"code\": required for reject (400-699)", ErrResponse)
		}
		if err := firstErr(checkCode("code", a.Code), checkReason(a.Reason)); err != nil {
			return nil, err
		}
		d.dec = hook.RouteDecision{Action: hook.ActionReject, Code: a.Code, Reason: a.Reason}
		return d, nil
	}
	if err := onlyFields(a, "a bridge decision", "action", "targets", "mode", "timeout", "caller_id",
		"trunks", "time_limit", "diversion", "diversion_reason"); err != nil {
		return nil, err
	}
	mode, err := parseMode(a.Mode)
	if err != nil {
		return nil, err
	}
	to, err := checkSeconds("timeout", a.Timeout, maxSeconds)
	if err := firstErr(err, checkBridgeTargets(a.Targets, a.Trunks), checkUserPart("caller_id", a.CallerID)); err != nil {
		return nil, err
	}
	limit, err := checkTimeLimit(a.TimeLimit)
	if err := firstErr(err, checkDiversion(a.Diversion, a.DiversionReason)); err != nil {
		return nil, err
	}
	d.dec = hook.RouteDecision{Action: hook.ActionBridge, Targets: a.Targets, Mode: mode, Timeout: to, CallerID: a.CallerID,
		Trunks: a.Trunks, TimeLimit: limit, Diversion: a.Diversion, DiversionReason: a.DiversionReason}
	return d, nil
}

func parseMode(s string) (hook.BridgeMode, error) {
	switch s {
	case "", "parallel":
		return hook.ModeParallel, nil
	case "sequential":
		return hook.ModeSequential, nil
	}
	return 0, fmt.Errorf("%w: field \"mode\": want parallel or sequential, got %q", ErrResponse, clip(s))
}

// route asks the route hook: a plain decision, a seed 001 answer, or a
// verb document that becomes the call's program.
func (e *Engine) route(ctx context.Context, t *target, r hook.RouteRequest) (hook.Decision, error) {
	p, err := encode(hook.Route, routeWireOf(r, ""), t.get)
	if err != nil {
		return nil, err
	}
	var d *doc
	err = e.ask(ctx, t, t.url, p, func(resp response) error {
		if resp.status == http.StatusNoContent {
			d = nil
			return nil
		}
		var perr error
		d, perr = parseDoc(resp.body, resp.from.u)
		return perr
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("hook route: %w", err)
	case d == nil:
		return hook.Default(r), nil
	case d.isProgram():
		return hook.RouteDecision{Action: hook.ActionProgram, Program: &program{e: e, t: t, steps: d.steps, onError: d.onError}}, nil
	}
	return d.decision(), nil
}
