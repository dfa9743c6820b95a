package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

func testBinding(aor, contact string, exp time.Time) Binding {
	return Binding{
		AOR: aor, Contact: contact, Source: "192.0.2.1:5060", Transport: "UDP",
		CallID: "reg-" + aor, CSeq: 7, Expires: exp, UserAgent: "baresip", InstanceID: "<urn:uuid:1>",
	}
}

func TestBindingPutGetDelete(t *testing.T) {
	s := openDisk(t)
	exp := time.Now().Add(time.Hour)
	b1 := testBinding("100", "sip:100@192.0.2.1:5060;transport=udp", exp)
	b2 := testBinding("100", "<sip:100@[2001:db8::1]:5062>", exp)
	b2.Source = "[2001:db8::1]:5062"
	other := testBinding("1000", "sip:1000@192.0.2.9", exp)
	for _, b := range []Binding{b1, b2, other} {
		if err := s.PutBinding(b); err != nil {
			t.Fatal(err)
		}
	}
	bs, err := s.Bindings("100")
	if err != nil || len(bs) != 2 {
		t.Fatalf("bindings = %+v, %v; want 2", bs, err)
	}
	for _, b := range bs {
		if b.AOR != "100" || b.Transport != "udp" || b.CSeq != 7 || b.InstanceID != "<urn:uuid:1>" || b.UpdatedAt.IsZero() {
			t.Errorf("binding %+v", b)
		}
	}

	// Same AOR + Contact replaces.
	b1.CSeq = 8
	if err := s.PutBinding(b1); err != nil {
		t.Fatal(err)
	}
	bs, _ = s.Bindings("100")
	if len(bs) != 2 {
		t.Fatalf("after re-register %d bindings, want 2", len(bs))
	}
	var found bool
	for _, b := range bs {
		if b.Contact == b1.Contact {
			found = b.CSeq == 8
		}
	}
	if !found {
		t.Errorf("re-register did not replace: %+v", bs)
	}

	all, err := s.AllBindings()
	if err != nil || len(all) != 3 {
		t.Errorf("all bindings = %d, %v; want 3", len(all), err)
	}

	if err := s.DeleteBinding("100", b1.Contact); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBinding("100", b1.Contact); err != nil {
		t.Errorf("deleting a missing binding: %v", err)
	}
	bs, _ = s.Bindings("100")
	if len(bs) != 1 || bs[0].Contact != b2.Contact {
		t.Errorf("after delete: %+v", bs)
	}
	if bs, err := s.Bindings("999"); err != nil || len(bs) != 0 {
		t.Errorf("bindings of unknown aor: %v, %v", bs, err)
	}
}

func TestBindingTTLExpiry(t *testing.T) {
	s := openDisk(t)
	now := time.Now()
	if err := s.PutBinding(testBinding("100", "sip:short@192.0.2.1", now.Add(1500*time.Millisecond))); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBinding(testBinding("100", "sip:long@192.0.2.1", now.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if bs, _ := s.Bindings("100"); len(bs) != 2 {
		t.Fatalf("before expiry %d bindings, want 2", len(bs))
	}
	time.Sleep(time.Until(now.Add(1600 * time.Millisecond)))
	// Expires is exact even though badger's TTL is whole seconds.
	bs, err := s.Bindings("100")
	if err != nil || len(bs) != 1 || bs[0].Contact != "sip:long@192.0.2.1" {
		t.Fatalf("after Expires: %+v, %v", bs, err)
	}
	// And badger itself drops the entry once its TTL second has passed.
	time.Sleep(time.Until(now.Add(3 * time.Second)))
	key := bindKey("100", "sip:short@192.0.2.1")
	err = s.db.View(func(txn *badger.Txn) error { _, err := txn.Get(key); return err })
	if !errors.Is(err, badger.ErrKeyNotFound) {
		t.Errorf("badger get of the expired binding: err = %v, want ErrKeyNotFound", err)
	}
	all, _ := s.AllBindings()
	if len(all) != 1 {
		t.Errorf("all bindings after expiry: %d, want 1", len(all))
	}
}

func TestBindingValidation(t *testing.T) {
	s := openMem(t)
	exp := time.Now().Add(time.Hour)
	mod := func(f func(*Binding)) Binding {
		b := testBinding("100", "sip:100@192.0.2.1", exp)
		f(&b)
		return b
	}
	cases := map[string]struct {
		b     Binding
		field string
	}{
		"empty aor":     {mod(func(b *Binding) { b.AOR = "" }), "aor"},
		"nul in aor":    {mod(func(b *Binding) { b.AOR = "10\x000" }), "aor"},
		"long aor":      {mod(func(b *Binding) { b.AOR = strings.Repeat("1", 129) }), "aor"},
		"empty contact": {mod(func(b *Binding) { b.Contact = "" }), "contact"},
		"crlf contact":  {mod(func(b *Binding) { b.Contact = "sip:a\r\nX: y" }), "contact"},
		"long contact":  {mod(func(b *Binding) { b.Contact = "sip:" + strings.Repeat("a", 2048) }), "contact"},
		"bad source":    {mod(func(b *Binding) { b.Source = "example.com:5060" }), "source"},
		"no port":       {mod(func(b *Binding) { b.Source = "192.0.2.1" }), "source"},
		"bad transport": {mod(func(b *Binding) { b.Transport = "sctp" }), "transport"},
		"past expires":  {mod(func(b *Binding) { b.Expires = time.Now().Add(-time.Second) }), "expires"},
		"zero expires":  {mod(func(b *Binding) { b.Expires = time.Time{} }), "expires"},
		"long call-id":  {mod(func(b *Binding) { b.CallID = strings.Repeat("c", 257) }), "call_id"},
		"bad instance":  {mod(func(b *Binding) { b.InstanceID = "a\x00" }), "instance_id"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := s.PutBinding(c.b)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want FieldError on %q", err, c.field)
			}
		})
	}
	if all, _ := s.AllBindings(); len(all) != 0 {
		t.Errorf("invalid bindings were stored: %+v", all)
	}
	if _, err := s.Bindings(""); !errors.Is(err, ErrInvalid) {
		t.Errorf("Bindings(\"\"): err = %v", err)
	}
	if err := s.DeleteBinding("100", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("DeleteBinding with empty contact: err = %v", err)
	}
}

func TestBindingUserAgentTruncated(t *testing.T) {
	s := openMem(t)
	b := testBinding("100", "sip:100@192.0.2.1", time.Now().Add(time.Hour))
	b.UserAgent = strings.Repeat("é", 200) // 400 bytes
	if err := s.PutBinding(b); err != nil {
		t.Fatal(err)
	}
	bs, _ := s.Bindings("100")
	if len(bs) != 1 || len(bs[0].UserAgent) > maxUserAgentLen || !strings.HasPrefix(b.UserAgent, bs[0].UserAgent) {
		t.Fatalf("user agent not cut cleanly: %q", bs[0].UserAgent)
	}
	if strings.ContainsRune(bs[0].UserAgent, '\uFFFD') {
		t.Error("truncation split a rune")
	}
}

func TestCorruptBinding(t *testing.T) {
	s := openMem(t)
	if err := s.PutBinding(testBinding("100", "sip:ok@192.0.2.1", time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	putRaw(t, s, "bind/100\x00sip:bad", []byte(`{"expires": 12}`))
	bs, err := s.Bindings("100")
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `bind/100\x00sip:bad`) {
		t.Errorf("err = %v, want ErrCorrupt naming the key", err)
	}
	if len(bs) != 1 || bs[0].Contact != "sip:ok@192.0.2.1" {
		t.Errorf("good binding not returned: %+v", bs)
	}
	if all, err := s.AllBindings(); !errors.Is(err, ErrCorrupt) || len(all) != 1 {
		t.Errorf("all: %+v, %v", all, err)
	}
}
