package torture

import "errors"

var (
	// ErrNotation is returned for a message file that breaks the RFC 4475
	// section 2 notation (an unclosed tag, a bad repeat count, bad hex).
	ErrNotation = errors.New("bad torture notation")
	// ErrUnknownMessage is returned by Load for a name not in the corpus.
	ErrUnknownMessage = errors.New("no such torture message")
)
