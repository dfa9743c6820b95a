package callproto

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestEncodeExact(t *testing.T) {
	m := New(OpCall, "7", F(KeyTo, "1002"), F(KeySDP, "v=0\r\no=x\r\n"), F(KeyCData, `a\b`))
	want := "op=1003\nseq=7\nto=1002\nsdp=v=0\\r\\no=x\\r\\n\ncdata=a\\\\b"
	if got := string(m.Encode()); got != want {
		t.Fatalf("Encode = %q, want %q", got, want)
	}
	if got := mustParse(t, want); !got.Equal(m) {
		t.Fatalf("Parse(Encode) = %v, want %v", got, m)
	}
}

func TestRoundTrip(t *testing.T) {
	msgs := []Message{
		New(OpConnect, "1"),
		New(OpRegister, "a-b_c.d:e", F(KeyTel, "1001"), F(KeyPwd, strings.Repeat("ab", 32)), F(KeyMWI, "1")),
		New(AckRegister, "2", F(KeyCode, "0"), F(KeyCID, "x1"), F(KeyCID, "x2"), F(KeyCID, "x3")),
		New(OpCall, "3", F(KeyDisp, "Zoë \"Z\" Smith\tjr"), F(KeyTo, "*72"), F(KeySDP, offer)),
		New(OpSendMessage, "4", F(KeyTo, "1002"), F(KeyMID, "m1"), F(KeyMsg, "line 1\nline 2\r\n\\end\\")),
		New(EvBLFState, "5", F(KeyState, "0"), F(KeyExt, "20002"), F(KeyBLFXML, "<?xml version=\"1.0\"?>\r\n<dialog-info/>\r\n")),
		New(OpBLF, "6", F(KeyBLF, "0"), F(KeyExt, "")), // an empty value survives
		New(EvVoicemail, "7", F("x_9", "=="), F(KeyVM, "1/1 (0/0)")),
		New(0, ""),
		New(maxOp, strings.Repeat("9", MaxSeqLen)),
	}
	for _, m := range msgs {
		if err := m.Check(); err != nil {
			t.Errorf("%v: Check: %v", m, err)
		}
		got, err := Parse(m.Encode())
		if err != nil {
			t.Errorf("%v: Parse(Encode): %v", m, err)
			continue
		}
		if !got.Equal(m) {
			t.Errorf("round trip: got %v, want %v", got, m)
		}
		if !bytes.Equal(got.Encode(), m.Encode()) {
			t.Errorf("%v: second encoding differs", m)
		}
	}
}

func TestParseLineEnds(t *testing.T) {
	want := New(OpDTMF, "9", F(KeyCID, "c1"), F(KeyDTMF, "5"))
	for _, frame := range []string{
		"op=1012\nseq=9\ncid=c1\ndtmf=5",
		"op=1012\nseq=9\ncid=c1\ndtmf=5\n",
		"op=1012\r\nseq=9\r\ncid=c1\r\ndtmf=5\r\n",
		"op=1012\r\nseq=9\ncid=c1\r\ndtmf=5",
		"\n\nop=1012\n\nseq=9\r\n\r\ncid=c1\ndtmf=5\n\n",
		"seq=9\ncid=c1\nop=1012\ndtmf=5", // op need not come first
	} {
		if got := mustParse(t, frame); !got.Equal(want) {
			t.Errorf("Parse(%q) = %v, want %v", frame, got, want)
		}
	}
}

func TestParseKeepsOrderAndRepeats(t *testing.T) {
	m := mustParse(t, "op=2001\nseq=1\ncid=a\ncode=0\ncid=b\npbook=/pb\ncid=c")
	if got := strings.Join(m.All(KeyCID), ","); got != "a,b,c" {
		t.Errorf("All(cid) = %q", got)
	}
	var keys []string
	for _, f := range m.Fields() {
		keys = append(keys, f.Key)
	}
	if got := strings.Join(keys, ","); got != "cid,code,cid,pbook,cid" {
		t.Errorf("order = %q", got)
	}
}

func TestUnescape(t *testing.T) {
	for raw, want := range map[string]string{
		`plain`:             "plain",
		`\\`:                `\`,
		`\r`:                "\r",
		`\n`:                "\n",
		`\r\n`:              "\r\n",
		`\\n`:               `\n`, // an escaped backslash, then a plain n
		`\\\n`:              "\\\n",
		`a=b=c`:             "a=b=c",
		"tab\there":         "tab\there",
		"ünïcödé \u2028 ✓":  "ünïcödé \u2028 ✓",
		``:                  "",
		`v=0\r\no=xxxx\r\n`: "v=0\r\no=xxxx\r\n", // the seed's example
	} {
		m := mustParse(t, "op=1\nk="+raw)
		if got := m.Get("k"); got != want {
			t.Errorf("unescape %q = %q, want %q", raw, got, want)
		}
		if got := string(appendEscaped(nil, want)); got != raw {
			t.Errorf("escape %q = %q, want %q", want, got, raw)
		}
	}
}

func TestUnescapeErrors(t *testing.T) {
	for _, c := range []struct{ raw, words string }{
		{`\t`, `escape at byte 0: backslash then 't'`},
		{`a\x41`, `escape at byte 1: backslash then 'x'`},
		{`\0`, `backslash then '0'`},
		{`\"`, `backslash then '"'`},
		{`\é`, `backslash then 'é'`},
		{"\\\x01", `escape at byte 0: backslash then '\x01'`},
		{`abc\`, "lone backslash"},
		{`\\\`, "lone backslash"},
		{"a\x00b", "control character 0x00"},
		{"a\x1bb", "control character 0x1B"},
		{"a\x7fb", "control character 0x7F"},
		{"a\rb", "control character 0x0D"}, // a CR not before LF
		{"a\xffb", "invalid UTF-8"},
		{"\xc3", "invalid UTF-8"},
		{"\xed\xa0\x80", "invalid UTF-8"}, // a surrogate
	} {
		pe := wantParseErr(t, "op=1003\nseq=1\nsdp="+c.raw+"\nto=1", ErrMalformed, c.words)
		if pe.Line != 3 || pe.Key != "sdp" || !strings.Contains(pe.Error(), "line 3 (sdp)") {
			t.Errorf("%q: %v: want line 3, key sdp", c.raw, pe)
		}
	}
}

func TestEncodeSanitizes(t *testing.T) {
	for v, want := range map[string]string{
		"a\x00b":       "a\uFFFDb",
		"a\x7fb":       "a\uFFFDb",
		"a\xffb":       "a\uFFFDb",
		"\t\r\n\\":     "\t\\r\\n\\\\",
		"x\nop=9000\n": `x\nop=9000\n`, // no line injection
	} {
		m := New(EvMediaChange, "1", F(KeySDP, v))
		b := m.Encode()
		if got := strings.TrimPrefix(string(b), "op=9003\nseq=1\nsdp="); got != want {
			t.Errorf("Encode(%q) value = %q, want %q", v, got, want)
		}
		p, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(Encode(%q)): %v", v, err)
		}
		if p.Op != EvMediaChange || len(p.Fields()) != 1 {
			t.Errorf("Encode(%q) reparsed as %v", v, p)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		frame string
		line  int
		words string
	}{
		{"", 0, "no op line"},
		{"\n\r\n", 0, "no op line"},
		{"seq=1\nto=2", 0, "no op line"},
		{"op=1000\nop=1000", 2, "op given twice"},
		{"op=1000\nseq=1\nseq=2", 3, "seq given twice"},
		{"op= 1000", 1, "not a decimal number"}, // the seed's "op= 1000" has a stray space
		{"op=01000", 1, "not a decimal number"},
		{"op=-1", 1, "not a decimal number"},
		{"op=+1000", 1, "not a decimal number"},
		{"op=1e3", 1, "not a decimal number"},
		{"op=", 1, "not a decimal number"},
		{"op=1000000000", 1, "not a decimal number"},
		{"op=1000\nseq=", 2, "seq"},
		{"op=1000\nseq=a b", 2, "seq"},
		{"op=1000\nseq=" + strings.Repeat("1", MaxSeqLen+1), 2, "seq"},
		{"op=1000\nseq=1\\n", 2, "seq"},
		{"op=1000\nhello", 2, `"hello" has no '='`},
		{"op=1000\n=x", 2, `key ""`},
		{"op=1000\nOp=1", 2, `key "Op"`},
		{"op=1000\n1k=1", 2, `key "1k"`},
		{"op=1000\nsd p=1", 2, `key "sd p"`},
		{"op=1000\nsdp =1", 2, `key "sdp "`},
		{"op=1000\nk\xff=1", 2, `key "k\xff"`},
	} {
		pe := wantParseErr(t, c.frame, ErrMalformed, c.words)
		if pe.Line != c.line {
			t.Errorf("Parse(%q): line %d, want %d (%v)", c.frame, pe.Line, c.line, pe)
		}
	}
}

func TestLimits(t *testing.T) {
	t.Run("frame", func(t *testing.T) {
		head := "op=1003\nseq=1\nmsg="
		fits := head + strings.Repeat("a", MaxValueLen) + "\nsdp=" + strings.Repeat("b", MaxFrameSize-len(head)-MaxValueLen-5)
		if len(fits) != MaxFrameSize {
			t.Fatalf("test frame is %d bytes", len(fits))
		}
		mustParse(t, fits)
		wantParseErr(t, fits+"c", ErrTooLarge, "65537 bytes", "65536")
	})
	t.Run("lines", func(t *testing.T) {
		fits := "op=1" + strings.Repeat("\nk=v", MaxLines-1)
		if m := mustParse(t, fits+"\n\n"); m.Count("k") != MaxLines-1 {
			t.Fatalf("kept %d lines", m.Count("k"))
		}
		pe := wantParseErr(t, fits+"\nk=v", ErrTooLarge, "more than 256 lines")
		if pe.Line != MaxLines+1 {
			t.Errorf("line %d", pe.Line)
		}
	})
	t.Run("key", func(t *testing.T) {
		k := "k" + strings.Repeat("x", MaxKeyLen-1)
		if mustParse(t, "op=1\n"+k+"=v").Get(k) != "v" {
			t.Fatal("16-byte key lost")
		}
		wantParseErr(t, "op=1\n"+k+"x=v", ErrTooLarge, "longer than 16 bytes")
	})
	t.Run("value", func(t *testing.T) {
		v := strings.Repeat("a", MaxValueLen)
		if len(mustParse(t, "op=1\nk="+v).Get("k")) != MaxValueLen {
			t.Fatal("value cut")
		}
		wantParseErr(t, "op=1\nk="+v+"a", ErrTooLarge, "32769 bytes")
		// The limit counts decoded bytes: 49152 raw bytes decode to 32768.
		esc := strings.Repeat(`\n`, MaxValueLen/2) + strings.Repeat("a", MaxValueLen/2)
		if len(mustParse(t, "op=1\nk="+esc).Get("k")) != MaxValueLen {
			t.Fatal("escaped value cut")
		}
		wantParseErr(t, "op=1\nk="+esc+`\r`, ErrTooLarge, "32769 bytes")
	})
}

func TestParseSalvagesOpAndSeq(t *testing.T) {
	for _, c := range []struct {
		frame string
		op    int
		seq   string
	}{
		{"op=1003\nseq=42\nsdp=\\q", OpCall, "42"},
		{"sdp=\\q\nseq=42\nop=1003", OpCall, "42"},
		{"op=1003\nseq=bad seq\nsdp=\\q", OpCall, ""},
		{"garbage\nseq=7", 0, "7"},
		{"op=x\nseq=7\nop=1004", OpAnswer, "7"},
		{strings.Repeat("z", MaxFrameSize+1), 0, ""},
	} {
		m, err := Parse([]byte(c.frame))
		if err == nil {
			t.Fatalf("Parse(%.40q) accepted", c.frame)
		}
		if m.Op != c.op || m.Seq != c.seq || len(m.Fields()) != 0 {
			t.Errorf("Parse(%.40q) = %v, want op %d seq %q without fields", c.frame, m, c.op, c.seq)
		}
	}
}

func TestParseErrorKinds(t *testing.T) {
	_, err := Parse([]byte("op=1\nk=\\z"))
	if errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("%v: wrong kind", err)
	}
	if got := Reason(err); got != `line 2 (k): unknown escape at byte 0: backslash then 'z' (only \\, \r and \n exist)` {
		t.Errorf("Reason = %q", got)
	}
}
