package actionurl

import "errors"

var (
	// ErrURL: a configured or returned URL is not an absolute http(s) URL
	// without user information.
	ErrURL = errors.New("bad action url")
	// ErrCircuitOpen: the URL failed too often lately; it is not asked until
	// its breaker lets a probe through.
	ErrCircuitOpen = errors.New("circuit breaker open")
	// ErrStatus: the web app answered with an HTTP status other than 2xx.
	ErrStatus = errors.New("unexpected http status")
	// ErrTooLarge: the response body exceeds MaxBody.
	ErrTooLarge = errors.New("response body too large")
	// ErrResponse: the response body is not a valid decision for the hook.
	ErrResponse = errors.New("bad response")
	// ErrLimit: a call program fetched too many documents or ran too many verbs.
	ErrLimit = errors.New("call program limit reached")
	// ErrVerb: a verb of a call program failed.
	ErrVerb = errors.New("verb failed")
	// ErrNotHandled: the hook is not bound to this engine in hooks.json.
	ErrNotHandled = errors.New("hook not bound to the http engine")
	// ErrClosed: the engine generation was closed.
	ErrClosed = errors.New("http engine closed")
)
