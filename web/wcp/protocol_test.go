package wcp

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/callproto"
)

var f = callproto.F

// Everything before op 1000 is refused with the command's ACK; frames
// without an ACK get op 2000; none of it closes the socket.
func TestConnectAndBadFrames(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	cl := dial(t, sw)

	m := cl.ask(callproto.OpRegister, -2, f("tel", "1001"), f("pwd", strings.Repeat("0", 64)))
	if m.Get("reason") != "connect (op 1000) first" {
		t.Fatalf("reason %q", m.Get("reason"))
	}
	cl.raw("hello")
	cl.expect(callproto.OpError, "", -2)
	cl.raw("op=1099\nseq=7")
	if m := cl.expect(callproto.OpError, "7", -2); !strings.Contains(m.Get("reason"), "1099") {
		t.Fatalf("reason %q", m.Get("reason"))
	}
	cl.raw("op=9001\nseq=8\nstate=0")
	cl.expect(callproto.OpError, "8", -2)
	cl.raw("op= 1000\nseq=9")
	cl.expect(callproto.OpError, "9", -2)

	cl.connect()
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(cl.nonce) {
		t.Fatalf("nonce %q", cl.nonce)
	}
	if m := cl.ask(callproto.OpConnect, -1); m.Get("nonce") != "" {
		t.Fatalf("a second nonce: %s", m)
	}
	// A frame just over the limit is a -2 with its seq; the socket lives.
	cl.raw("op=1012\nseq=10\ncid=x\ndtmf=1\npad=" + strings.Repeat("a", callproto.MaxFrameSize))
	cl.expect(callproto.AckDTMF, "10", -2)
	m = cl.ask(callproto.OpDTMF, -2, f("cid", "abc"), f("dtmf", "E"))
	if !strings.HasPrefix(m.Get("reason"), "dtmf:") {
		t.Fatalf("reason %q", m.Get("reason"))
	}
	cl.ask(callproto.OpDTMF, -4, f("cid", "abc"), f("dtmf", "5"))
	cl.ask(callproto.OpDisconnect, -4, f("cid", "abc"))
	cl.ask(callproto.OpAnswer, -4, f("cid", "abc"), f("sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"))
	cl.ask(callproto.OpReject, -1, f("cid", "abc"), f("rc", "486")) // 1005 says -1 (the seed's)
	cl.ask(callproto.OpReject, -2, f("cid", "abc"), f("rc", "302")) // mto missing
	cl.ask(callproto.OpRinging, -4, f("cid", "abc"))
	cl.ask(callproto.OpModify, -4, f("cid", "abc"), f("type", "1"))
	cl.ask(callproto.OpModify, -2, f("cid", "abc"), f("type", "9"))
	cl.ask(callproto.OpUnregister, -1)
	cl.ask(callproto.OpCall, -1, f("to", "1002"), f("sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"))
	cl.ask(callproto.OpCall, -2, f("to", "10 02"), f("sdp", "v=0\r\n"))
	cl.ask(callproto.OpSendMessage, -1, f("to", "1002"), f("mid", "m1"), f("msg", "hi"))
}

func closeStatus(t *testing.T, cl *client) websocket.StatusCode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		_, _, err := cl.c.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("read ended without a close frame: %v", err)
			}
			return ce.Code
		}
	}
}

func TestBinaryAndHugeFramesClose(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	cl := dial(t, sw)
	cl.connect()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	cl.c.Write(ctx, websocket.MessageBinary, []byte("op=1000\nseq=1"))
	if code := closeStatus(t, cl); code != websocket.StatusUnsupportedData {
		t.Fatalf("binary frame: close %d, want 1003", code)
	}
	cl = dial(t, sw)
	cl.c.Write(ctx, websocket.MessageText, []byte(strings.Repeat("a", 4*callproto.MaxFrameSize)))
	if code := closeStatus(t, cl); code != websocket.StatusMessageTooBig {
		t.Fatalf("huge frame: close %d, want 1009", code)
	}
}

func TestSubprotocolRequired(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, res, err := websocket.Dial(ctx, sw.url, nil)
	if err == nil {
		c.CloseNow()
		t.Fatal("a handshake without the subprotocol was accepted")
	}
	if res == nil || res.StatusCode != 400 {
		t.Fatalf("response %v", res)
	}
}

func TestSessionLimit(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *Config) { c.MaxPerIP = 1 })
	a := dial(t, sw)
	a.connect()
	b := dial(t, sw)
	if m := b.ask(callproto.OpConnect, -3); !strings.Contains(m.Get("reason"), "too many sessions") {
		t.Fatalf("reason %q", m.Get("reason"))
	}
	a.c.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "the slot freed", func() bool { return sw.wcp.Sessions() == 0 })
	b.connect()
}

func TestRegister(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	cl := dial(t, sw)
	cl.connect()
	cl.ask(callproto.OpRegister, 0, f("tel", "1001"), f("pwd", callproto.Proof("wrong", cl.nonce, "1001")))
	cl.event(callproto.EvRegisterState, "state=-403")
	cl.ask(callproto.OpRegister, 0, f("tel", "1999"), f("pwd", callproto.Proof("x", cl.nonce, "1999")))
	cl.event(callproto.EvRegisterState, "state=-403")
	cl.ask(callproto.OpRegister, -2, f("tel", "1001"), f("pwd", "zz"))
	cl.ask(callproto.OpRegister, -2, f("tel", "1001"), f("usr", "1002"), f("pwd", callproto.Proof(passwordOf("1001"), cl.nonce, "1001")))
	// A proof made for another session's nonce is worth nothing.
	cl.ask(callproto.OpRegister, 0, f("tel", "1001"), f("pwd", callproto.Proof(passwordOf("1001"), callproto.Nonce(), "1001")))
	cl.event(callproto.EvRegisterState, "state=-403")

	cl.register("1001")
	if n := len(sw.srv.Registrar.Lookup("1001")); n != 1 {
		t.Fatalf("%d bindings for 1001, want 1", n)
	}
	cl.ask(callproto.OpRegister, -1, f("tel", "1001"), f("pwd", callproto.Proof(passwordOf("1001"), cl.nonce, "1001")))
	cl.ask(callproto.OpUnregister, 0)
	cl.event(callproto.EvRegisterState, "state=-1")
	if n := len(sw.srv.Registrar.Lookup("1001")); n != 0 {
		t.Fatalf("%d bindings for 1001 after 1002, want 0", n)
	}
	cl.register("1001")
	// Closing the socket removes the registration.
	cl.c.Close(websocket.StatusNormalClosure, "")
	waitFor(t, "the binding removed", func() bool { return len(sw.srv.Registrar.Lookup("1001")) == 0 })
}

// A tenant's extension registers under its tenant's SIP domain, the only
// one where the switch takes it (SPEC P11).
func TestRegisterTenantExtension(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	if err := sw.srv.Store.PutTenant(store.Tenant{Name: "acme", Domain: "acme.example"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.Store.CreateExtension(store.Extension{Number: "2001", Password: passwordOf("2001"), Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	cl := dial(t, sw)
	cl.connect()
	cl.register("2001")
	if n := len(sw.srv.Registrar.Lookup("2001")); n != 1 {
		t.Fatalf("%d bindings for 2001, want 1", n)
	}
	// Calls stay inside the tenant: 1002 is the switch's own.
	cid := cl.ask(callproto.OpCall, 0, f("to", "1002"), f("sdp", newBrowser(t).offer())).Get("cid")
	cl.event(callproto.EvCallState, "cid="+cid, "state=0", "cause=404")
}
