package subscribe

// Package is an event package (RFC 6665 7): what a subscription to it is
// about and what its NOTIFY bodies say. message-summary (RFC 3842) is the
// first; dialog and presence follow on the same server.
type Package interface {
	// Name is the Event header token, e.g. "message-summary".
	Name() string
	// ContentType is the NOTIFY body type; a SUBSCRIBE whose Accept header
	// excludes it gets 406.
	ContentType() string
	// Authorize reports whether user may watch resource by the package's
	// own rule (a mailbox's owner, say). When it says no, the subscribe
	// hook decides if one is bound; with none the answer is 403.
	Authorize(user, resource string) bool
	// Body is resource's current state. An error wrapping ErrNoResource
	// means the resource does not exist. It is called off the SIP handler
	// for every NOTIFY, so it always reports the latest state.
	Body(resource string) ([]byte, error)
}

// Versioned is a Package whose documents carry a version that grows by one
// with every document one subscriber receives, from 0 (RFC 4235 4.1,
// dialog-info). The server counts per subscription and builds NOTIFY
// bodies with VersionedBody; Body serves the existence check of a new
// subscription.
type Versioned interface {
	Package
	VersionedBody(resource string, version uint64) ([]byte, error)
}
