package wcp

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

func guestOn(c *Config) { c.Guest = &Guest{Extension: "1003", Allow: []string{"1002"}} }

// A guest that never registered calls an allowed extension with its
// WebRTC offer: the phone rings, answers, sees the guest extension as
// the caller with the guest's name, and the guest's hang-up reaches it.
func TestGuestCall(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, guestOn)
	p := newPhone(t, sw, "1002")
	cl := dial(t, sw)
	cl.connect()
	br := newBrowser(t)
	offer := br.offer()

	cl.ask(callproto.OpGuestCall, -2, f("to", "1002"), f("nonce", strings.Repeat("0", 32)), f("sdp", offer))
	cl.ask(callproto.OpGuestCall, -1, f("to", "1001"), f("nonce", cl.nonce), f("sdp", offer))
	cl.ask(callproto.OpGuestCall, -1, f("to", "0049301234567"), f("nonce", cl.nonce), f("sdp", offer))
	cl.ask(callproto.OpGuestCall, -2, f("to", "1002"), f("nonce", cl.nonce), f("sdp", "v=0\r\nnot sdp"))

	ack := cl.ask(callproto.OpGuestCall, 0, f("to", "1002"), f("disp", "Visitor"), f("from", "5551234"),
		f("nonce", cl.nonce), f("sdp", offer))
	cid := ack.Get("cid")
	if cid == "" {
		t.Fatalf("no cid: %s", ack)
	}
	pc := recv(t, p.calls, "the phone's incoming call")
	if pc.From() != "1003" || pc.FromName() != "Visitor 5551234" {
		t.Fatalf("the phone sees the call from %q %q", pc.FromName(), pc.From())
	}
	if err := pc.Ringing(); err != nil {
		t.Fatal(err)
	}
	cl.event(callproto.EvCallState, "cid="+cid, "state=1")
	if err := pc.Answer(plainSDP(30010)); err != nil {
		t.Fatal(err)
	}
	var answered bool
	for !answered {
		m := cl.next()
		switch {
		case m.Op == callproto.EvMediaChange && m.Get("cid") == cid:
			br.setAnswer(m.Get("sdp"))
		case m.Op == callproto.EvCallState && m.Get("cid") == cid && m.Get("state") == "2":
			answered = true
		default:
			t.Fatalf("unexpected %s", m)
		}
	}
	br.connected()
	p.waitState(t, ua.CallConnected)
	cl.ask(callproto.OpDTMF, 0, f("cid", cid), f("dtmf", "5"))
	cl.ask(callproto.OpDisconnect, 0, f("cid", cid))
	cl.event(callproto.EvCallState, "cid="+cid, "state=0")
	p.waitState(t, ua.CallDisconnected)
}

// Without Config.Guest, 1011 is -1 for every number; the guest's socket
// closing hangs up its call.
func TestGuestOffAndClose(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	cl := dial(t, sw)
	cl.connect()
	br := newBrowser(t)
	cl.ask(callproto.OpGuestCall, -1, f("to", "1002"), f("nonce", cl.nonce), f("sdp", br.offer()))

	sw2 := newSwitch(t, guestOn)
	p := newPhone(t, sw2, "1002")
	cl2 := dial(t, sw2)
	cl2.connect()
	br2 := newBrowser(t)
	cl2.ask(callproto.OpGuestCall, 0, f("to", "1002"), f("nonce", cl2.nonce), f("sdp", br2.offer()))
	pc := recv(t, p.calls, "the phone's incoming call")
	if err := pc.Answer(plainSDP(30012)); err != nil {
		t.Fatal(err)
	}
	p.waitState(t, ua.CallConnected)
	cl2.c.CloseNow()
	p.waitState(t, ua.CallDisconnected)
}

type noExtensions struct{}

func (noExtensions) GetExtension(string) (store.Extension, error) {
	return store.Extension{}, store.ErrNotFound
}

func (noExtensions) GetTenant(string) (store.Tenant, error) {
	return store.Tenant{}, store.ErrNotFound
}

// A guest config that names no valid extension or a bad target fails New.
func TestGuestConfig(t *testing.T) {
	cfg := Config{UA: &ua.Stack{}, Extensions: noExtensions{}, Guest: &Guest{Extension: "1003", Allow: []string{"1002"}}}
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
	for _, g := range []*Guest{{Extension: ""}, {Extension: "10 01"}, {Extension: "1003", Allow: []string{"1002", "a\nb"}}} {
		cfg.Guest = g
		if _, err := New(cfg); err == nil {
			t.Errorf("%+v accepted", g)
		}
	}
}
