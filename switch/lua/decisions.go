package lua

import (
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Limits of the decisions other than route's.
const (
	maxExpires       = 86400         // register: seconds
	maxDurationSecs  = 7 * 24 * 3600 // authorize: max_duration
	maxExtra         = 32            // cdr: extra fields
	maxExtraKey      = 64            // bytes
	maxExtraValue    = 1024          // bytes
	maxContentType   = 128           // provision
	defaultRejection = 403           // register, authorize, message, subscribe
)

// decide decodes what a hook function returned into the hook's typed
// decision.
func (st *state) decide(req hook.Request, v glua.LValue) result {
	h := req.Hook()
	switch r := req.(type) {
	case hook.RouteRequest, hook.FailureRequest:
		dec, fn, derr := decodeRoute(h, v)
		if derr != nil {
			return result{err: derr.wrap(st.e.script, h)}
		}
		if dec.Action != hook.ActionProgram {
			return result{dec: dec}
		}
		info, _ := r.(hook.RouteRequest)
		if f, ok := r.(hook.FailureRequest); ok {
			info = hook.RouteRequest{CallID: f.CallID, From: f.From, To: f.To}
		}
		dec.Program = &program{e: st.e, st: st, fn: fn, info: info}
		return result{dec: dec, reserve: true}
	}
	var dec hook.Decision
	var derr *decisionError
	switch req.(type) {
	case hook.RegisterRequest:
		dec, derr = decodeRegister(v)
	case hook.AuthorizeRequest:
		dec, derr = decodeAuthorize(v)
	case hook.CDRRequest:
		dec, derr = decodeCDR(v)
	case hook.MessageRequest:
		dec, derr = decodeMessage(v)
	case hook.SubscribeRequest:
		dec, derr = decodeSubscribe(v)
	case hook.ProvisionRequest:
		dec, derr = decodeProvision(v)
	default: // notices: answer, dtmf, hangup, timer, event
		if v != glua.LNil {
			derr = &decisionError{msg: fmt.Sprintf("%s is a notice and returns nothing, got %s", h, v.Type())}
		}
		dec = hook.Ack{}
	}
	if derr != nil {
		return result{err: derr.wrap(st.e.script, h)}
	}
	return result{dec: dec}
}

// table checks that v is a decision table with only the allowed fields.
func table(v glua.LValue, allowed ...string) (*glua.LTable, *decisionError) {
	t, ok := v.(*glua.LTable)
	if !ok {
		return nil, &decisionError{msg: "must return a table, got " + v.Type().String()}
	}
	return t, checkFields(t, allowed)
}

func optBool(t *glua.LTable, field string) (bool, *decisionError) {
	switch b := t.RawGetString(field).(type) {
	case *glua.LNilType:
		return false, nil
	case glua.LBool:
		return bool(b), nil
	default:
		return false, &decisionError{field, "must be a boolean, got " + b.Type().String()}
	}
}

// optInt reads an optional whole number in [lo, hi]; def when absent.
func optInt(t *glua.LTable, field string, lo, hi, def int) (int, *decisionError) {
	v := t.RawGetString(field)
	if v == glua.LNil {
		return def, nil
	}
	n, ok := v.(glua.LNumber)
	if !ok || float64(n) != math.Trunc(float64(n)) || float64(n) < float64(lo) || float64(n) > float64(hi) {
		return 0, &decisionError{field, fmt.Sprintf("must be a whole number %d-%d, got %s", lo, hi, describe(v))}
	}
	return int(n), nil
}

// optString reads an optional string that valid accepts.
func optString(t *glua.LTable, field, want string, valid func(string) bool) (string, *decisionError) {
	switch s := t.RawGetString(field).(type) {
	case *glua.LNilType:
		return "", nil
	case glua.LString:
		if !valid(string(s)) {
			return "", &decisionError{field, fmt.Sprintf("must be %s, got %q", want, truncate(string(s)))}
		}
		return string(s), nil
	default:
		return "", &decisionError{field, "must be a string, got " + s.Type().String()}
	}
}

// optSeconds reads an optional number of seconds in (0, maxSecs].
func optSeconds(t *glua.LTable, field string, maxSecs float64) (time.Duration, *decisionError) {
	switch n := t.RawGetString(field).(type) {
	case *glua.LNilType:
		return 0, nil
	case glua.LNumber:
		secs := float64(n)
		if !(secs > 0 && secs <= maxSecs) { // also refuses NaN
			return 0, &decisionError{field, fmt.Sprintf("must be seconds in (0, %v], got %v", maxSecs, secs)}
		}
		return time.Duration(math.Round(secs * float64(time.Second))), nil
	default:
		return 0, &decisionError{field, "must be a number of seconds, got " + n.Type().String()}
	}
}

// onlyWhen refuses fields that make sense only with the flag given.
func onlyWhen(t *glua.LTable, flag string, fields ...string) *decisionError {
	for _, f := range fields {
		if t.RawGetString(f) != glua.LNil {
			return &decisionError{f, "allowed only with " + flag}
		}
	}
	return nil
}

// rejection reads reject, code and reason: the shape shared by register,
// message and subscribe.
func rejection(t *glua.LTable, withReason bool) (reject bool, code int, reason string, derr *decisionError) {
	if reject, derr = optBool(t, "reject"); derr != nil {
		return
	}
	if !reject {
		derr = onlyWhen(t, "reject = true", "code", "reason")
		return
	}
	if code, derr = optInt(t, "code", minRejectCode, maxRejectCode, defaultRejection); derr != nil {
		return
	}
	if withReason {
		reason, derr = optString(t, "reason", fmt.Sprintf("at most %d bytes of UTF-8 text without control characters", hook.MaxReasonLen), hook.ValidReason)
	}
	return
}

func decodeRegister(v glua.LValue) (hook.Decision, *decisionError) {
	t, derr := table(v, "reject", "code", "reason", "expires")
	if derr != nil {
		return nil, derr
	}
	var d hook.RegisterDecision
	if d.Reject, d.Code, d.Reason, derr = rejection(t, true); derr != nil {
		return nil, derr
	}
	if d.Reject {
		derr = onlyWhen(t, "reject = false", "expires")
	} else {
		d.Expires, derr = optInt(t, "expires", 0, maxExpires, 0)
	}
	if derr != nil {
		return nil, derr
	}
	return d, nil
}

func decodeAuthorize(v glua.LValue) (hook.Decision, *decisionError) {
	t, derr := table(v, "allow", "max_duration", "code", "reason")
	if derr != nil {
		return nil, derr
	}
	var d hook.AuthorizeDecision
	allow, ok := t.RawGetString("allow").(glua.LBool)
	if !ok {
		return nil, &decisionError{"allow", "must be true or false, got " + describe(t.RawGetString("allow"))}
	}
	d.Allow = bool(allow)
	if d.Allow {
		if derr = onlyWhen(t, "allow = false", "code", "reason"); derr != nil {
			return nil, derr
		}
		if d.MaxDuration, derr = optSeconds(t, "max_duration", maxDurationSecs); derr != nil {
			return nil, derr
		}
		return d, nil
	}
	if derr = onlyWhen(t, "allow = true", "max_duration"); derr != nil {
		return nil, derr
	}
	if d.Code, derr = optInt(t, "code", minRejectCode, maxRejectCode, defaultRejection); derr != nil {
		return nil, derr
	}
	if d.Reason, derr = optString(t, "reason", fmt.Sprintf("at most %d bytes of UTF-8 text without control characters", hook.MaxReasonLen), hook.ValidReason); derr != nil {
		return nil, derr
	}
	return d, nil
}

func decodeCDR(v glua.LValue) (hook.Decision, *decisionError) {
	t, derr := table(v, "extra")
	if derr != nil {
		return nil, derr
	}
	var d hook.CDRDecision
	switch x := t.RawGetString("extra").(type) {
	case *glua.LNilType:
		return d, nil
	case *glua.LTable:
		d.Extra = map[string]string{}
		for k, val := x.Next(glua.LNil); k != glua.LNil; k, val = x.Next(k) {
			ks, ok := k.(glua.LString)
			if !ok || len(ks) == 0 || len(ks) > maxExtraKey || !hook.ValidReason(string(ks)) {
				return nil, &decisionError{"extra", fmt.Sprintf("keys must be strings of 1-%d printable bytes, got %s", maxExtraKey, describe(k))}
			}
			vs, ok := val.(glua.LString)
			if !ok || len(vs) > maxExtraValue || !validText(string(vs)) {
				return nil, &decisionError{"extra." + truncate(string(ks)), fmt.Sprintf("must be a string of at most %d bytes of UTF-8 text, got %s", maxExtraValue, describe(val))}
			}
			if len(d.Extra) == maxExtra {
				return nil, &decisionError{"extra", fmt.Sprintf("at most %d fields", maxExtra)}
			}
			d.Extra[string(ks)] = string(vs)
		}
		return d, nil
	default:
		return nil, &decisionError{"extra", "must be a table of strings, got " + x.Type().String()}
	}
}

func decodeMessage(v glua.LValue) (hook.Decision, *decisionError) {
	t, derr := table(v, "reject", "code", "deliver_to")
	if derr != nil {
		return nil, derr
	}
	var d hook.MessageDecision
	if d.Reject, d.Code, _, derr = rejection(t, false); derr != nil {
		return nil, derr
	}
	if d.Reject {
		derr = onlyWhen(t, "reject = false", "deliver_to")
	} else {
		d.DeliverTo, derr = optString(t, "deliver_to", fmt.Sprintf("an extension number (1-%d digits)", hook.MaxTargetLen),
			func(s string) bool { return hook.IsDigits(s, hook.MaxTargetLen) })
	}
	if derr != nil {
		return nil, derr
	}
	return d, nil
}

func decodeSubscribe(v glua.LValue) (hook.Decision, *decisionError) {
	t, derr := table(v, "reject", "code")
	if derr != nil {
		return nil, derr
	}
	var d hook.SubscribeDecision
	if d.Reject, d.Code, _, derr = rejection(t, false); derr != nil {
		return nil, derr
	}
	return d, nil
}

func decodeProvision(v glua.LValue) (hook.Decision, *decisionError) {
	t, derr := table(v, "code", "content_type", "body")
	if derr != nil {
		return nil, derr
	}
	var d hook.ProvisionDecision
	if d.Code, derr = optInt(t, "code", 200, 599, 200); derr != nil {
		return nil, derr
	}
	if d.ContentType, derr = optString(t, "content_type", fmt.Sprintf("a media type of at most %d printable bytes", maxContentType),
		func(s string) bool { return s != "" && len(s) <= maxContentType && hook.ValidReason(s) }); derr != nil {
		return nil, derr
	}
	switch b := t.RawGetString("body").(type) {
	case *glua.LNilType:
	case glua.LString:
		d.Body = []byte(b)
	default:
		return nil, &decisionError{"body", "must be a string, got " + b.Type().String()}
	}
	return d, nil
}

// validText is UTF-8 without control characters other than tab, CR and LF.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
	}
	return true
}
