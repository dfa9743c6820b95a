package web

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
)

const upgradeHead = "GET /ws?tab=2 HTTP/1.1\r\nHost: pbx.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
	"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: sip\r\n" +
	"X-Trace: a\r\n\r\n"

// maskedText is a client text frame (RFC 6455 5.2), short payloads only.
func maskedText(payload string) []byte {
	f := []byte{0x81, 0x80 | byte(len(payload)), 7, 7, 7, 7}
	for i := 0; i < len(payload); i++ {
		f = append(f, payload[i]^7)
	}
	return f
}

// The handler hands the connection over with the request as the client
// sent it, followed by what the client sent without waiting for the 101.
func TestSIPWebSocketHandsOffWithReplay(t *testing.T) {
	h := sip.NewWSHandoff(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	defer h.Close()
	srv := httptest.NewServer(SIPWebSocket{Handoff: h})
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	early := maskedText("OPTIONS")
	if _, err := c.Write(append([]byte(upgradeHead), early...)); err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		ac, err := h.Accept()
		if err != nil {
			t.Error(err)
		}
		accepted <- ac
	}()
	var ac net.Conn
	select {
	case ac = <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("nothing handed off")
	}
	if ac == nil {
		t.FailNow()
	}
	defer ac.Close()
	ac.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(ac)
	req, err := http.ReadRequest(br)
	if err != nil {
		t.Fatalf("replayed request: %v", err)
	}
	if req.RequestURI != "/ws?tab=2" || req.Host != "pbx.example" || req.Header.Get("Sec-WebSocket-Key") != "dGhlIHNhbXBsZSBub25jZQ==" ||
		req.Header.Get("X-Trace") != "a" || req.Header.Get("Sec-WebSocket-Protocol") != "sip" {
		t.Fatalf("replayed request differs: %s %s %v", req.RequestURI, req.Host, req.Header)
	}
	got := make([]byte, len(early))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != string(early) {
		t.Fatalf("bytes after the request: %q, %v; want %q", got, err, early)
	}
	if ac.RemoteAddr().String() != c.LocalAddr().String() {
		t.Errorf("handed-off connection is from %s, want the client's %s", ac.RemoteAddr(), c.LocalAddr())
	}
}

// Requests that are not SIP WebSocket upgrades get an HTTP error saying
// what the path is; a closed stack answers 503.
func TestSIPWebSocketRefuses(t *testing.T) {
	h := sip.NewWSHandoff(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	srv := httptest.NewServer(SIPWebSocket{Handoff: h})
	defer srv.Close()
	res, err := http.Get(srv.URL + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUpgradeRequired || res.Header.Get("Upgrade") != "websocket" || !strings.Contains(string(body), "RFC 7118") {
		t.Fatalf("plain GET: %d %v %q", res.StatusCode, res.Header, body)
	}

	// A page load over HTTP/2 gets the explanation too (no Upgrade header there).
	h2 := httptest.NewUnstartedServer(SIPWebSocket{Handoff: h})
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	res, err = h2.Client().Get(h2.URL + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.ProtoMajor != 2 || res.StatusCode != http.StatusUpgradeRequired || !strings.Contains(string(body), "RFC 7118") {
		t.Fatalf("GET over HTTP/%d: %d %q", res.ProtoMajor, res.StatusCode, body)
	}
	if res.Header.Get("Upgrade") != "" { // forbidden in HTTP/2 (RFC 9113 8.2.2): clients reset the stream
		t.Fatalf("HTTP/2 response carries Upgrade: %v", res.Header)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, res, err := websocket.Dial(ctx, srv.URL+"/ws", &websocket.DialOptions{Subprotocols: []string{"chat"}}); err == nil || res == nil || res.StatusCode != http.StatusBadRequest {
		t.Fatalf("without the sip subprotocol: %v %v", res, err)
	}

	h.Close()
	_, res, err = websocket.Dial(ctx, srv.URL+"/ws", &websocket.DialOptions{Subprotocols: []string{"sip"}})
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("closed stack: %v %v", res, err)
	}
}

// Through the handler, a SIP stack answers over the WebSocket.
func TestSIPWebSocketServedByStack(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := sip.NewWSHandoff(l.Addr())
	st, err := sip.New(sip.Config{WSSHandoff: h})
	if err != nil {
		t.Fatal(err)
	}
	st.Handle(gosip.OPTIONS, func(req *gosip.Request, tx gosip.ServerTransaction) { sip.Respond(tx, req, 200, "", nil) })
	if err := st.Listen(); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewUnstartedServer(SIPWebSocket{Handoff: h})
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, srv.URL+"/ws", &websocket.DialOptions{Subprotocols: []string{"sip"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if c.Subprotocol() != "sip" {
		t.Errorf("subprotocol %q", c.Subprotocol())
	}
	msg := "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK-web1\r\nFrom: <sip:t@x.invalid>;tag=1\r\n" +
		"To: <sip:127.0.0.1>\r\nCall-ID: web-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	_, got, err := c.Read(ctx)
	if err != nil || !strings.HasPrefix(string(got), "SIP/2.0 200 ") || !strings.Contains(string(got), "web-1") {
		t.Fatalf("OPTIONS over the handed-off WebSocket: %q, %v", got, err)
	}
	if st.Addr("wss").Port() != uint16(l.Addr().(*net.TCPAddr).Port) {
		t.Errorf("the stack advertises WSS port %d, want the HTTP server's %s", st.Addr("wss").Port(), l.Addr())
	}
}
