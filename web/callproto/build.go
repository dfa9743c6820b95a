package callproto

import (
	"errors"
	"strconv"
)

// Ack is the reply to command cmd: its ACK op (OpError when cmd.Op is not
// a command), cmd's seq, code, then fields in order.
func Ack(cmd Message, code int, fields ...Field) Message {
	op, ok := AckOp(cmd.Op)
	if !ok {
		op = OpError
	}
	m := Message{Op: op, Seq: cmd.Seq}
	if !validSeq(m.Seq) {
		m.Seq = ""
	}
	m.Add(KeyCode, strconv.Itoa(code))
	for _, f := range fields {
		m.Add(f.Key, f.Value)
	}
	return m
}

// Refuse is the reply to a message that Parse or Validate refused: its ACK
// (or OpError when the op is unknown or could not be read) with code -2
// and the error as reason. Pass the Message that Parse returned with its
// error, so the reply echoes the op and seq it could read.
func Refuse(m Message, err error) Message {
	if errors.Is(err, ErrUnknownOp) {
		m.Op = -1 // no ACK exists, so Ack falls back to OpError
	}
	return Ack(m, CodeParamError, F(KeyReason, Reason(err)))
}

// Event is an event with the server's seq for this connection.
func Event(op int, seq uint64, fields ...Field) Message {
	return New(op, strconv.FormatUint(seq, 10), fields...)
}
