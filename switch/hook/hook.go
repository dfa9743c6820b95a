// Package hook is the catalogue of hook points at which the core hands a
// decision to an engine (Lua, Wasm, HTTP action URL). The core only knows
// these types; it never knows which engine answered.
package hook

import (
	"context"
	"time"
)

// Version is the catalogue version that scripts and plugins are written against.
const Version = 1

// Engine answers hook calls. Implementations must be safe for concurrent use
// and must honour ctx (its deadline is the hook's time budget).
type Engine interface {
	// Route decides what happens to a new call.
	Route(ctx context.Context, req RouteRequest) (RouteDecision, error)
}

// RouteRequest describes a new call (an INVITE outside a dialog).
type RouteRequest struct {
	CallID      string
	From        string // caller user part (the extension number when authenticated)
	FromDisplay string
	FromDomain  string
	To          string // dialled number: the Request-URI user part
	ToDomain    string
	SourceIP    string
	Transport   string // "udp", "tcp", "tls", ...
	// Authenticated is true when the caller proved to be extension From.
	Authenticated bool
}

// Action is what a route decision asks the core to do.
type Action int

const (
	ActionUnknown Action = iota
	ActionBridge         // ring Targets
	ActionReject         // answer the caller with Code
)

func (a Action) String() string {
	switch a {
	case ActionBridge:
		return "bridge"
	case ActionReject:
		return "reject"
	}
	return "unknown"
}

// BridgeMode says how several targets are rung.
type BridgeMode int

const (
	ModeParallel BridgeMode = iota
	ModeSequential
)

func (m BridgeMode) String() string {
	if m == ModeSequential {
		return "sequential"
	}
	return "parallel"
}

// RouteDecision is an engine's answer to Route.
type RouteDecision struct {
	Action Action
	// Bridge: extension numbers to ring; each rings all its registered contacts.
	Targets []string
	Mode    BridgeMode
	Timeout time.Duration // ring time per attempt; 0 means the core default
	// CallerID overrides the caller's user part shown to the callee, when set.
	CallerID string
	// Reject: SIP status code (400-699) and optional reason phrase.
	Code   int
	Reason string
}
