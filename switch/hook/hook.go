// Package hook is the catalogue of hook points at which the core hands a
// decision to an engine (Lua, Wasm, HTTP action URL). Each hook has a typed
// request and a typed decision; the core turns decisions into SIP, so no
// engine can emit malformed SIP. The core never knows which engine answered:
// it asks a Snapshot, which applies the hook's time budget and failure
// policy.
package hook

import (
	"context"
	"time"
)

// Version is the catalogue version that scripts and plugins are written against.
const Version = 1

// Name names a hook point.
type Name string

// The catalogue (ARCHITECTURE.md, "The hook catalogue").
const (
	Register  Name = "register"  // a REGISTER passed digest auth: accept (expiry) or reject
	Route     Name = "route"     // a new call: bridge, reject, or a call program
	Failure   Name = "failure"   // a bridge attempt failed: next step or give up
	Answer    Name = "answer"    // a call was answered (notice)
	DTMF      Name = "dtmf"      // a digit during a call (notice)
	Hangup    Name = "hangup"    // a call ended (notice)
	Authorize Name = "authorize" // before a call's first bridge (billing): allow (max duration) or reject
	CDR       Name = "cdr"       // a call record is about to be stored: enrich it
	Message   Name = "message"   // a SIP MESSAGE: deliver or reject
	Subscribe Name = "subscribe" // a SUBSCRIBE: allow or reject
	Provision Name = "provision" // a phone asks for its configuration: body and content type
	Timer     Name = "timer"     // a periodic tick (notice)
	Event     Name = "event"     // a bus event (notice)
)

// Spec describes a hook point: its default budget and failure policy.
type Spec struct {
	Name   Name
	Doc    string
	Budget time.Duration
	Policy Policy
}

// Catalogue lists every hook with its defaults, in a stable order.
var Catalogue = []Spec{
	{Register, "a REGISTER passed digest auth", 200 * time.Millisecond, Policy{Mode: FailOpen, Code: 403}},
	{Route, "a new call", 500 * time.Millisecond, Policy{Mode: FailClosed, Code: 503}},
	{Failure, "a bridge attempt failed", 200 * time.Millisecond, Policy{Mode: FailOpen}},
	{Answer, "a call was answered", 200 * time.Millisecond, Policy{Mode: FailOpen}},
	{DTMF, "a digit during a call", 200 * time.Millisecond, Policy{Mode: FailOpen}},
	{Hangup, "a call ended", 200 * time.Millisecond, Policy{Mode: FailOpen}},
	{Authorize, "a call is about to be bridged", 500 * time.Millisecond, Policy{Mode: FailClosed, Code: 403}},
	{CDR, "a call record is about to be stored", 500 * time.Millisecond, Policy{Mode: FailOpen}},
	{Message, "a SIP MESSAGE arrived", 200 * time.Millisecond, Policy{Mode: FailOpen}},
	{Subscribe, "a SUBSCRIBE arrived", 200 * time.Millisecond, Policy{Mode: FailOpen}},
	{Provision, "a phone asks for its configuration", time.Second, Policy{Mode: FailClosed, Code: 500}},
	{Timer, "a periodic tick", time.Second, Policy{Mode: FailOpen}},
	{Event, "a bus event", 200 * time.Millisecond, Policy{Mode: FailOpen}},
}

// SpecOf returns the catalogue entry of a hook.
func SpecOf(n Name) (Spec, bool) {
	for _, s := range Catalogue {
		if s.Name == n {
			return s, true
		}
	}
	return Spec{}, false
}

// Request is a typed hook request; Hook names its hook point.
type Request interface{ Hook() Name }

// Decision is a typed hook decision: RegisterDecision for a
// RegisterRequest, RouteDecision for a RouteRequest, and so on (see
// requests.go). Notice hooks answer with Ack.
type Decision any

// Engine answers hook calls. One Engine value is one generation of an
// engine's code: it never changes, a reload builds a new one. It must be
// safe for concurrent use and must honour ctx, whose deadline is the hook's
// time budget.
type Engine interface {
	Name() string        // "lua", "http", "wasm", "builtin"
	Handles(h Name) bool // whether this generation implements the hook
	Invoke(ctx context.Context, req Request) (Decision, error)
	Close() // called once no call uses this generation any more
}
