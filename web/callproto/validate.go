package callproto

import "fmt"

// Validate checks a message a client sent: the op must be a command
// (1000-1014), seq present, the required fields present and non-empty,
// every known field of the right syntax and not repeated unless allowed,
// and the command's cross-field rules (mto with rc=302, ext with blf=1,
// usr equal to tel). Unknown keys are ignored, so clients may add their
// own. An empty optional field counts as absent.
//
// The error is a *FieldError wrapping ErrInvalid, or ErrUnknownOp for an
// op that is not a command; answer it with Refuse.
func Validate(m Message) error {
	c, ok := commands[m.Op]
	if !ok {
		return unknownOp(m.Op, "not a command (1000-1014)")
	}
	if m.Seq == "" {
		return invalid(m.Op, KeySeq, "required")
	}
	if err := checkFields(m, c.Fields); err != nil {
		return err
	}
	if c.rule != nil {
		return c.rule(m)
	}
	return nil
}

// ValidateServerMessage checks a message the server sent (an ACK, OpError
// or an event), for clients written in Go and for the server's own tests:
// an ACK's code must be one its command may get, an event's seq is
// required.
func ValidateServerMessage(m Message) error {
	if m.Op == OpError {
		return checkFields(m, errorFields)
	}
	if cmd, ok := CommandOf(m.Op); ok {
		c := commands[cmd]
		if err := checkFields(m, replyFields); err != nil {
			return err
		}
		if err := checkFields(m, c.AckFields); err != nil {
			return err
		}
		if c.Meaning(code(m)) == "" {
			return invalid(m.Op, KeyCode, "%s is not a code of op %d", m.Get(KeyCode), cmd)
		}
		if c.ackRule != nil {
			return c.ackRule(m)
		}
		return nil
	}
	e, ok := events[m.Op]
	if !ok {
		return unknownOp(m.Op, "not a reply or an event")
	}
	if m.Seq == "" {
		return invalid(m.Op, KeySeq, "required")
	}
	return checkFields(m, e.Fields)
}

func unknownOp(op int, why string) error {
	return &FieldError{Op: op, Key: KeyOp, Msg: fmt.Sprintf("unknown op %d: %s", op, why), Err: ErrUnknownOp}
}
