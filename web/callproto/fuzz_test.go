package callproto

import (
	"bytes"
	"testing"
)

// FuzzParse: Parse never panics; what it accepts re-encodes to a frame
// that parses to the same message and encodes to the same bytes; Check,
// Validate and ValidateServerMessage never panic on it, and the replies
// built from it are well formed.
func FuzzParse(f *testing.F) {
	for _, m := range goodCommands() {
		f.Add(m.Encode())
	}
	for _, s := range []string{
		"op=1000\r\nseq=1\r\n", "op=2001\nseq=1\ncode=0\ncid=a\ncid=b", "op=1003\nsdp=v=0\\r\\n\\\\x\\q",
		"op=9012\nsea=1\nstate=0\next=1\nblfxml=<x/>\\r\\n", "op= 1000", "=\n=\n", "op=1\nk=\\", "op=1\nk=\xff",
		"op=1005\nseq=1\ncid=c\nrc=302", "op=1014\nseq=1\nblf=2\next=1", "\n\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		m, err := Parse(frame)
		if err != nil {
			if len(m.Fields()) != 0 {
				t.Fatalf("error %v with fields %v", err, m.Fields())
			}
			r := Refuse(m, err)
			if cerr := r.Check(); cerr != nil || ValidateServerMessage(r) != nil {
				t.Fatalf("Refuse(%v) = %v: %v", err, r, cerr)
			}
			return
		}
		b := m.Encode()
		if len(b) > len(frame) && len(frame) > 0 {
			t.Fatalf("encoding grew: %d > %d bytes", len(b), len(frame))
		}
		again, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(Encode(m)) %q: %v", b, err)
		}
		if !again.Equal(m) {
			t.Fatalf("round trip: %v != %v", again, m)
		}
		if b2 := again.Encode(); !bytes.Equal(b, b2) {
			t.Fatalf("unstable encoding: %q then %q", b, b2)
		}
		if err := m.Check(); err != nil {
			t.Fatalf("Check on a parsed message: %v", err)
		}
		verr := Validate(m)
		_ = ValidateServerMessage(m)
		r := Refuse(m, verr)
		if verr == nil {
			r = Ack(m, 0)
		}
		if err := r.Check(); err != nil {
			t.Fatalf("reply %v: %v", r, err)
		}
	})
}
