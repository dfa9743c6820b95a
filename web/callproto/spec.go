package callproto

import (
	"slices"
	"strconv"
)

// FieldSpec describes one field of an op.
type FieldSpec struct {
	Key      string
	Required bool   // must be present with a non-empty value
	Repeated bool   // may appear more than once (otherwise at most once)
	Syntax   string // what a non-empty value must look like
	Doc      string // what the field carries
	ok       func(string) bool
}

// Code is an ACK code with its meaning for one command.
type Code struct {
	Code    int
	Meaning string
}

// CommandSpec is the catalogue entry of a command and its ACK.
type CommandSpec struct {
	Op        int
	Ack       int
	Name      string
	Doc       string
	Fields    []FieldSpec // besides op and seq (seq is always required)
	AckFields []FieldSpec // besides op, seq, code and reason
	Codes     []Code      // the ACK codes this command may get

	rule    func(Message) error // cross-field rules of the command
	ackRule func(Message) error // cross-field rules of the ACK
}

// EventSpec is the catalogue entry of an event.
type EventSpec struct {
	Op     int
	Name   string
	Doc    string
	Fields []FieldSpec // besides op and seq (seq is always required)
}

// Spec is the catalogue entry of command op (1000-1014).
func Spec(op int) (CommandSpec, bool) {
	c, ok := commands[op]
	if !ok {
		return CommandSpec{}, false
	}
	return c.clone(), true
}

// EventSpecOf is the catalogue entry of event op (9001-9012).
func EventSpecOf(op int) (EventSpec, bool) {
	e, ok := events[op]
	if !ok {
		return EventSpec{}, false
	}
	e.Fields = slices.Clone(e.Fields)
	return e, true
}

// Commands is every command in op order.
func Commands() []CommandSpec {
	out := make([]CommandSpec, 0, len(commands))
	for op := firstCommand; op <= lastCommand; op++ {
		out = append(out, commands[op].clone())
	}
	return out
}

// Events is every event in op order.
func Events() []EventSpec {
	out := make([]EventSpec, 0, len(events))
	for op := firstEvent; op <= lastEvent; op++ {
		e, _ := EventSpecOf(op)
		out = append(out, e)
	}
	return out
}

// Meaning is what code means in the ACK of command op ("" when the
// command cannot get that code).
func (c CommandSpec) Meaning(code int) string {
	for _, k := range c.Codes {
		if k.Code == code {
			return k.Meaning
		}
	}
	return ""
}

func (c CommandSpec) clone() CommandSpec {
	c.Fields = slices.Clone(c.Fields)
	c.AckFields = slices.Clone(c.AckFields)
	c.Codes = slices.Clone(c.Codes)
	return c
}

func req(key string, s syntax, doc string) FieldSpec {
	return FieldSpec{Key: key, Required: true, Syntax: s.words, Doc: doc, ok: s.ok}
}

func opt(key string, s syntax, doc string) FieldSpec {
	return FieldSpec{Key: key, Syntax: s.words, Doc: doc, ok: s.ok}
}

func rep(key string, s syntax, doc string) FieldSpec {
	return FieldSpec{Key: key, Repeated: true, Syntax: s.words, Doc: doc, ok: s.ok}
}

var (
	codeProcessing = Code{CodeProcessing, "Processing"}
	codeParam      = Code{CodeParamError, "Parameter error (reason says which field)"}
	codeNoResource = Code{CodeNoResource, "Failed to get resource"}
	codeNoSuchCall = Code{CodeNoSuchCall, "No such call"}
	codeNoRegister = Code{CodeRefused, "No register for proxy call (register first)"}

	fieldCID = req(KeyCID, synCallID, "the call's SIP Call-ID")
	fieldSDP = req(KeySDP, synSDP, "the browser's SDP")
)

var commandList = []CommandSpec{
	{Op: OpConnect, Ack: AckConnect, Name: "connect", Doc: "start the session; the ACK carries the nonce",
		AckFields: []FieldSpec{opt(KeyNonce, synNonce, "the session nonce; present when code is 0")},
		Codes: []Code{{CodeProcessing, "Connected: nonce issued"}, {CodeRefused, "Already connected (the session keeps its nonce)"},
			codeParam, {CodeNoResource, "Too many sessions"}},
		ackRule: func(m Message) error { return presentIff(m, KeyNonce, code(m) == CodeProcessing, "code is 0") }},
	{Op: OpRegister, Ack: AckRegister, Name: "register", Doc: "register an extension; the outcome follows as event 9001",
		Fields: []FieldSpec{
			req(KeyTel, synUser, "the extension number to register"),
			opt(KeyUsr, synUser, "SIP user ID; hookswitch has none apart from the number: empty or equal to tel"),
			opt(KeyMWI, synBool, "1: send voicemail events (9011); default 0"),
			req(KeyPwd, synProof, "hex(HMAC-SHA256(key=SIP password, msg=nonce \":\" tel))"),
			opt(KeyBType, ints(BrowserChrome, BrowserSafari), "0 Chrome (default), 1 Firefox, 2 Opera, 3 Edge, 4 Safari; informational"),
		},
		AckFields: []FieldSpec{
			opt(KeyPBook, synURL, "phone book URL"),
			rep(KeyCID, synCallID, "a call this extension already has (one line per call)"),
		},
		Codes: []Code{{CodeProcessing, "Processing (the outcome follows as event 9001)"},
			{CodeRefused, "Stop existing register first"}, codeParam},
		rule: func(m Message) error {
			if u := m.Get(KeyUsr); u != "" && u != m.Get(KeyTel) {
				return invalid(m.Op, KeyUsr, "must be empty or equal to tel (%q), got %q", clip(m.Get(KeyTel)), clip(u))
			}
			return nil
		}},
	{Op: OpUnregister, Ack: AckUnregister, Name: "unregister", Doc: "end the registration of this session",
		Codes: []Code{codeProcessing, {CodeRefused, "No existing register"}, codeParam}},
	{Op: OpCall, Ack: AckCall, Name: "call", Doc: "make a call with the browser's SDP offer",
		Fields: []FieldSpec{
			opt(KeyDisp, synDisp, "display name"),
			opt(KeyFrom, synUser, "calling number asked for; the switch's caller-ID policy decides"),
			req(KeyTo, synUser, "the number to call"),
			opt(KeyCData, synCData, "CTI data"),
			opt(KeySkill, synSkill, "ACD skill"),
			req(KeySDP, synSDP, "the browser's SDP offer"),
		},
		AckFields: []FieldSpec{opt(KeyCID, synCallID, "the new call's Call-ID; present when code is 0")},
		Codes:     []Code{codeProcessing, codeNoRegister, codeParam, codeNoResource},
		ackRule:   cidOnSuccess},
	{Op: OpAnswer, Ack: AckAnswer, Name: "answer", Doc: "answer the call of event 9002 with the browser's SDP answer",
		Fields: []FieldSpec{fieldCID, req(KeySDP, synSDP, "the browser's SDP answer")},
		Codes:  []Code{codeProcessing, codeNoRegister, codeParam, codeNoSuchCall}},
	{Op: OpReject, Ack: AckReject, Name: "reject", Doc: "reject an incoming call with a SIP status",
		Fields: []FieldSpec{fieldCID,
			req(KeyRC, synSIPCode, "the SIP status: 404, 415, 480, 486, 302 are usual"),
			opt(KeyMTo, synURI, "the 302 target (a number or a sip: URI): required with rc=302, refused otherwise"),
		},
		Codes: []Code{codeProcessing, {CodeRefused, "No such call (this op's code since the seed, kept)"}, codeParam},
		rule: func(m Message) error {
			rc, _ := parseInt(m.Get(KeyRC))
			return presentIff(m, KeyMTo, rc == 302, "rc is 302")
		}},
	{Op: OpRinging, Ack: AckRinging, Name: "ringing", Doc: "send 180 Ringing to the caller of an incoming call",
		Fields: []FieldSpec{fieldCID},
		Codes:  []Code{codeProcessing, codeParam, codeNoSuchCall}},
	{Op: OpModify, Ack: AckModify, Name: "modify", Doc: "hold, unhold, retrieve (drop the second call), refresh video",
		Fields: []FieldSpec{fieldCID, req(KeyType, ints(ModifyUnhold, ModifyRefreshVideo), "0 unhold, 1 hold, 2 retrieve, 3 refresh video")},
		Codes:  []Code{codeProcessing, codeParam, codeNoSuchCall}},
	{Op: OpSecondCall, Ack: AckSecondCall, Name: "second-call", Doc: "make a second call for an attended transfer (first call connected)",
		Fields: []FieldSpec{req(KeyCID, synCallID, "the connected first call"), req(KeyRTo, synUser, "the number to call"),
			opt(KeySDP, synSDP, "ours: the browser's offer for the second call's own peer connection; without it the consultation is silent")},
		AckFields: []FieldSpec{opt(KeyCID, synCallID, "the second call's Call-ID (ours); present when code is 0")},
		Codes:     []Code{codeProcessing, codeParam, codeNoSuchCall}},
	{Op: OpSendMessage, Ack: AckSendMessage, Name: "send-message", Doc: "send a SIP MESSAGE; the outcome follows as event 9006",
		Fields: []FieldSpec{
			opt(KeyFrom, synURI, "SIP From; the switch always sends from the registered extension"),
			req(KeyTo, synURI, "the recipient: a number or a sip: URI"),
			req(KeyMID, synMID, "the client's message ID, echoed by 9006"),
			req(KeyMsg, synMsg, "the text (text/plain; charset=UTF-8)"),
		},
		Codes: []Code{{CodeProcessing, "Processing (the outcome follows as event 9006)"}, {CodeRefused, "Not registered (ours)"}, codeParam}},
	{Op: OpDisconnect, Ack: AckDisconnect, Name: "disconnect", Doc: "hang up; with a second call up, hanging up the first completes the transfer",
		Fields: []FieldSpec{fieldCID},
		Codes:  []Code{codeProcessing, codeParam, codeNoSuchCall}},
	{Op: OpGuestCall, Ack: AckGuestCall, Name: "guest-call", Doc: "click-to-call without registration",
		Fields: []FieldSpec{
			opt(KeyDisp, synDisp, "the guest's name"),
			opt(KeyFrom, synUser, "the guest's number as given (shown, never trusted)"),
			req(KeyTo, synUser, "the number to call"),
			req(KeyNonce, synNonce, "the nonce of this session's 4001"),
			opt(KeyCData, synCData, "CTI data; \"_cid=...\" binds the call to a chat"),
			opt(KeySkill, synSkill, "ACD skill"),
			req(KeySDP, synSDP, "the browser's SDP offer"),
		},
		AckFields: []FieldSpec{opt(KeyCID, synCallID, "the new call's Call-ID; present when code is 0")},
		Codes: []Code{codeProcessing, {CodeRefused, "Guest calling not available (click-to-call off, or the target not open to guests)"},
			codeParam, codeNoResource},
		ackRule: cidOnSuccess},
	{Op: OpDTMF, Ack: AckDTMF, Name: "dtmf", Doc: "send one DTMF digit (RFC 4733, or the call's DTMF mode)",
		Fields: []FieldSpec{fieldCID, req(KeyDTMF, synDTMF, "the digit")},
		Codes:  []Code{codeProcessing, codeParam, codeNoSuchCall}},
	{Op: OpRecord, Ack: AckRecord, Name: "record", Doc: "start or stop recording on demand",
		Fields: []FieldSpec{fieldCID, req(KeyRec, synBool, "1 start, 0 stop")},
		Codes:  []Code{codeProcessing, codeParam, codeNoSuchCall}},
	{Op: OpBLF, Ack: AckBLF, Name: "blf", Doc: "start or stop BLF monitoring, or list the monitored extensions",
		Fields: []FieldSpec{
			req(KeyBLF, ints(BLFStop, BLFList), "0 stop, 1 start, 2 list"),
			opt(KeyExt, synExt, "extensions: required with blf=1; with blf=0 empty means all; refused with blf=2"),
		},
		AckFields: []FieldSpec{opt(KeyExt, synExt, "the monitored extensions (blf=2)")},
		Codes:     []Code{codeProcessing, {CodeRefused, "Over max BLF monitor count; also not registered (ours)"}, codeParam},
		rule: func(m Message) error {
			switch blf, _ := parseInt(m.Get(KeyBLF)); blf {
			case BLFStart:
				return presentIff(m, KeyExt, true, "blf is 1")
			case BLFList:
				return presentIff(m, KeyExt, false, "blf is 0 or 1")
			}
			return nil
		}},
}

// replyFields are on every ACK.
var replyFields = []FieldSpec{
	req(KeyCode, ints(-4, 0), "the result"),
	opt(KeyReason, synReason, "why the code is not 0 (ours)"),
}

// errorFields are those of OpError.
var errorFields = []FieldSpec{
	req(KeyCode, ints(CodeParamError, CodeParamError), "always -2"),
	req(KeyReason, synReason, "what is wrong with the frame"),
}

var eventList = []EventSpec{
	{Op: EvRegisterState, Name: "register-state", Doc: "the registration's state",
		Fields: []FieldSpec{req(KeyState, synRegState, "0 registered, -1 unregistered, -2 request timeout, -3 contact updated, -NNN SIP status")}},
	{Op: EvIncomingCall, Name: "incoming-call", Doc: "a call arrived; answer with 1004, refuse with 1005",
		Fields: []FieldSpec{
			req(KeyFrom, synUser, "calling number"),
			opt(KeyDisp, synDisp, "calling name"),
			req(KeyTo, synUser, "called number"),
			fieldCID,
			opt(KeyUCID, synToken, "universal call ID"),
			req(KeySDP, synSDP, "the switch's SDP offer"),
		}},
	{Op: EvMediaChange, Name: "media-change", Doc: "the switch's SDP for a call: the answer to the client's offer (1003, 1011), else a new offer to answer with 1004",
		Fields: []FieldSpec{fieldCID, req(KeySDP, synSDP, "the switch's SDP (an answer or an offer)")}},
	{Op: EvCallState, Name: "call-state", Doc: "a call's state changed",
		Fields: []FieldSpec{
			fieldCID,
			opt(KeyUCID, synToken, "universal call ID"),
			req(KeyState, ints(CallDisconnected, CallRemoteHold), "0 disconnected, 1 ringing, 2 connected, 3 local hold, 4 remote hold"),
			opt(KeyCause, synSIPStatus, "the SIP status that ended or refused the call"),
			opt(KeyAID, synToken, "ACD call ID"),
		}},
	{Op: EvMessage, Name: "message", Doc: "a SIP MESSAGE arrived",
		Fields: []FieldSpec{req(KeyFrom, synURI, "sender"), req(KeyTo, synURI, "recipient"), req(KeyMsg, synMsg, "the text")}},
	{Op: EvMessageReport, Name: "message-report", Doc: "the outcome of a 1009",
		Fields: []FieldSpec{req(KeyMID, synMID, "the 1009's mid"), req(KeyCode, synReportCode, "0 sent, -1 request timeout, -NNN SIP status")}},
	{Op: EvSecondCallState, Name: "second-call-state", Doc: "the second call's state changed (the seed's duplicate 9004)",
		Fields: []FieldSpec{
			req(KeyCID, synCallID, "the second call's Call-ID"),
			req(KeyState, ints(CallDisconnected, CallConnected), "0 disconnected, 1 ringing, 2 connected"),
			opt(KeyCause, synSIPStatus, "the SIP status that ended or refused the call"),
			opt(KeyAID, synToken, "ACD call ID"),
		}},
	{Op: EvResetMedia, Name: "reset-media", Doc: "drop the call's peer connection: a 9003 with a fresh offer follows, answered with 1004",
		Fields: []FieldSpec{fieldCID}},
	{Op: EvAnswerNow, Name: "answer-now", Doc: "answer this call now (auto-answer)",
		Fields: []FieldSpec{fieldCID}},
	{Op: EvAgentAnswer, Name: "agent-answer", Doc: "a call-center agent answered",
		Fields: []FieldSpec{fieldCID, req(KeyAgTel, synUser, "the agent's number")}},
	{Op: EvVoicemail, Name: "voicemail", Doc: "the mailbox changed (only with mwi=1)",
		Fields: []FieldSpec{req(KeyVM, synVM, "new/old (urgent new/urgent old)")}},
	{Op: EvBLFState, Name: "blf-state", Doc: "a monitored extension's dialog state",
		Fields: []FieldSpec{
			req(KeyState, synBLFState, "0 success, negative: an error such as -404"),
			req(KeyExt, synUser, "the extension"),
			opt(KeyBLFXML, synXML, "the RFC 4235 dialog-info document"),
		}},
}

var (
	commands = byOp(commandList, func(c CommandSpec) int { return c.Op })
	events   = byOp(eventList, func(e EventSpec) int { return e.Op })
)

func byOp[T any](list []T, op func(T) int) map[int]T {
	m := make(map[int]T, len(list))
	for _, v := range list {
		m[op(v)] = v
	}
	return m
}

func code(m Message) int {
	n, _ := strconv.Atoi(m.Get(KeyCode))
	return n
}

func cidOnSuccess(m Message) error {
	if code(m) == CodeProcessing && m.Get(KeyCID) == "" {
		return invalid(m.Op, KeyCID, "required when code is 0")
	}
	return nil
}

// presentIff: key must have a non-empty value when want, and be absent
// or empty otherwise.
func presentIff(m Message, key string, want bool, cond string) error {
	has := m.Get(key) != ""
	switch {
	case want && !has:
		return invalid(m.Op, key, "required when %s", cond)
	case !want && has:
		return invalid(m.Op, key, "only allowed when %s", cond)
	}
	return nil
}

// check reports the first field of m that breaks specs.
func checkFields(m Message, specs []FieldSpec) error {
	for _, s := range specs {
		vs := m.All(s.Key)
		if len(vs) > 1 && !s.Repeated {
			return invalid(m.Op, s.Key, "given %d times, allowed once", len(vs))
		}
		if len(vs) == 0 && s.Required {
			return invalid(m.Op, s.Key, "required")
		}
		for _, v := range vs {
			switch {
			case v == "" && s.Required:
				return invalid(m.Op, s.Key, "must not be empty")
			case v != "" && !s.ok(v):
				return invalid(m.Op, s.Key, "must be %s, got %q", s.Syntax, clip(v))
			}
		}
	}
	return nil
}
