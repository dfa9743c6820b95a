package integration

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/server"
	hsip "github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/web"
)

// wsSwitch is a switch taking SIP over WebSocket three ways: plain WS and
// WSS on their own ports, and WSS on an HTTPS server's /ws (as --https).
type wsSwitch struct {
	*testSwitch
	https net.Addr
}

func newWSSwitch(t *testing.T, tune ...func(*server.Config)) *wsSwitch {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ho := hsip.NewWSHandoff(l.Addr())
	sw := newSwitch(t, append([]func(*server.Config){func(c *server.Config) {
		c.SIPWS, c.SIPWSS, c.TLSConfig, c.SIPWSSHandoff = "127.0.0.1:0", "127.0.0.1:0", testCert(t).server(), ho
	}}, tune...)...)
	mux := http.NewServeMux()
	mux.Handle("/ws", web.SIPWebSocket{Handoff: ho, Logger: testLogger()})
	hs := &http.Server{Handler: mux, TLSConfig: testCert(t).server(), ReadHeaderTimeout: wait}
	go hs.ServeTLS(l, "", "")
	t.Cleanup(func() { hs.Close() })
	return &wsSwitch{testSwitch: sw, https: l.Addr()}
}

// url is where a browser would connect for one of "ws", "wss" or "https".
func (s *wsSwitch) url(kind string) string {
	switch kind {
	case "ws":
		return "ws://" + s.srv.Stack.Addr("ws").String() + "/"
	case "wss":
		return "wss://" + s.srv.Stack.Addr("wss").String() + "/"
	}
	return "wss://" + s.https.String() + "/ws"
}

// wsPhone is a browser phone as far as SIP goes: one WebSocket, a made-up
// .invalid host in Via and Contact (RFC 7118), and text frames each
// carrying one message. In-dialog requests are answered by its reader;
// new INVITEs wait for the test.
type wsPhone struct {
	user, host, via   string // via: "WS" or "WSS"
	c                 *websocket.Conn
	regCallID, regTag string
	cseq              int
	rtp               *rtpPeer

	res, invites, reinvites, acks, byes, options chan any // *sip.Response or *sip.Request
	done                                         chan struct{}
	err                                          error // why the reader stopped, once done is closed
}

func dialWSPhone(t *testing.T, sw *wsSwitch, kind, user string) *wsPhone {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	opts := &websocket.DialOptions{Subprotocols: []string{"sip"},
		HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: testCert(t).pool}}}}
	c, _, err := websocket.Dial(ctx, sw.url(kind), opts)
	if err != nil {
		t.Fatalf("%s dial %s: %v", user, sw.url(kind), err)
	}
	if c.Subprotocol() != "sip" {
		t.Fatalf("subprotocol %q, want sip", c.Subprotocol())
	}
	via := "WSS"
	if kind == "ws" {
		via = "WS"
	}
	p := &wsPhone{user: user, host: strings.ToLower(sip.GenerateTagN(12)) + ".invalid", via: via, c: c,
		regCallID: sip.GenerateTagN(20), regTag: sip.GenerateTagN(10), rtp: newRTPPeer(t, ssrcs.Add(1)),
		res: make(chan any, 16), invites: make(chan any, 4), reinvites: make(chan any, 4), acks: make(chan any, 8),
		byes: make(chan any, 4), options: make(chan any, 4), done: make(chan struct{})}
	go p.read()
	t.Cleanup(func() {
		c.CloseNow()
		<-p.done
	})
	return p
}

func (p *wsPhone) read() {
	defer close(p.done)
	for {
		typ, data, err := p.c.Read(context.Background())
		if err != nil {
			p.err = err
			return
		}
		if typ != websocket.MessageText {
			continue
		}
		m, err := sip.ParseMessage(data)
		if err != nil {
			p.err = fmt.Errorf("switch sent an unparsable message %q: %w", data, err)
			return
		}
		switch m := m.(type) {
		case *sip.Response:
			offer(p.res, m)
		case *sip.Request:
			p.serve(m)
		}
	}
}

// serve answers what a phone answers without asking the test.
func (p *wsPhone) serve(req *sip.Request) {
	switch req.Method {
	case sip.INVITE:
		if tag, _ := req.To().Params.Get("tag"); tag == "" {
			offer(p.invites, req)
			return
		}
		in, _ := parseSDP(req.Body())
		p.respond(req, 200, "", sdpBody(p.rtp.addr, 2, answerDir(in.dir)))
		offer(p.reinvites, req)
	case sip.ACK:
		offer(p.acks, req)
	case sip.BYE:
		p.respond(req, 200, "", nil)
		offer(p.byes, req)
	default:
		p.respond(req, 200, "", nil)
		offer(p.options, req)
	}
}

func offer(ch chan any, v any) {
	select {
	case ch <- v:
	default:
	}
}

func next[T any](t *testing.T, ch chan any, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v.(T)
	case <-time.After(wait):
		t.Fatalf("no %s within %v", what, wait)
		panic("unreachable")
	}
}

func (p *wsPhone) send(msg string) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	return p.c.Write(ctx, websocket.MessageText, []byte(msg))
}

// respond answers req; toTag is added to a To without one.
func (p *wsPhone) respond(req *sip.Request, code int, toTag string, body []byte) {
	res := sip.NewResponseFromRequest(req, code, "", body)
	if toTag != "" {
		res.To().Params.Add("tag", toTag)
	}
	res.AppendHeader(&sip.ContactHeader{Address: *p.contact()})
	if body != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	p.send(res.String())
}

func (p *wsPhone) contact() *sip.Uri {
	return &sip.Uri{Scheme: "sip", User: "abcd", Host: p.host, UriParams: sip.HeaderParams{{K: "transport", V: "ws"}}}
}

func (p *wsPhone) viaLine() string {
	return "Via: SIP/2.0/" + p.via + " " + p.host + ";branch=z9hG4bK" + sip.GenerateTagN(14) + "\r\n"
}

func (p *wsPhone) registerMsg(auth string) string {
	p.cseq++
	if auth != "" {
		auth = "Authorization: " + auth + "\r\n"
	}
	return "REGISTER sip:127.0.0.1 SIP/2.0\r\n" + p.viaLine() + "Max-Forwards: 70\r\n" +
		"To: <sip:" + p.user + "@127.0.0.1>\r\nFrom: <sip:" + p.user + "@127.0.0.1>;tag=" + p.regTag + "\r\n" +
		"Call-ID: " + p.regCallID + "\r\n" + fmt.Sprintf("CSeq: %d REGISTER\r\n", p.cseq) +
		"Contact: <" + p.contact().String() + ">;expires=600\r\n" + auth + "Content-Length: 0\r\n\r\n"
}

// final sends msg and returns its final response.
func (p *wsPhone) final(t *testing.T, msg string) *sip.Response {
	t.Helper()
	if err := p.send(msg); err != nil {
		t.Fatalf("%s send: %v", p.user, err)
	}
	for {
		if r := next[*sip.Response](t, p.res, p.user+": response"); r.StatusCode >= 200 {
			return r
		}
	}
}

// mustRegister registers with digest authentication (RFC 3261 22.4).
func (p *wsPhone) mustRegister(t *testing.T) {
	t.Helper()
	res := p.final(t, p.registerMsg(""))
	if res.StatusCode != 401 {
		t.Fatalf("%s REGISTER without credentials: %d, want 401", p.user, res.StatusCode)
	}
	auth := md5Authorization(t, res.GetHeader("WWW-Authenticate").Value(), p.user, passwordOf(p.user), "REGISTER", "sip:127.0.0.1")
	if res = p.final(t, p.registerMsg(auth)); res.StatusCode != 200 {
		t.Fatalf("%s REGISTER: %d %s", p.user, res.StatusCode, res.Reason)
	}
	var listed []string
	for _, h := range res.GetHeaders("Contact") {
		listed = append(listed, h.Value())
	}
	if !strings.Contains(strings.Join(listed, ","), p.host) {
		t.Fatalf("REGISTER 200 lists %q, want our contact", listed)
	}
}

// wsCall is a call the switch placed to a wsPhone, answered.
type wsCall struct {
	inv      *sip.Request
	localTag string
}

// answer takes the next INVITE: 180, then 200 with SDP, and waits for the ACK.
func (p *wsPhone) answer(t *testing.T) *wsCall {
	t.Helper()
	inv := next[*sip.Request](t, p.invites, p.user+": INVITE")
	if v := inv.Via(); v == nil || v.Transport != p.via {
		t.Errorf("INVITE Via %v, want transport %s", v, p.via)
	}
	if ct := inv.Contact(); ct == nil || ct.Address.UriParams.GetOr("transport", "") != "ws" {
		t.Errorf("INVITE Contact %v, want ;transport=ws (RFC 7118 5.2)", ct)
	}
	if inv.Recipient.Host != p.host {
		t.Errorf("INVITE Request-URI %s, want our registered contact", inv.Recipient.Host)
	}
	c := &wsCall{inv: inv, localTag: sip.GenerateTagN(10)}
	p.respond(inv, 180, c.localTag, nil)
	p.respond(inv, 200, c.localTag, sdpBody(p.rtp.addr, 1, "sendrecv"))
	if ack := next[*sip.Request](t, p.acks, p.user+": ACK"); ack.CallID().Value() != inv.CallID().Value() {
		t.Errorf("ACK for call %s, want %s", ack.CallID().Value(), inv.CallID().Value())
	}
	return c
}

// bye hangs up c and returns the BYE's final response.
func (p *wsPhone) bye(t *testing.T, c *wsCall) *sip.Response {
	t.Helper()
	msg := "BYE " + c.inv.Contact().Address.String() + " SIP/2.0\r\n" + p.viaLine() + "Max-Forwards: 70\r\n" +
		"From: <" + c.inv.To().Address.String() + ">;tag=" + c.localTag + "\r\nTo: " + c.inv.From().Value() + "\r\n" +
		"Call-ID: " + c.inv.CallID().Value() + "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n"
	return p.final(t, msg)
}

// A browser registers with digest over each of the three ways in.
func TestWSRegister(t *testing.T) {
	t.Parallel()
	sw := newWSSwitch(t)
	for i, kind := range []string{"ws", "wss", "https"} {
		user := []string{"1001", "1002", "1003"}[i]
		p := dialWSPhone(t, sw, kind, user)
		p.mustRegister(t)
		bs := sw.srv.Registrar.Lookup(user)
		if len(bs) != 1 || bs[0].Transport != strings.ToLower(p.via) || !strings.Contains(bs[0].Contact, ".invalid") {
			t.Fatalf("%s: bindings %+v, want one %s binding with the .invalid contact", kind, bs, p.via)
		}
	}
}

// A UDP phone calls a browser: the INVITE, the ACK, a re-INVITE and the BYE
// reach it over its WebSocket, and its own BYE goes back the same way.
func TestWSCallFromUDPPhone(t *testing.T) {
	t.Parallel()
	sw := newWSSwitch(t, noVoicemail, func(c *server.Config) { c.Registrar.KeepAlive = 100 * time.Millisecond })
	a := newPhone(t, sw.testSwitch, "1001")
	a.mustRegister(t)
	for _, kind := range []string{"https", "ws"} {
		b := dialWSPhone(t, sw, kind, "1002")
		b.mustRegister(t)

		// The browser hangs up.
		c := a.dial(t, "1002")
		bc := b.answer(t)
		da := c.answered(t)
		if res := da.reinvite(t, "sendonly"); res.StatusCode != 200 {
			t.Fatalf("%s: hold: %d", kind, res.StatusCode)
		}
		if re := next[*sip.Request](t, b.reinvites, "re-INVITE"); re.Via().Transport != b.via {
			t.Errorf("%s: re-INVITE Via %v", kind, re.Via())
		}
		next[*sip.Request](t, b.acks, "ACK of the re-INVITE")
		if res := b.bye(t, bc); res.StatusCode != 200 {
			t.Fatalf("%s: browser's BYE: %d", kind, res.StatusCode)
		}
		da.waitBye(t)
		sw.waitCDR(t, c.CallID())

		// The caller hangs up.
		c = a.dial(t, "1002")
		b.answer(t)
		da = c.answered(t)
		if res := da.bye(t); res.StatusCode != 200 {
			t.Fatalf("%s: caller's BYE: %d", kind, res.StatusCode)
		}
		if bye := next[*sip.Request](t, b.byes, "BYE"); bye.Via().Transport != b.via {
			t.Errorf("%s: BYE Via %v", kind, bye.Via())
		}
		sw.waitCDR(t, c.CallID())

		// The connection is the flow: no keepalive OPTIONS over it, though
		// the UDP phone gets them.
		recv(t, a.pings, "keepalive to the UDP phone")
		select {
		case o := <-b.options:
			t.Errorf("%s: the switch sent %s over the WebSocket", kind, o.(*sip.Request).Method)
		default:
		}
		b.c.Close(websocket.StatusNormalClosure, "")
		<-b.done
	}
}

// A browser calls a UDP phone: digest on the INVITE, the answer and the
// UDP phone's BYE reach it over its WebSocket.
func TestWSCallToUDPPhone(t *testing.T) {
	t.Parallel()
	sw := newWSSwitch(t, noVoicemail)
	b := newPhone(t, sw.testSwitch, "1001")
	b.mustRegister(t)
	p := dialWSPhone(t, sw, "https", "1002")
	p.mustRegister(t)

	callID, tag, ruri := sip.GenerateTagN(20), sip.GenerateTagN(10), "sip:1001@127.0.0.1"
	body := sdpBody(p.rtp.addr, 1, "sendrecv")
	request := func(method, uri, branch string, cseq int, to, extra string, body []byte) string {
		return method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/" + p.via + " " + p.host + ";branch=" + branch + "\r\n" +
			"Max-Forwards: 70\r\nFrom: <sip:1002@127.0.0.1>;tag=" + tag + "\r\nTo: " + to + "\r\nCall-ID: " + callID + "\r\n" +
			fmt.Sprintf("CSeq: %d %s\r\n", cseq, method) + "Contact: <" + p.contact().String() + ">\r\n" + extra +
			fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + string(body)
	}
	invite := func(cseq int, branch, auth string) string {
		return request("INVITE", ruri, branch, cseq, "<"+ruri+">", auth+"Content-Type: application/sdp\r\n", body)
	}
	branch := "z9hG4bK" + sip.GenerateTagN(12)
	res := p.final(t, invite(1, branch, ""))
	if res.StatusCode != 407 {
		t.Fatalf("INVITE without credentials: %d, want 407", res.StatusCode)
	}
	p.send(request("ACK", ruri, branch, 1, res.To().Value(), "", nil)) // same transaction (RFC 3261 17.1.1.3)
	auth := md5Authorization(t, res.GetHeader("Proxy-Authenticate").Value(), "1002", passwordOf("1002"), "INVITE", ruri)
	res = p.final(t, invite(2, "z9hG4bK"+sip.GenerateTagN(12), "Proxy-Authorization: "+auth+"\r\n"))
	if res.StatusCode != 200 {
		t.Fatalf("call from the browser: %d %s", res.StatusCode, res.Reason)
	}
	if ct := res.Contact(); ct == nil || ct.Address.UriParams.GetOr("transport", "") != "ws" {
		t.Errorf("200 Contact %v, want ;transport=ws", ct)
	}
	p.send(request("ACK", res.Contact().Address.String(), "z9hG4bK"+sip.GenerateTagN(12), 2, res.To().Value(), "", nil))
	db := b.waitIncoming(t).dialog(t)
	db.waitAck(t)
	if r := db.bye(t); r.StatusCode != 200 {
		t.Fatalf("UDP phone's BYE: %d", r.StatusCode)
	}
	if bye := next[*sip.Request](t, p.byes, "BYE"); bye.CallID().Value() != callID || bye.Via().Transport != p.via {
		t.Errorf("BYE for %s via %v, want call %s over %s", bye.CallID().Value(), bye.Via(), callID, p.via)
	}
	sw.waitCDR(t, callID)
}

// A browser that closed its WebSocket keeps its binding, but a call to it
// fails at once (no 32-second wait for a transaction timeout).
func TestWSClosedBrowserFailsFast(t *testing.T) {
	t.Parallel()
	sw := newWSSwitch(t, noVoicemail)
	a := newPhone(t, sw.testSwitch, "1001")
	a.mustRegister(t)
	b := dialWSPhone(t, sw, "wss", "1002")
	b.mustRegister(t)
	b.c.Close(websocket.StatusGoingAway, "tab closed")
	<-b.done
	res, _ := a.dial(t, "1002").final(t)
	if res.StatusCode != 480 && res.StatusCode != 408 {
		t.Fatalf("call to a closed browser: %d %s, want 480 or 408", res.StatusCode, res.Reason)
	}
	if bs := sw.srv.Registrar.Lookup("1002"); len(bs) != 1 {
		t.Fatalf("bindings after the close: %+v, want the one registered", bs)
	}
}

// Garbage, an unparsable request, binary and oversize frames get a clear
// answer (a 400, or a close code with a reason) and the switch serves on.
func TestWSBadFrames(t *testing.T) {
	t.Parallel()
	sw := newWSSwitch(t)
	for _, kind := range []string{"ws", "https"} {
		p := dialWSPhone(t, sw, kind, "1001")
		bad := strings.Replace(p.registerMsg(""), "Content-Length: 0", "Content-Length: many", 1)
		if res := p.final(t, bad); res.StatusCode != 400 || res.GetHeader("Warning") == nil {
			t.Fatalf("%s: unparsable REGISTER: %d %v, want 400 with a Warning", kind, res.StatusCode, res.GetHeader("Warning"))
		}
		p.mustRegister(t) // the connection goes on

		for _, tc := range []struct {
			name string
			typ  websocket.MessageType
			data string
			code websocket.StatusCode
		}{
			{"garbage", websocket.MessageText, "\x00\x01hello", websocket.StatusInvalidFramePayloadData},
			{"binary", websocket.MessageBinary, p.registerMsg(""), websocket.StatusUnsupportedData},
			{"oversize", websocket.MessageText, p.registerMsg("") + strings.Repeat("x", 64<<10), websocket.StatusMessageTooBig},
		} {
			q := dialWSPhone(t, sw, kind, "1001")
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			err := q.c.Write(ctx, tc.typ, []byte(tc.data))
			cancel()
			if err != nil {
				t.Fatalf("%s %s: write: %v", kind, tc.name, err)
			}
			<-q.done
			var ce websocket.CloseError
			if !errors.As(q.err, &ce) || ce.Code != tc.code || ce.Reason == "" {
				t.Errorf("%s %s: connection ended with %v, want close %d with a reason", kind, tc.name, q.err, tc.code)
			}
		}
	}
	// Still serving.
	dialWSPhone(t, sw, "wss", "1002").mustRegister(t)
}
