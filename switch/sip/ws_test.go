package sip

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	gosip "github.com/emiago/sipgo/sip"
)

// clientFrame builds a masked client frame (RFC 6455 5.2).
func clientFrame(b0 byte, payload []byte) []byte {
	f := []byte{b0}
	switch n := len(payload); {
	case n <= 125:
		f = append(f, 0x80|byte(n))
	case n <= 0xffff:
		f = append(f, 0x80|126, byte(n>>8), byte(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	mask := []byte{1, 2, 3, 4}
	f = append(f, mask...)
	for i, c := range payload {
		f = append(f, c^mask[i%4])
	}
	return f
}

func TestFrameScanner(t *testing.T) {
	text := func(n int) []byte { return clientFrame(0x81, bytes.Repeat([]byte("a"), n)) }
	unmasked := []byte{0x81, 0x02, 'h', 'i'}
	for _, tc := range []struct {
		name   string
		stream []byte
		code   uint16 // 0: no violation
	}{
		{"text", text(10), 0},
		{"two texts and a ping", append(append(text(200), clientFrame(0x89, []byte("p"))...), text(1000)...), 0},
		{"text at the limit", text(1000), 0},
		{"text over the limit", text(1001), wsTooBig},
		{"binary", clientFrame(0x82, []byte("x")), wsUnsupported},
		{"fragment", clientFrame(0x01, []byte("x")), wsUnsupported},
		{"continuation", clientFrame(0x80, []byte("x")), wsUnsupported},
		{"unmasked", unmasked, wsProtocolError},
		{"rsv1 (deflate)", clientFrame(0xc1, []byte("x")), wsProtocolError},
		{"long ping", clientFrame(0x89, make([]byte, 126)), wsProtocolError},
		{"reserved opcode", clientFrame(0x83, nil), wsProtocolError},
		{"huge 64-bit length", []byte{0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, wsProtocolError},
		{"half a header", []byte{0x81}, 0},
	} {
		s := frameScanner{max: 1000}
		v := s.scan(tc.stream)
		switch {
		case tc.code == 0 && v != nil:
			t.Errorf("%s: unexpected violation %v", tc.name, v)
		case tc.code != 0 && (v == nil || v.code != tc.code):
			t.Errorf("%s: got %v, want close code %d", tc.name, v, tc.code)
		}
		// Fed a byte at a time, the verdict is the same.
		s2 := frameScanner{max: 1000}
		var v2 *wsViolation
		for i := range tc.stream {
			if v2 = s2.scan(tc.stream[i : i+1]); v2 != nil {
				break
			}
		}
		if (v == nil) != (v2 == nil) || (v != nil && v.code != v2.code) {
			t.Errorf("%s: whole %v, byte by byte %v", tc.name, v, v2)
		}
	}
}

// A violation is final: later bytes do not revive the scanner.
func TestFrameScannerStaysFailed(t *testing.T) {
	s := frameScanner{max: 10}
	if v := s.scan(clientFrame(0x82, nil)); v == nil {
		t.Fatal("binary frame accepted")
	}
	if v := s.scan(clientFrame(0x81, []byte("ok"))); v == nil || v.code != wsUnsupported {
		t.Fatalf("after a violation: %v", v)
	}
}

// FuzzFrameScanner: no input panics, and splitting the stream anywhere
// gives the verdict of the whole.
func FuzzFrameScanner(f *testing.F) {
	f.Add(clientFrame(0x81, []byte("REGISTER sip:x SIP/2.0\r\n\r\n")), 3)
	f.Add(clientFrame(0x82, []byte("x")), 1)
	f.Add(append(clientFrame(0x89, nil), clientFrame(0x81, make([]byte, 300))...), 7)
	f.Add([]byte{0x81, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 5)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		whole := frameScanner{max: 512}
		v1 := whole.scan(data)
		if cut %= len(data) + 1; cut < 0 {
			cut += len(data) + 1
		}
		split := frameScanner{max: 512}
		v2 := split.scan(data[:cut])
		if v2 == nil {
			v2 = split.scan(data[cut:])
		}
		if (v1 == nil) != (v2 == nil) || (v1 != nil && (v1.code != v2.code || v1.reason != v2.reason)) {
			t.Fatalf("whole %v, split at %d %v", v1, cut, v2)
		}
		if v1 != nil && (v1.code < 1000 || v1.reason == "") {
			t.Fatalf("violation without a code or reason: %+v", v1)
		}
	})
}

func TestCloseFrame(t *testing.T) {
	f := closeFrame(wsTooBig, "short")
	if !bytes.Equal(f, append([]byte{0x88, 7, 0x03, 0xf1}, "short"...)) {
		t.Fatalf("close frame % x", f)
	}
	long := closeFrame(wsInvalidPayload, strings.Repeat("é", 100)+"\xff")
	if int(long[1]) != len(long)-2 || long[1] > 125 {
		t.Fatalf("close frame length byte %d for %d bytes", long[1], len(long)-2)
	}
	if !utf8.Valid(long[4:]) {
		t.Fatalf("close reason is not UTF-8: %q", long[4:])
	}
}

// recConn records the writes a wsConn makes and serves reads from r.
type recConn struct {
	net.Conn
	r         io.Reader
	writes    [][]byte
	deadlines []time.Time
}

func (c *recConn) Read(p []byte) (int, error) { return c.r.Read(p) }
func (c *recConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, append([]byte(nil), p...))
	return len(p), nil
}
func (c *recConn) SetWriteDeadline(time.Time) error { return nil }
func (c *recConn) SetReadDeadline(time.Time) error  { return nil }
func (c *recConn) SetDeadline(t time.Time) error {
	c.deadlines = append(c.deadlines, t)
	return nil
}

// sipgo writes a frame's header and payload separately; they leave as one
// write, so a close frame can never split a frame.
func TestWSConnWritesWholeFrames(t *testing.T) {
	rc := &recConn{r: strings.NewReader("")}
	c := newWSConn(rc, []byte("GET / HTTP/1.1\r\n\r\n"), nil, 100)
	resp := "HTTP/1.1 101 Switching Protocols\r\n\r\n"
	c.Write([]byte(resp[:20]))
	if len(rc.deadlines) != 0 {
		t.Fatal("handshake deadline lifted before the response was out")
	}
	c.Write([]byte(resp[20:]))
	if len(rc.deadlines) != 1 || !rc.deadlines[0].IsZero() {
		t.Fatalf("handshake deadline not lifted after the response: %v", rc.deadlines)
	}
	c.Write([]byte{0x81, 3})
	c.Write([]byte("abc"))
	c.Write([]byte{0x81, 0}) // an empty frame is whole in its header
	c.closeWith(&wsViolation{code: wsInvalidPayload, reason: "bad"})
	if n, err := c.Write([]byte{0x81, 1}); n != 0 || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after close: %d, %v", n, err)
	}
	want := [][]byte{[]byte(resp[:20]), []byte(resp[20:]), {0x81, 3, 'a', 'b', 'c'}, {0x81, 0}, closeFrame(wsInvalidPayload, "bad")}
	if fmt.Sprint(rc.writes) != fmt.Sprint(want) {
		t.Fatalf("writes\n%q\nwant\n%q", rc.writes, want)
	}
}

// Reads replay the upgrade request, then what was read past it, then the
// connection; frames past the request are checked.
func TestWSConnReplaysHead(t *testing.T) {
	head := []byte("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n")
	rest := clientFrame(0x81, []byte("hi"))
	rc := &recConn{r: bytes.NewReader(clientFrame(0x81, []byte("there")))}
	c := newWSConn(rc, head, rest, 100)
	all, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(append(append([]byte(nil), head...), rest...), clientFrame(0x81, []byte("there"))...); !bytes.Equal(all, want) {
		t.Fatalf("read %q, want %q", all, want)
	}

	rc = &recConn{r: bytes.NewReader(clientFrame(0x81, make([]byte, 101)))}
	c = newWSConn(rc, head, nil, 100)
	c.Write([]byte("HTTP/1.1 101 Switching Protocols\r\n\r\n"))
	_, err = io.ReadAll(c)
	var v *wsViolation
	if !errors.As(err, &v) || v.code != wsTooBig {
		t.Fatalf("oversize frame: %v", err)
	}
	if last := rc.writes[len(rc.writes)-1]; !bytes.Equal(last[:4], []byte{0x88, last[1], 0x03, 0xf1}) {
		t.Fatalf("no 1009 close frame written: % x", last)
	}
}

func TestCheckWSUpgrade(t *testing.T) {
	good := func() *http.Request {
		r, _ := http.NewRequest("GET", "http://x/ws", nil)
		r.Header.Set("Connection", "keep-alive, Upgrade")
		r.Header.Set("Upgrade", "websocket")
		r.Header.Set("Sec-WebSocket-Version", "13")
		r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		r.Header.Set("Sec-WebSocket-Protocol", "foo, SIP")
		return r
	}
	if err := CheckWSUpgrade(good()); err != nil {
		t.Fatalf("good upgrade refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		edit   func(*http.Request)
		status int
	}{
		{"post", func(r *http.Request) { r.Method = "POST" }, 405},
		{"http/1.0", func(r *http.Request) { r.ProtoMinor = 0 }, 505},
		{"plain get", func(r *http.Request) { r.Header.Del("Upgrade") }, 426},
		{"version 8", func(r *http.Request) { r.Header.Set("Sec-WebSocket-Version", "8") }, 426},
		{"no key", func(r *http.Request) { r.Header.Del("Sec-WebSocket-Key") }, 400},
		{"no sip", func(r *http.Request) { r.Header.Set("Sec-WebSocket-Protocol", "sipx, chat") }, 400},
	} {
		r := good()
		tc.edit(r)
		var ue *WSUpgradeError
		if err := CheckWSUpgrade(r); !errors.As(err, &ue) || ue.Status != tc.status || ue.Reason == "" {
			t.Errorf("%s: got %v, want status %d", tc.name, err, tc.status)
		}
	}
	if h := (&WSUpgradeError{Status: 426}).Header(); h.Get("Sec-WebSocket-Version") != "13" {
		t.Errorf("426 without Sec-WebSocket-Version: %v", h)
	}
}

func TestWSHandoffClosed(t *testing.T) {
	h := NewWSHandoff(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1})
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if err := h.Deliver(a, []byte("GET / HTTP/1.1\r\n"), nil); err == nil {
		t.Fatal("a head without its blank line was accepted")
	}
	h.Close()
	if err := h.Deliver(a, []byte("GET / HTTP/1.1\r\n\r\n"), nil); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("deliver after close: %v", err)
	}
	if _, err := h.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("accept after close: %v", err)
	}
}

// selfSigned is a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ws test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// wsStack is a stack with WS and WSS ports that answers OPTIONS with 200.
func wsStack(t testing.TB) (*Stack, *x509.CertPool) {
	t.Helper()
	conf, pool := selfSigned(t)
	s, err := New(Config{WS: "127.0.0.1:0", WSS: "127.0.0.1:0", TLSConfig: conf})
	if err != nil {
		t.Fatal(err)
	}
	s.Handle(gosip.OPTIONS, func(req *gosip.Request, tx gosip.ServerTransaction) { Respond(tx, req, 200, "", nil) })
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, pool
}

func dialWS(t testing.TB, url string, pool *x509.CertPool) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{Subprotocols: []string{"sip"}}
	if pool != nil {
		opts.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	}
	c, _, err := websocket.Dial(ctx, url, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func options(n int) string {
	return fmt.Sprintf("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK-ws%d\r\n"+
		"From: <sip:t@x.invalid>;tag=t%d\r\nTo: <sip:127.0.0.1>\r\nCall-ID: ws-%d\r\nCSeq: 1 OPTIONS\r\n"+
		"Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n", n, n, n)
}

// exchange sends one text message and returns the next one received.
func exchange(t testing.TB, c *websocket.Conn, msg string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
	_, got, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(got)
}

// closedWith sends data and expects the server to close with code.
func closedWith(t *testing.T, c *websocket.Conn, typ websocket.MessageType, data []byte, code websocket.StatusCode) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.SetReadLimit(1 << 20)
	if err := c.Write(ctx, typ, data); err != nil {
		t.Fatalf("write: %v", err)
	}
	_, _, err := c.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != code {
		t.Fatalf("after %.40q: got %v, want close %d", data, err, code)
	}
	return ce.Reason
}

// WS and WSS ports serve SIP, even while another client sits silent in its
// handshake (sipgo alone would stall its accept loop on it).
func TestWSPortsServeDespiteASilentClient(t *testing.T) {
	s, pool := wsStack(t)
	for _, tr := range []string{"ws", "wss"} {
		idle, err := net.Dial("tcp", s.Addr(tr).String())
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		var c *websocket.Conn
		if tr == "ws" {
			c = dialWS(t, "ws://"+s.Addr(tr).String()+"/", nil)
		} else {
			c = dialWS(t, "wss://"+s.Addr(tr).String()+"/", pool)
		}
		if got := exchange(t, c, options(1)); !strings.HasPrefix(got, "SIP/2.0 200 ") {
			t.Fatalf("%s: OPTIONS got %q", tr, got)
		}
	}
	if u := s.Contact("wss", "u"); u.String() != "sip:u@127.0.0.1:"+fmt.Sprint(s.Addr("wss").Port())+";transport=ws" {
		t.Errorf("WSS contact %s", u.String())
	}
}

// What sipgo would drop silently or cut ends with a reason the client sees;
// a request it can answer gets a 400 and the connection goes on.
func TestWSBadInputGetsClearErrors(t *testing.T) {
	s, _ := wsStack(t)
	url := "ws://" + s.Addr("ws").String() + "/"

	c := dialWS(t, url, nil)
	broken := strings.Replace(options(2), "Content-Length: 0", "Content-Length: nope", 1)
	got := exchange(t, c, broken)
	if !strings.HasPrefix(got, "SIP/2.0 400 ") || !strings.Contains(got, "Warning: 399") || !strings.Contains(got, "ws-2") {
		t.Fatalf("malformed request got %q, want a 400 with a Warning", got)
	}
	if got := exchange(t, c, options(3)); !strings.HasPrefix(got, "SIP/2.0 200 ") {
		t.Fatalf("after the 400 the connection does not serve: %q", got)
	}

	if r := closedWith(t, dialWS(t, url, nil), websocket.MessageText, []byte("hello"), websocket.StatusInvalidFramePayloadData); !strings.Contains(r, "not a SIP message") {
		t.Errorf("garbage: reason %q", r)
	}
	big := options(4) + strings.Repeat("x", int(gosip.TransportBufferReadSize))
	if r := closedWith(t, dialWS(t, url, nil), websocket.MessageText, []byte(big), websocket.StatusMessageTooBig); !strings.Contains(r, "limit") {
		t.Errorf("oversize: reason %q", r)
	}
	closedWith(t, dialWS(t, url, nil), websocket.MessageBinary, []byte(options(5)), websocket.StatusUnsupportedData)

	// Still serving.
	if got := exchange(t, dialWS(t, url, nil), options(6)); !strings.HasPrefix(got, "SIP/2.0 200 ") {
		t.Fatalf("after bad clients: %q", got)
	}
}

// A plain HTTP request or one without the sip subprotocol gets an HTTP
// answer saying what the port is.
func TestWSPortRefusesOtherRequests(t *testing.T) {
	s, _ := wsStack(t)
	for _, tc := range []struct {
		req    string
		status int
	}{
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 426},
		{"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", 400},
		{"OPTIONS sip:x SIP/2.0\r\n\r\n", 400},
	} {
		c, err := net.Dial("tcp", s.Addr("ws").String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, tc.req)
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%.20q: %v", tc.req, err)
		}
		body, _ := io.ReadAll(res.Body)
		c.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(body), "WebSocket") {
			t.Errorf("%.20q: %d %q, want %d with an explanation", tc.req, res.StatusCode, body, tc.status)
		}
	}
}

// A request to a WebSocket peer with no open connection fails at once with
// 480: a browser cannot be dialled.
func TestWSRequestWithoutConnectionFails(t *testing.T) {
	s, _ := wsStack(t)
	req := gosip.NewRequest(gosip.OPTIONS, gosip.Uri{Scheme: "sip", User: "b", Host: "abcd.invalid", UriParams: gosip.HeaderParams{{K: "transport", V: "ws"}}})
	req.AppendHeader(&gosip.FromHeader{Address: gosip.Uri{Scheme: "sip", Host: "127.0.0.1"}, Params: gosip.HeaderParams{{K: "tag", V: "x"}}})
	req.AppendHeader(&gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", Host: "abcd.invalid"}})
	cid := gosip.CallIDHeader("gone-1")
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: 1, MethodName: gosip.OPTIONS})
	req.SetTransport("WS")
	req.SetDestination("127.0.0.1:9")
	_, err := s.Request(context.Background(), req)
	if code, _ := StatusOf(err); code != 480 || !errors.Is(err, ErrWSClosed) {
		t.Fatalf("got %v, want a 480 naming the closed WebSocket", err)
	}
}

// FuzzStackWSMessage sends each input as one text message on a new
// WebSocket to a running stack, then checks the stack still answers
// OPTIONS on another: no message may kill or wedge it.
func FuzzStackWSMessage(f *testing.F) {
	s, _ := wsStack(f)
	url := "ws://" + s.Addr("ws").String() + "/"
	alive := dialWS(f, url, nil)
	for _, seed := range []string{options(1), "hello", "", "\r\n\r\n", "SIP/2.0 200 OK\r\n\r\n",
		strings.Replace(options(2), "Content-Length: 0", "Content-Length: 99", 1),
		"INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/WS h;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\n\r\n"} {
		f.Add([]byte(seed))
	}
	var n int
	f.Fuzz(func(t *testing.T, data []byte) {
		c := dialWS(t, url, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.Write(ctx, websocket.MessageText, data); err != nil {
			t.Fatalf("write: %v", err)
		}
		c.CloseNow()
		n++
		if got := exchange(t, alive, options(1000+n)); !strings.HasPrefix(got, "SIP/2.0 200 ") {
			t.Fatalf("after %q: OPTIONS got %q", data, got)
		}
	})
}

// BenchmarkWSRoundTrip is one OPTIONS and its 200 over an open WebSocket:
// our frame checks, the parse in filterWS and sipgo's own.
func BenchmarkWSRoundTrip(b *testing.B) {
	s, _ := wsStack(b)
	c := dialWS(b, "ws://"+s.Addr("ws").String()+"/", nil)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if got := exchange(b, c, options(i)); !strings.HasPrefix(got, "SIP/2.0 200 ") {
			b.Fatalf("got %q", got)
		}
	}
}

func BenchmarkFrameScanner(b *testing.B) {
	stream := bytes.Repeat(clientFrame(0x81, bytes.Repeat([]byte("a"), 900)), 16)
	b.SetBytes(int64(len(stream)))
	for b.Loop() {
		s := frameScanner{max: 32768}
		if s.scan(stream) != nil {
			b.Fatal("violation")
		}
	}
}
