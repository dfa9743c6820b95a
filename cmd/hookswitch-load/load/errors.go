package load

import "errors"

// Sentinel errors of the load generator.
var (
	ErrMalformed = errors.New("malformed sip message")
	ErrRange     = errors.New("invalid user range")
	ErrConfig    = errors.New("invalid configuration")
	ErrChallenge = errors.New("unusable digest challenge")
	ErrSDP       = errors.New("no usable audio in sdp")
)
