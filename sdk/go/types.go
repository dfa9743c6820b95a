package hs

import (
	"errors"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// The hook requests and decisions are the ABI's types.
type (
	RouteRequest      = abi.RouteRequest
	RegisterRequest   = abi.RegisterRequest
	FailureRequest    = abi.FailureRequest
	AuthorizeRequest  = abi.AuthorizeRequest
	CallEvent         = abi.CallEvent
	CDRRequest        = abi.CDRRequest
	MessageRequest    = abi.MessageRequest
	SubscribeRequest  = abi.SubscribeRequest
	ProvisionRequest  = abi.ProvisionRequest
	TimerRequest      = abi.TimerRequest
	EventRequest      = abi.EventRequest
	RouteDecision     = abi.RouteDecision
	RegisterDecision  = abi.RegisterDecision
	AuthorizeDecision = abi.AuthorizeDecision
	CDRDecision       = abi.CDRDecision
	MessageDecision   = abi.MessageDecision
	SubscribeDecision = abi.SubscribeDecision
	ProvisionDecision = abi.ProvisionDecision
	BridgeSpec        = abi.BridgeSpec
	BridgeResult      = abi.BridgeResult
	PlaySpec          = abi.PlaySpec
	CollectSpec       = abi.CollectSpec
	RecordSpec        = abi.RecordSpec
	PlayExSpec        = abi.PlayExSpec
	CollectExSpec     = abi.CollectExSpec
	RecordExSpec      = abi.RecordExSpec
	RecordResult      = abi.RecordResult
	ConferenceSpec    = abi.ConferenceSpec
	ConferenceResult  = abi.ConferenceResult
	QueueSpec         = abi.QueueSpec
	QueueResult       = abi.QueueResult
	Extension         = abi.Extension
	HTTPRequest       = abi.HTTPRequest
	HTTPResponse      = abi.HTTPResponse
	HookID            = abi.HookID
)

// Errors of the host functions.
var (
	ErrNotFound     = errors.New("not found")
	ErrHungUp       = errors.New("caller hung up")
	ErrNotAvailable = errors.New("primitive not yet available")
	ErrState        = errors.New("not possible in the call's state")
)

// Bridge rings the targets (extension numbers) in parallel.
func Bridge(targets ...string) RouteDecision {
	return RouteDecision{Action: abi.ActionBridge, Bridge: BridgeSpec{Targets: targets}}
}

// BridgeWith rings as spec says (mode, timeout, caller-ID).
func BridgeWith(spec BridgeSpec) RouteDecision {
	return RouteDecision{Action: abi.ActionBridge, Bridge: spec}
}

// BridgeTrunks dials an outside number (digits, a leading + allowed)
// through the trunks, tried in order: a busy, unavailable or congested one
// fails over to the next. Set Bridge.TimeLimit, Bridge.CallerID or
// Diversion and DiversionReason on the result as needed.
//
// Trunks, time limits and diversions (and RouteRequest.Trunk) come with
// abi.FeatureRouting, an addition to ABI version 1 that the SDK uses
// whenever the switch offers it. On an older switch Trunk is empty and a
// decision or Call.Bridge with them is an error of that call;
// hs.Require(abi.FeatureRouting) makes such a switch refuse the plugin at
// load instead.
func BridgeTrunks(number string, trunks ...string) RouteDecision {
	return RouteDecision{Action: abi.ActionBridge, Bridge: BridgeSpec{Targets: []string{number}, Trunks: trunks}}
}

// Reject refuses the call with a SIP status code (400-699).
func Reject(code int, reason string) RouteDecision {
	return RouteDecision{Action: abi.ActionReject, Code: uint16(code), Reason: reason}
}

// Sequential is BridgeSpec.Mode for ringing targets one after the other.
const Sequential = abi.ModeSequential

// Seconds is a convenience for spec timeouts.
func Seconds(n int) time.Duration { return time.Duration(n) * time.Second }
