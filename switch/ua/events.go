package ua

// Events receive what happens to an account and its calls. Every field is
// optional. They are called one at a time, in the order things happened,
// from the account's own goroutine and never from a SIP handler: a slow
// receiver delays its own account's events only. A receiver may call any
// method of the account or its calls (Answer from Incoming, say) but not
// Stack.Close.
type Events struct {
	// Registration reports the registration's state: registered (also
	// after each refresh that follows a failure), failed with the SIP code
	// (the account keeps retrying), unregistered.
	Registration func(RegEvent)
	// Incoming is a new call to the account. Answer it with Ringing,
	// Answer or Reject; without an Incoming receiver calls get 480.
	Incoming func(*Call)
	// CallState reports a call's state changes (ringing, connected, held,
	// disconnected with its cause).
	CallState func(*Call, CallEvent)
	// RemoteSDP reports the other side's SDP when it arrives or changes:
	// early media, the answer, a re-INVITE's offer (already answered with
	// the call's current local SDP).
	RemoteSDP func(*Call, []byte)
	// Info is an INFO the other side sent within a call (DTMF relay,
	// recording control), already answered 200.
	Info func(c *Call, contentType string, body []byte)
	// Message is a MESSAGE to the account, already answered 200.
	Message func(Message)
	// Notify is a NOTIFY of one of the account's subscriptions, already
	// answered 200.
	Notify func(Notify)
	// MWI is the message-summary of a NOTIFY (SubscribeMWI), parsed.
	MWI func(MWI)
}

// RegState is the state of an account's registration.
type RegState int

// Registration states; the zero value is RegUnknown.
const (
	RegUnknown RegState = iota
	RegRegistered
	RegFailed
	RegUnregistered
)

func (s RegState) String() string {
	switch s {
	case RegRegistered:
		return "registered"
	case RegFailed:
		return "failed"
	case RegUnregistered:
		return "unregistered"
	}
	return "unknown"
}

// RegEvent is a change of registration state.
type RegEvent struct {
	State RegState
	// Code is the SIP status of the last REGISTER: 200 when registered,
	// the failure's code (408 for no response, 503 when it could not be
	// sent) when failed.
	Code    int
	Reason  string
	Expires int // seconds the switch granted (registered only)
}

// CallState is the state of a call. The numbering follows no protocol;
// the web-call-protocol server maps it.
type CallState int

// Call states; the zero value is CallUnknown.
const (
	CallUnknown CallState = iota
	// CallCalling: our INVITE is out, nothing heard yet.
	CallCalling
	// CallIncoming: an INVITE arrived, we have not answered.
	CallIncoming
	// CallRinging: the other side rings (180/183 to our INVITE), or we
	// sent 180 to theirs.
	CallRinging
	CallConnected
	// CallHeld: we put the call on hold (Hold(true)).
	CallHeld
	// CallRemoteHeld: the other side holds us (its offer is sendonly,
	// inactive or c=0.0.0.0) and we do not hold it.
	CallRemoteHeld
	CallDisconnected
)

func (s CallState) String() string {
	switch s {
	case CallCalling:
		return "calling"
	case CallIncoming:
		return "incoming"
	case CallRinging:
		return "ringing"
	case CallConnected:
		return "connected"
	case CallHeld:
		return "held"
	case CallRemoteHeld:
		return "remote-held"
	case CallDisconnected:
		return "disconnected"
	}
	return "unknown"
}

// CallEvent is a call's new state.
type CallEvent struct {
	State CallState
	// Code is the SIP status behind the change: 180 or 183 for ringing,
	// 200 for connected and for a call ended by BYE, the final response
	// of a call that failed or was refused (486, 487 when cancelled...),
	// 408 when the other side stopped answering, 480 when the account or
	// the stack went away.
	Code   int
	Reason string
	// Remote says the other side caused it (its BYE, CANCEL, refusal,
	// hold); false when we did (Hangup, Reject, Hold, Unregister).
	Remote bool
}

// Message is a MESSAGE received (RFC 3428).
type Message struct {
	From        string // the sender's user part
	FromName    string // its display name, if any
	To          string // the user part it was sent to
	ContentType string
	Body        []byte
}

// Notify is a NOTIFY of a subscription (RFC 6665).
type Notify struct {
	Sub         *Subscription
	Event       string // the package, "message-summary"...
	ContentType string
	Body        []byte
	// Terminated says the subscription is over (Subscription-State:
	// terminated); Reason is the state's reason parameter.
	Terminated bool
	Reason     string
}
