package abi

import (
	"time"
)

// Requests: the host encodes them (Append*), the guest decodes them
// (Decode*). Strings from SIP messages are passed as received: treat them
// as untrusted bytes. Layouts list the fields in wire order.

// RouteRequest (HookRoute): str call_id, str from, str from_display,
// str from_domain, str to, str to_domain, str source_ip, str transport,
// bool authenticated; with FeatureRouting then str trunk (the trunk an
// inbound call came from, "" for a call from a phone: From is then the
// outside caller and To the dialled DID); with FeatureSettings then str
// language (the calling extension's prompt language, "" the switch's).
type RouteRequest struct {
	CallID, From, FromDisplay, FromDomain, To, ToDomain, SourceIP, Transport string
	Authenticated                                                            bool
	Trunk                                                                    string
	Language                                                                 string
}

func (m *RouteRequest) Append(w *Writer) {
	w.Str(m.CallID)
	w.Str(m.From)
	w.Str(m.FromDisplay)
	w.Str(m.FromDomain)
	w.Str(m.To)
	w.Str(m.ToDomain)
	w.Str(m.SourceIP)
	w.Str(m.Transport)
	w.Bool(m.Authenticated)
	if w.routing() {
		w.Str(m.Trunk)
	}
	if w.settings() {
		w.Str(m.Language)
	}
}

func (m *RouteRequest) Decode(r *Reader) {
	m.CallID = r.Str("call_id")
	m.From = r.Str("from")
	m.FromDisplay = r.Str("from_display")
	m.FromDomain = r.Str("from_domain")
	m.To = r.Str("to")
	m.ToDomain = r.Str("to_domain")
	m.SourceIP = r.Str("source_ip")
	m.Transport = r.Str("transport")
	m.Authenticated = r.Bool("authenticated")
	if r.routing() {
		m.Trunk = r.Str("trunk")
	}
	if r.settings() {
		m.Language = r.Str("language")
	}
}

// RegisterRequest (HookRegister): str aor, str contact, str source_ip,
// str transport, str user_agent, u32 expires (seconds).
type RegisterRequest struct {
	AOR, Contact, SourceIP, Transport, UserAgent string
	Expires                                      uint32
}

func (m *RegisterRequest) Append(w *Writer) {
	w.Str(m.AOR)
	w.Str(m.Contact)
	w.Str(m.SourceIP)
	w.Str(m.Transport)
	w.Str(m.UserAgent)
	w.U32(m.Expires)
}

func (m *RegisterRequest) Decode(r *Reader) {
	m.AOR = r.Str("aor")
	m.Contact = r.Str("contact")
	m.SourceIP = r.Str("source_ip")
	m.Transport = r.Str("transport")
	m.UserAgent = r.Str("user_agent")
	m.Expires = r.U32("expires")
}

// FailureRequest (HookFailure): str call_id, str from, str to,
// list<str> targets, u32 code, str reason, u32 attempt.
type FailureRequest struct {
	CallID, From, To string
	Targets          []string
	Code             uint32
	Reason           string
	Attempt          uint32
}

func (m *FailureRequest) Append(w *Writer) {
	w.Str(m.CallID)
	w.Str(m.From)
	w.Str(m.To)
	w.Strs(m.Targets)
	w.U32(m.Code)
	w.Str(m.Reason)
	w.U32(m.Attempt)
}

func (m *FailureRequest) Decode(r *Reader) {
	m.CallID = r.Str("call_id")
	m.From = r.Str("from")
	m.To = r.Str("to")
	m.Targets = r.Strs("targets", false)
	m.Code = r.U32("code")
	m.Reason = r.Str("reason")
	m.Attempt = r.U32("attempt")
}

// AuthorizeRequest (HookAuthorize): str call_id, str from, str to,
// str trunk.
type AuthorizeRequest struct{ CallID, From, To, Trunk string }

func (m *AuthorizeRequest) Append(w *Writer) {
	w.Str(m.CallID)
	w.Str(m.From)
	w.Str(m.To)
	w.Str(m.Trunk)
}

func (m *AuthorizeRequest) Decode(r *Reader) {
	m.CallID = r.Str("call_id")
	m.From = r.Str("from")
	m.To = r.Str("to")
	m.Trunk = r.Str("trunk")
}

// CallEvent (HookAnswer, HookDTMF, HookHangup; which one is the hook
// argument of ExportHandle): str call_id, str from, str to, str digit,
// u32 code, str reason, i64 duration (milliseconds).
type CallEvent struct {
	CallID, From, To, Digit string
	Code                    uint32
	Reason                  string
	Duration                time.Duration
}

func (m *CallEvent) Append(w *Writer) {
	w.Str(m.CallID)
	w.Str(m.From)
	w.Str(m.To)
	w.Str(m.Digit)
	w.U32(m.Code)
	w.Str(m.Reason)
	w.I64(m.Duration.Milliseconds())
}

func (m *CallEvent) Decode(r *Reader) {
	m.CallID = r.Str("call_id")
	m.From = r.Str("from")
	m.To = r.Str("to")
	m.Digit = r.Str("digit")
	m.Code = r.U32("code")
	m.Reason = r.Str("reason")
	m.Duration = time.Duration(r.I64("duration")) * time.Millisecond
}

// CDRRequest (HookCDR): str record, the call record as a JSON object.
type CDRRequest struct{ Record string }

func (m *CDRRequest) Append(w *Writer) { w.Str(m.Record) }
func (m *CDRRequest) Decode(r *Reader) { m.Record = r.Str("record") }

// MessageRequest (HookMessage): str from, str to, str content_type,
// str body.
type MessageRequest struct{ From, To, ContentType, Body string }

func (m *MessageRequest) Append(w *Writer) {
	w.Str(m.From)
	w.Str(m.To)
	w.Str(m.ContentType)
	w.Str(m.Body)
}

func (m *MessageRequest) Decode(r *Reader) {
	m.From = r.Str("from")
	m.To = r.Str("to")
	m.ContentType = r.Str("content_type")
	m.Body = r.Str("body")
}

// SubscribeRequest (HookSubscribe): str from, str to, str event.
type SubscribeRequest struct{ From, To, Event string }

func (m *SubscribeRequest) Append(w *Writer) {
	w.Str(m.From)
	w.Str(m.To)
	w.Str(m.Event)
}

func (m *SubscribeRequest) Decode(r *Reader) {
	m.From = r.Str("from")
	m.To = r.Str("to")
	m.Event = r.Str("event")
}

// ProvisionRequest (HookProvision): str mac, str path, str user_agent,
// str source_ip.
type ProvisionRequest struct{ MAC, Path, UserAgent, SourceIP string }

func (m *ProvisionRequest) Append(w *Writer) {
	w.Str(m.MAC)
	w.Str(m.Path)
	w.Str(m.UserAgent)
	w.Str(m.SourceIP)
}

func (m *ProvisionRequest) Decode(r *Reader) {
	m.MAC = r.Str("mac")
	m.Path = r.Str("path")
	m.UserAgent = r.Str("user_agent")
	m.SourceIP = r.Str("source_ip")
}

// TimerRequest (HookTimer): str name, i64 time (Unix milliseconds).
type TimerRequest struct {
	Name string
	Time time.Time
}

func (m *TimerRequest) Append(w *Writer) {
	w.Str(m.Name)
	w.I64(m.Time.UnixMilli())
}

func (m *TimerRequest) Decode(r *Reader) {
	m.Name = r.Str("name")
	m.Time = time.UnixMilli(r.I64("time"))
}

// EventRequest (HookEvent): str topic, str data (a JSON object).
type EventRequest struct{ Topic, Data string }

func (m *EventRequest) Append(w *Writer) {
	w.Str(m.Topic)
	w.Str(m.Data)
}

func (m *EventRequest) Decode(r *Reader) {
	m.Topic = r.Str("topic")
	m.Data = r.Str("data")
}

// Extension (ImportConfigExtension): str number, str name, str email,
// u32 max_contacts; with FeatureSettings then the extension's settings:
// str tenant ("" the switch's own), list<str> codecs (allowed, in
// preference order; none: every codec the switch relays), str dtmf_mode
// (rfc2833, info or inband), str recording (on_demand, always or never),
// str language ("" the switch's), u32 pickup_group (0 none, 1-64),
// bool call_waiting, bool voicemail.
type Extension struct {
	Number, Name, Email string
	MaxContacts         uint32
	// With FeatureSettings.
	Tenant                        string
	Codecs                        []string
	DTMFMode, Recording, Language string
	PickupGroup                   uint32
	CallWaiting, Voicemail        bool
}

func (m *Extension) Append(w *Writer) {
	w.Str(m.Number)
	w.Str(m.Name)
	w.Str(m.Email)
	w.U32(m.MaxContacts)
	if w.settings() {
		w.Str(m.Tenant)
		w.Strs(m.Codecs)
		w.Str(m.DTMFMode)
		w.Str(m.Recording)
		w.Str(m.Language)
		w.U32(m.PickupGroup)
		w.Bool(m.CallWaiting)
		w.Bool(m.Voicemail)
	}
}

func (m *Extension) Decode(r *Reader) {
	m.Number = r.Str("number")
	m.Name = r.Str("name")
	m.Email = r.Str("email")
	m.MaxContacts = r.U32("max_contacts")
	if r.settings() {
		m.Tenant = r.Str("tenant")
		m.Codecs = r.Strs("codecs", false)
		m.DTMFMode = r.Str("dtmf_mode")
		m.Recording = r.Str("recording")
		m.Language = r.Str("language")
		m.PickupGroup = r.U32("pickup_group")
		m.CallWaiting = r.Bool("call_waiting")
		m.Voicemail = r.Bool("voicemail")
	}
}
