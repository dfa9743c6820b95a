package integration

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// providerCert is the provider's TLS certificate (for 127.0.0.2). The
// switch checks a provider's certificate against the system roots, as it
// must in production, so this package's system roots are made to hold
// it (SSL_CERT_FILE, read once, when the pool first loads: here).
var providerCert, providerCertErr = trustedProviderCert()

func trustedProviderCert() (*tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(now.UnixNano()), Subject: pkix.Name{CommonName: "hookswitch test provider"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 2)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hookswitch-roots-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "roots.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	old, had := os.LookupEnv("SSL_CERT_FILE")
	os.Setenv("SSL_CERT_FILE", file)
	_, err = x509.SystemCertPool()
	if had {
		os.Setenv("SSL_CERT_FILE", old)
	} else {
		os.Unsetenv("SSL_CERT_FILE")
	}
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion: tls.VersionTLS12}, nil
}

// onAddress puts a switch's SIP and RTP on one loopback address.
func onAddress(ip string) func(*server.Config) {
	return func(c *server.Config) {
		c.SIPUDP, c.SIPTCP, c.Advertise = ip+":0", ip+":0", ip
		c.RTPIP = netip.MustParseAddr(ip)
	}
}

// newProvider boots a second switch on 127.0.0.2 (trunk calls are told by
// their source address) with the trunk account 7001 and a phone 1002
// that answers; tls adds a TLS listener.
func newProvider(t *testing.T, withTLS bool, tune ...func(*server.Config)) (*testSwitch, *phone) {
	t.Helper()
	if providerCertErr != nil {
		t.Fatalf("provider certificate: %v", providerCertErr)
	}
	tune = append([]func(*server.Config){onAddress("127.0.0.2")}, tune...)
	if withTLS {
		tune = append(tune, func(c *server.Config) { c.SIPTLS, c.TLSConfig = "127.0.0.2:0", providerCert })
	}
	provider := newSwitch(t, tune...)
	if err := provider.st.CreateExtension(store.Extension{Number: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	far := newPhone(t, provider, "1002")
	far.mustRegister(t)
	far.setPolicy(policyAnswer, 50*time.Millisecond)
	return provider, far
}

// dialOut gives sw a register trunk to host over transport, a dial rule
// 9 + number through it, and a registered 1001; it waits for the trunk to
// register.
func dialOut(t *testing.T, sw *testSwitch, host, transport string) *phone {
	t.Helper()
	if err := sw.st.PutTrunk(store.Trunk{Name: "upstream", Kind: store.TrunkRegister, Host: host, Transport: transport,
		Username: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"upstream"}}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	waitFor(t, "the trunk registered over "+transport, func() bool {
		st := sw.srv.Trunks.Status()
		return len(st) == 1 && st[0].Registration != nil && st[0].Registration.State == trunk.StateRegistered
	})
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	a.setPolicy(policyAnswer, 50*time.Millisecond)
	return a
}

// callThrough places caller -> number, which rings callee (showing
// wantFrom as the caller); once answered, audio flows both ways.
func callThrough(t *testing.T, caller, callee *phone, number, wantFrom string) (*outCall, *dialog, *dialog) {
	t.Helper()
	c := caller.dial(t, number)
	in := callee.waitIncoming(t)
	if from := in.req.From().Address.User; from != wantFrom {
		t.Errorf("%s sees the caller as %q, want %s", callee.user, from, wantFrom)
	}
	da := c.answered(t)
	db := in.dialog(t)
	db.waitAck(t)
	exchange(t, caller, da.Media(), callee, db.Media(), 25, 15)
	return c, da, db
}

// trunkCall places 1001 -> 91002 through the trunk (the provider sees
// the trunk account calling), checks audio both ways and a re-INVITE
// from each side, and returns both dialogs.
func trunkCall(t *testing.T, a, far *phone) (*outCall, *dialog, *dialog) {
	t.Helper()
	c, da, db := callThrough(t, a, far, "91002", "7001")
	// A re-INVITE each way crosses the trunk in the dialog.
	if res := da.reinvite(t, "sendrecv"); res.StatusCode != 200 {
		t.Fatalf("re-INVITE from 1001: %d", res.StatusCode)
	}
	db.waitReinvite(t)
	db.waitAck(t) // each re-INVITE is ACKed across the trunk too
	if res := db.reinvite(t, "sendrecv"); res.StatusCode != 200 {
		t.Fatalf("re-INVITE from the provider's side: %d", res.StatusCode)
	}
	da.waitReinvite(t)
	da.waitAck(t)
	exchange(t, a, da.Media(), far, db.Media(), 25, 15)
	return c, da, db
}

// hangUp ends a trunk call from one side and checks the other gets the BYE
// and the switch's CDR.
func hangUp(t *testing.T, sw *testSwitch, c *outCall, from, to *dialog, reason string) {
	t.Helper()
	if res := from.bye(t); res.StatusCode != 200 {
		t.Fatalf("BYE: %d", res.StatusCode)
	}
	to.waitBye(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Direction != "outbound" || cdr.Status != store.StatusAnswered || cdr.EndedReason != reason {
		t.Fatalf("CDR %+v, want an answered outbound call, %s", cdr, reason)
	}
}

// An extension calls out through a register trunk over TCP. Every
// message between the switch and the provider goes through a relay that
// keeps them: one connection carries the registration, the INVITE and
// the in-dialog requests both ways; the INVITE says TCP in its
// Request-URI, Via and Contact.
func TestTrunkCallOverTCP(t *testing.T) {
	t.Parallel()
	provider, far := newProvider(t, false)
	tap := newSIPTap(t, provider.srv.Stack.Addr("tcp").String())
	sw := newSwitch(t)
	a := dialOut(t, sw, tap.addr(), "tcp")

	c, da, db := trunkCall(t, a, far)
	hangUp(t, sw, c, db, da, "callee_hangup")
	c2, da2, db2 := trunkCall(t, a, far)
	hangUp(t, sw, c2, da2, db2, "caller_hangup")

	if n := tap.connections(); n != 1 {
		t.Errorf("%d connections between the switch and the provider, want 1", n)
	}
	self := sw.srv.Stack.Addr("tcp")
	inv := tap.find(t, true, func(r *sip.Request) bool { return r.Method == sip.INVITE && !r.To().Params.Has("tag") })
	if tr, _ := inv.Recipient.UriParams.Get("transport"); tr != "tcp" || inv.Recipient.User != "1002" {
		t.Errorf("INVITE Request-URI %s, want 1002 with transport=tcp", inv.Recipient.String())
	}
	if v := inv.Via(); v == nil || v.Transport != "TCP" || v.Host != self.Addr().String() || v.Port != int(self.Port()) {
		t.Errorf("INVITE Via %v, want SIP/2.0/TCP %s", inv.Via(), self)
	}
	if ct := inv.Contact(); ct == nil || ct.Address.Host != self.Addr().String() || ct.Address.Port != int(self.Port()) ||
		ct.Address.UriParams.GetOr("transport", "") != "tcp" {
		t.Errorf("INVITE Contact %v, want the switch's TCP listener %s;transport=tcp", inv.Contact(), self)
	}
	// Each call's in-dialog requests, both ways, went through the relay.
	var calls []string // the trunk legs' Call-IDs, in order
	tap.each(func(out bool, r *sip.Request) {
		if id := r.CallID().Value(); out && r.Method == sip.INVITE && !r.To().Params.Has("tag") && !slices.Contains(calls, id) {
			calls = append(calls, id)
		}
	})
	if len(calls) != 2 {
		t.Fatalf("the relay saw %d calls set up, want 2", len(calls))
	}
	for _, want := range []struct {
		out    bool
		method sip.RequestMethod
		call   int
	}{
		{true, sip.INVITE, 0}, {false, sip.INVITE, 0}, {false, sip.BYE, 0},
		{true, sip.INVITE, 1}, {false, sip.INVITE, 1}, {true, sip.BYE, 1},
	} {
		seen := false
		tap.each(func(out bool, r *sip.Request) {
			seen = seen || out == want.out && r.Method == want.method && r.To().Params.Has("tag") && r.CallID().Value() == calls[want.call]
		})
		if !seen {
			t.Errorf("call %d: no in-dialog %s %s the provider on the trunk's connection", want.call+1, want.method,
				map[bool]string{true: "to", false: "from"}[want.out])
		}
	}
}

// The same over TLS. The provider's TLS port is reachable only over TLS,
// and its requests to the switch can only use the connection the switch
// opened (nothing listens at its source port), so a call that is set up,
// re-INVITEd and hung up from both sides proves both.
func TestTrunkCallOverTLS(t *testing.T) {
	t.Parallel()
	provider, far := newProvider(t, true)
	sw := newSwitch(t, func(c *server.Config) { c.SIPTLS, c.TLSConfig = "127.0.0.1:0", testCert(t).server() })
	a := dialOut(t, sw, provider.srv.Stack.Addr("tls").String(), "tls")
	if bs := provider.srv.Registrar.Lookup("7001"); len(bs) != 1 || bs[0].Transport != "tls" {
		t.Fatalf("the provider's bindings of the trunk: %+v, want one over tls", bs)
	}
	c, da, db := trunkCall(t, a, far)
	hangUp(t, sw, c, db, da, "callee_hangup")
	c2, da2, db2 := trunkCall(t, a, far)
	hangUp(t, sw, c2, da2, db2, "caller_hangup")
}

// A call from the provider comes in over TCP on an IP trunk: recognised by
// its address, routed by its DID to 1003, with audio both ways, and hung
// up from each side. The switch is on 127.0.0.3 here: the provider's trunk
// to it must not claim the provider's own phones on 127.0.0.1.
func TestTrunkInboundOverTCP(t *testing.T) {
	t.Parallel()
	provider, far := newProvider(t, false)
	sw := newSwitch(t, onAddress("127.0.0.3"))
	b := newPhone(t, sw, "1003")
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 50*time.Millisecond)
	if err := sw.st.PutTrunk(store.Trunk{Name: "provider", Kind: store.TrunkIP, Transport: "tcp",
		Host: provider.srv.Stack.Addr("tcp").String(), IPs: []string{"127.0.0.2"}}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	// The provider sends 8 + number to the switch over TCP.
	if err := provider.st.PutTrunk(store.Trunk{Name: "pbx", Kind: store.TrunkIP, Transport: "tcp",
		Host: sw.srv.Stack.Addr("tcp").String(), IPs: []string{"127.0.0.3"}}); err != nil {
		t.Fatal(err)
	}
	provider.srv.SyncTrunks()
	if err := provider.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "8", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"pbx"}}); err != nil {
		t.Fatal(err)
	}
	for _, callerEnds := range []bool{true, false} {
		_, dfar, db := callThrough(t, far, b, "81003", "1002")
		from, to, reason := dfar, db, "caller_hangup"
		if !callerEnds {
			from, to, reason = db, dfar, "callee_hangup"
		}
		if res := from.bye(t); res.StatusCode != 200 {
			t.Fatalf("BYE: %d", res.StatusCode)
		}
		to.waitBye(t)
		// The switch's CDR is under the Call-ID the provider gave its leg.
		waitFor(t, "the inbound CDR", func() bool {
			cdrs, err := sw.st.ListCDRs(store.CDRQuery{Limit: 10})
			return err == nil && len(cdrs) > 0 && cdrs[0].Direction == "inbound" &&
				cdrs[0].Status == store.StatusAnswered && cdrs[0].EndedReason == reason
		})
	}
}

// --- a relay that keeps the SIP messages it passes

// sipTap relays TCP connections to target and keeps every request that
// passes, with its direction (out: towards target).
type sipTap struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	conns int
	reqs  []tapped
}

type tapped struct {
	out bool
	req *sip.Request
}

func newSIPTap(t *testing.T, target string) *sipTap {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("tap: %v", err)
	}
	tp := &sipTap{l: l, target: target}
	var wg sync.WaitGroup
	var live []net.Conn
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.DialTimeout("tcp4", target, wait)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			live = append(live, c, u)
			mu.Unlock()
			tp.mu.Lock()
			tp.conns++
			tp.mu.Unlock()
			wg.Add(2)
			go func() { defer wg.Done(); tp.pipe(u, c, true); u.Close() }()
			go func() { defer wg.Done(); tp.pipe(c, u, false); c.Close() }()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range live {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return tp
}

func (tp *sipTap) addr() string { return tp.l.Addr().String() }

func (tp *sipTap) connections() int {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.conns
}

// pipe copies src to dst and keeps the requests in the stream (RFC 3261
// 18.3: each message framed by its Content-Length).
func (tp *sipTap) pipe(dst io.Writer, src io.Reader, out bool) {
	var buf []byte
	chunk := make([]byte, 32<<10)
	for {
		n, err := src.Read(chunk)
		if n > 0 {
			if _, werr := dst.Write(chunk[:n]); werr != nil {
				return
			}
			buf = append(buf, chunk[:n]...)
			buf = tp.keep(buf, out)
		}
		if err != nil {
			return
		}
	}
}

// keep takes the complete messages off the front of buf.
func (tp *sipTap) keep(buf []byte, out bool) []byte {
	for {
		buf = bytes.TrimLeft(buf, "\r\n") // keepalives
		end := bytes.Index(buf, []byte("\r\n\r\n"))
		if end < 0 {
			return buf
		}
		length := 0
		for _, line := range strings.Split(string(buf[:end]), "\r\n") {
			name, v, ok := strings.Cut(line, ":")
			if n := strings.ToLower(strings.TrimSpace(name)); ok && (n == "content-length" || n == "l") {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		size := end + 4 + length
		if len(buf) < size {
			return buf
		}
		if msg, err := sip.ParseMessage(bytes.Clone(buf[:size])); err == nil {
			if req, ok := msg.(*sip.Request); ok {
				tp.mu.Lock()
				tp.reqs = append(tp.reqs, tapped{out, req})
				tp.mu.Unlock()
			}
		}
		buf = buf[size:]
	}
}

// each calls f with every request kept, in order.
func (tp *sipTap) each(f func(out bool, r *sip.Request)) {
	tp.mu.Lock()
	reqs := append([]tapped(nil), tp.reqs...)
	tp.mu.Unlock()
	for _, r := range reqs {
		f(r.out, r.req)
	}
}

// find returns the first request in one direction that ok accepts.
func (tp *sipTap) find(t *testing.T, out bool, ok func(*sip.Request) bool) *sip.Request {
	t.Helper()
	var found *sip.Request
	tp.each(func(o bool, r *sip.Request) {
		if found == nil && o == out && ok(r) {
			found = r
		}
	})
	if found == nil {
		t.Fatalf("no such request %s the provider", map[bool]string{true: "to", false: "from"}[out])
	}
	return found
}
