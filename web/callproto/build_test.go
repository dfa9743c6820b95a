package callproto

import (
	"errors"
	"strings"
	"testing"
)

func TestAck(t *testing.T) {
	cmd := mustParse(t, "op=1003\nseq=abc\nto=1002\nsdp=v=0\\r\\n")
	got := string(Ack(cmd, CodeProcessing, F(KeyCID, "call-1")).Encode())
	if want := "op=2003\nseq=abc\ncode=0\ncid=call-1"; got != want {
		t.Errorf("Ack = %q, want %q", got, want)
	}
	got = string(Ack(New(OpConnect, "s1"), 0, F(KeyNonce, testNonce)).Encode())
	if want := "op=4001\nseq=s1\ncode=0\nnonce=" + testNonce; got != want {
		t.Errorf("connect Ack = %q, want %q", got, want)
	}
	if m := Ack(New(9001, "1"), 0); m.Op != OpError {
		t.Errorf("Ack of an event = %v", m)
	}
	if m := Ack(New(OpDTMF, "bad seq"), 0); m.Seq != "" {
		t.Errorf("Ack kept an invalid seq: %v", m)
	}
}

func TestRefuse(t *testing.T) {
	// A frame that does not parse: the reply echoes what could be read.
	m, err := Parse([]byte("op=1012\nseq=77\ncid=c1\ndtmf=\\e"))
	if err == nil {
		t.Fatal("parsed")
	}
	r := Refuse(m, err)
	if r.Op != AckDTMF || r.Seq != "77" || r.Get(KeyCode) != "-2" || len(r.Fields()) != 2 {
		t.Errorf("Refuse = %v", r)
	}
	if got, want := r.Get(KeyReason), `line 4 (dtmf): unknown escape at byte 0: backslash then 'e' (only \\, \r and \n exist)`; got != want {
		t.Errorf("reason = %q, want %q", got, want)
	}
	if err := ValidateServerMessage(r); err != nil {
		t.Errorf("Refuse output invalid: %v", err)
	}
	// Nothing readable: op 2000 without seq.
	m, err = Parse([]byte("\xff\xfe"))
	r = Refuse(m, err)
	if r.Op != OpError || r.Seq != "" || r.Get(KeyCode) != "-2" || !strings.Contains(r.Get(KeyReason), "no '='") {
		t.Errorf("Refuse(garbage) = %v", r)
	}
	// A validation error.
	cmd := New(OpDTMF, "5", F(KeyCID, "c1"), F(KeyDTMF, "X"))
	r = Refuse(cmd, Validate(cmd))
	if r.Op != AckDTMF || r.Seq != "5" || !strings.HasPrefix(r.Get(KeyReason), "dtmf: must be one DTMF digit") {
		t.Errorf("Refuse(validation) = %v", r)
	}
	// Any error text becomes one bounded line.
	r = Refuse(cmd, errors.New("a\r\nb\x00"+strings.Repeat("é", 300)))
	if v := r.Get(KeyReason); strings.ContainsAny(v, "\r\n\x00") || len(v) > MaxReasonLen || !strings.HasPrefix(v, "a  b ") {
		t.Errorf("reason %q", v)
	}
	if err := r.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

func TestEvent(t *testing.T) {
	got := string(Event(EvCallState, 42, F(KeyCID, "c1"), F(KeyState, "2")).Encode())
	if want := "op=9004\nseq=42\ncid=c1\nstate=2"; got != want {
		t.Errorf("Event = %q, want %q", got, want)
	}
	if m := Event(EvVoicemail, 1<<64-1); m.Seq != "18446744073709551615" || m.Check() != nil {
		t.Errorf("max seq %v", m)
	}
}

func TestReason(t *testing.T) {
	if Reason(nil) != "" {
		t.Error("Reason(nil)")
	}
	_, err := Parse([]byte(strings.Repeat("x", MaxFrameSize+1)))
	if got := Reason(err); got != "frame of 65537 bytes is over the limit of 65536" {
		t.Errorf("Reason = %q", got)
	}
	if got := Reason(Validate(New(1015, "1"))); got != "op: unknown op 1015: not a command (1000-1014)" {
		t.Errorf("Reason = %q", got)
	}
}
