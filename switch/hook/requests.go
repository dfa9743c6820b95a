package hook

import "time"

// RegisterRequest: a REGISTER passed digest auth.
type RegisterRequest struct {
	AOR       string // extension number
	Contact   string
	SourceIP  string
	Transport string
	UserAgent string
	Expires   int // seconds the phone asked for (after clamping)
}

// RegisterDecision accepts (optionally with another expiry) or rejects.
type RegisterDecision struct {
	Reject  bool
	Code    int    // 400-699 when rejecting (default 403)
	Reason  string // reason phrase
	Expires int    // seconds; 0 keeps what the phone asked for
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
	// Trunk names the trunk an inbound call came from ("" for a call from
	// an extension): From is then the outside caller's number and To the
	// dialled DID.
	Trunk string
	// Language is the calling extension's prompt language ("de"; "" the
	// switch's default), from its settings.
	Language string
	// Tenant is the call's tenant ("" the switch's own): the calling
	// extension's, or on a trunk the one whose DID pool holds To.
	Tenant string
}

// Action is what a route or failure decision asks the core to do.
type Action int

const (
	ActionUnknown Action = iota
	ActionBridge         // ring Targets
	ActionReject         // answer the caller with Code
	ActionProgram        // hand the call to Program
)

func (a Action) String() string {
	switch a {
	case ActionBridge:
		return "bridge"
	case ActionReject:
		return "reject"
	case ActionProgram:
		return "program"
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

// RouteDecision is the answer to Route, and to Failure (the next step).
type RouteDecision struct {
	Action Action
	// Bridge: extension numbers to ring; each rings all its registered contacts.
	Targets []string
	Mode    BridgeMode
	Timeout time.Duration // ring time per attempt; 0 means the core default
	// CallerID overrides the caller's user part shown to the callee, when set.
	CallerID string
	// Trunks, when set, make Targets outside numbers dialled through these
	// trunks, tried in this order (failover on busy, unavailable,
	// congestion).
	Trunks []string
	// Diversion, when set, is the number a forwarded call was meant for,
	// and DiversionReason why it moved on ("unconditional", "user-busy",
	// "no-answer", "unavailable"): trunks get a Diversion header.
	Diversion, DiversionReason string
	// TimeLimit, when set, hangs the call up this long after the callee
	// answers (a dial rule's call time limit); the shorter of it and the
	// authorize hook's limit applies.
	TimeLimit time.Duration
	// Reject: SIP status code (400-699) and optional reason phrase.
	Code   int
	Reason string
	// Program: drives the call with blocking primitives (see program.go).
	Program Program
}

// FailureRequest: a bridge attempt failed.
type FailureRequest struct {
	CallID  string
	From    string
	To      string   // what the caller dialled
	Targets []string // what was rung
	Code    int      // the failure: 486 busy, 480 no answer or unavailable, ...
	Reason  string
	Attempt int // 1 for the first failure of this call
}

// AuthorizeRequest: a call is about to be bridged, once per call (Trunk is
// the trunk it leaves through, empty between extensions).
type AuthorizeRequest struct {
	CallID string
	From   string
	To     string
	Trunk  string
}

// AuthorizeDecision allows (with an optional duration cap) or rejects.
type AuthorizeDecision struct {
	Allow       bool
	MaxDuration time.Duration // 0 = no cap
	Code        int           // when rejecting (default 403)
	Reason      string
}

// CallEvent is the request of the notice hooks answer, dtmf and hangup.
type CallEvent struct {
	Kind     Name // Answer, DTMF or Hangup
	CallID   string
	From, To string
	Digit    string        // DTMF
	Code     int           // Hangup: the final SIP status (200 when answered)
	Reason   string        // Hangup: ended_reason
	Duration time.Duration // Hangup: talk time
}

// CDRRequest: a call record about to be stored, as its JSON fields.
type CDRRequest struct {
	Record map[string]any
}

// CDRDecision adds fields to the record (kept under "extra").
type CDRDecision struct {
	Extra map[string]string
}

// MessageRequest: a SIP MESSAGE.
type MessageRequest struct {
	From, To    string
	ContentType string
	Body        string
}

// MessageDecision delivers (to To, or to DeliverTo) or rejects.
type MessageDecision struct {
	Reject    bool
	Code      int
	DeliverTo string
}

// SubscribeRequest: a SUBSCRIBE (presence, dialog, message-summary).
type SubscribeRequest struct {
	From, To string
	Event    string
}

// SubscribeDecision allows or rejects a subscription.
type SubscribeDecision struct {
	Reject bool
	Code   int
}

// ProvisionRequest: a phone asks for its configuration file.
type ProvisionRequest struct {
	MAC       string
	Path      string
	UserAgent string
	SourceIP  string
}

// ProvisionDecision is the file to send (Code 404 when there is none).
type ProvisionDecision struct {
	Code        int
	ContentType string
	Body        []byte
}

// TimerRequest: a periodic tick of a named timer.
type TimerRequest struct {
	Name string
	Time time.Time
}

// EventRequest: an event from the bus.
type EventRequest struct {
	Topic string
	Data  map[string]any
}

// Ack is the decision of notice hooks (answer, dtmf, hangup, timer, event).
type Ack struct{}

func (RegisterRequest) Hook() Name  { return Register }
func (RouteRequest) Hook() Name     { return Route }
func (FailureRequest) Hook() Name   { return Failure }
func (AuthorizeRequest) Hook() Name { return Authorize }
func (e CallEvent) Hook() Name      { return e.Kind }
func (CDRRequest) Hook() Name       { return CDR }
func (MessageRequest) Hook() Name   { return Message }
func (SubscribeRequest) Hook() Name { return Subscribe }
func (ProvisionRequest) Hook() Name { return Provision }
func (TimerRequest) Hook() Name     { return Timer }
func (EventRequest) Hook() Name     { return Event }
