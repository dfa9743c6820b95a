package integration

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/ua"
)

// sendMessage sends a MESSAGE from p to user at the switch, answering the
// switch's 407 with p's credentials when auth is set; edit, if not nil,
// changes each request before it is sent. It returns the final response.
func (p *phone) sendMessage(t *testing.T, user, ctype string, body []byte, auth bool, edit func(*sip.Request)) *sip.Response {
	t.Helper()
	d := p.newDialog(sip.GenerateTagN(24), p.aor(p.user), p.aor(user), p.switchURI(user))
	build := func(cred string) *sip.Request {
		req := d.request(sip.MESSAGE)
		req.RemoveHeader("Contact")
		if ctype != "" {
			req.AppendHeader(sip.NewHeader("Content-Type", ctype))
		}
		req.SetBody(body)
		if cred != "" {
			req.AppendHeader(sip.NewHeader("Proxy-Authorization", cred))
		}
		if edit != nil {
			edit(req)
		}
		return req
	}
	req := build("")
	res := p.do(t, req)
	if res.StatusCode != 407 || !auth {
		return res
	}
	return p.do(t, build(p.authorization(t, res, "Proxy-Authenticate", sip.MESSAGE, req.Recipient.String(), 1)))
}

// imPhone is a registered UDP endpoint that reports every MESSAGE it gets
// and answers it with a status the test sets (0: never answers).
type imPhone struct {
	user   string
	sw     *testSwitch
	cli    *sipgo.Client
	addr   netip.AddrPort
	answer atomic.Int32
	got    chan *sip.Request
}

func newIMPhone(t *testing.T, sw *testSwitch, user string, answer int) *imPhone {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("imphone"), sipgo.WithUserAgentHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddrPort(conn.LocalAddr().String())
	cli, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientPort(int(addr.Port())))
	if err != nil {
		t.Fatal(err)
	}
	p := &imPhone{user: user, sw: sw, cli: cli, addr: addr, got: make(chan *sip.Request, 16)}
	p.answer.Store(int32(answer))
	srv.OnMessage(func(req *sip.Request, tx sip.ServerTransaction) {
		select {
		case p.got <- req:
		default:
		}
		if code := int(p.answer.Load()); code != 0 {
			tx.Respond(sip.NewResponseFromRequest(req, code, "", nil))
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeUDP(conn)
	}()
	for deadline := time.Now().Add(wait); ; time.Sleep(time.Millisecond) {
		if c, err := ua.TransportLayer().GetConnection("udp", addr.String()); err == nil && c != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("imphone listener never registered")
		}
	}
	t.Cleanup(func() {
		ua.Close()
		conn.Close()
		<-done
	})
	p.register(t)
	return p
}

// register binds the phone's address to its extension, with digest.
func (p *imPhone) register(t *testing.T) {
	t.Helper()
	callID, tag := sip.GenerateTagN(20), sip.GenerateTagN(10)
	ruri := sip.Uri{Scheme: "sip", Host: "127.0.0.1", Port: int(p.sw.sip.Port())}
	build := func(cseq uint32, auth string) *sip.Request {
		req := sip.NewRequest(sip.REGISTER, ruri)
		aor := sip.Uri{Scheme: "sip", User: p.user, Host: "127.0.0.1"}
		from := &sip.FromHeader{Address: aor, Params: sip.NewParams()}
		from.Params.Add("tag", tag)
		cid := sip.CallIDHeader(callID)
		mf := sip.MaxForwardsHeader(70)
		req.AppendHeader(from)
		req.AppendHeader(&sip.ToHeader{Address: aor, Params: sip.NewParams()})
		req.AppendHeader(&cid)
		req.AppendHeader(&sip.CSeqHeader{SeqNo: cseq, MethodName: sip.REGISTER})
		req.AppendHeader(&mf)
		req.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: p.user, Host: "127.0.0.1", Port: int(p.addr.Port())}})
		req.AppendHeader(sip.NewHeader("Expires", "3600"))
		if auth != "" {
			req.AppendHeader(sip.NewHeader("Authorization", auth))
		}
		req.SetBody(nil)
		return req
	}
	res := p.do(t, build(1, ""))
	if res.StatusCode != 401 {
		t.Fatalf("%s REGISTER without credentials: %d, want 401", p.user, res.StatusCode)
	}
	auth := md5Authorization(t, res.GetHeader("WWW-Authenticate").Value(), p.user, passwordOf(p.user), "REGISTER", ruri.String())
	if res = p.do(t, build(2, auth)); res.StatusCode != 200 {
		t.Fatalf("%s REGISTER: %d %s", p.user, res.StatusCode, res.Reason)
	}
}

// do sends req from the listening socket and returns the final response.
func (p *imPhone) do(t *testing.T, req *sip.Request) *sip.Response {
	t.Helper()
	req.SetTransport("UDP")
	req.SetDestination(p.sw.sip.String())
	req.Laddr = sip.Addr{IP: net.IP(p.addr.Addr().AsSlice()), Port: int(p.addr.Port())}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	tx, err := p.cli.TransactionRequest(ctx, req, sipgo.ClientRequestAddVia)
	if err != nil {
		t.Fatalf("%s %s: %v", p.user, req.Method, err)
	}
	defer tx.Terminate()
	for {
		select {
		case r := <-tx.Responses():
			if r.StatusCode >= 200 {
				return r
			}
		case <-tx.Done():
			t.Fatalf("%s %s: transaction ended: %v", p.user, req.Method, tx.Err())
		case <-ctx.Done():
			t.Fatalf("%s %s: no final response within %v", p.user, req.Method, wait)
		}
	}
}

// next is the next MESSAGE the phone got.
func (p *imPhone) next(t *testing.T) *sip.Request {
	t.Helper()
	select {
	case r := <-p.got:
		return r
	case <-time.After(wait):
		t.Fatalf("%s: no MESSAGE within %v", p.user, wait)
		return nil
	}
}

// none checks that no MESSAGE reached the phone (call it after the
// sender's final answer: a delivery precedes it).
func (p *imPhone) none(t *testing.T) {
	t.Helper()
	select {
	case r := <-p.got:
		t.Fatalf("%s got an unexpected MESSAGE from %s", p.user, r.From().Address.User)
	default:
	}
}

func TestMessageBetweenPhones(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	bob := newIMPhone(t, sw, "1002", 200)
	alice := newPhone(t, sw, "1001")
	const text = "Hello Bob, lunch at noon?"
	var senderCallID string
	res := alice.sendMessage(t, "1002", "text/plain;charset=UTF-8", []byte(text), true, func(r *sip.Request) {
		r.From().DisplayName = "Alice"
		senderCallID = r.CallID().Value()
	})
	if res.StatusCode != 200 {
		t.Fatalf("MESSAGE: %d %s, want 200", res.StatusCode, res.Reason)
	}
	got := bob.next(t)
	if u := got.From().Address.User; u != "1001" {
		t.Errorf("From user %q, want 1001", u)
	}
	if n := got.From().DisplayName; n != "Alice" {
		t.Errorf("From display name %q, want Alice", n)
	}
	if tag, _ := got.From().Params.Get("tag"); tag == "" {
		t.Error("From has no tag")
	}
	if u := got.To().Address.User; u != "1002" {
		t.Errorf("To user %q, want 1002", u)
	}
	if tag, _ := got.To().Params.Get("tag"); tag != "" {
		t.Errorf("To has a tag %q: a MESSAGE outside a dialog has none", tag)
	}
	if got.Recipient.Port != int(bob.addr.Port()) || got.Recipient.User != "1002" {
		t.Errorf("Request-URI %s, want the registered contact", got.Recipient.String())
	}
	if ct := got.ContentType(); ct == nil || ct.Value() != "text/plain;charset=UTF-8" {
		t.Errorf("Content-Type %v, want text/plain;charset=UTF-8", ct)
	}
	if string(got.Body()) != text {
		t.Errorf("body %q, want %q", got.Body(), text)
	}
	if got.CallID().Value() == senderCallID {
		t.Error("the relayed MESSAGE reuses the sender's Call-ID")
	}
	if got.Contact() != nil {
		t.Errorf("relayed MESSAGE has a Contact %s", got.Contact().Value())
	}

	// Without credentials the switch challenges, and delivers nothing.
	res = alice.sendMessage(t, "1002", "text/plain", []byte("no auth"), false, nil)
	if res.StatusCode != 407 || res.GetHeader("Proxy-Authenticate") == nil {
		t.Fatalf("MESSAGE without credentials: %d, want 407 with Proxy-Authenticate", res.StatusCode)
	}
	// Credentials of 1001 in a From of 1003 are refused.
	res = alice.sendMessage(t, "1002", "text/plain", []byte("spoofed"), true, func(r *sip.Request) {
		r.From().Address.User = "1003"
	})
	if res.StatusCode != 403 {
		t.Fatalf("MESSAGE with a From that is not the authenticated user: %d, want 403", res.StatusCode)
	}
	bob.none(t)
}

func TestMessageRefusals(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	busy := newIMPhone(t, sw, "1002", 486)
	alice := newPhone(t, sw, "1001")
	cases := []struct {
		name, to, ctype string
		body            []byte
		want            int
	}{
		{"unregistered extension", "1003", "text/plain", []byte("hi"), 480},
		{"unknown number", "1999", "text/plain", []byte("hi"), 404},
		{"oversize body", "1002", "text/plain", []byte(strings.Repeat("x", 8<<10+1)), 413},
		{"no Content-Type", "1002", "", []byte("hi"), 400},
		{"recipient busy", "1002", "text/plain", []byte("hi"), 486},
	}
	for _, c := range cases {
		res := alice.sendMessage(t, c.to, c.ctype, c.body, true, nil)
		if res.StatusCode != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, res.StatusCode, res.Reason, c.want)
		}
	}
	// Only the busy case reached the phone.
	if got := busy.next(t); string(got.Body()) != "hi" {
		t.Errorf("busy phone got body %q", got.Body())
	}
	busy.none(t)
}

// A recipient that never answers: the sender hears 408 at the relay's
// deadline, long before its own transaction would time out.
func TestMessageRecipientSilent(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *server.Config) { c.Message.Timeout = 300 * time.Millisecond })
	silent := newIMPhone(t, sw, "1002", 0)
	alice := newPhone(t, sw, "1001")
	res := alice.sendMessage(t, "1002", "text/plain", []byte("anyone?"), true, nil)
	if res.StatusCode != 408 {
		t.Fatalf("MESSAGE to a silent phone: %d %s, want 408", res.StatusCode, res.Reason)
	}
	silent.next(t) // it was sent, just never answered
	if n := sw.srv.Messages.InFlight(); n != 0 {
		t.Errorf("%d messages still in flight after the answer", n)
	}
}

// Two contacts for one extension: both get the message; one answering
// 200 is enough though the other refuses.
func TestMessageForksToEveryContact(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	desk := newIMPhone(t, sw, "1002", 486)
	mobile := newIMPhone(t, sw, "1002", 200)
	alice := newPhone(t, sw, "1001")
	res := alice.sendMessage(t, "1002", "text/plain", []byte("to all of you"), true, nil)
	if res.StatusCode != 200 {
		t.Fatalf("MESSAGE: %d %s, want 200", res.StatusCode, res.Reason)
	}
	for _, p := range []*imPhone{desk, mobile} {
		if got := p.next(t); string(got.Body()) != "to all of you" {
			t.Errorf("contact %s got %q", p.addr, got.Body())
		}
	}
	// Both refuse: the sender hears the best refusal.
	mobile.answer.Store(603)
	res = alice.sendMessage(t, "1002", "text/plain", []byte("again"), true, nil)
	if res.StatusCode != 603 {
		t.Fatalf("MESSAGE refused by both contacts (486, 603): %d, want 603", res.StatusCode)
	}
}

// The message hook rejects with its code, or sends the message to another
// extension.
func TestMessageHook(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, routeTo("5000", "1002")+`
function message(m)
  if m.to == "1003" then return { reject = true, code = 488 } end
  if m.to == "5000" then return { deliver_to = "1002" } end
  if m.body == "spam" then return { reject = true, code = 606 } end
  return {}
end
`)
	bob := newIMPhone(t, sw, "1002", 200)
	alice := newPhone(t, sw, "1001")
	if res := alice.sendMessage(t, "1003", "text/plain", []byte("hi"), true, nil); res.StatusCode != 488 {
		t.Errorf("MESSAGE the hook rejects: %d, want 488", res.StatusCode)
	}
	if res := alice.sendMessage(t, "1002", "text/plain", []byte("spam"), true, nil); res.StatusCode != 606 {
		t.Errorf("MESSAGE whose body the hook rejects: %d, want 606", res.StatusCode)
	}
	bob.none(t)
	if res := alice.sendMessage(t, "5000", "text/plain", []byte("for sales"), true, nil); res.StatusCode != 200 {
		t.Fatalf("MESSAGE the hook redirects: %d %s, want 200", res.StatusCode, res.Reason)
	}
	got := bob.next(t)
	if string(got.Body()) != "for sales" || got.To().Address.User != "1002" || got.From().Address.User != "1001" {
		t.Errorf("redirected MESSAGE: from %s to %s body %q", got.From().Address.User, got.To().Address.User, got.Body())
	}
	if res := alice.sendMessage(t, "1002", "text/plain", []byte("plain"), true, nil); res.StatusCode != 200 {
		t.Errorf("MESSAGE the hook lets through: %d, want 200", res.StatusCode)
	}
	bob.next(t)
}

// A browser registered over WebSocket gets the message on its connection.
func TestMessageToWebSocketPhone(t *testing.T) {
	t.Parallel()
	sw := newWSSwitch(t)
	browser := dialWSPhone(t, sw, "ws", "1002")
	browser.mustRegister(t)
	alice := newPhone(t, sw.testSwitch, "1001")
	res := alice.sendMessage(t, "1002", "text/plain", []byte("hello browser"), true, nil)
	if res.StatusCode != 200 {
		t.Fatalf("MESSAGE: %d %s, want 200", res.StatusCode, res.Reason)
	}
	for {
		req := next[*sip.Request](t, browser.options, "MESSAGE over WebSocket")
		if req.Method != sip.MESSAGE {
			continue // a keepalive
		}
		if string(req.Body()) != "hello browser" || req.From().Address.User != "1001" {
			t.Fatalf("browser got from %s body %q", req.From().Address.User, req.Body())
		}
		if v := req.Via(); v == nil || !strings.EqualFold(v.Transport, "WS") {
			t.Errorf("Via %v, want WS", v)
		}
		break
	}
}

// The in-switch user agent (behind browsers on the web-call-protocol)
// messages through the relay and receives from it: both directions with
// a sipgo phone, and the relay's refusal as its delivery report.
func TestMessageInSwitchUA(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t)
	st, err := ua.New(ua.Config{Server: sw.srv.Stack.Addr("udp"), Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	msgs := make(chan ua.Message, 4)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	acct, err := st.Register(ctx, "1001", passwordOf("1001"), 0, ua.Events{Message: func(m ua.Message) { msgs <- m }})
	if err != nil {
		t.Fatal(err)
	}
	bob := newIMPhone(t, sw, "1002", 200)
	if err := acct.Message(ctx, "1002", "from the browser"); err != nil {
		t.Fatalf("UA MESSAGE: %v", err)
	}
	if got := bob.next(t); string(got.Body()) != "from the browser" || got.From().Address.User != "1001" {
		t.Errorf("phone got from %s body %q", got.From().Address.User, got.Body())
	}
	if err := acct.Message(ctx, "1003", "nobody home"); ua.Status(err) != 480 {
		t.Errorf("UA MESSAGE to an unregistered extension: %v, want status 480", err)
	}

	carol := newPhone(t, sw, "1003")
	if res := carol.sendMessage(t, "1001", "text/plain", []byte("to the browser"), true, func(r *sip.Request) {
		r.From().DisplayName = "Carol"
	}); res.StatusCode != 200 {
		t.Fatalf("MESSAGE to the UA: %d %s", res.StatusCode, res.Reason)
	}
	select {
	case m := <-msgs:
		if m.From != "1003" || m.FromName != "Carol" || m.To != "1001" || string(m.Body) != "to the browser" {
			t.Errorf("UA got %+v", m)
		}
	case <-time.After(wait):
		t.Fatal("UA got no MESSAGE")
	}
}

// A MESSAGE inside a call's dialog goes to the other party of the call,
// and its answer comes back.
func TestMessageInDialog(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	_, da, _ := connect(t, sw, a, b)
	req := da.request(sip.MESSAGE)
	req.AppendHeader(sip.NewHeader("Content-Type", "text/plain"))
	req.SetBody([]byte("during the call"))
	if res := a.do(t, req); res.StatusCode != 200 {
		t.Fatalf("in-dialog MESSAGE: %d %s, want the callee's 200", res.StatusCode, res.Reason)
	}
	got := recv(t, b.messages, "1002: MESSAGE")
	if string(got.Body()) != "during the call" || got.ContentType() == nil || got.ContentType().Value() != "text/plain" {
		t.Fatalf("1002 got %q (%v)", got.Body(), got.ContentType())
	}
}
