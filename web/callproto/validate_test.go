package callproto

import (
	"errors"
	"strings"
	"testing"
)

const testNonce = "0123456789abcdef0123456789abcdef"

// goodCommands holds one valid message per command.
func goodCommands() map[int]Message {
	return map[int]Message{
		OpConnect: New(OpConnect, "1"),
		OpRegister: New(OpRegister, "2", F(KeyTel, "1001"), F(KeyUsr, "1001"), F(KeyMWI, "1"),
			F(KeyPwd, Proof("secret", testNonce, "1001")), F(KeyBType, "4")),
		OpUnregister: New(OpUnregister, "3"),
		OpCall: New(OpCall, "4", F(KeyDisp, "Alice \"A\" Ünal"), F(KeyFrom, "1001"), F(KeyTo, "+4930123"),
			F(KeyCData, "_cid=77"), F(KeySkill, "sales"), F(KeySDP, offer)),
		OpAnswer:      New(OpAnswer, "5", F(KeyCID, "a84b4c76e66710@pc33.atlanta.com"), F(KeySDP, offer)),
		OpReject:      New(OpReject, "6", F(KeyCID, "c1"), F(KeyRC, "486")),
		OpRinging:     New(OpRinging, "7", F(KeyCID, "c1")),
		OpModify:      New(OpModify, "8", F(KeyCID, "c1"), F(KeyType, "1")),
		OpSecondCall:  New(OpSecondCall, "9", F(KeyCID, "c1"), F(KeyRTo, "1003"), F(KeySDP, offer)),
		OpSendMessage: New(OpSendMessage, "10", F(KeyTo, "sip:1002@example.com"), F(KeyMID, "m-1"), F(KeyMsg, "hi\r\nthere")),
		OpDisconnect:  New(OpDisconnect, "11", F(KeyCID, "c1")),
		OpGuestCall:   New(OpGuestCall, "12", F(KeyTo, "800"), F(KeyNonce, testNonce), F(KeySDP, offer)),
		OpDTMF:        New(OpDTMF, "13", F(KeyCID, "c1"), F(KeyDTMF, "#")),
		OpRecord:      New(OpRecord, "14", F(KeyCID, "c1"), F(KeyRec, "1")),
		OpBLF:         New(OpBLF, "15", F(KeyBLF, "1"), F(KeyExt, "1001,1002")),
	}
}

func TestValidateGood(t *testing.T) {
	good := goodCommands()
	if len(good) != 15 {
		t.Fatalf("%d good commands", len(good))
	}
	for _, m := range good {
		if err := Validate(m); err != nil {
			t.Errorf("Validate(%v): %v", m, err)
		}
		// Through the wire too.
		p := mustParse(t, string(m.Encode()))
		if err := Validate(p); err != nil {
			t.Errorf("Validate(Parse(%v)): %v", m, err)
		}
	}
	more := []Message{
		New(OpReject, "1", F(KeyCID, "c1"), F(KeyRC, "302"), F(KeyMTo, "2000")),
		New(OpReject, "1", F(KeyCID, "c1"), F(KeyRC, "302"), F(KeyMTo, "sips:bob@example.com;transport=tls")),
		New(OpReject, "1", F(KeyCID, "c1"), F(KeyRC, "699"), F(KeyMTo, "")), // empty counts as absent
		New(OpReject, "1", F(KeyCID, "c1"), F(KeyRC, "300")),
		New(OpBLF, "1", F(KeyBLF, "0")),
		New(OpSecondCall, "1", F(KeyCID, "c1"), F(KeyRTo, "1003")),                // a silent consultation
		New(OpSecondCall, "1", F(KeyCID, "c1"), F(KeyRTo, "1003"), F(KeySDP, "")), // empty counts as absent
		New(OpBLF, "1", F(KeyBLF, "0"), F(KeyExt, "")),
		New(OpBLF, "1", F(KeyBLF, "0"), F(KeyExt, "1001")),
		New(OpBLF, "1", F(KeyBLF, "2")),
		New(OpBLF, "1", F(KeyBLF, "2"), F(KeyExt, "")),
		New(OpRegister, "1", F(KeyTel, "1001"), F(KeyPwd, strings.ToUpper(Proof("s", "n", "1001")))),
		New(OpRegister, "1", F(KeyTel, "alice.smith"), F(KeyUsr, ""), F(KeyPwd, Proof("s", "n", "alice.smith"))),
		New(OpSendMessage, "1", F(KeyFrom, "1001"), F(KeyTo, "1002"), F(KeyMID, "x"), F(KeyMsg, "ok")),
		New(OpCall, "1", F(KeyDisp, ""), F(KeyTo, "*72"), F(KeySDP, "v=0\no=- 1 1 IN IP4 0.0.0.0\n")),
		New(OpCall, "u-u-i-d:1.2", F(KeyTo, "1002"), F(KeySDP, offer), F("x_extension", "ignored")),
		New(OpAnswer, "1", F(KeyCID, `w-.!%*_+`+"`"+`'~()<>:\"/[]?{}@host`), F(KeySDP, offer)),
	}
	for _, d := range "0123456789*#ABCD" {
		more = append(more, New(OpDTMF, "1", F(KeyCID, "c"), F(KeyDTMF, string(d))))
	}
	for _, v := range []string{"0", "1", "2", "3"} {
		more = append(more, New(OpModify, "1", F(KeyCID, "c"), F(KeyType, v)))
	}
	for _, v := range []string{"0", "1", "2", "3", "4"} {
		more = append(more, New(OpRegister, "1", F(KeyTel, "1001"), F(KeyPwd, Proof("s", "n", "1001")), F(KeyBType, v)))
	}
	for _, m := range more {
		if err := Validate(m); err != nil {
			t.Errorf("Validate(%v): %v", m, err)
		}
	}
}

// Every required field missing or empty, every field junk or doubled.
func TestValidateEachField(t *testing.T) {
	for op, m := range goodCommands() {
		c, _ := Spec(op)
		for _, f := range c.Fields {
			if f.Required {
				bad := m
				bad.Del(f.Key)
				wantFieldErr(t, bad, f.Key, "required")
				bad.Add(f.Key, "")
				wantFieldErr(t, bad, f.Key, "must not be empty")
			}
			bad := m
			bad.Set(f.Key, "\x01")
			wantFieldErr(t, bad, f.Key, "must be ")
			if v, ok := m.Lookup(f.Key); ok {
				bad := m
				bad.Add(f.Key, v)
				wantFieldErr(t, bad, f.Key, "given 2 times")
			}
		}
		bad := m
		bad.Seq = ""
		wantFieldErr(t, bad, KeySeq, "required")
	}
}

func TestValidateSyntax(t *testing.T) {
	good := goodCommands()
	for _, c := range []struct {
		op    int
		key   string
		value string
		words string // "" is "must be"
	}{
		{OpRegister, KeyTel, "10 01", ""},
		{OpRegister, KeyTel, "1001@example.com", ""},
		{OpRegister, KeyTel, "<1001>", ""},
		{OpRegister, KeyTel, "%31001", ""},
		{OpRegister, KeyTel, strings.Repeat("1", 65), ""},
		{OpRegister, KeyUsr, "bob", "must be empty or equal to tel"},
		{OpRegister, KeyUsr, "a b", ""},
		{OpRegister, KeyPwd, strings.Repeat("a", 63), ""},
		{OpRegister, KeyPwd, strings.Repeat("a", 65), ""},
		{OpRegister, KeyPwd, strings.Repeat("g", 64), ""},
		{OpRegister, KeyPwd, "plain-password", ""},
		{OpRegister, KeyMWI, "2", ""},
		{OpRegister, KeyMWI, "01", ""},
		{OpRegister, KeyMWI, "true", ""},
		{OpRegister, KeyBType, "5", ""},
		{OpRegister, KeyBType, "-1", ""},
		{OpCall, KeyTo, "a b", ""},
		{OpCall, KeyTo, "12#", ""},
		{OpCall, KeyTo, "sip:1002@x", ""},
		{OpCall, KeyFrom, "me@there", ""},
		{OpCall, KeyDisp, "two\nlines", ""},
		{OpCall, KeyDisp, strings.Repeat("d", MaxDisplayLen+1), ""},
		{OpCall, KeyCData, strings.Repeat("c", MaxCDataLen+1), ""},
		{OpCall, KeySkill, "a\rb", ""},
		{OpCall, KeySDP, "o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n", ""},
		{OpCall, KeySDP, "v=1\r\n", ""},
		{OpCall, KeySDP, "v=0", ""},
		{OpCall, KeySDP, "hello", ""},
		{OpAnswer, KeyCID, "has space", ""},
		{OpAnswer, KeyCID, "a@b@c", ""},
		{OpAnswer, KeyCID, "@host", ""},
		{OpAnswer, KeyCID, "id@", ""},
		{OpAnswer, KeyCID, "ü", ""},
		{OpAnswer, KeyCID, strings.Repeat("c", MaxCallIDLen+1), ""},
		{OpReject, KeyRC, "200", ""},
		{OpReject, KeyRC, "299", ""},
		{OpReject, KeyRC, "700", ""},
		{OpReject, KeyRC, "3o2", ""},
		{OpReject, KeyRC, "0486", ""},
		{OpReject, KeyMTo, "2000", "only allowed when rc is 302"},
		{OpModify, KeyType, "4", ""},
		{OpModify, KeyType, "-1", ""},
		{OpModify, KeyType, "hold", ""},
		{OpSecondCall, KeyRTo, "a b", ""},
		{OpSecondCall, KeySDP, "v=1\r\n", ""},
		{OpSecondCall, KeySDP, "hello", ""},
		{OpSecondCall, KeySDP, "v=0\r\n" + strings.Repeat("a=x\r\n", MaxSDPLen/5), ""},
		{OpSendMessage, KeyTo, "http://example.com", ""},
		{OpSendMessage, KeyTo, "sip:", ""},
		{OpSendMessage, KeyTo, "sip:a b@c", ""},
		{OpSendMessage, KeyTo, "sip:<a>", ""},
		{OpSendMessage, KeyFrom, "sip:a\"b", ""},
		{OpSendMessage, KeyMID, "a b", ""},
		{OpSendMessage, KeyMID, strings.Repeat("m", MaxMIDLen+1), ""},
		{OpSendMessage, KeyMsg, strings.Repeat("m", MaxTextLen+1), ""},
		{OpGuestCall, KeyNonce, strings.ToUpper(testNonce), ""},
		{OpGuestCall, KeyNonce, testNonce[1:], ""},
		{OpGuestCall, KeyNonce, testNonce + "0", ""},
		{OpDTMF, KeyDTMF, "E", ""},
		{OpDTMF, KeyDTMF, "a", ""},
		{OpDTMF, KeyDTMF, "10", ""},
		{OpDTMF, KeyDTMF, " ", ""},
		{OpRecord, KeyRec, "2", ""},
		{OpRecord, KeyRec, "on", ""},
		{OpBLF, KeyBLF, "3", ""},
		{OpBLF, KeyBLF, "-0", ""},
		{OpBLF, KeyExt, "1001, 1002", ""},
		{OpBLF, KeyExt, "1001,,1002", ""},
		{OpBLF, KeyExt, "1001,", ""},
		{OpBLF, KeyExt, strings.Repeat("1,", MaxBLFExts) + "1", ""},
		{OpBLF, KeyExt, "", "required when blf is 1"},
	} {
		m := good[c.op]
		m.Set(c.key, c.value)
		words := c.words
		if words == "" {
			words = "must be "
		}
		wantFieldErr(t, m, c.key, words)
	}
	wantFieldErr(t, New(OpBLF, "1", F(KeyBLF, "2"), F(KeyExt, "1001")), KeyExt, "only allowed when blf is 0 or 1")
	wantFieldErr(t, New(OpReject, "1", F(KeyCID, "c"), F(KeyRC, "302")), KeyMTo, "required when rc is 302")
	wantFieldErr(t, New(OpReject, "1", F(KeyCID, "c"), F(KeyRC, "301"), F(KeyMTo, "2000")), KeyMTo, "only allowed when rc is 302")
}

func wantFieldErr(t *testing.T, m Message, key, words string) {
	t.Helper()
	err := Validate(m)
	var fe *FieldError
	if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
		t.Errorf("Validate(%.100s) = %v, want a field error on %s", m, err, key)
		return
	}
	if fe.Key != key || fe.Op != m.Op || !strings.Contains(err.Error(), words) {
		t.Errorf("Validate(%.100s) = %v, want key %s and %q", m, err, key, words)
	}
	if r := Reason(err); !strings.HasPrefix(r, key+": ") || len(r) > MaxReasonLen || strings.ContainsAny(r, "\r\n") {
		t.Errorf("Reason = %q", r)
	}
}

func TestValidateUnknownOps(t *testing.T) {
	for _, op := range []int{0, 999, 1015, 2000, 2001, 4001, 9001, 9012, 123456} {
		err := Validate(New(op, "1"))
		if !errors.Is(err, ErrUnknownOp) || errors.Is(err, ErrInvalid) {
			t.Errorf("Validate(op %d) = %v", op, err)
		}
		if r := Refuse(New(op, "1"), err); r.Op != OpError || r.Seq != "1" || ValidateServerMessage(r) != nil {
			t.Errorf("Refuse(op %d) = %v", op, r)
		}
	}
}

func TestValidateServerMessages(t *testing.T) {
	good := goodCommands()
	ok := []Message{
		Ack(good[OpConnect], 0, F(KeyNonce, testNonce)),
		Ack(good[OpConnect], CodeRefused, F(KeyReason, "already connected")),
		Ack(good[OpRegister], 0, F(KeyPBook, "https://pbx.example.com/pb"), F(KeyCID, "a"), F(KeyCID, "b")),
		Ack(good[OpRegister], 0, F(KeyPBook, "/api/phonebook")),
		Ack(good[OpRegister], CodeRefused),
		Ack(good[OpCall], 0, F(KeyCID, "new-call")),
		Ack(good[OpCall], CodeNoResource, F(KeyReason, "no media port")),
		Ack(good[OpReject], CodeRefused),
		Ack(good[OpSecondCall], 0, F(KeyCID, "second")),
		Ack(good[OpSecondCall], 0),
		Ack(good[OpGuestCall], 0, F(KeyCID, "g")),
		Ack(good[OpBLF], 0, F(KeyExt, "1001,1002")),
		Ack(good[OpBLF], CodeRefused),
		Refuse(good[OpCall], errors.New("x")),
		Event(EvRegisterState, 1, F(KeyState, "0")),
		Event(EvRegisterState, 1, F(KeyState, "-403")),
		Event(EvRegisterState, 1, F(KeyState, "-3")),
		Event(EvIncomingCall, 2, F(KeyFrom, "1002"), F(KeyDisp, "Bob"), F(KeyTo, "1001"), F(KeyCID, "c9"), F(KeyUCID, "u9"), F(KeySDP, offer)),
		Event(EvMediaChange, 3, F(KeyCID, "c9"), F(KeySDP, offer)),
		Event(EvCallState, 4, F(KeyCID, "c9"), F(KeyState, "0"), F(KeyCause, "486")),
		Event(EvCallState, 4, F(KeyCID, "c9"), F(KeyState, "4"), F(KeyAID, "acd-1")),
		Event(EvMessage, 5, F(KeyFrom, "sip:1002@pbx"), F(KeyTo, "1001"), F(KeyMsg, "hello")),
		Event(EvMessageReport, 6, F(KeyMID, "m-1"), F(KeyCode, "-408")),
		Event(EvMessageReport, 6, F(KeyMID, "m-1"), F(KeyCode, "-1")),
		Event(EvSecondCallState, 7, F(KeyCID, "c10"), F(KeyState, "2")),
		Event(EvResetMedia, 8, F(KeyCID, "c9")),
		Event(EvAnswerNow, 9, F(KeyCID, "c9")),
		Event(EvAgentAnswer, 10, F(KeyCID, "c9"), F(KeyAgTel, "2001")),
		Event(EvVoicemail, 11, F(KeyVM, "2/8 (0/2)")),
		Event(EvVoicemail, 11, F(KeyVM, "0/0")),
		Event(EvBLFState, 12, F(KeyState, "0"), F(KeyExt, "20002"), F(KeyBLFXML, "<?xml version=\"1.0\"?>\r\n<dialog-info/>")),
		Event(EvBLFState, 12, F(KeyState, "-404"), F(KeyExt, "20002")),
	}
	for _, m := range ok {
		if err := ValidateServerMessage(m); err != nil {
			t.Errorf("ValidateServerMessage(%.120s): %v", m, err)
		}
		if err := m.Check(); err != nil {
			t.Errorf("Check(%.120s): %v", m, err)
		}
	}
	bad := []struct {
		m   Message
		key string
	}{
		{Ack(good[OpConnect], 0), KeyNonce},
		{Ack(good[OpConnect], CodeRefused, F(KeyNonce, testNonce)), KeyNonce},
		{Ack(good[OpRegister], CodeNoSuchCall), KeyCode},
		{Ack(good[OpReject], CodeNoSuchCall), KeyCode}, // 1005 says -1
		{Ack(good[OpCall], 0), KeyCID},
		{Ack(good[OpGuestCall], 0), KeyCID},
		{Ack(good[OpDTMF], 1), KeyCode},
		{Ack(good[OpDTMF], -5), KeyCode},
		{New(AckDTMF, "1"), KeyCode},
		{New(OpError, "1", F(KeyCode, "0"), F(KeyReason, "x")), KeyCode},
		{New(OpError, "1", F(KeyCode, "-2")), KeyReason},
		{New(EvRegisterState, "", F(KeyState, "0")), KeySeq},
		{Event(EvRegisterState, 1, F(KeyState, "-4")), KeyState},
		{Event(EvRegisterState, 1, F(KeyState, "-200")), KeyState},
		{Event(EvCallState, 1, F(KeyCID, "c"), F(KeyState, "5")), KeyState},
		{Event(EvSecondCallState, 1, F(KeyCID, "c"), F(KeyState, "3")), KeyState},
		{Event(EvMessageReport, 1, F(KeyMID, "m"), F(KeyCode, "-2")), KeyCode},
		{Event(EvVoicemail, 1, F(KeyVM, "1/1 0/0")), KeyVM},
		{Event(EvVoicemail, 1, F(KeyVM, "1/1 (0/0")), KeyVM},
		{Event(EvVoicemail, 1, F(KeyVM, "one")), KeyVM},
		{Event(EvBLFState, 1, F(KeyState, "1"), F(KeyExt, "1")), KeyState},
		{Event(EvBLFState, 1, F(KeyState, "0")), KeyExt},
	}
	for _, c := range bad {
		var fe *FieldError
		if err := ValidateServerMessage(c.m); !errors.As(err, &fe) || fe.Key != c.key {
			t.Errorf("ValidateServerMessage(%.120s) = %v, want an error on %s", c.m, err, c.key)
		}
	}
	for _, op := range []int{OpCall, 3001, 9013} {
		if err := ValidateServerMessage(New(op, "1")); !errors.Is(err, ErrUnknownOp) {
			t.Errorf("ValidateServerMessage(op %d) = %v", op, err)
		}
	}
}
