package callproto

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Field is one key=value line other than op and seq.
type Field struct {
	Key   string
	Value string // decoded: CR and LF are themselves here
}

// F is a Field, for building replies and events.
func F(key, value string) Field { return Field{Key: key, Value: value} }

// Message is one frame: its op, its seq and its other fields in order
// (keys may repeat). op and seq live in Op and Seq only; the field methods
// never see them. A Message is a value: its methods copy before they
// change anything, so copies never share edits.
type Message struct {
	Op  int
	Seq string // "" when absent; otherwise 1-64 of [A-Za-z0-9._:-]

	fields []Field
	err    error // the first key Set or Add refused (see Check)
}

// New is a message with the given op, seq and fields.
func New(op int, seq string, fields ...Field) Message {
	m := Message{Op: op, Seq: seq}
	for _, f := range fields {
		m.Add(f.Key, f.Value)
	}
	return m
}

// Get is the first value of key, "" when absent.
func (m Message) Get(key string) string {
	v, _ := m.Lookup(key)
	return v
}

// Lookup is the first value of key and whether key is present.
func (m Message) Lookup(key string) (string, bool) {
	for _, f := range m.fields {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

// All is every value of key, in order (nil when absent).
func (m Message) All(key string) []string {
	var vs []string
	for _, f := range m.fields {
		if f.Key == key {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Count is how many times key is present.
func (m Message) Count(key string) int {
	n := 0
	for _, f := range m.fields {
		if f.Key == key {
			n++
		}
	}
	return n
}

// Fields is a copy of the fields in order.
func (m Message) Fields() []Field { return slices.Clone(m.fields) }

// Add appends key=value. A key that is not [a-z][a-z0-9_]{0,15}, or is op
// or seq, is dropped and remembered for Check: keys come from the
// program, never from a peer, so this is a bug to find in tests.
func (m *Message) Add(key, value string) {
	if !m.keyOK(key) {
		return
	}
	// Clip: append must never write into an array a copy of m shares.
	m.fields = append(slices.Clip(m.fields), Field{Key: key, Value: value})
}

// Set replaces every key=... line by one key=value where the first one
// was, or appends it. Keys are checked as in Add.
func (m *Message) Set(key, value string) {
	if !m.keyOK(key) {
		return
	}
	out := make([]Field, 0, len(m.fields)+1)
	done := false
	for _, f := range m.fields {
		if f.Key == key {
			if done {
				continue
			}
			f.Value, done = value, true
		}
		out = append(out, f)
	}
	if !done {
		out = append(out, Field{Key: key, Value: value})
	}
	m.fields = out
}

// Del removes every key=... line.
func (m *Message) Del(key string) {
	if !slices.ContainsFunc(m.fields, func(f Field) bool { return f.Key == key }) {
		return
	}
	m.fields = slices.DeleteFunc(slices.Clone(m.fields), func(f Field) bool { return f.Key == key })
}

func (m *Message) keyOK(key string) bool {
	if validKey(key) && key != KeyOp && key != KeySeq {
		return true
	}
	if m.err == nil {
		m.err = fmt.Errorf("callproto: key %q dropped (op and seq are Message.Op and Message.Seq; other keys are [a-z][a-z0-9_]{0,15}): %w", clip(key), ErrBadKey)
	}
	return false
}

// Equal reports whether m and o have the same op, seq and fields in the
// same order.
func (m Message) Equal(o Message) bool {
	return m.Op == o.Op && m.Seq == o.Seq && slices.Equal(m.fields, o.fields)
}

// Check reports what Encode would have to change and the limits the
// encoded frame would break, so a server can test what it builds from SIP
// data. A message returned by Parse always passes.
func (m Message) Check() error {
	if m.err != nil {
		return m.err
	}
	if m.Op < 0 || m.Op > maxOp {
		return fmt.Errorf("callproto: op %d out of range 0..%d", m.Op, maxOp)
	}
	if m.Seq != "" && !validSeq(m.Seq) {
		return fmt.Errorf("callproto: seq %q is not 1-%d letters, digits or . _ : - (Encode drops it)", clip(m.Seq), MaxSeqLen)
	}
	lines := 1 + len(m.fields)
	if m.Seq != "" {
		lines++
	}
	if lines > MaxLines {
		return fmt.Errorf("callproto: %d lines, over the limit of %d: %w", lines, MaxLines, ErrTooLarge)
	}
	for _, f := range m.fields {
		if len(f.Value) > MaxValueLen {
			return fmt.Errorf("callproto: value of %s is %d bytes, over the limit of %d: %w", f.Key, len(f.Value), MaxValueLen, ErrTooLarge)
		}
		if !isText(f.Value) {
			return fmt.Errorf("callproto: value of %s is not UTF-8 text without control characters (Encode replaces them with U+FFFD)", f.Key)
		}
	}
	if n := len(m.Encode()); n > MaxFrameSize {
		return fmt.Errorf("callproto: frame of %d bytes, over the limit of %d: %w", n, MaxFrameSize, ErrTooLarge)
	}
	return nil
}

// String is the message for logs: encoded, pwd redacted, long values cut,
// lines separated by " | ".
func (m Message) String() string {
	var b strings.Builder
	b.WriteString("op=" + strconv.Itoa(m.Op))
	if m.Seq != "" {
		b.WriteString(" | seq=" + string(appendEscaped(nil, m.Seq)))
	}
	for _, f := range m.fields {
		v := f.Value
		switch {
		case f.Key == KeyPwd:
			v = "<redacted>"
		case len(v) > 80:
			v = string(appendEscaped(nil, clip(v))) + fmt.Sprintf(" (%d bytes)", len(f.Value))
		default:
			v = string(appendEscaped(nil, v))
		}
		b.WriteString(" | " + f.Key + "=" + v)
	}
	return b.String()
}
