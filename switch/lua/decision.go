package lua

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Decision limits. Targets are extension numbers; caller_id becomes a SIP
// URI user part and reason a Reason-Phrase, so both are checked here and the
// core never has to emit what a script wrote verbatim.
const (
	maxTimeoutSecs = 600
	minRejectCode  = 400
	maxRejectCode  = 699
)

// fields accepted for each action; anything else is a typo worth reporting.
var decisionFields = map[hook.Action][]string{
	hook.ActionBridge:  {"action", "targets", "mode", "timeout", "caller_id", "trunks", "time_limit", "diversion", "diversion_reason"},
	hook.ActionReject:  {"action", "code", "reason"},
	hook.ActionProgram: {"action", "run"},
}

type decisionError struct {
	field, msg string
}

func (d *decisionError) wrap(script string, h hook.Name) error {
	if d.field == "" {
		return fmt.Errorf("%s: %s: %w: %s", script, h, ErrDecision, d.msg)
	}
	return fmt.Errorf("%s: %s: %w: field %q: %s", script, h, ErrDecision, d.field, d.msg)
}

// decodeRoute validates what route or failure returned: a decision table,
// or a function (a call program). fn is the program's function, if any.
func decodeRoute(h hook.Name, v glua.LValue) (dec hook.RouteDecision, fn *glua.LFunction, derr *decisionError) {
	if f, ok := v.(*glua.LFunction); ok {
		return hook.RouteDecision{Action: hook.ActionProgram}, f, nil
	}
	t, ok := v.(*glua.LTable)
	if !ok {
		return dec, nil, &decisionError{msg: string(h) + " must return a table or a function, got " + v.Type().String()}
	}
	action, ok := t.RawGetString("action").(glua.LString)
	switch {
	case !ok:
		return dec, nil, &decisionError{"action", "must be \"bridge\", \"reject\" or \"program\""}
	case action == "bridge":
		dec.Action = hook.ActionBridge
	case action == "reject":
		dec.Action = hook.ActionReject
	case action == "program":
		dec.Action = hook.ActionProgram
	default:
		return dec, nil, &decisionError{"action", fmt.Sprintf("unknown action %q", truncate(string(action)))}
	}
	if derr := checkFields(t, decisionFields[dec.Action]); derr != nil {
		return dec, nil, derr
	}
	switch dec.Action {
	case hook.ActionBridge:
		derr = decodeBridge(t, &dec)
	case hook.ActionReject:
		derr = decodeReject(t, &dec)
	default:
		if fn, ok = t.RawGetString("run").(*glua.LFunction); !ok {
			derr = &decisionError{"run", "must be a function(call), got " + t.RawGetString("run").Type().String()}
		}
	}
	return dec, fn, derr
}

func checkFields(t *glua.LTable, allowed []string) *decisionError {
	for k, _ := t.Next(glua.LNil); k != glua.LNil; k, _ = t.Next(k) {
		s, ok := k.(glua.LString)
		if !ok {
			return &decisionError{msg: "unexpected " + k.Type().String() + " key"}
		}
		if !slices.Contains(allowed, string(s)) {
			return &decisionError{truncate(string(s)), "unknown field for this action"}
		}
	}
	return nil
}

func decodeBridge(t *glua.LTable, dec *hook.RouteDecision) *decisionError {
	trunks, derr := decodeTrunks(t.RawGetString("trunks"))
	if derr != nil {
		return derr
	}
	dec.Trunks = trunks
	if len(trunks) > 0 {
		// Outside numbers: a leading + is allowed.
		n, ok := t.RawGetString("targets").(*glua.LTable)
		if !ok || n.Len() != 1 {
			return &decisionError{"targets", "with trunks, want exactly one outside number"}
		}
		num, ok := n.RawGetInt(1).(glua.LString)
		if !ok || !hook.IsDigits(strings.TrimPrefix(string(num), "+"), hook.MaxTargetLen) {
			return &decisionError{"targets[1]", fmt.Sprintf("want a number (digits, a leading + allowed), got %s", describe(n.RawGetInt(1)))}
		}
		dec.Targets = []string{string(num)}
	} else {
		targets, derr := decodeTargets(t.RawGetString("targets"))
		if derr != nil {
			return derr
		}
		dec.Targets = targets
	}

	switch m := t.RawGetString("mode"); m {
	case glua.LNil, glua.LString("parallel"):
		dec.Mode = hook.ModeParallel
	case glua.LString("sequential"):
		dec.Mode = hook.ModeSequential
	default:
		return &decisionError{"mode", fmt.Sprintf("must be \"parallel\" or \"sequential\", got %s", describe(m))}
	}

	switch to := t.RawGetString("timeout").(type) {
	case *glua.LNilType:
	case glua.LNumber:
		secs := float64(to)
		if !(secs > 0 && secs <= maxTimeoutSecs) { // also refuses NaN
			return &decisionError{"timeout", fmt.Sprintf("must be seconds in (0, %d], got %v", maxTimeoutSecs, secs)}
		}
		dec.Timeout = time.Duration(math.Round(secs * float64(time.Second)))
	default:
		return &decisionError{"timeout", "must be a number of seconds, got " + to.Type().String()}
	}

	switch tl := t.RawGetString("time_limit").(type) {
	case *glua.LNilType:
	case glua.LNumber:
		secs := float64(tl)
		if !(secs >= 1 && secs <= 86400) {
			return &decisionError{"time_limit", fmt.Sprintf("must be seconds in [1, 86400], got %v", secs)}
		}
		dec.TimeLimit = time.Duration(secs * float64(time.Second))
	default:
		return &decisionError{"time_limit", "must be a number of seconds, got " + tl.Type().String()}
	}

	switch dv := t.RawGetString("diversion").(type) {
	case *glua.LNilType:
	case glua.LString:
		if !hook.ValidUserPart(string(dv)) {
			return &decisionError{"diversion", fmt.Sprintf("must be a number or SIP user part, got %q", truncate(string(dv)))}
		}
		dec.Diversion = string(dv)
	default:
		return &decisionError{"diversion", "must be a string, got " + dv.Type().String()}
	}
	switch r := t.RawGetString("diversion_reason").(type) {
	case *glua.LNilType:
	case glua.LString:
		switch string(r) {
		case "unconditional", "user-busy", "no-answer", "unavailable", "deflection":
			dec.DiversionReason = string(r)
		default:
			return &decisionError{"diversion_reason", fmt.Sprintf("want unconditional, user-busy, no-answer, unavailable or deflection, got %q", truncate(string(r)))}
		}
	default:
		return &decisionError{"diversion_reason", "must be a string, got " + r.Type().String()}
	}

	switch cid := t.RawGetString("caller_id").(type) {
	case *glua.LNilType:
	case glua.LString:
		if !hook.ValidUserPart(string(cid)) {
			return &decisionError{"caller_id", fmt.Sprintf("must be 1-%d characters of a SIP user part (letters, digits, %s), got %q", hook.MaxCallerIDLen, hook.UserPartSpecial, truncate(string(cid)))}
		}
		dec.CallerID = string(cid)
	default:
		return &decisionError{"caller_id", "must be a string, got " + cid.Type().String()}
	}
	return nil
}

func decodeTargets(v glua.LValue) ([]string, *decisionError) {
	const want = "must be a non-empty list of digit strings"
	t, ok := v.(*glua.LTable)
	if !ok {
		return nil, &decisionError{"targets", want + ", got " + v.Type().String()}
	}
	n := 0
	for k, _ := t.Next(glua.LNil); k != glua.LNil && n <= hook.MaxTargets; k, _ = t.Next(k) {
		n++
	}
	if n == 0 || n > hook.MaxTargets {
		return nil, &decisionError{"targets", fmt.Sprintf("%s (1 to %d entries)", want, hook.MaxTargets)}
	}
	targets := make([]string, n)
	for i := range targets {
		s, ok := t.RawGetInt(i + 1).(glua.LString)
		if !ok || !hook.IsDigits(string(s), hook.MaxTargetLen) {
			return nil, &decisionError{fmt.Sprintf("targets[%d]", i+1), fmt.Sprintf("%s: got %s", want, describe(t.RawGetInt(i+1)))}
		}
		targets[i] = string(s)
	}
	return targets, nil
}

func decodeReject(t *glua.LTable, dec *hook.RouteDecision) *decisionError {
	code, ok := t.RawGetString("code").(glua.LNumber)
	if !ok || float64(code) != math.Trunc(float64(code)) || code < minRejectCode || code > maxRejectCode {
		return &decisionError{"code", fmt.Sprintf("must be a SIP status code %d-%d, got %s", minRejectCode, maxRejectCode, describe(t.RawGetString("code")))}
	}
	dec.Code = int(code)
	switch r := t.RawGetString("reason").(type) {
	case *glua.LNilType:
	case glua.LString:
		if !hook.ValidReason(string(r)) {
			return &decisionError{"reason", fmt.Sprintf("must be at most %d bytes of UTF-8 text without control characters", hook.MaxReasonLen)}
		}
		dec.Reason = string(r)
	default:
		return &decisionError{"reason", "must be a string, got " + r.Type().String()}
	}
	return nil
}

// describe renders a bad value for an error message, briefly.
func describe(v glua.LValue) string {
	switch v := v.(type) {
	case glua.LString:
		return fmt.Sprintf("%q", truncate(string(v)))
	case glua.LNumber:
		return v.String()
	}
	return v.Type().String()
}

func truncate(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// maxTrunks bounds a bridge's trunk list.
const maxTrunks = 16

// decodeTrunks reads an optional list of trunk names.
func decodeTrunks(v glua.LValue) ([]string, *decisionError) {
	if v == glua.LNil {
		return nil, nil
	}
	t, ok := v.(*glua.LTable)
	if !ok || t.Len() == 0 || t.Len() > maxTrunks {
		return nil, &decisionError{"trunks", fmt.Sprintf("must be a list of 1 to %d trunk names, got %s", maxTrunks, describe(v))}
	}
	out := make([]string, t.Len())
	for i := range out {
		s, ok := t.RawGetInt(i + 1).(glua.LString)
		if !ok || !hook.ValidUserPart(string(s)) {
			return nil, &decisionError{fmt.Sprintf("trunks[%d]", i+1), "must be a trunk name, got " + describe(t.RawGetInt(i+1))}
		}
		out[i] = string(s)
	}
	return out, nil
}
