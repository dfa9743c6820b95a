package hook

import (
	"strings"
)

// PolicyMode is what the caller gets when a hook fails (error, budget
// exceeded, malformed decision).
type PolicyMode int

const (
	PolicyUnknown PolicyMode = iota
	FailOpen                 // carry on with the hook's default decision
	FailClosed               // refuse with Policy.Code
	Fallback                 // route to Policy.Fallback (route and failure hooks)
)

func (m PolicyMode) String() string {
	switch m {
	case FailOpen:
		return "fail-open"
	case FailClosed:
		return "fail-closed"
	case Fallback:
		return "fallback"
	}
	return "unknown"
}

// ParsePolicyMode reads the names String gives.
func ParsePolicyMode(s string) PolicyMode {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "fail-open", "open":
		return FailOpen
	case "fail-closed", "closed":
		return FailClosed
	case "fallback":
		return Fallback
	}
	return PolicyUnknown
}

// Policy is a hook's failure policy.
type Policy struct {
	Mode     PolicyMode
	Code     int    // FailClosed: the SIP status (or HTTP status for provision)
	Fallback string // Fallback: the extension to ring
}

// onFailure returns the decision the policy gives for a failed hook call.
func (p Policy) onFailure(req Request) Decision {
	switch p.Mode {
	case FailClosed:
		return closed(req, p.Code)
	case Fallback:
		if p.Fallback != "" {
			switch req.(type) {
			case RouteRequest, FailureRequest:
				return RouteDecision{Action: ActionBridge, Targets: []string{p.Fallback}}
			}
		}
	}
	return Default(req)
}

// closed is the refusal of a fail-closed hook.
func closed(req Request, code int) Decision {
	if code == 0 {
		code = 503
	}
	switch r := req.(type) {
	case RegisterRequest:
		return RegisterDecision{Reject: true, Code: code}
	case RouteRequest, FailureRequest:
		return RouteDecision{Action: ActionReject, Code: code}
	case AuthorizeRequest:
		return AuthorizeDecision{Allow: false, Code: code}
	case MessageRequest:
		return MessageDecision{Reject: true, Code: code}
	case SubscribeRequest:
		return SubscribeDecision{Reject: true, Code: code}
	case ProvisionRequest:
		return ProvisionDecision{Code: code}
	default:
		return Default(r)
	}
}

// Default is a hook's decision when no engine implements it: what a plain
// PBX does.
func Default(req Request) Decision {
	switch r := req.(type) {
	case RegisterRequest:
		return RegisterDecision{}
	case RouteRequest:
		if digits(r.To) && len(r.To) >= 2 && len(r.To) <= 11 {
			return RouteDecision{Action: ActionBridge, Targets: []string{r.To}}
		}
		return RouteDecision{Action: ActionReject, Code: 404}
	case FailureRequest:
		code := r.Code
		if code < 400 || code > 699 {
			code = 480
		}
		return RouteDecision{Action: ActionReject, Code: code, Reason: r.Reason}
	case AuthorizeRequest:
		return AuthorizeDecision{Allow: true}
	case CDRRequest:
		return CDRDecision{}
	case MessageRequest:
		return MessageDecision{}
	case SubscribeRequest:
		return SubscribeDecision{}
	case ProvisionRequest:
		return ProvisionDecision{Code: 404}
	}
	return Ack{}
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
