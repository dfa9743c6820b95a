package wasm

import (
	"encoding/json"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// encodeRequest writes req into inst.req (reusing its memory) in the
// layout of sdk/abi, and returns the hook's ID and the call ID for logs.
func encodeRequest(inst *instance, req hook.Request) (abi.HookID, string) {
	w := abi.Writer{B: inst.req[:0], Features: inst.layout}
	defer func() { inst.req = w.B }()
	switch r := req.(type) {
	case hook.RouteRequest:
		m := abi.RouteRequest{CallID: r.CallID, From: r.From, FromDisplay: r.FromDisplay, FromDomain: r.FromDomain,
			To: r.To, ToDomain: r.ToDomain, SourceIP: r.SourceIP, Transport: r.Transport, Authenticated: r.Authenticated, Trunk: r.Trunk, Language: r.Language}
		m.Append(&w)
		return abi.HookRoute, r.CallID
	case hook.RegisterRequest:
		m := abi.RegisterRequest{AOR: r.AOR, Contact: r.Contact, SourceIP: r.SourceIP, Transport: r.Transport,
			UserAgent: r.UserAgent, Expires: uint32(max(r.Expires, 0))}
		m.Append(&w)
		return abi.HookRegister, ""
	case hook.FailureRequest:
		m := abi.FailureRequest{CallID: r.CallID, From: r.From, To: r.To, Targets: r.Targets,
			Code: uint32(max(r.Code, 0)), Reason: r.Reason, Attempt: uint32(max(r.Attempt, 0))}
		m.Append(&w)
		return abi.HookFailure, r.CallID
	case hook.AuthorizeRequest:
		m := abi.AuthorizeRequest{CallID: r.CallID, From: r.From, To: r.To, Trunk: r.Trunk}
		m.Append(&w)
		return abi.HookAuthorize, r.CallID
	case hook.CallEvent:
		m := abi.CallEvent{CallID: r.CallID, From: r.From, To: r.To, Digit: r.Digit, Code: uint32(max(r.Code, 0)),
			Reason: r.Reason, Duration: r.Duration}
		m.Append(&w)
		return abi.HookByName(string(r.Kind)), r.CallID
	case hook.CDRRequest:
		b, err := json.Marshal(r.Record)
		if err != nil {
			b = []byte("{}")
		}
		m := abi.CDRRequest{Record: string(b)}
		m.Append(&w)
		id, _ := r.Record["call_id"].(string)
		return abi.HookCDR, id
	case hook.MessageRequest:
		m := abi.MessageRequest{From: r.From, To: r.To, ContentType: r.ContentType, Body: r.Body}
		m.Append(&w)
		return abi.HookMessage, ""
	case hook.SubscribeRequest:
		m := abi.SubscribeRequest{From: r.From, To: r.To, Event: r.Event}
		m.Append(&w)
		return abi.HookSubscribe, ""
	case hook.ProvisionRequest:
		m := abi.ProvisionRequest{MAC: r.MAC, Path: r.Path, UserAgent: r.UserAgent, SourceIP: r.SourceIP}
		m.Append(&w)
		return abi.HookProvision, ""
	case hook.TimerRequest:
		m := abi.TimerRequest{Name: r.Name, Time: r.Time}
		m.Append(&w)
		return abi.HookTimer, ""
	case hook.EventRequest:
		b, err := json.Marshal(r.Data)
		if err != nil {
			b = []byte("{}")
		}
		m := abi.EventRequest{Topic: r.Topic, Data: string(b)}
		m.Append(&w)
		return abi.HookEvent, ""
	}
	return abi.HookUnknown, ""
}
