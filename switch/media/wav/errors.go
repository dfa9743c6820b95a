package wav

import (
	"errors"
	"fmt"
)

var (
	// ErrNotWAV means the input is not a RIFF/WAVE file at all.
	ErrNotWAV = errors.New("not a wav file")
	// ErrMalformed means a RIFF/WAVE file is truncated or inconsistent.
	ErrMalformed = errors.New("malformed wav file")
	// ErrUnsupported means a well-formed file uses a format, rate or channel
	// count that the switch does not play.
	ErrUnsupported = errors.New("unsupported wav format")
	// ErrTooLarge means the input exceeds MaxSize, the decoded audio exceeds
	// MaxSamples, or a recording would outgrow the 4 GiB RIFF limit.
	ErrTooLarge = errors.New("wav too large")
	// ErrClosed is returned by Writer methods after Close.
	ErrClosed = errors.New("wav writer closed")
)

// wavError reads as "wav: <detail>" and matches its kind with errors.Is.
type wavError struct {
	kind error
	msg  string
}

func (e *wavError) Error() string { return "wav: " + e.msg }
func (e *wavError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &wavError{kind: kind, msg: fmt.Sprintf(format, args...)}
}
