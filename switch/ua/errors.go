package ua

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed is returned by every operation once the Stack is closed.
	ErrClosed = errors.New("ua: stack closed")
	// ErrUnregistered is returned by an Account's operations after Unregister.
	ErrUnregistered = errors.New("ua: account unregistered")
	// ErrInvalid is wrapped by every refusal of a bad argument (a user
	// part, an SDP, a header, a status code).
	ErrInvalid = errors.New("ua: invalid argument")
	// ErrCallEnded is returned by a Call's operations once it is over.
	ErrCallEnded = errors.New("ua: call ended")
	// ErrCallState is returned for an operation the call's state does not
	// allow (Answer on an outgoing call, Hold before it is connected...).
	ErrCallState = errors.New("ua: not allowed in this call state")
	// ErrPending is returned by Hold while another offer of ours is in
	// flight (RFC 3261 14.1: one re-INVITE at a time).
	ErrPending = errors.New("ua: another re-INVITE is in progress")
	// ErrTooManyCalls is returned by Call when the account has
	// Config.MaxCalls calls already.
	ErrTooManyCalls = errors.New("ua: too many calls on this account")
	// ErrTimeout means the switch sent no final response in time; RFC 3261
	// 8.1.3.1 treats it as a 408.
	ErrTimeout = errors.New("ua: no response")
	// ErrTransport means a request could not be sent; RFC 3261 8.1.3.1
	// treats it as a 503.
	ErrTransport = errors.New("ua: transport error")
	// ErrAuth means the switch's challenge could not be answered.
	ErrAuth = errors.New("ua: authentication failed")
)

// StatusError is a final response other than 2xx to a request we sent.
type StatusError struct {
	Method string // "REGISTER", "INVITE", "MESSAGE"...
	Code   int
	Reason string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("ua: %s refused: %d %s", e.Method, e.Code, e.Reason)
}

// Status is the SIP status an error stands for: the code of a
// *StatusError, 408 for ErrTimeout, 503 for ErrTransport, 0 for anything
// else (a local refusal, a closed stack).
func Status(err error) int {
	var se *StatusError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &se):
		return se.Code
	case errors.Is(err, ErrTimeout):
		return 408
	case errors.Is(err, ErrTransport):
		return 503
	}
	return 0
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
