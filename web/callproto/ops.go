package callproto

import "strconv"

// Commands, sent by the client (seed 000 section 4.3.1).
const (
	OpConnect     = 1000 // start the session; answered by 4001 with the nonce
	OpRegister    = 1001 // register an extension (password proof over the nonce)
	OpUnregister  = 1002
	OpCall        = 1003 // make a call with the browser's SDP offer
	OpAnswer      = 1004 // answer an incoming call with the browser's SDP answer
	OpReject      = 1005 // reject an incoming call with a SIP code (302 with a target)
	OpRinging     = 1006 // send 180 Ringing for an incoming call
	OpModify      = 1007 // hold, unhold, retrieve, refresh video
	OpSecondCall  = 1008 // make a second call, for an attended transfer
	OpSendMessage = 1009 // send a SIP MESSAGE
	OpDisconnect  = 1010 // hang up (with a second call up: complete the transfer)
	OpGuestCall   = 1011 // click-to-call without registration
	OpDTMF        = 1012
	OpRecord      = 1013 // recording on demand
	OpBLF         = 1014 // BLF monitor control
)

// Replies, sent by the server: one per command, with the command's seq.
const (
	OpError          = 2000 // ours: the reply to a frame that has no ACK (unparseable, unknown op)
	AckRegister      = 2001
	AckUnregister    = 2002
	AckCall          = 2003
	AckAnswer        = 2004
	AckReject        = 2005
	AckRinging       = 2006
	AckModify        = 2007
	AckSecondCall    = 2008
	AckSendMessage   = 2009
	AckDisconnect    = 2010
	AckGuestCall     = 2011
	AckDTMF          = 2012
	AckRecord        = 2013
	AckBLF           = 2014
	AckConnect       = 4001 // the seed's "Connecting Authentication Response"
	firstCommand     = OpConnect
	lastCommand      = OpBLF
	firstEvent       = EvRegisterState
	lastEvent        = EvBLFState
	ackOffset        = 1000
	connectAckOffset = AckConnect - OpConnect
)

// Events, sent by the server unasked (seed 000 section 4.3.2). Their seq
// is the server's own counter per connection.
const (
	EvRegisterState   = 9001
	EvIncomingCall    = 9002
	EvMediaChange     = 9003
	EvCallState       = 9004
	EvMessage         = 9005 // a SIP MESSAGE arrived
	EvMessageReport   = 9006 // the outcome of an op 1009
	EvSecondCallState = 9007 // the seed says 9004 here, a typo: 9004 is the first call's state
	EvResetMedia      = 9008
	EvAnswerNow       = 9009 // notify to answer (auto-answer)
	EvAgentAnswer     = 9010
	EvVoicemail       = 9011
	EvBLFState        = 9012
)

// Kind classifies an op.
type Kind int

const (
	KindUnknown Kind = iota
	KindCommand      // client to server, answered by an ACK
	KindReply        // server to client: an ACK or OpError
	KindEvent        // server to client, unasked
)

func (k Kind) String() string {
	switch k {
	case KindCommand:
		return "command"
	case KindReply:
		return "reply"
	case KindEvent:
		return "event"
	}
	return "unknown"
}

// KindOf is the kind of op in the catalogue.
func KindOf(op int) Kind {
	switch {
	case op >= firstCommand && op <= lastCommand:
		return KindCommand
	case op == OpError || op == AckConnect || op >= AckRegister && op <= AckBLF:
		return KindReply
	case op >= firstEvent && op <= lastEvent:
		return KindEvent
	}
	return KindUnknown
}

// AckOp is the op of the ACK that answers command op: 4001 for 1000,
// op+1000 for the others.
func AckOp(op int) (int, bool) {
	switch {
	case op == OpConnect:
		return op + connectAckOffset, true
	case op > OpConnect && op <= lastCommand:
		return op + ackOffset, true
	}
	return 0, false
}

// CommandOf is the command an ACK answers (the inverse of AckOp).
func CommandOf(ack int) (int, bool) {
	switch {
	case ack == AckConnect:
		return OpConnect, true
	case ack >= AckRegister && ack <= AckBLF:
		return ack - ackOffset, true
	}
	return 0, false
}

// OpName is a short name for logs and errors: "register", "register-ack",
// "call-state", or "op N" outside the catalogue.
func OpName(op int) string {
	if c, ok := commands[op]; ok {
		return c.Name
	}
	if cmd, ok := CommandOf(op); ok {
		return commands[cmd].Name + "-ack"
	}
	if op == OpError {
		return "error"
	}
	if e, ok := events[op]; ok {
		return e.Name
	}
	return "op " + strconv.Itoa(op)
}
