package wcp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/tests/pionpeer"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// wait bounds every expectation.
const wait = 5 * time.Second

func passwordOf(ext string) string { return "Secret-" + ext + "-pw" }

func testLogger() *slog.Logger {
	if os.Getenv("HOOKSWITCH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

var rtpWindows atomic.Int32

// testSwitch is a switch on loopback with the WebRTC gateway and the UA
// stack, extensions 1001-1003, and the protocol served over plain HTTP.
type testSwitch struct {
	srv *server.Server
	wcp *Server
	url string
}

func newSwitch(t *testing.T, tune ...func(*Config)) *testSwitch {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"1001", "1002", "1003"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: passwordOf(n)}); err != nil {
			t.Fatal(err)
		}
	}
	lo := 47000 + 50*int(rtpWindows.Add(1)%40)
	webUA := &BrowserUA{}
	scfg := server.Config{SIPUDP: "127.0.0.1:0", Advertise: "127.0.0.1", WebRTC: "127.0.0.1:0",
		RTPIP: netip.MustParseAddr("127.0.0.1"), RTPMin: lo, RTPMax: lo + 49, Logger: testLogger(), DataDir: dir}
	scfg.Call.Browser = webUA.Owns
	srv, err := server.New(scfg, st)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	stack, err := webUA.Start(srv.Stack.Addr("udp"), testLogger())
	if err != nil {
		srv.Close()
		st.Close()
		t.Fatal(err)
	}
	cfg := Config{UA: stack, Extensions: st, Logger: testLogger()}
	for _, f := range tune {
		f(&cfg)
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(w)
	t.Cleanup(func() {
		hs.Close()
		w.Close()
		webUA.Close()
		srv.Close()
		st.Close()
	})
	return &testSwitch{srv: srv, wcp: w, url: "ws" + strings.TrimPrefix(hs.URL, "http")}
}

// client is a page's socket, read by the test.
type client struct {
	t     *testing.T
	c     *websocket.Conn
	nonce string
	seq   int
	held  []callproto.Message // events askLater read past
}

func dial(t *testing.T, sw *testSwitch) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, _, err := websocket.Dial(ctx, sw.url, &websocket.DialOptions{Subprotocols: []string{Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return &client{t: t, c: c}
}

// raw sends one text frame as it is.
func (cl *client) raw(frame string) {
	cl.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := cl.c.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		cl.t.Fatal(err)
	}
}

// send sends op with a fresh seq and the fields; it returns the seq.
func (cl *client) send(op int, fields ...callproto.Field) string {
	cl.t.Helper()
	cl.seq++
	seq := fmt.Sprint(cl.seq)
	cl.raw(string(callproto.New(op, seq, fields...).Encode()))
	return seq
}

// next is the next frame the server sent, checked against the catalogue.
func (cl *client) next() callproto.Message {
	cl.t.Helper()
	if len(cl.held) > 0 {
		m := cl.held[0]
		cl.held = cl.held[1:]
		return m
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*wait)
	defer cancel()
	typ, data, err := cl.c.Read(ctx)
	if err != nil {
		cl.t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageText {
		cl.t.Fatalf("a binary frame from the server")
	}
	m, err := callproto.Parse(data)
	if err != nil {
		cl.t.Fatalf("the server sent %q: %v", data, err)
	}
	if err := callproto.ValidateServerMessage(m); err != nil {
		cl.t.Fatalf("the server sent %s: %v", m, err)
	}
	return m
}

// expect reads the next frame and checks its op and, for replies, seq and
// code.
func (cl *client) expect(op int, seq string, code int) callproto.Message {
	cl.t.Helper()
	m := cl.next()
	if m.Op != op {
		cl.t.Fatalf("got %s, want op %d", m, op)
	}
	if seq != "" && m.Seq != seq {
		cl.t.Fatalf("got %s, want seq %s", m, seq)
	}
	if callproto.KindOf(op) == callproto.KindReply && m.Get(callproto.KeyCode) != fmt.Sprint(code) {
		cl.t.Fatalf("got %s, want code %d", m, code)
	}
	return m
}

// ask sends a command and expects its ACK with code.
func (cl *client) ask(op int, code int, fields ...callproto.Field) callproto.Message {
	cl.t.Helper()
	seq := cl.send(op, fields...)
	ack, _ := callproto.AckOp(op)
	return cl.expect(ack, seq, code)
}

// askLater is ask when events may come before the ACK: they are kept
// for next, in order.
func (cl *client) askLater(op int, code int, fields ...callproto.Field) callproto.Message {
	cl.t.Helper()
	seq := cl.send(op, fields...)
	ack, _ := callproto.AckOp(op)
	var kept []callproto.Message
	for {
		m := cl.next()
		if callproto.KindOf(m.Op) == callproto.KindEvent {
			kept = append(kept, m)
			continue
		}
		cl.held = append(kept, cl.held...)
		if m.Op != ack || m.Seq != seq || m.Get(callproto.KeyCode) != fmt.Sprint(code) {
			cl.t.Fatalf("got %s, want op %d seq %s code %d", m, ack, seq, code)
		}
		return m
	}
}

// event skips nothing: the next frame must be event op; want are
// key=value pairs it must have.
func (cl *client) event(op int, want ...string) callproto.Message {
	cl.t.Helper()
	m := cl.expect(op, "", 0)
	for _, kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if got := m.Get(k); got != v {
			cl.t.Fatalf("got %s, want %s=%s", m, k, v)
		}
	}
	return m
}

func (cl *client) connect() {
	cl.t.Helper()
	m := cl.ask(callproto.OpConnect, 0)
	cl.nonce = m.Get(callproto.KeyNonce)
}

func (cl *client) register(ext string) {
	cl.t.Helper()
	cl.ask(callproto.OpRegister, 0, callproto.F("tel", ext), callproto.F("pwd", callproto.Proof(passwordOf(ext), cl.nonce, ext)))
	cl.event(callproto.EvRegisterState, "state=0")
}

// phone is a plain SIP phone: a UA account on a stack of its own, whose
// bindings the switch does not take for a browser.
type phone struct {
	a      *ua.Account
	calls  chan *ua.Call
	states chan ua.CallEvent
	infos  chan string
	msgs   chan ua.Message
}

func newPhone(t *testing.T, sw *testSwitch, ext string) *phone {
	t.Helper()
	st, err := ua.New(ua.Config{Server: sw.srv.Stack.Addr("udp"), Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := &phone{calls: make(chan *ua.Call, 16), states: make(chan ua.CallEvent, 256), infos: make(chan string, 64),
		msgs: make(chan ua.Message, 64)}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	p.a, err = st.Register(ctx, ext, passwordOf(ext), 0, ua.Events{
		Incoming:  func(c *ua.Call) { put(p.calls, c) },
		CallState: func(_ *ua.Call, e ua.CallEvent) { put(p.states, e) },
		Info:      func(_ *ua.Call, _ string, body []byte) { put(p.infos, string(body)) },
		Message:   func(m ua.Message) { put(p.msgs, m) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// put never blocks the account's event goroutine (a blocked one would
// hang the stack's Close); the buffers are far larger than a test needs.
func put[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

func (p *phone) waitState(t *testing.T, want ua.CallState) ua.CallEvent {
	t.Helper()
	for {
		e := recv(t, p.states, "phone call state "+want.String())
		if e.State == want {
			return e
		}
	}
}

func recv[T any](t *testing.T, ch chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(3 * wait):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// plainSDP is a SIP phone's offer or answer.
func plainSDP(port int) []byte {
	return []byte(fmt.Sprintf("v=0\r\no=- 4242 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"+
		"m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n", port))
}

// browser is a pion PeerConnection on loopback, standing for the page's
// RTCPeerConnection; it sends no media of its own.
type browser struct {
	t *testing.T
	p *pionpeer.Peer
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	return &browser{t: t, p: pionpeer.New(t, pionpeer.Options{NoMic: true})}
}

func (b *browser) offer() string { b.t.Helper(); return b.p.Offer(b.t) }

func (b *browser) answer(offer string) string { b.t.Helper(); return b.p.Answer(b.t, offer) }

func (b *browser) setAnswer(sdp string) { b.t.Helper(); b.p.SetAnswer(b.t, sdp) }

// connected waits for ICE and DTLS with the switch's gateway.
func (b *browser) connected() { b.t.Helper(); b.p.Connected(b.t, 3*wait) }

// waitFor polls cond until it holds or the wait passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
