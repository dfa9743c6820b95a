package sip

import (
	"errors"
	"fmt"
)

// Error is an error that knows the SIP response it should produce.
type Error struct {
	Code   int
	Reason string // reason phrase; empty means the standard phrase for Code
	Err    error

	unsupported string // for a 420: the Unsupported header value
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("sip %d %s", e.Code, e.Phrase())
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Phrase is the reason phrase to send.
func (e *Error) Phrase() string {
	if e.Reason != "" {
		return e.Reason
	}
	return StatusText(e.Code)
}

// Errorf returns an *Error with code and a formatted cause.
func Errorf(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// StatusOf returns the SIP status carried by err, or 500 when it has none.
func StatusOf(err error) (int, string) {
	var se *Error
	if errors.As(err, &se) {
		return se.Code, se.Phrase()
	}
	return 500, StatusText(500)
}

var (
	// ErrNoTransport is returned when a request needs a transport that is not listening.
	ErrNoTransport = errors.New("no listener for transport")
	// ErrWSClosed is returned for a request to a WebSocket peer whose
	// connection is gone (it cannot be dialled).
	ErrWSClosed = errors.New("no open websocket connection")
)
