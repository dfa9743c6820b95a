package integration

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
)

// --- TLS material

// testCerts is a self-signed certificate for 127.0.0.1 and a pool trusting it.
type testCerts struct {
	cert tls.Certificate
	pool *x509.CertPool
}

// server is a listener config presenting the certificate.
func (c *testCerts) server() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.cert}, MinVersion: tls.VersionTLS12}
}

var (
	certOnce   sync.Once
	certShared *testCerts
	certErr    error
)

// testCert returns the package's certificate, generated once (ECDSA P-256).
func testCert(t testing.TB) *testCerts {
	t.Helper()
	certOnce.Do(func() { certShared, certErr = makeCert() })
	if certErr != nil {
		t.Fatalf("test certificate: %v", certErr)
	}
	return certShared
}

func makeCert() (*testCerts, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "hookswitch test"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &testCerts{cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool: pool}, nil
}

// --- raw SIP over one stream connection

// rawStream speaks SIP by hand over one connection, so the test sees the
// exact bytes the switch accepts and returns.
type rawStream struct {
	conn  net.Conn
	r     *bufio.Reader
	local netip.AddrPort
}

func (s *rawStream) send(t *testing.T, msg string) {
	t.Helper()
	s.conn.SetWriteDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(s.conn, msg); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// read returns the next message on the stream (RFC 3261 18.3: framed by
// Content-Length).
func (s *rawStream) read(t *testing.T) *sip.Response {
	t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(wait))
	var head strings.Builder
	length := 0
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("read: %v (so far %q)", err, head.String())
		}
		if line == "\r\n" && head.Len() == 0 {
			continue // keepalive
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
		if name, v, ok := strings.Cut(line, ":"); ok {
			if n := strings.ToLower(strings.TrimSpace(name)); n == "content-length" || n == "l" {
				if length, err = strconv.Atoi(strings.TrimSpace(v)); err != nil || length < 0 || length > 65535 {
					t.Fatalf("bad Content-Length %q", v)
				}
			}
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.r, body); err != nil {
		t.Fatalf("read body: %v", err)
	}
	msg, err := sip.ParseMessage(append([]byte(head.String()), body...))
	if err != nil {
		t.Fatalf("parse %q: %v", head.String(), err)
	}
	res, ok := msg.(*sip.Response)
	if !ok {
		t.Fatalf("got a request, want a response: %q", head.String())
	}
	return res
}

// final sends msg and returns its final response.
func (s *rawStream) final(t *testing.T, msg string) *sip.Response {
	t.Helper()
	s.send(t, msg)
	for {
		if res := s.read(t); res.StatusCode >= 200 {
			return res
		}
	}
}

// request builds a request over TLS from this connection's address; extra
// are header lines (each ending in CRLF).
func (s *rawStream) request(method, ruri string, cseq int, callID, fromTag, toUser, extra string) string {
	return fmt.Sprintf("%s %s SIP/2.0\r\n"+
		"Via: SIP/2.0/TLS %s;branch=z9hG4bK-%s;rport\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: <sip:1001@127.0.0.1>;tag=%s\r\n"+
		"To: <sip:%s@127.0.0.1>\r\n"+
		"Call-ID: %s\r\n"+
		"CSeq: %d %s\r\n"+
		"%s"+
		"Content-Length: 0\r\n\r\n",
		method, ruri, s.local, sip.GenerateTagN(16), fromTag, toUser, callID, cseq, method, extra)
}

func md5hex(parts ...string) string {
	sum := md5.Sum([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(sum[:])
}

// md5Authorization answers an MD5 challenge with qop=auth by hand (RFC
// 7616 3.4.1; RFC 3261 22.4).
func md5Authorization(t *testing.T, challenge, user, password, method, uri string) string {
	t.Helper()
	ch, err := digest.ParseChallenge(challenge)
	if err != nil {
		t.Fatalf("parse challenge %q: %v", challenge, err)
	}
	if ch.Algorithm != "" && !strings.EqualFold(ch.Algorithm, "MD5") {
		t.Fatalf("challenge algorithm %q, want MD5", ch.Algorithm)
	}
	if !ch.SupportsQOP("auth") {
		t.Fatalf("challenge qop %v, want auth", ch.QOP)
	}
	const nc = "00000001"
	cnonce := sip.GenerateTagN(16)
	ha1 := md5hex(user, ch.Realm, password)
	ha2 := md5hex(method, uri)
	resp := md5hex(ha1, ch.Nonce, nc, cnonce, "auth", ha2)
	v := fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm=MD5, cnonce="%s", qop=auth, nc=%s`,
		user, ch.Realm, ch.Nonce, uri, resp, cnonce, nc)
	if ch.Opaque != "" {
		v += fmt.Sprintf(`, opaque="%s"`, ch.Opaque)
	}
	return v
}

// TestRegisterAndCallOverTLS checks the TLS listener (SIPTLS): OPTIONS and an
// authenticated REGISTER by hand, then a whole call between two sipgo phones
// on TLS.
func TestRegisterAndCallOverTLS(t *testing.T) {
	t.Parallel()
	certs := testCert(t)
	sw := newSwitch(t, func(c *server.Config) {
		c.SIPTLS = "127.0.0.1:0"
		c.TLSConfig = certs.server()
	})
	addr := sw.srv.Stack.Addr("tls")
	if !addr.IsValid() {
		t.Fatal("switch has no TLS address")
	}

	t.Run("raw", func(t *testing.T) {
		d := tls.Dialer{NetDialer: &net.Dialer{Timeout: wait},
			Config: &tls.Config{RootCAs: certs.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}
		conn, err := d.Dial("tcp4", addr.String())
		if err != nil {
			t.Fatalf("tls dial %s: %v", addr, err)
		}
		defer conn.Close()
		s := &rawStream{conn: conn, r: bufio.NewReader(conn), local: netip.MustParseAddrPort(conn.LocalAddr().String())}
		ruri := "sip:" + addr.String() + ";transport=tls"

		res := s.final(t, s.request("OPTIONS", ruri, 1, "tls-options-"+sip.GenerateTagN(8), "o1", "1001", ""))
		if res.StatusCode != 200 {
			t.Fatalf("OPTIONS over TLS: %d %s, want 200", res.StatusCode, res.Reason)
		}

		callID, fromTag := "tls-reg-"+sip.GenerateTagN(8), sip.GenerateTagN(10)
		contact := fmt.Sprintf("<sip:1001@%s;transport=tls>", s.local)
		extra := "Contact: " + contact + "\r\nExpires: 600\r\n"
		res = s.final(t, s.request("REGISTER", ruri, 1, callID, fromTag, "1001", extra))
		if res.StatusCode != 401 {
			t.Fatalf("REGISTER without credentials: %d, want 401", res.StatusCode)
		}
		h := res.GetHeader("WWW-Authenticate")
		if h == nil {
			t.Fatal("401 without WWW-Authenticate")
		}
		auth := md5Authorization(t, h.Value(), "1001", passwordOf("1001"), "REGISTER", ruri)
		res = s.final(t, s.request("REGISTER", ruri, 2, callID, fromTag, "1001", extra+"Authorization: "+auth+"\r\n"))
		if res.StatusCode != 200 {
			t.Fatalf("REGISTER with MD5 credentials over TLS: %d %s, want 200", res.StatusCode, res.Reason)
		}
		bs := sw.srv.Registrar.Lookup("1001")
		if len(bs) != 1 || bs[0].Transport != "tls" || bs[0].Source != s.local.String() {
			t.Fatalf("bindings %+v, want one over tls from %s", bs, s.local)
		}
	})

	t.Run("call", func(t *testing.T) {
		a, b := newPhoneOn(t, sw, "1002", "tls"), newPhoneOn(t, sw, "1003", "tls")
		a.mustRegister(t)
		b.mustRegister(t)
		if bs := sw.srv.Registrar.Lookup("1003"); len(bs) != 1 || bs[0].Transport != "tls" {
			t.Fatalf("bindings %+v, want one over tls", bs)
		}
		b.setPolicy(policyAnswer, 100*time.Millisecond)
		// The phones listen on TLS only: the call works only if the switch
		// reaches the callee over the connection it registered on.
		c, da, db := connect(t, sw, a, b)
		exchange(t, a, da.Media(), b, db.Media(), 25, 20)
		callerHangsUp(t, sw, c.CallID(), da, db)
	})
}

// TestKeepAliveOptions checks the NAT keepalive (SPEC S4): a UDP binding
// gets OPTIONS from the switch's own SIP port.
func TestKeepAliveOptions(t *testing.T) {
	t.Parallel()
	sw := newSwitch(t, func(c *server.Config) { c.Registrar.KeepAlive = 300 * time.Millisecond })
	p := newPhone(t, sw, "1001")
	p.mustRegister(t)
	select {
	case req := <-p.pings:
		if src := req.Source(); src != sw.sip.String() {
			t.Errorf("keepalive from %s, want the switch's SIP port %s", src, sw.sip)
		}
		if req.Recipient.User != "1001" || req.Recipient.Port != int(p.addr.Port()) {
			t.Errorf("keepalive Request-URI %s, want the registered contact", req.Recipient.String())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no keepalive OPTIONS within 3s")
	}
}

// TestEarlyMedia183 checks early media: the callee's 183 with SDP reaches
// the caller pointing at the switch, and RTP flows before the answer.
func TestEarlyMedia183(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	b.setPolicy(policyEarly, 0)
	c := a.dial(t, "1002")
	in := b.waitIncoming(t)
	if !sw.inRTPRange(in.sdp.media) {
		t.Fatalf("callee offer points at %s, want the switch", in.sdp.media)
	}
	var r183 *sip.Response
	var prov []int
	for r183 == nil {
		r := c.next(t)
		if r.StatusCode >= 200 {
			t.Fatalf("caller got %d before the 183", r.StatusCode)
		}
		prov = append(prov, r.StatusCode)
		if r.StatusCode == 183 {
			r183 = r
		}
	}
	early, err := parseSDP(r183.Body())
	if err != nil {
		t.Fatalf("183 without usable SDP: %v (body %q)", err, r183.Body())
	}
	if !sw.inRTPRange(early.media) || early.media == b.rtp.addr || early.media == in.sdp.media {
		t.Fatalf("183 SDP points at %s, want the switch's caller-side port", early.media)
	}

	// The callee plays a tone; the caller hears it before any answer.
	if err := b.rtp.send(in.sdp.media, 25); err != nil {
		t.Fatal(err)
	}
	a.rtp.waitGood(t, 15)
	if _, bad := a.rtp.received(); bad != 0 {
		t.Errorf("caller received %d altered early RTP packets", bad)
	}
	if !a.rtp.onlyFrom(early.media) {
		t.Errorf("caller received early RTP from other sources than %s", early.media)
	}
	select {
	case r := <-c.res:
		if r.StatusCode >= 200 {
			t.Fatalf("caller got %d while the callee had not answered", r.StatusCode)
		}
	default:
	}

	close(in.release)
	res, more := c.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("caller got %d %s after %v, want 200", res.StatusCode, res.Reason, append(prov, more...))
	}
	ans, err := parseSDP(res.Body())
	if err != nil || ans.media != early.media {
		t.Errorf("200 SDP %+v (%v), want the 183's media address %s", ans, err, early.media)
	}
	da := c.ack(t, res)
	db := in.dialog(t)
	db.waitAck(t)
	exchange(t, a, da.Media(), b, db.Media(), 25, 20)
	callerHangsUp(t, sw, c.CallID(), da, db)
}

// TestMergedRequestLoop sends the caller's INVITE again on a new branch
// while the first rings: a merged request gets 482 (RFC 3261 8.2.2.2) and
// the first call goes on unharmed.
func TestMergedRequestLoop(t *testing.T) {
	t.Parallel()
	for _, end := range []string{"answer", "cancel"} {
		t.Run(end, func(t *testing.T) {
			t.Parallel()
			sw, a, b := pair(t)
			b.setPolicy(policyManual, 0)
			c := a.dial(t, "1002")
			in := b.waitIncoming(t)
			for r := c.next(t); r.StatusCode != 180; r = c.next(t) {
				if r.StatusCode >= 200 {
					t.Fatalf("caller got %d before ringing", r.StatusCode)
				}
			}

			dup := c.inv.Clone()
			dup.RemoveHeader("Via") // the phone adds a Via with a fresh branch
			res := a.do(t, dup)
			if res.StatusCode != 482 {
				t.Fatalf("merged INVITE: %d %s, want 482", res.StatusCode, res.Reason)
			}
			b1, _ := c.inv.Via().Params.Get("branch")
			b2, _ := res.Via().Params.Get("branch")
			if b2 == "" || b2 == b1 {
				t.Fatalf("482 on branch %q, want the second request's, not the first's %q", b2, b1)
			}
			select {
			case in2 := <-b.incoming:
				t.Fatalf("the callee was rung again (%s)", in2.req.CallID().Value())
			default:
			}
			if n := sw.srv.Calls.Active(); n != 1 {
				t.Errorf("%d calls active, want 1", n)
			}

			switch end {
			case "answer":
				close(in.release)
				da := c.answered(t)
				db := in.dialog(t)
				db.waitAck(t)
				exchange(t, a, da.Media(), b, db.Media(), 25, 20)
				if res := da.bye(t); res.StatusCode != 200 {
					t.Fatalf("BYE: %d", res.StatusCode)
				}
				db.waitBye(t)
				if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusAnswered {
					t.Fatalf("CDR %+v, want answered", cdr)
				}
			case "cancel":
				if res := c.cancel(t); res.StatusCode != 200 {
					t.Fatalf("CANCEL: %d, want 200", res.StatusCode)
				}
				if res, _ := c.final(t); res.StatusCode != 487 {
					t.Fatalf("INVITE after CANCEL: %d, want 487", res.StatusCode)
				}
				in.waitCanceled(t)
				if cdr := sw.waitCDR(t, c.CallID()); cdr.Status != store.StatusCanceled {
					t.Fatalf("CDR %+v, want canceled", cdr)
				}
			}
			cdrs, err := sw.st.ListCDRs(store.CDRQuery{Limit: store.MaxCDRLimit})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(slices.DeleteFunc(cdrs, func(r store.CDR) bool { return r.CallID != c.CallID() })); n != 1 {
				t.Errorf("%d CDRs for the call, want 1 (the merged request is no call)", n)
			}
		})
	}
}
