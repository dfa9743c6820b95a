package trunk

import (
	"fmt"
	"net/netip"
	"time"
)

// State is where a registration stands.
type State int

const (
	StateUnknown     State = iota
	StateRegistering       // started, no answer yet
	StateRegistered        // the provider holds our binding (refreshes keep this state)
	StateFailed            // the last attempt failed; NextAttempt says when we retry
	StateStopped           // Stop ran (un-registered when we were registered)
)

func (s State) String() string {
	switch s {
	case StateRegistering:
		return "registering"
	case StateRegistered:
		return "registered"
	case StateFailed:
		return "failed"
	case StateStopped:
		return "stopped"
	}
	return "unknown"
}

// Status is a snapshot of a registration.
type Status struct {
	Name  string    `json:"name"`
	State State     `json:"state"`
	Since time.Time `json:"since"` // when State last changed
	// Code and Reason are the last final response; a timeout counts as
	// 408 and a transport error as 503 (RFC 3261 8.1.3.1).
	Code      int       `json:"code"`
	Reason    string    `json:"reason"`
	LastError string    `json:"last_error"` // why the last attempt failed; "" after a success
	ExpiresAt time.Time `json:"expires_at"` // end of the binding the provider granted; zero when none
	// NextAttempt is when the loop sends its next REGISTER (refresh or retry).
	NextAttempt time.Time `json:"next_attempt"`
	Failures    int       `json:"failures"` // consecutive failed attempts
	// Public is our address as the registrar saw it (Via received/rport,
	// RFC 3581) when it differs from what we sent: we are behind a NAT.
	Public netip.AddrPort `json:"public"`
	NAT    bool           `json:"nat"`
}

// String is a one-line summary such as "failed: 403 Forbidden".
func (s Status) String() string {
	switch {
	case s.State == StateFailed && s.Code != 0:
		return fmt.Sprintf("failed: %d %s", s.Code, s.Reason)
	case s.State == StateFailed && s.LastError != "":
		return "failed: " + s.LastError
	case s.State == StateRegistered && !s.ExpiresAt.IsZero():
		return fmt.Sprintf("registered until %s", s.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return s.State.String()
}

// changed reports whether b differs from a in a way worth an event: the
// state, the response code, or the NAT finding.
func changed(a, b Status) bool {
	return a.State != b.State || a.Code != b.Code || a.NAT != b.NAT || a.Public != b.Public
}
