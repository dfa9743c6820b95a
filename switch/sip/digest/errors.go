package digest

import "errors"

// Sentinel errors returned (wrapped with detail) by ParseCredentials and
// Authenticator.Verify. Callers map them to SIP answers with errors.Is.
var (
	// ErrMalformed: the Authorization header cannot be parsed or lacks a
	// required parameter; answer 400.
	ErrMalformed = errors.New("malformed digest credentials")
	// ErrRealm: the credentials are for another realm; re-challenge.
	ErrRealm = errors.New("wrong digest realm")
	// ErrUnknownUser: the password callback does not know the username.
	ErrUnknownUser = errors.New("unknown digest user")
	// ErrBadResponse: the response does not match (wrong password).
	ErrBadResponse = errors.New("digest response mismatch")
	// ErrStale: the nonce is well-formed but expired or not issued by us;
	// re-challenge with stale=true (RFC 7616 3.3).
	ErrStale = errors.New("stale digest nonce")
	// ErrReplay: the nonce count did not increase, or a one-time nonce
	// (no qop) was used again.
	ErrReplay = errors.New("replayed digest nonce")
	// ErrAlgorithm: the algorithm is unknown or not offered.
	ErrAlgorithm = errors.New("unsupported digest algorithm")
)
