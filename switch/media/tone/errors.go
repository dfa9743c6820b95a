package tone

import (
	"errors"
	"fmt"
)

var (
	// ErrSyntax is wrapped by every *ParseError.
	ErrSyntax = errors.New("bad tone spec")
	// ErrUnknownCountry means Lookup has no tone plan for the country.
	ErrUnknownCountry = errors.New("unknown country")
	// ErrUnknownTone means Lookup knows no tone of that name.
	ErrUnknownTone = errors.New("unknown tone")
	// ErrBadDTMF means DTMF got a digit outside 0-9 * # A-D or a bad timing.
	ErrBadDTMF = errors.New("bad dtmf")
)

// ParseError locates a fault in a tone spec, so an admin UI can point at
// it.
type ParseError struct {
	Pos int // 1-based byte position in the spec
	Msg string
}

func (e *ParseError) Error() string { return fmt.Sprintf("tone: position %d: %s", e.Pos, e.Msg) }
func (e *ParseError) Unwrap() error { return ErrSyntax }

// toneError reads as "tone: <detail>" and matches its kind with errors.Is.
type toneError struct {
	kind error
	msg  string
}

func (e *toneError) Error() string { return "tone: " + e.msg }
func (e *toneError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &toneError{kind: kind, msg: fmt.Sprintf(format, args...)}
}
