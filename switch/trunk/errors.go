package trunk

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalid is wrapped by every configuration error (see FieldError).
	ErrInvalid = errors.New("invalid trunk configuration")
	// ErrTimeout means the peer sent no final response in time; RFC 3261
	// 8.1.3.1 treats it as a 408.
	ErrTimeout = errors.New("no response")
	// ErrTransport means the request could not be sent (connection
	// refused, no listener); RFC 3261 8.1.3.1 treats it as a 503.
	ErrTransport = errors.New("transport error")
	// ErrAuth means the provider refused our credentials or we could not
	// answer its challenge.
	ErrAuth = errors.New("authentication failed")
	// ErrStarted is returned by Start on a loop that already runs.
	ErrStarted = errors.New("already started")
)

// FieldError names the configuration field that is wrong and why.
type FieldError struct {
	Trunk   string // the trunk's name, "" when the name itself is wrong
	Field   string // e.g. "registrar", "expiry"
	Problem string
}

func (e *FieldError) Error() string {
	if e.Trunk == "" {
		return fmt.Sprintf("trunk: %s: %s", e.Field, e.Problem)
	}
	return fmt.Sprintf("trunk %q: %s: %s", e.Trunk, e.Field, e.Problem)
}

func (e *FieldError) Unwrap() error { return ErrInvalid }

func invalid(trunk, field, problem string) error {
	return &FieldError{Trunk: trunk, Field: field, Problem: problem}
}
