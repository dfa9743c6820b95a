package wasm

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// Limits of decisions, the same as for Lua scripts (sdk/lua.md).
const (
	maxTimeout       = 600 * time.Second
	maxExpires       = 86400
	maxDuration      = 7 * 24 * time.Hour
	maxExtra         = 32
	maxExtraKey      = 64
	maxExtraValue    = 1024
	maxContentType   = 128
	defaultRejection = 403
)

// decodeDecision decodes and checks a guest's decision for req, in the
// layouts the guest chose. A program decision also returns its (unbound)
// program.
func decodeDecision(req hook.Request, b []byte, layout uint32) (hook.Decision, *program, error) {
	r := abi.NewReader(b)
	r.Features = layout
	switch q := req.(type) {
	case hook.RouteRequest, hook.FailureRequest:
		var m abi.RouteDecision
		m.Decode(r)
		if err := r.Err(); err != nil {
			return nil, nil, err
		}
		d, err := routeDecision(&m)
		if err != nil || d.Action != hook.ActionProgram {
			return d, nil, err
		}
		info, _ := q.(hook.RouteRequest)
		if f, ok := q.(hook.FailureRequest); ok {
			info = hook.RouteRequest{CallID: f.CallID, From: f.From, To: f.To}
		}
		return d, &program{id: m.Program, info: info}, nil
	case hook.RegisterRequest:
		var m abi.RegisterDecision
		m.Decode(r)
		if err := r.Err(); err != nil {
			return nil, nil, err
		}
		code, err := rejection(m.Reject, m.Code, m.Reason)
		if err != nil {
			return nil, nil, err
		}
		if m.Expires > maxExpires || m.Reject && m.Expires != 0 {
			return nil, nil, fmt.Errorf("field expires: want 0-%d seconds, and 0 when rejecting, got %d", maxExpires, m.Expires)
		}
		return hook.RegisterDecision{Reject: m.Reject, Code: code, Reason: m.Reason, Expires: int(m.Expires)}, nil, nil
	case hook.AuthorizeRequest:
		var m abi.AuthorizeDecision
		m.Decode(r)
		if err := r.Err(); err != nil {
			return nil, nil, err
		}
		code, err := rejection(!m.Allow, m.Code, m.Reason)
		if err != nil {
			return nil, nil, err
		}
		if m.MaxDuration > maxDuration || !m.Allow && m.MaxDuration != 0 {
			return nil, nil, fmt.Errorf("field max_duration: want at most %v, and 0 when refusing, got %v", maxDuration, m.MaxDuration)
		}
		return hook.AuthorizeDecision{Allow: m.Allow, MaxDuration: m.MaxDuration, Code: code, Reason: m.Reason}, nil, nil
	case hook.CDRRequest:
		var m abi.CDRDecision
		m.Decode(r)
		if err := r.Err(); err != nil {
			return nil, nil, err
		}
		if len(m.Extra) > maxExtra {
			return nil, nil, fmt.Errorf("field extra: at most %d fields, got %d", maxExtra, len(m.Extra))
		}
		for k, v := range m.Extra {
			if k == "" || len(k) > maxExtraKey || !hook.ValidReason(k) {
				return nil, nil, fmt.Errorf("field extra: keys must be 1-%d printable bytes, got %q", maxExtraKey, truncate(k))
			}
			if len(v) > maxExtraValue || !validText(v) {
				return nil, nil, fmt.Errorf("field extra.%s: want at most %d bytes of text", truncate(k), maxExtraValue)
			}
		}
		return hook.CDRDecision{Extra: m.Extra}, nil, nil
	case hook.MessageRequest:
		var m abi.MessageDecision
		m.Decode(r)
		if err := r.Err(); err != nil {
			return nil, nil, err
		}
		code, err := rejection(m.Reject, m.Code, "")
		if err != nil {
			return nil, nil, err
		}
		if m.DeliverTo != "" && (m.Reject || !hook.IsDigits(m.DeliverTo, hook.MaxTargetLen)) {
			return nil, nil, fmt.Errorf("field deliver_to: want an extension number (1-%d digits), and none when rejecting, got %q", hook.MaxTargetLen, truncate(m.DeliverTo))
		}
		return hook.MessageDecision{Reject: m.Reject, Code: code, DeliverTo: m.DeliverTo}, nil, nil
	case hook.SubscribeRequest:
		var m abi.SubscribeDecision
		m.Decode(r)
		if err := r.Err(); err != nil {
			return nil, nil, err
		}
		code, err := rejection(m.Reject, m.Code, "")
		if err != nil {
			return nil, nil, err
		}
		return hook.SubscribeDecision{Reject: m.Reject, Code: code}, nil, nil
	case hook.ProvisionRequest:
		var m abi.ProvisionDecision
		m.Decode(r)
		if err := r.Err(); err != nil {
			return nil, nil, err
		}
		code := int(m.Code)
		if code == 0 {
			code = 200
		}
		if code < 200 || code > 599 {
			return nil, nil, fmt.Errorf("field code: want 200-599, got %d", code)
		}
		if m.ContentType != "" && (len(m.ContentType) > maxContentType || !hook.ValidReason(m.ContentType)) {
			return nil, nil, fmt.Errorf("field content_type: want a media type of at most %d printable bytes", maxContentType)
		}
		return hook.ProvisionDecision{Code: code, ContentType: m.ContentType, Body: m.Body}, nil, nil
	}
	// Notices decide nothing.
	if len(b) != 0 {
		return nil, nil, fmt.Errorf("%s is a notice: want an empty decision, got %d bytes", req.Hook(), len(b))
	}
	return hook.Ack{}, nil, nil
}

func routeDecision(m *abi.RouteDecision) (hook.RouteDecision, error) {
	switch m.Action {
	case abi.ActionBridge:
		d, err := bridgeSpec(&m.Bridge)
		if err == nil {
			err = checkDiversion(m.Diversion, m.DiversionReason)
		}
		return hook.RouteDecision{Action: hook.ActionBridge, Targets: d.Targets, Mode: d.Mode, Timeout: d.Timeout, CallerID: d.CallerID,
			Trunks: d.Trunks, TimeLimit: d.TimeLimit, Diversion: m.Diversion, DiversionReason: m.DiversionReason}, err
	case abi.ActionReject:
		if m.Code < 400 || m.Code > 699 {
			return hook.RouteDecision{}, fmt.Errorf("field code: want a SIP status code 400-699, got %d", m.Code)
		}
		if !hook.ValidReason(m.Reason) {
			return hook.RouteDecision{}, fmt.Errorf("field reason: want at most %d bytes of UTF-8 text without control characters", hook.MaxReasonLen)
		}
		return hook.RouteDecision{Action: hook.ActionReject, Code: int(m.Code), Reason: m.Reason}, nil
	}
	return hook.RouteDecision{Action: hook.ActionProgram}, nil // abi.Decode accepted only these three
}

// bridgeSpec checks a bridge's targets, timeout and caller-ID, and its
// trunks and time limit (routing.go).
func bridgeSpec(m *abi.BridgeSpec) (hook.BridgeSpec, error) {
	if len(m.Trunks) > 0 {
		if err := checkTrunks(m.Targets, m.Trunks); err != nil {
			return hook.BridgeSpec{}, err
		}
	} else if err := checkExtensions(m.Targets); err != nil {
		return hook.BridgeSpec{}, err
	}
	if err := checkTimeLimit(m.TimeLimit); err != nil {
		return hook.BridgeSpec{}, err
	}
	if m.Timeout > maxTimeout {
		return hook.BridgeSpec{}, fmt.Errorf("field timeout: want at most %v, got %v", maxTimeout, m.Timeout)
	}
	if m.CallerID != "" && !hook.ValidUserPart(m.CallerID) {
		return hook.BridgeSpec{}, fmt.Errorf("field caller_id: want 1-%d characters of a SIP user part (letters, digits, %s), got %q", hook.MaxCallerIDLen, hook.UserPartSpecial, truncate(m.CallerID))
	}
	mode := hook.ModeParallel
	if m.Mode == abi.ModeSequential {
		mode = hook.ModeSequential
	}
	return hook.BridgeSpec{Targets: m.Targets, Mode: mode, Timeout: m.Timeout, CallerID: m.CallerID, Trunks: m.Trunks, TimeLimit: m.TimeLimit}, nil
}

// checkExtensions checks the targets of a bridge without trunks.
func checkExtensions(targets []string) error {
	if len(targets) == 0 || len(targets) > hook.MaxTargets {
		return fmt.Errorf("field targets: want 1 to %d extension numbers, got %d", hook.MaxTargets, len(targets))
	}
	for i, t := range targets {
		if !hook.IsDigits(t, hook.MaxTargetLen) {
			return fmt.Errorf("field targets[%d]: want 1-%d digits, got %q", i+1, hook.MaxTargetLen, truncate(t))
		}
	}
	return nil
}

// rejection checks the code and reason of a decision that may refuse: a
// code (0 = 403) only when refusing, in 400-699.
func rejection(reject bool, code uint16, reason string) (int, error) {
	if !reject {
		if code != 0 || reason != "" {
			return 0, fmt.Errorf("fields code and reason: only when refusing")
		}
		return 0, nil
	}
	c := int(code)
	if c == 0 {
		c = defaultRejection
	}
	if c < 400 || c > 699 {
		return 0, fmt.Errorf("field code: want a SIP status code 400-699, got %d", c)
	}
	if !hook.ValidReason(reason) {
		return 0, fmt.Errorf("field reason: want at most %d bytes of UTF-8 text without control characters", hook.MaxReasonLen)
	}
	return c, nil
}

// validText is UTF-8 without control characters other than tab, CR, LF.
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

func truncate(s string) string {
	const n = 40
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
