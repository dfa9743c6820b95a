package torture

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// The test extension, created in every switch these tests boot.
const (
	extNumber   = "1001"
	extPassword = "Torture-1001-pw"
)

// rtpWindows gives each switch of this package its own 100 RTP ports in
// 36000-37999, apart from tests/integration's 40000-49999.
var rtpWindows atomic.Int32

func testLogger() *slog.Logger {
	if os.Getenv("HOOKSWITCH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// testSwitch is one in-process switch on loopback.
type testSwitch struct {
	srv      *server.Server
	udp, tcp netip.AddrPort
}

func newSwitch(t testing.TB) *testSwitch {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	if err := st.CreateExtension(store.Extension{Number: extNumber, Password: extPassword}); err != nil {
		t.Fatalf("extension: %v", err)
	}
	lo := 36000 + 100*(int(rtpWindows.Add(1)-1)%20)
	srv, err := server.New(server.Config{SIPUDP: "127.0.0.1:0", SIPTCP: "127.0.0.1:0", Advertise: "127.0.0.1",
		RTPIP: netip.MustParseAddr("127.0.0.1"), RTPMin: lo, RTPMax: lo + 99, Logger: testLogger()}, st)
	if err != nil {
		st.Close()
		t.Fatalf("server: %v", err)
	}
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return &testSwitch{srv: srv, udp: srv.Stack.Addr("udp"), tcp: srv.Stack.Addr("tcp")}
}

// reply is a SIP response as the test client saw it on the wire. It is
// read by hand: a 400 may echo the very headers sipgo could not parse.
type reply struct {
	Code   int
	Reason string
	Raw    []byte
}

func parseReply(b []byte) (reply, bool) {
	line, _, _ := bytes.Cut(b, []byte("\r\n"))
	// Any SIP version: a switch that echoes a bad one must still be seen.
	_, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || !bytes.HasPrefix(line, []byte("SIP/")) || len(rest) < 3 {
		return reply{}, false
	}
	code, err := strconv.Atoi(string(rest[:3]))
	if err != nil {
		return reply{}, false
	}
	return reply{Code: code, Reason: strings.TrimSpace(string(rest[3:])), Raw: b}, true
}

// compact maps the RFC 3261 7.3.3 compact header names to full ones.
var compact = map[string]string{"i": "call-id", "v": "via", "f": "from", "t": "to", "m": "contact",
	"l": "content-length", "c": "content-type", "k": "supported", "s": "subject", "e": "content-encoding"}

// header returns the values of a header (full or compact name) of a raw
// message's head, unfolded.
func header(raw []byte, name string) []string {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	name = strings.ToLower(name)
	var out []string
	lines := strings.Split(string(head), "\r\n")
	for i := 1; i < len(lines); i++ {
		n, v, ok := strings.Cut(lines[i], ":")
		if !ok {
			continue
		}
		for i+1 < len(lines) && len(lines[i+1]) > 0 && (lines[i+1][0] == ' ' || lines[i+1][0] == '\t') {
			i++
			v += " " + strings.TrimSpace(lines[i])
		}
		n = strings.ToLower(strings.TrimSpace(n))
		if full, ok := compact[n]; ok {
			n = full
		}
		if n == name {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

func (r reply) header(name string) string {
	if v := header(r.Raw, name); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (r reply) String() string {
	if r.Code == 0 {
		return "no response"
	}
	return fmt.Sprintf("%d %s", r.Code, r.Reason)
}

// client is a UDP socket of our own that talks to a switch.
type client struct {
	t    testing.TB
	conn *net.UDPConn
	dst  *net.UDPAddr
	buf  []byte
}

func newClient(t testing.TB, dst netip.AddrPort) *client {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("client socket: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, conn: c, dst: net.UDPAddrFromAddrPort(dst), buf: make([]byte, 65536)}
}

func (c *client) port() int { return c.conn.LocalAddr().(*net.UDPAddr).Port }

func (c *client) send(raw []byte) {
	c.t.Helper()
	if _, err := c.conn.WriteTo(raw, c.dst); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// final waits up to d for a final response (1xx are skipped) that match
// accepts; it returns the zero reply when none came.
func (c *client) final(d time.Duration, match func(reply) bool) reply {
	deadline := time.Now().Add(d)
	for {
		c.conn.SetReadDeadline(deadline)
		n, _, err := c.conn.ReadFrom(c.buf)
		if err != nil {
			return reply{}
		}
		r, ok := parseReply(append([]byte(nil), c.buf[:n]...))
		if !ok || r.Code < 200 || (match != nil && !match(r)) {
			continue
		}
		return r
	}
}

// exchangeTCP sends raw on a new TCP connection and reads the first final
// response; the zero reply means the switch answered nothing (or closed).
func exchangeTCP(t testing.TB, dst netip.AddrPort, raw []byte, d time.Duration) reply {
	t.Helper()
	conn, err := net.DialTimeout("tcp", dst.String(), d)
	if err != nil {
		t.Fatalf("dial tcp: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(d))
	if _, err := conn.Write(raw); err != nil {
		t.Fatalf("tcp write: %v", err)
	}
	br := bufio.NewReader(conn)
	for {
		var head bytes.Buffer
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return reply{}
			}
			head.WriteString(l)
			if l == "\r\n" {
				break
			}
		}
		r, ok := parseReply(head.Bytes())
		if !ok {
			return reply{}
		}
		if n, _ := strconv.Atoi(r.header("content-length")); n > 0 {
			body := make([]byte, n)
			if _, err := io.ReadFull(br, body); err != nil {
				return reply{}
			}
			r.Raw = append(r.Raw, body...)
		}
		if r.Code >= 200 {
			return r
		}
	}
}

// options is a plain, valid OPTIONS from c.
func options(port int, callID string) []byte {
	return []byte(fmt.Sprintf("OPTIONS sip:%s@127.0.0.1 SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-%s\r\n"+
		"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p-%s\r\nTo: <sip:%s@127.0.0.1>\r\n"+
		"Call-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", extNumber, port, callID, callID, extNumber, callID))
}

// byCallID matches replies to one request.
func byCallID(id string) func(reply) bool {
	return func(r reply) bool { return r.header("call-id") == id }
}

// assertAlive checks the switch still answers OPTIONS 200 over UDP and TCP.
func assertAlive(t *testing.T, sw *testSwitch, tag string) {
	t.Helper()
	c := newClient(t, sw.udp)
	id := "alive-udp-" + tag
	c.send(options(c.port(), id))
	if r := c.final(3*time.Second, byCallID(id)); r.Code != 200 {
		t.Fatalf("after %s the switch no longer answers OPTIONS over UDP: %v", tag, r)
	}
	id = "alive-tcp-" + tag
	raw := bytes.Replace(options(c.port(), id), []byte("SIP/2.0/UDP"), []byte("SIP/2.0/TCP"), 1)
	if r := exchangeTCP(t, sw.tcp, raw, 3*time.Second); r.Code != 200 {
		t.Fatalf("after %s the switch no longer answers OPTIONS over TCP: %v", tag, r)
	}
}

// digestParams splits a Digest challenge into its parameters.
func digestParams(h string) map[string]string {
	out := map[string]string{}
	h = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(h), "Digest"))
	for h != "" {
		k, rest, ok := strings.Cut(h, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		rest = strings.TrimSpace(rest)
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				break
			}
			v, rest = rest[1:1+end], rest[2+end:]
		} else {
			v, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
		}
		out[k] = strings.TrimSpace(v)
		_, rest, _ = strings.Cut(rest, ",")
		h = strings.TrimSpace(rest)
	}
	return out
}

// md5Credentials answers the MD5 challenge among chs (RFC 2617 3.2.2 with
// qop=auth) for method and uri as extNumber.
func md5Credentials(t testing.TB, chs []string, method, uri string, nc int) string {
	t.Helper()
	for _, ch := range chs {
		p := digestParams(ch)
		if alg := strings.ToUpper(p["algorithm"]); alg != "" && alg != "MD5" {
			continue
		}
		h := func(s string) string { s2 := md5.Sum([]byte(s)); return hex.EncodeToString(s2[:]) }
		ha1 := h(extNumber + ":" + p["realm"] + ":" + extPassword)
		ha2 := h(method + ":" + uri)
		cnonce := fmt.Sprintf("c%08x", nc)
		ncs := fmt.Sprintf("%08x", nc)
		resp := h(ha1 + ":" + p["nonce"] + ":" + ncs + ":" + cnonce + ":auth:" + ha2)
		s := fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s"`,
			extNumber, p["realm"], p["nonce"], uri, resp, ncs, cnonce)
		if o, ok := p["opaque"]; ok {
			s += fmt.Sprintf(`, opaque="%s"`, o)
		}
		return s
	}
	t.Fatalf("no MD5 digest challenge in %q", chs)
	return ""
}
