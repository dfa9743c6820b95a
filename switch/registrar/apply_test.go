package registrar

import (
	"fmt"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

func newRegistrar(t *testing.T) (*Registrar, *store.Store) {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.CreateExtension(store.Extension{Number: "1001", Password: "Secret1234x"}); err != nil {
		t.Fatal(err)
	}
	r, err := New(Config{}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, st
}

// register builds a REGISTER as it arrives from the network.
func register(t *testing.T, callID string, cseq int, src string, extra string) *gosip.Request {
	t.Helper()
	raw := fmt.Sprintf("REGISTER sip:h SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%d%s\r\n"+
		"From: <sip:1001@h>;tag=a\r\nTo: <sip:1001@h>\r\nCall-ID: %s\r\nCSeq: %d REGISTER\r\n%sContent-Length: 0\r\n\r\n",
		src, cseq, callID, callID, cseq, extra)
	m, err := gosip.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	req := m.(*gosip.Request)
	req.SetSource(src)
	req.SetTransport("UDP")
	return req
}

func code(err error) int {
	if err == nil {
		return 200
	}
	c, _ := sip.StatusOf(err)
	return c
}

func TestSameDeviceReplacesItsBinding(t *testing.T) {
	r, st := newRegistrar(t)
	if _, err := r.apply("1001", 2, register(t, "dev1", 1, "127.0.0.1:5070", "Contact: <sip:1001@127.0.0.1:5070>\r\n"), 0); err != nil {
		t.Fatal(err)
	}
	// The phone rebooted onto another port: same Call-ID, new contact.
	bs, err := r.apply("1001", 2, register(t, "dev1", 2, "127.0.0.1:5080", "Contact: <sip:1001@127.0.0.1:5080>\r\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].Contact != "sip:1001@127.0.0.1:5080" || bs[0].Source != "127.0.0.1:5080" {
		t.Fatalf("want the new contact only, got %+v", bs)
	}
	stored, _ := st.Bindings("1001")
	if len(stored) != 1 || stored[0].Contact != "sip:1001@127.0.0.1:5080" {
		t.Fatalf("store still holds the old binding: %+v", stored)
	}
}

func TestMaxContactsIsAllOrNothing(t *testing.T) {
	r, _ := newRegistrar(t)
	for i, port := range []int{5070, 5072} {
		c := fmt.Sprintf("Contact: <sip:1001@127.0.0.1:%d>\r\n", port)
		if _, err := r.apply("1001", 2, register(t, fmt.Sprintf("dev%d", i), 1, fmt.Sprintf("127.0.0.1:%d", port), c), 0); err != nil {
			t.Fatal(err)
		}
	}
	_, err := r.apply("1001", 2, register(t, "dev3", 1, "127.0.0.1:5074", "Contact: <sip:1001@127.0.0.1:5074>\r\n"), 0)
	if code(err) != 403 {
		t.Fatalf("third device: want 403, got %v", err)
	}
	if n := len(r.Lookup("1001")); n != 2 {
		t.Fatalf("a refused REGISTER changed the bindings: %d", n)
	}
}

func TestRegisterRules(t *testing.T) {
	r, _ := newRegistrar(t)
	src := "127.0.0.1:5070"
	contact := "Contact: <sip:1001@127.0.0.1:5070>\r\n"
	if _, err := r.apply("1001", 2, register(t, "d", 5, src, contact), 0); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		req  *gosip.Request
		want int
	}{
		"short expiry":          {register(t, "d", 6, src, "Contact: <sip:1001@127.0.0.1:5070>;expires=10\r\n"), 423},
		"bad expires param":     {register(t, "d", 7, src, "Contact: <sip:1001@127.0.0.1:5070>;expires=soon\r\n"), 400},
		"bad Expires header":    {register(t, "d", 8, src, contact+"Expires: -1\r\n"), 400},
		"wildcard needs zero":   {register(t, "d", 9, src, "Contact: *\r\nExpires: 60\r\n"), 400},
		"out of order is noted": {register(t, "d", 4, src, contact), 200},
	} {
		if _, err := r.apply("1001", 2, tc.req, 0); code(err) != tc.want {
			t.Errorf("%s: want %d, got %v", name, tc.want, err)
		}
	}
	// The out-of-order REGISTER (CSeq 4 < 5) kept the binding from CSeq 5.
	if bs := r.Lookup("1001"); len(bs) != 1 || bs[0].CSeq != 5 {
		t.Fatalf("out-of-order REGISTER replaced the binding: %+v", bs)
	}
	// Expiry is capped at MaxExpires.
	bs, err := r.apply("1001", 2, register(t, "d", 10, src, "Contact: <sip:1001@127.0.0.1:5070>;expires=999999\r\n"), 0)
	if err != nil || time.Until(bs[0].Expires) > r.cfg.MaxExpires {
		t.Fatalf("expiry not capped: %v %v", err, bs)
	}
	// Contact: * with Expires: 0 removes everything.
	if bs, err := r.apply("1001", 2, register(t, "d", 11, src, "Contact: *\r\nExpires: 0\r\n"), 0); err != nil || len(bs) != 0 {
		t.Fatalf("wildcard unregister: %v %v", err, bs)
	}
	if r.Count() != 0 {
		t.Fatalf("bindings left after wildcard unregister: %d", r.Count())
	}
}

func TestNewLoadsUnexpiredBindings(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	for i, exp := range []time.Duration{time.Hour, 2 * time.Second} {
		b := store.Binding{AOR: "1001", Contact: fmt.Sprintf("sip:1001@127.0.0.1:%d", 5070+i), Source: "127.0.0.1:5070",
			Transport: "udp", Expires: now.Add(exp), UpdatedAt: now}
		if err := st.PutBinding(b); err != nil {
			t.Fatal(err)
		}
	}
	r, err := New(Config{}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.Lookup("1001")); n != 2 {
		t.Fatalf("want 2 bindings loaded, got %d", n)
	}
	r.now = func() time.Time { return now.Add(time.Minute) }
	r.sweep()
	if bs := r.Lookup("1001"); len(bs) != 1 || bs[0].Contact != "sip:1001@127.0.0.1:5070" {
		t.Fatalf("sweep kept an expired binding: %+v", bs)
	}
}
