package callproto

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

var (
	// ErrMalformed is wrapped by every ParseError about the format.
	ErrMalformed = errors.New("malformed message")
	// ErrTooLarge is wrapped by every ParseError about a size limit.
	ErrTooLarge = errors.New("message too large")
	// ErrInvalid is wrapped by every FieldError about a field's presence
	// or syntax.
	ErrInvalid = errors.New("invalid field")
	// ErrUnknownOp is wrapped by the FieldError Validate returns for an op
	// outside the catalogue (or one a client may not send).
	ErrUnknownOp = errors.New("unknown op")
	// ErrConnectFirst is the error for a command sent before op 1000;
	// Refuse turns it into code -2 with this text as reason.
	ErrConnectFirst = errors.New("connect (op 1000) first")
	// ErrBadKey is what Message.Check reports after Set or Add was given a
	// key that cannot go on the wire (the field was dropped).
	ErrBadKey = errors.New("invalid key")
)

// ParseError says where a frame breaks the format or a limit.
type ParseError struct {
	Line int    // 1-based line number; 0 when the frame as a whole is wrong
	Key  string // the line's key once it is known to be well formed
	Msg  string
	Err  error // ErrMalformed or ErrTooLarge
}

func (e *ParseError) Error() string { return "callproto: " + e.detail() }

func (e *ParseError) Unwrap() error { return e.Err }

func (e *ParseError) detail() string {
	switch {
	case e.Line > 0 && e.Key != "":
		return fmt.Sprintf("line %d (%s): %s", e.Line, e.Key, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

func malformed(line int, key, format string, args ...any) error {
	return &ParseError{Line: line, Key: key, Msg: fmt.Sprintf(format, args...), Err: ErrMalformed}
}

func tooLarge(line int, key, format string, args ...any) error {
	return &ParseError{Line: line, Key: key, Msg: fmt.Sprintf(format, args...), Err: ErrTooLarge}
}

// FieldError says which field of a message Validate refused and why. The
// server answers it with code -2 (CodeParamError) and Reason(err).
type FieldError struct {
	Op  int
	Key string // "" when the message as a whole is wrong (unknown op)
	Msg string
	Err error // ErrInvalid or ErrUnknownOp
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("callproto: op %d (%s): %s", e.Op, OpName(e.Op), e.reason())
}

func (e *FieldError) Unwrap() error { return e.Err }

func (e *FieldError) reason() string {
	if e.Key == "" {
		return e.Msg
	}
	return e.Key + ": " + e.Msg
}

func invalid(op int, key, format string, args ...any) error {
	return &FieldError{Op: op, Key: key, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid}
}

// Reason is err as the one-line text of a reply's reason field: the
// ParseError or FieldError detail without the package prefix, control
// characters turned to spaces, at most MaxReasonLen bytes.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var (
		pe *ParseError
		fe *FieldError
		s  string
	)
	switch {
	case errors.As(err, &pe):
		s = pe.detail()
	case errors.As(err, &fe):
		s = fe.reason()
	default:
		s = err.Error()
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > MaxReasonLen {
		cut := MaxReasonLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// clip shortens client data quoted into an error.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
