package callproto

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestAccessors(t *testing.T) {
	m := New(AckRegister, "1", F(KeyCode, "0"), F(KeyCID, "a"), F(KeyPBook, ""), F(KeyCID, "b"))
	if m.Get(KeyCID) != "a" || m.Get("nope") != "" {
		t.Errorf("Get: %q %q", m.Get(KeyCID), m.Get("nope"))
	}
	if v, ok := m.Lookup(KeyPBook); !ok || v != "" {
		t.Errorf("Lookup(pbook) = %q, %v: want present and empty", v, ok)
	}
	if _, ok := m.Lookup("nope"); ok {
		t.Error("Lookup(nope) present")
	}
	if got := strings.Join(m.All(KeyCID), ","); got != "a,b" || m.All("nope") != nil || m.Count(KeyCID) != 2 {
		t.Errorf("All/Count: %q %v %d", got, m.All("nope"), m.Count(KeyCID))
	}
	// op and seq are not fields.
	if _, ok := m.Lookup(KeyOp); ok || m.Count(KeySeq) != 0 {
		t.Error("op or seq seen as a field")
	}
}

func TestSetAddDel(t *testing.T) {
	m := New(1, "", F("a", "1"), F("b", "2"), F("a", "3"), F("c", "4"), F("a", "5"))
	m.Set("a", "x")
	if got := string(m.Encode()); got != "op=1\na=x\nb=2\nc=4" {
		t.Errorf("Set replacing: %q", got)
	}
	m.Set("d", "y")
	m.Add("b", "z")
	if got := string(m.Encode()); got != "op=1\na=x\nb=2\nc=4\nd=y\nb=z" {
		t.Errorf("Set appending, Add: %q", got)
	}
	m.Del("b")
	m.Del("nope")
	if got := string(m.Encode()); got != "op=1\na=x\nc=4\nd=y" {
		t.Errorf("Del: %q", got)
	}
	if err := m.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// Copies of a Message never see each other's edits, whatever the slice
// capacity.
func TestValueSemantics(t *testing.T) {
	base := New(1, "", F("a", "1"))
	base.fields = append(make([]Field, 0, 8), base.fields...) // spare capacity
	c1, c2 := base, base
	c1.Add("b", "from c1")
	c2.Add("b", "from c2")
	c1.Set("a", "changed")
	c2.Del("a")
	if base.Get("a") != "1" || base.Count("b") != 0 {
		t.Errorf("base changed: %v", base)
	}
	if c1.Get("b") != "from c1" || c1.Get("a") != "changed" {
		t.Errorf("c1 = %v", c1)
	}
	if c2.Get("b") != "from c2" || c2.Count("a") != 0 {
		t.Errorf("c2 = %v", c2)
	}
	fs := c1.Fields()
	fs[0].Value = "mutated"
	if c1.Get("a") != "changed" {
		t.Error("Fields shares the message's slice")
	}
	p := mustParse(t, "op=1\na=1\nb=2")
	q := p
	q.Set("a", "x")
	if p.Get("a") != "1" {
		t.Error("Set on a copy of a parsed message changed the original")
	}
}

func TestBadKeys(t *testing.T) {
	for _, k := range []string{"", "op", "seq", "A", "1a", "a b", "a=b", "a\nb", "toolongkey_123456", "é"} {
		m := New(1, "")
		m.Add(k, "v")
		m.Set(k, "v")
		if len(m.Fields()) != 0 {
			t.Errorf("key %q kept", k)
		}
		if err := m.Check(); !errors.Is(err, ErrBadKey) {
			t.Errorf("key %q: Check = %v", k, err)
		}
		if got := string(m.Encode()); got != "op=1" {
			t.Errorf("key %q: Encode = %q", k, got)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		m     Message
		words string
	}{
		{New(-1, ""), "out of range"},
		{New(maxOp+1, ""), "out of range"},
		{New(1, "has space"), "seq"},
		{New(1, "", F("k", "a\x00b")), "not UTF-8 text"},
		{New(1, "", F("k", "\xff")), "not UTF-8 text"},
		{New(1, "", F("k", strings.Repeat("a", MaxValueLen+1))), "over the limit of 32768"},
		{New(1, "", F("a", strings.Repeat("a", MaxValueLen)), F("b", strings.Repeat("b", MaxValueLen))), "frame of"},
		{New(1, "", F("a", strings.Repeat(`\`, MaxValueLen)), F("b", strings.Repeat("b", 100))), "frame of"}, // escaping doubles
		{New(1, "", manyFields("k")...), "lines"},
	} {
		err := c.m.Check()
		if err == nil || !strings.Contains(err.Error(), c.words) {
			t.Errorf("Check(%.60s) = %v, want %q", c.m, err, c.words)
		}
	}
	// An invalid seq never reaches the wire.
	if got := string(New(1, "a\nop=2").Encode()); got != "op=1" {
		t.Errorf("Encode with a bad seq = %q", got)
	}
}

func manyFields(k string) []Field {
	fs := make([]Field, MaxLines)
	for i := range fs {
		fs[i] = F(k, "v")
	}
	return fs
}

func TestString(t *testing.T) {
	m := New(OpRegister, "3", F(KeyTel, "1001"), F(KeyPwd, Proof("pw", "n", "1001")), F(KeySDP, offer))
	s := m.String()
	if strings.Contains(s, m.Get(KeyPwd)) || !strings.Contains(s, "pwd=<redacted>") {
		t.Errorf("pwd not redacted: %s", s)
	}
	if !strings.Contains(s, "op=1001 | seq=3 | tel=1001") || !strings.Contains(s, fmt.Sprintf("(%d bytes)", len(offer))) || strings.ContainsAny(s, "\r\n") {
		t.Errorf("String = %s", s)
	}
}
