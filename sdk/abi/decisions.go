package abi

import (
	"slices"
	"time"
)

// Decisions: the guest encodes them (Append), the host decodes them
// (Decode) and then checks their values with the same rules as for Lua
// scripts (sdk/lua.md); a malformed or invalid decision fails the call.
// Text fields must be UTF-8. The notice hooks (answer, dtmf, hangup,
// timer, event) decide with an empty message.

// Action of a route decision.
type Action uint8

const (
	ActionUnknown Action = iota
	ActionBridge         // ring targets
	ActionReject         // refuse with a code
	ActionProgram        // run a call program (ExportProgram)
)

// Mode of a bridge.
type Mode uint8

const (
	ModeParallel   Mode = 0
	ModeSequential Mode = 1
)

// BridgeSpec is what to ring: list<str> targets, u8 mode, u32 timeout
// (milliseconds, 0 = the switch's default), str caller_id ("" = keep);
// with FeatureRouting then list<str> trunks (none: targets are
// extensions; else targets is one outside number dialled through these
// trunks in order, failing over on busy, unavailable or congestion), u32
// time_limit (milliseconds after the answer that hang the call up; 0 =
// none). Also the argument of ImportCallBridge.
type BridgeSpec struct {
	Targets   []string
	Mode      Mode
	Timeout   time.Duration
	CallerID  string
	Trunks    []string
	TimeLimit time.Duration
}

func (m *BridgeSpec) Append(w *Writer) {
	w.Strs(m.Targets)
	w.U8(uint8(m.Mode))
	w.U32(uint32(m.Timeout.Milliseconds()))
	w.Str(m.CallerID)
	if w.routing() {
		w.Strs(m.Trunks)
		w.U32(ms(m.TimeLimit))
	}
}

func (m *BridgeSpec) Decode(r *Reader) {
	m.Targets = r.Strs("targets", true)
	m.Mode = Mode(r.U8("mode"))
	if m.Mode > ModeSequential {
		r.fail("mode", "want 0 (parallel) or 1 (sequential), got "+itoa(int(m.Mode)))
	}
	m.Timeout = time.Duration(r.U32("timeout")) * time.Millisecond
	m.CallerID = r.Text("caller_id")
	if r.routing() {
		m.Trunks = r.Strs("trunks", true)
		m.TimeLimit = r.millis("time_limit")
	}
}

// Needs is the layout features the spec's encoding needs: FeatureRouting
// when it has trunks or a time limit, which the original layout cannot
// carry (Append leaves them out there, so check first).
func (m *BridgeSpec) Needs() uint32 {
	if len(m.Trunks) > 0 || m.TimeLimit != 0 {
		return FeatureRouting
	}
	return 0
}

// RouteDecision (HookRoute, HookFailure): u8 action, then
//
//	ActionBridge:  a BridgeSpec; with FeatureRouting then str diversion
//	               (the number a forwarded call was meant for, "" = not a
//	               forward), str diversion_reason (one of
//	               DiversionReasons, or "")
//	ActionReject:  u16 code, str reason
//	ActionProgram: u32 program (an ID the guest chose; the host passes it
//	               back to ExportProgram on the same instance)
type RouteDecision struct {
	Action  Action
	Bridge  BridgeSpec
	Code    uint16
	Reason  string
	Program uint32
	// Diversion and DiversionReason (bridge, FeatureRouting): trunks get
	// a Diversion header.
	Diversion, DiversionReason string
}

// Needs is the layout features the decision's encoding needs (see
// BridgeSpec.Needs).
func (m *RouteDecision) Needs() uint32 {
	if m.Action != ActionBridge {
		return 0
	}
	n := m.Bridge.Needs()
	if m.Diversion != "" || m.DiversionReason != "" {
		n |= FeatureRouting
	}
	return n
}

func (m *RouteDecision) Append(w *Writer) {
	w.U8(uint8(m.Action))
	switch m.Action {
	case ActionBridge:
		m.Bridge.Append(w)
		if w.routing() {
			w.Str(m.Diversion)
			w.Str(m.DiversionReason)
		}
	case ActionReject:
		w.U16(m.Code)
		w.Str(m.Reason)
	case ActionProgram:
		w.U32(m.Program)
	}
}

func (m *RouteDecision) Decode(r *Reader) {
	m.Action = Action(r.U8("action"))
	switch m.Action {
	case ActionBridge:
		m.Bridge.Decode(r)
		if r.routing() {
			m.Diversion = r.Text("diversion")
			m.DiversionReason = r.Text("diversion_reason")
		}
	case ActionReject:
		m.Code = r.U16("code")
		m.Reason = r.Text("reason")
	case ActionProgram:
		m.Program = r.U32("program")
	default:
		r.fail("action", "want 1 (bridge), 2 (reject) or 3 (program), got "+itoa(int(m.Action)))
	}
}

// RegisterDecision (HookRegister): bool reject, u16 code, str reason,
// u32 expires (seconds, 0 = what the phone asked for).
type RegisterDecision struct {
	Reject  bool
	Code    uint16
	Reason  string
	Expires uint32
}

func (m *RegisterDecision) Append(w *Writer) {
	w.Bool(m.Reject)
	w.U16(m.Code)
	w.Str(m.Reason)
	w.U32(m.Expires)
}

func (m *RegisterDecision) Decode(r *Reader) {
	m.Reject = r.Bool("reject")
	m.Code = r.U16("code")
	m.Reason = r.Text("reason")
	m.Expires = r.U32("expires")
}

// AuthorizeDecision (HookAuthorize): bool allow, u32 max_duration
// (milliseconds, 0 = no cap), u16 code, str reason.
type AuthorizeDecision struct {
	Allow       bool
	MaxDuration time.Duration
	Code        uint16
	Reason      string
}

func (m *AuthorizeDecision) Append(w *Writer) {
	w.Bool(m.Allow)
	w.U32(uint32(m.MaxDuration.Milliseconds()))
	w.U16(m.Code)
	w.Str(m.Reason)
}

func (m *AuthorizeDecision) Decode(r *Reader) {
	m.Allow = r.Bool("allow")
	m.MaxDuration = time.Duration(r.U32("max_duration")) * time.Millisecond
	m.Code = r.U16("code")
	m.Reason = r.Text("reason")
}

// CDRDecision (HookCDR): u32 count, then count pairs of str key, str
// value: fields stored under the record's "extra".
type CDRDecision struct{ Extra map[string]string }

func (m *CDRDecision) Append(w *Writer) {
	keys := make([]string, 0, len(m.Extra))
	for k := range m.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same decision always encodes to the same bytes
	w.U32(uint32(len(keys)))
	for _, k := range keys {
		w.Str(k)
		w.Str(m.Extra[k])
	}
}

func (m *CDRDecision) Decode(r *Reader) {
	n := r.Count("extra", 8)
	if n == 0 {
		return
	}
	m.Extra = make(map[string]string, n)
	for range n {
		k := r.Text("extra key")
		m.Extra[k] = r.Text("extra value")
	}
}

// MessageDecision (HookMessage): bool reject, u16 code, str deliver_to.
type MessageDecision struct {
	Reject    bool
	Code      uint16
	DeliverTo string
}

func (m *MessageDecision) Append(w *Writer) {
	w.Bool(m.Reject)
	w.U16(m.Code)
	w.Str(m.DeliverTo)
}

func (m *MessageDecision) Decode(r *Reader) {
	m.Reject = r.Bool("reject")
	m.Code = r.U16("code")
	m.DeliverTo = r.Text("deliver_to")
}

// SubscribeDecision (HookSubscribe): bool reject, u16 code.
type SubscribeDecision struct {
	Reject bool
	Code   uint16
}

func (m *SubscribeDecision) Append(w *Writer) {
	w.Bool(m.Reject)
	w.U16(m.Code)
}

func (m *SubscribeDecision) Decode(r *Reader) {
	m.Reject = r.Bool("reject")
	m.Code = r.U16("code")
}

// ProvisionDecision (HookProvision): u16 code (0 = 200), str
// content_type, str body (any bytes).
type ProvisionDecision struct {
	Code        uint16
	ContentType string
	Body        []byte
}

func (m *ProvisionDecision) Append(w *Writer) {
	w.U16(m.Code)
	w.Str(m.ContentType)
	w.Bytes(m.Body)
}

func (m *ProvisionDecision) Decode(r *Reader) {
	m.Code = r.U16("code")
	m.ContentType = r.Text("content_type")
	m.Body = r.Bytes("body")
}
