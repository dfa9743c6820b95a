package subscribe

import "errors"

var (
	// ErrNoResource is what a Package's Body wraps when the resource does
	// not exist: a SUBSCRIBE gets 404, a live subscription is ended with
	// reason=noresource (RFC 6665 4.2.2).
	ErrNoResource = errors.New("no such resource")

	// errClosed ends NOTIFY transactions cut short by Close.
	errClosed = errors.New("subscribe: server closed")
)
