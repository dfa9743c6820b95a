package callproto

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// The escaping of values (docs/web-call-protocol.md, "Escaping"): a value
// is one line, so the CR and LF of SDP and XML travel as two-character
// escapes and the backslash escapes itself. Nothing else is escaped;
// every other byte stands for itself.
//
//	\  (0x5C)  ->  \\  (0x5C 0x5C)
//	CR (0x0D)  ->  \r  (0x5C 0x72)
//	LF (0x0A)  ->  \n  (0x5C 0x6E)
//
// Values are UTF-8 text: the other C0 controls except TAB, and DEL, have
// no escape and are refused by Parse.

// Parse reads one frame. Lines end in LF or CRLF (the last one may have
// no end); empty lines are skipped. On error the Message holds the op and
// seq when lines for them could be read, so the reply can echo them (see
// Refuse); its fields are empty.
func Parse(frame []byte) (Message, error) {
	m, err := parse(frame)
	if err != nil {
		return salvage(frame), err
	}
	return m, nil
}

func parse(frame []byte) (Message, error) {
	var m Message
	if len(frame) > MaxFrameSize {
		return m, tooLarge(0, "", "frame of %d bytes is over the limit of %d", len(frame), MaxFrameSize)
	}
	haveOp, haveSeq := false, false
	n, lines := 0, 0
	for rest := frame; len(rest) > 0; {
		var line []byte
		line, rest = nextLine(rest)
		n++
		if len(line) == 0 {
			continue
		}
		if lines++; lines > MaxLines {
			return m, tooLarge(n, "", "more than %d lines", MaxLines)
		}
		eq := bytes.IndexByte(line, '=')
		if eq < 0 {
			return m, malformed(n, "", "%q has no '=' (want key=value)", clip(string(line)))
		}
		key, raw := string(line[:eq]), line[eq+1:]
		if err := checkKey(n, key); err != nil {
			return m, err
		}
		switch key {
		case KeyOp:
			if haveOp {
				return m, malformed(n, key, "op given twice")
			}
			op, ok := parseOp(raw)
			if !ok {
				return m, malformed(n, key, "%q is not a decimal number from 0 to %d without sign or leading zeros", clip(string(raw)), maxOp)
			}
			m.Op, haveOp = op, true
		case KeySeq:
			if haveSeq {
				return m, malformed(n, key, "seq given twice")
			}
			if !validSeq(string(raw)) {
				return m, malformed(n, key, "%q is not 1-%d letters, digits or . _ : -", clip(string(raw)), MaxSeqLen)
			}
			m.Seq, haveSeq = string(raw), true
		default:
			v, err := unescape(n, key, raw)
			if err != nil {
				return m, err
			}
			m.fields = append(m.fields, Field{Key: key, Value: v})
		}
	}
	if !haveOp {
		return m, malformed(0, "", "no op line")
	}
	return m, nil
}

// nextLine cuts the first line off b, without its LF or CRLF.
func nextLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		line = b
	} else {
		line, rest = b[:i], b[i+1:]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

// salvage finds well-formed op and seq lines in a frame Parse refused.
func salvage(frame []byte) Message {
	var m Message
	if len(frame) > MaxFrameSize {
		frame = frame[:MaxFrameSize]
	}
	haveOp, haveSeq := false, false
	for rest := frame; len(rest) > 0 && !(haveOp && haveSeq); {
		var line []byte
		line, rest = nextLine(rest)
		if v, ok := bytes.CutPrefix(line, []byte("op=")); ok && !haveOp {
			m.Op, haveOp = parseOp(v)
		} else if v, ok := bytes.CutPrefix(line, []byte("seq=")); ok && !haveSeq && validSeq(string(v)) {
			m.Seq, haveSeq = string(v), true
		}
	}
	return m
}

func checkKey(line int, key string) error {
	if len(key) > MaxKeyLen {
		return tooLarge(line, "", "key %.20q... is longer than %d bytes", key, MaxKeyLen)
	}
	if !validKey(key) {
		return malformed(line, "", "key %q is not 1-%d lowercase letters, digits or _ starting with a letter", key, MaxKeyLen)
	}
	return nil
}

// validKey: [a-z][a-z0-9_]{0,15}. Keys are never escaped.
func validKey(k string) bool {
	if k == "" || len(k) > MaxKeyLen || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validSeq: 1-64 of [A-Za-z0-9._:-], so an echoed seq can never carry an
// escape or a line break.
func validSeq(s string) bool {
	if s == "" || len(s) > MaxSeqLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// parseOp takes 1-9 digits without sign or leading zeros (one spelling
// per op, so a frame and its re-encoding agree).
func parseOp(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 || len(b) > 1 && b[0] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// unescape decodes a raw value strictly.
func unescape(line int, key string, raw []byte) (string, error) {
	if bytes.IndexByte(raw, '\\') < 0 {
		if err := checkRaw(line, key, raw); err != nil {
			return "", err
		}
		if len(raw) > MaxValueLen {
			return "", tooLarge(line, key, "value of %d bytes is over the limit of %d", len(raw), MaxValueLen)
		}
		return string(raw), nil
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 == len(raw) {
			return "", malformed(line, key, "value ends in a lone backslash (write \\\\ for a backslash)")
		}
		i++
		switch raw[i] {
		case '\\':
			out = append(out, '\\')
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		default:
			r, _ := utf8.DecodeRune(raw[i:])
			return "", malformed(line, key, "unknown escape at byte %d: backslash then %q (only \\\\, \\r and \\n exist)", i-1, r)
		}
	}
	// Escapes produce only CR, LF and backslash, so checking the raw bytes
	// checks the text of the value.
	if err := checkRaw(line, key, raw); err != nil {
		return "", err
	}
	if len(out) > MaxValueLen {
		return "", tooLarge(line, key, "value of %d bytes is over the limit of %d", len(out), MaxValueLen)
	}
	return string(out), nil
}

// checkRaw refuses invalid UTF-8 and control characters other than TAB in
// a raw value (a raw CR can only be left here by a CR not followed by LF).
func checkRaw(line int, key string, raw []byte) error {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' || c == 0x7f {
				return malformed(line, key, "control character 0x%02X at byte %d (escape CR and LF as \\r and \\n)", c, i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			return malformed(line, key, "invalid UTF-8 at byte %d", i)
		}
		i += size
	}
	return nil
}

// Encode writes the message as one frame: op first, then seq (when Seq is
// set and well formed), then the fields in order, lines joined by LF with
// no final LF. Values are escaped and made text: invalid UTF-8 and control
// characters other than TAB, CR and LF become U+FFFD. Encode never fails;
// Check reports what it had to change or what breaks a limit.
func (m Message) Encode() []byte {
	size := 16 + len(m.Seq)
	for _, f := range m.fields {
		size += len(f.Key) + len(f.Value) + 2
	}
	b := make([]byte, 0, size+size/16)
	b = append(b, "op="...)
	b = strconv.AppendInt(b, int64(m.Op), 10)
	if validSeq(m.Seq) {
		b = append(b, "\nseq="...)
		b = append(b, m.Seq...)
	}
	for _, f := range m.fields {
		b = append(b, '\n')
		b = append(b, f.Key...)
		b = append(b, '=')
		b = appendEscaped(b, f.Value)
	}
	return b
}

// appendEscaped escapes v onto b (see the table above).
func appendEscaped(b []byte, v string) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c < 0x20 && c != '\t' || c == 0x7f:
				b = append(b, "\uFFFD"...)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, v[i:i+size]...)
		}
		i += size
	}
	return b
}

// isText reports whether Encode sends v unchanged (after escaping).
func isText(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f {
			return false
		}
	}
	return utf8.ValidString(v)
}
