package integration

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

func init() {
	// sipgo logs every dropped message at error level; the tests assert
	// outcomes instead.
	if testLogger().Enabled(context.Background(), slog.LevelDebug) {
		sip.SetDefaultLogger(testLogger())
	} else {
		sip.SetDefaultLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
}

// policy is how a phone treats an incoming call.
type policy int

const (
	policyAnswer policy = iota // 180, then 200 with SDP after the answer delay
	policyBusy                 // 180, then 486
	policyRing                 // 180, then ring until CANCEL (sipgo answers 487)
	policyEarly                // 183 with SDP (early media), then 200 once the test releases the call
	policyManual               // 180, then 200 once the test releases the call
)

// phone is a small SIP phone on its own loopback UDP port, talking only to
// one switch. Tests drive it from one goroutine; its handlers report
// through channels.
type phone struct {
	user               string // From and Contact user
	authUser, password string // digest credentials (default: user and its password)
	transport          string // "udp", "tcp" or "tls"
	domain             string // host of From and To ("" 127.0.0.1); see setDomain
	sw                 *testSwitch
	cli                *sipgo.Client
	addr               netip.AddrPort // SIP listener
	rtp                *rtpPeer
	reg                *dialog // REGISTER requests share Call-ID and CSeq space

	mu       sync.Mutex
	policy   policy
	delay    time.Duration
	dialogs  map[string]*dialog // by Call-ID
	incoming chan *incoming
	pings    chan *sip.Request // OPTIONS the switch sent us (keepalives)
	notifies chan *sip.Request // NOTIFYs the switch sent us (MWI)
	messages chan *sip.Request // MESSAGEs the switch sent us
	infos    chan *sip.Request // INFOs the switch sent us (DTMF)
}

var ssrcs atomic.Uint32

// newPhone starts a UDP phone.
func newPhone(t testing.TB, sw *testSwitch, user string) *phone {
	t.Helper()
	return newPhoneOn(t, sw, user, "udp")
}

// newPhoneOn starts a phone on transport "udp", "tcp" or "tls".
func newPhoneOn(t testing.TB, sw *testSwitch, user, transport string) *phone {
	t.Helper()
	uaOpts := []sipgo.UserAgentOption{sipgo.WithUserAgent("testphone"), sipgo.WithUserAgentHostname("127.0.0.1")}
	if transport == "tls" {
		// Dial the switch trusting only the test root.
		uaOpts = append(uaOpts, sipgo.WithUserAgenTLSConfig(&tls.Config{RootCAs: testCert(t).pool}))
	}
	ua, err := sipgo.NewUA(uaOpts...)
	if err != nil {
		t.Fatalf("phone ua: %v", err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatalf("phone server: %v", err)
	}
	var (
		addr  netip.AddrPort
		serve func() error
		stop  func() error
	)
	switch transport {
	case "udp":
		conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("phone listen: %v", err)
		}
		addr, serve, stop = netip.MustParseAddrPort(conn.LocalAddr().String()), func() error { return srv.ServeUDP(conn) }, conn.Close
	case "tcp":
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("phone listen: %v", err)
		}
		addr, serve, stop = netip.MustParseAddrPort(l.Addr().String()), func() error { return srv.ServeTCP(l) }, l.Close
	case "tls":
		l, err := tls.Listen("tcp4", "127.0.0.1:0", testCert(t).server())
		if err != nil {
			t.Fatalf("phone listen: %v", err)
		}
		addr, serve, stop = netip.MustParseAddrPort(l.Addr().String()), func() error { return srv.ServeTLS(l) }, l.Close
	default:
		t.Fatalf("phone transport %q", transport)
	}
	cli, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientPort(int(addr.Port())))
	if err != nil {
		t.Fatalf("phone client: %v", err)
	}
	p := &phone{user: user, authUser: user, password: passwordOf(user), transport: transport, sw: sw, cli: cli,
		addr: addr, rtp: newRTPPeer(t, ssrcs.Add(1)), dialogs: map[string]*dialog{}, incoming: make(chan *incoming, 8),
		pings: make(chan *sip.Request, 8), notifies: make(chan *sip.Request, 16), messages: make(chan *sip.Request, 8),
		infos: make(chan *sip.Request, 16)}
	p.reg = p.newDialog(sip.GenerateTagN(24), p.aor(user), p.aor(user), p.switchURI(""))
	srv.OnInvite(p.onInvite)
	srv.OnAck(p.onAck)
	srv.OnBye(p.onBye)
	srv.OnNotify(func(req *sip.Request, tx sip.ServerTransaction) {
		push(p.notifies, req)
		p.respond(tx, req, 200, "", nil)
	})
	srv.OnMessage(func(req *sip.Request, tx sip.ServerTransaction) {
		push(p.messages, req)
		p.respond(tx, req, 200, "", nil)
	})
	srv.OnInfo(func(req *sip.Request, tx sip.ServerTransaction) {
		push(p.infos, req)
		p.respond(tx, req, 200, "", nil)
	})
	srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		push(p.pings, req)
		p.respond(tx, req, 200, "", nil)
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		serve()
	}()
	// UDP requests go out of the listening socket, which sipgo knows only
	// once ServeUDP has registered it.
	for deadline := time.Now().Add(wait); transport == "udp"; time.Sleep(time.Millisecond) {
		if c, err := ua.TransportLayer().GetConnection("udp", addr.String()); err == nil && c != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("phone listener never registered")
		}
	}
	t.Cleanup(func() {
		ua.Close()
		stop()
		<-done
	})
	return p
}

// aor is sip:user@127.0.0.1 (or the phone's domain), for From and To.
func (p *phone) aor(user string) sip.Uri {
	if p.domain != "" {
		return sip.Uri{Scheme: "sip", User: user, Host: p.domain}
	}
	return sip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1"}
}

// setDomain makes the phone a user of a SIP domain (a tenant's): From and
// To, the REGISTER's AOR included, name it; requests still go to the
// switch's address.
func (p *phone) setDomain(domain string) {
	p.domain = domain
	p.reg = p.newDialog(sip.GenerateTagN(24), p.aor(p.user), p.aor(p.user), p.switchURI(""))
}

// switchURI is a Request-URI at the switch.
func (p *phone) switchURI(user string) sip.Uri {
	return sip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1", Port: int(p.sw.sip.Port())}
}

// contact is where the switch reaches this phone.
func (p *phone) contact() sip.Uri {
	u := sip.Uri{Scheme: "sip", User: p.user, Host: "127.0.0.1", Port: int(p.addr.Port())}
	if p.transport != "udp" {
		u.UriParams = sip.HeaderParams{{K: "transport", V: p.transport}}
	}
	return u
}

// setPolicy says how the next incoming calls are treated.
func (p *phone) setPolicy(pol policy, answerDelay time.Duration) {
	p.mu.Lock()
	p.policy, p.delay = pol, answerDelay
	p.mu.Unlock()
}

// route sends req to the switch from our listening socket, so responses and
// the switch's requests come back to it.
func (p *phone) route(req *sip.Request) {
	if p.transport != "udp" {
		// One connection to the switch, reused for everything both ways.
		req.SetTransport(strings.ToUpper(p.transport))
		req.SetDestination(p.sw.srv.Stack.Addr(p.transport).String())
		return
	}
	req.SetTransport("UDP")
	req.SetDestination(p.sw.sip.String())
	req.Laddr = sip.Addr{IP: net.IP(p.addr.Addr().AsSlice()), Port: int(p.addr.Port())}
}

// send starts a client transaction; by default sipgo adds only the Via.
func (p *phone) send(req *sip.Request, opts ...sipgo.ClientRequestOption) (sip.ClientTransaction, error) {
	p.route(req)
	if len(opts) == 0 {
		opts = []sipgo.ClientRequestOption{sipgo.ClientRequestAddVia}
	}
	return p.cli.TransactionRequest(context.Background(), req, opts...)
}

// do sends req and returns its final response.
func (p *phone) do(t testing.TB, req *sip.Request, opts ...sipgo.ClientRequestOption) *sip.Response {
	t.Helper()
	tx, err := p.send(req, opts...)
	if err != nil {
		t.Fatalf("%s %s: send: %v", p.user, req.Method, err)
	}
	defer tx.Terminate()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case r := <-tx.Responses():
			if r.StatusCode >= 200 {
				return r
			}
		case <-tx.Done():
			t.Fatalf("%s %s: transaction ended: %v", p.user, req.Method, tx.Err())
		case <-timer.C:
			t.Fatalf("%s %s: no final response within %v", p.user, req.Method, wait)
		}
	}
}

// authorization answers the first challenge in res (WWW-Authenticate or
// Proxy-Authenticate) for method and uri with nonce count nc.
func (p *phone) authorization(t testing.TB, res *sip.Response, header string, method sip.RequestMethod, uri string, nc int) string {
	t.Helper()
	h := res.GetHeader(header)
	if h == nil {
		t.Fatalf("%d response has no %s", res.StatusCode, header)
	}
	chal, err := digest.ParseChallenge(h.Value())
	if err != nil {
		t.Fatalf("parse challenge %q: %v", h.Value(), err)
	}
	cred, err := digest.Digest(chal, digest.Options{Method: string(method), URI: uri, Username: p.authUser,
		Password: p.password, Count: nc})
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	return cred.String()
}

// registerReq builds a REGISTER: expires < 0 sends no Expires header,
// contact false makes it a query, auth is an Authorization value or "".
func (p *phone) registerReq(expires int, contact bool, auth string) *sip.Request {
	req := p.reg.request(sip.REGISTER)
	if !contact {
		req.RemoveHeader("Contact")
	}
	if expires >= 0 {
		req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	}
	if auth != "" {
		req.AppendHeader(sip.NewHeader("Authorization", auth))
	}
	return req
}

// register sends a REGISTER, answers the 401 challenge and returns the final response.
func (p *phone) register(t testing.TB, expires int, contact bool) *sip.Response {
	t.Helper()
	res := p.do(t, p.registerReq(expires, contact, ""))
	if res.StatusCode != 401 {
		return res
	}
	uri := p.switchURI("")
	auth := p.authorization(t, res, "WWW-Authenticate", sip.REGISTER, uri.String(), 1)
	return p.do(t, p.registerReq(expires, contact, auth))
}

func (p *phone) mustRegister(t testing.TB) {
	t.Helper()
	if res := p.register(t, 3600, true); res.StatusCode != 200 {
		t.Fatalf("%s REGISTER: %d %s", p.user, res.StatusCode, res.Reason)
	}
}

// respond answers a request, with our tag on the To of a new dialog.
func (p *phone) respond(tx sip.ServerTransaction, req *sip.Request, code int, toTag string, body []byte) {
	res := sip.NewResponseFromRequest(req, code, "", body)
	if toTag != "" {
		res.To().Params.Add("tag", toTag)
	}
	res.AppendHeader(&sip.ContactHeader{Address: p.contact()})
	if body != nil {
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	}
	tx.Respond(res)
}

// --- dialogs

// dialog is one call leg at the phone (either side) or the REGISTER
// sequence. Incoming in-dialog requests are reported on its channels.
type dialog struct {
	p                   *phone
	callID              string
	localTag, remoteTag string
	local, remote       sip.Uri // From and To of the requests we send
	target              sip.Uri // their Request-URI
	cseq                atomic.Uint32
	sdpVersion          atomic.Int32

	mu    sync.Mutex
	media netip.AddrPort // where the switch wants our RTP, from its latest SDP

	byes, acks, reinvites chan *sip.Request
}

func (p *phone) newDialog(callID string, local, remote, target sip.Uri) *dialog {
	return &dialog{p: p, callID: callID, localTag: sip.GenerateTagN(16), local: local, remote: remote, target: target,
		byes: make(chan *sip.Request, 8), acks: make(chan *sip.Request, 8), reinvites: make(chan *sip.Request, 8)}
}

func (p *phone) addDialog(d *dialog) {
	p.mu.Lock()
	p.dialogs[d.callID] = d
	p.mu.Unlock()
}

func (p *phone) dialog(callID string) *dialog {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dialogs[callID]
}

func (p *phone) dropDialog(d *dialog) {
	p.mu.Lock()
	delete(p.dialogs, d.callID)
	p.mu.Unlock()
}

// request builds the next request of the dialog (every header but Via).
func (d *dialog) request(method sip.RequestMethod) *sip.Request {
	return d.build(method, d.cseq.Add(1))
}

func (d *dialog) build(method sip.RequestMethod, cseq uint32) *sip.Request {
	req := sip.NewRequest(method, *d.target.Clone())
	from := &sip.FromHeader{Address: *d.local.Clone(), Params: sip.NewParams()}
	from.Params.Add("tag", d.localTag)
	to := &sip.ToHeader{Address: *d.remote.Clone(), Params: sip.NewParams()}
	if d.remoteTag != "" {
		to.Params.Add("tag", d.remoteTag)
	}
	cid := sip.CallIDHeader(d.callID)
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&cid)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: cseq, MethodName: method})
	req.AppendHeader(&mf)
	req.AppendHeader(&sip.ContactHeader{Address: d.p.contact()})
	req.SetBody(nil)
	return req
}

// withSDP attaches our SDP with the given direction.
func (d *dialog) withSDP(req *sip.Request, dir string) *sip.Request {
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody(sdpBody(d.p.rtp.addr, int(d.sdpVersion.Add(1)), dir))
	return req
}

// Media is where the switch wants this leg's RTP.
func (d *dialog) Media() netip.AddrPort {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.media
}

func (d *dialog) setMedia(a netip.AddrPort) {
	d.mu.Lock()
	d.media = a
	d.mu.Unlock()
}

// ack sends the ACK for a 2xx to our INVITE with CSeq cseq.
func (d *dialog) ack(t testing.TB, cseq uint32) {
	t.Helper()
	ack := d.build(sip.ACK, cseq)
	d.p.route(ack)
	if err := d.p.cli.WriteRequest(ack, sipgo.ClientRequestAddVia); err != nil {
		t.Fatalf("ACK: %v", err)
	}
}

// bye hangs up and returns the BYE's final response.
func (d *dialog) bye(t testing.TB) *sip.Response {
	t.Helper()
	res := d.p.do(t, d.request(sip.BYE))
	d.p.dropDialog(d)
	return res
}

// reinvite sends a re-INVITE with our SDP in direction dir, ACKs a 2xx and
// returns the final response.
func (d *dialog) reinvite(t testing.TB, dir string) *sip.Response {
	t.Helper()
	var req *sip.Request
	var res *sip.Response
	for try := 0; ; try++ {
		req = d.withSDP(d.request(sip.INVITE), dir)
		res = d.p.do(t, req)
		if res.StatusCode != 491 || try == 3 {
			break
		}
		// Glare, or our last ACK not yet seen: retry later (RFC 3261 14.1).
		t.Logf("%s: re-INVITE got 491, retrying", d.p.user)
		time.Sleep(200 * time.Millisecond)
	}
	if res.IsSuccess() {
		if info, err := parseSDP(res.Body()); err == nil {
			d.setMedia(info.media)
		}
		d.ack(t, req.CSeq().SeqNo)
	}
	return res
}

// recv waits for the next request on one of the dialog's channels.
func recv(t testing.TB, ch chan *sip.Request, what string) *sip.Request {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(wait):
		t.Fatalf("no %s within %v", what, wait)
		return nil
	}
}

func (d *dialog) waitBye(t testing.TB) *sip.Request {
	t.Helper()
	return recv(t, d.byes, d.p.user+": BYE")
}

func (d *dialog) waitAck(t testing.TB) *sip.Request {
	t.Helper()
	return recv(t, d.acks, d.p.user+": ACK")
}

func (d *dialog) waitReinvite(t testing.TB) *sip.Request {
	t.Helper()
	return recv(t, d.reinvites, d.p.user+": re-INVITE")
}

// push reports a request without ever blocking a handler.
func push(ch chan *sip.Request, r *sip.Request) {
	select {
	case ch <- r:
	default:
	}
}

// --- calls we place

// outCall is a call this phone places. Responses to its INVITE (after the
// authentication round) arrive on res.
type outCall struct {
	p   *phone
	d   *dialog
	inv *sip.Request // the INVITE in flight
	res chan *sip.Response
}

// dial calls ext and answers the 407 challenge.
func (p *phone) dial(t testing.TB, ext string) *outCall {
	t.Helper()
	return p.dialWith(t, ext, true, nil)
}

// dialWith calls ext; auth false leaves a 407 as the call's final response;
// edit, if not nil, changes each INVITE before it is sent.
func (p *phone) dialWith(t testing.TB, ext string, auth bool, edit func(*sip.Request)) *outCall {
	t.Helper()
	d := p.newDialog(sip.GenerateTagN(24), p.aor(p.user), p.aor(ext), p.switchURI(ext))
	c := &outCall{p: p, d: d, res: make(chan *sip.Response, 32)}
	invite := func(auth string) *sip.Request {
		req := d.withSDP(d.request(sip.INVITE), "sendrecv")
		if auth != "" {
			req.AppendHeader(sip.NewHeader("Proxy-Authorization", auth))
		}
		if edit != nil {
			edit(req)
		}
		return req
	}
	c.inv = invite("")
	res := p.do(t, c.inv)
	if res.StatusCode != 407 || !auth {
		c.res <- res
		return c
	}
	c.inv = invite(p.authorization(t, res, "Proxy-Authenticate", sip.INVITE, c.inv.Recipient.String(), 1))
	tx, err := p.send(c.inv)
	if err != nil {
		t.Fatalf("INVITE: %v", err)
	}
	go c.pump(tx)
	return c
}

func (c *outCall) pump(tx sip.ClientTransaction) {
	defer tx.Terminate()
	for {
		select {
		case r := <-tx.Responses():
			c.res <- r
			if r.StatusCode >= 200 {
				return
			}
		case <-tx.Done():
			return
		}
	}
}

// CallID is the caller's Call-ID, which names the CDR.
func (c *outCall) CallID() string { return c.d.callID }

// next returns the next response to the INVITE.
func (c *outCall) next(t testing.TB) *sip.Response {
	t.Helper()
	select {
	case r := <-c.res:
		return r
	case <-time.After(wait):
		t.Fatalf("%s: no response to INVITE within %v", c.p.user, wait)
		return nil
	}
}

// final skips provisional responses and returns the final one and the
// provisional codes seen on the way.
func (c *outCall) final(t testing.TB) (*sip.Response, []int) {
	t.Helper()
	var prov []int
	for {
		r := c.next(t)
		if r.StatusCode >= 200 {
			return r, prov
		}
		prov = append(prov, r.StatusCode)
	}
}

// ack confirms an answered call and returns the dialog.
func (c *outCall) ack(t testing.TB, res *sip.Response) *dialog {
	t.Helper()
	d := c.d
	d.remoteTag, _ = res.To().Params.Get("tag")
	if ct := res.Contact(); ct != nil {
		d.target = ct.Address
	}
	if info, err := parseSDP(res.Body()); err == nil {
		d.setMedia(info.media)
	}
	c.p.addDialog(d)
	d.ack(t, c.inv.CSeq().SeqNo)
	return d
}

// answered waits for the 200 (after at least a 180) and ACKs it.
func (c *outCall) answered(t testing.TB) *dialog {
	t.Helper()
	res, _ := c.final(t)
	if res.StatusCode != 200 {
		t.Fatalf("%s: call answered with %d %s, want 200", c.p.user, res.StatusCode, res.Reason)
	}
	return c.ack(t, res)
}

// cancel sends a CANCEL for the INVITE in flight (RFC 3261 9.1) and returns
// the CANCEL's own final response.
func (c *outCall) cancel(t testing.TB) *sip.Response {
	t.Helper()
	inv := c.inv
	req := sip.NewRequest(sip.CANCEL, *inv.Recipient.Clone())
	req.AppendHeader(sip.HeaderClone(inv.Via()))
	req.AppendHeader(sip.HeaderClone(inv.From()))
	req.AppendHeader(sip.HeaderClone(inv.To()))
	req.AppendHeader(sip.HeaderClone(inv.CallID()))
	req.AppendHeader(&sip.CSeqHeader{SeqNo: inv.CSeq().SeqNo, MethodName: sip.CANCEL})
	mf := sip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	req.SetBody(nil)
	return c.p.do(t, req, func(*sipgo.Client, *sip.Request) error { return nil })
}

// --- calls we receive

// incoming is a call the switch placed to this phone.
type incoming struct {
	req      *sip.Request
	sdp      sdpInfo       // the switch's offer
	canceled chan struct{} // closed when the switch CANCELs
	answered chan struct{} // closed when d is set, just before the 200 goes out
	release  chan struct{} // closed by the test: answer now (policyEarly, policyManual)
	d        *dialog
}

func (p *phone) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if tag, _ := req.To().Params.Get("tag"); tag != "" {
		p.onReinvite(req, tx)
		return
	}
	in := &incoming{req: req, canceled: make(chan struct{}), answered: make(chan struct{}), release: make(chan struct{})}
	in.sdp, _ = parseSDP(req.Body())
	var once sync.Once
	tx.OnCancel(func(*sip.Request) { once.Do(func() { close(in.canceled) }) })

	target := req.From().Address
	if ct := req.Contact(); ct != nil {
		target = ct.Address
	}
	d := p.newDialog(req.CallID().Value(), req.To().Address, req.From().Address, target)
	d.remoteTag, _ = req.From().Params.Get("tag")
	d.media = in.sdp.media
	p.mu.Lock()
	pol, delay := p.policy, p.delay
	p.mu.Unlock()
	var answer []byte // the 200's SDP; after early media it repeats the 183's
	if pol == policyEarly {
		answer = sdpBody(p.rtp.addr, int(d.sdpVersion.Add(1)), "sendrecv")
		p.respond(tx, req, 183, d.localTag, answer)
	} else {
		p.respond(tx, req, 180, d.localTag, nil)
	}
	select {
	case p.incoming <- in:
	default:
	}
	switch pol {
	case policyBusy:
		p.respond(tx, req, 486, d.localTag, nil)
	case policyRing:
		select {
		case <-in.canceled:
		case <-tx.Done():
		case <-time.After(time.Minute):
		}
	default:
		var release <-chan struct{}
		if pol == policyEarly || pol == policyManual {
			release, delay = in.release, time.Minute
		}
		select {
		case <-time.After(delay):
		case <-release:
		case <-in.canceled:
			return
		case <-tx.Done():
			return
		}
		p.addDialog(d) // before the 200, so its ACK finds the dialog
		in.d = d
		close(in.answered)
		if answer == nil {
			answer = sdpBody(p.rtp.addr, int(d.sdpVersion.Add(1)), "sendrecv")
		}
		p.respond(tx, req, 200, d.localTag, answer)
	}
}

// onReinvite accepts a re-INVITE, answering the offered direction.
func (p *phone) onReinvite(req *sip.Request, tx sip.ServerTransaction) {
	d := p.dialog(req.CallID().Value())
	if d == nil {
		p.respond(tx, req, 481, "", nil)
		return
	}
	offer, err := parseSDP(req.Body())
	if err != nil {
		p.respond(tx, req, 488, "", nil)
		return
	}
	d.setMedia(offer.media)
	push(d.reinvites, req)
	p.respond(tx, req, 200, "", sdpBody(p.rtp.addr, int(d.sdpVersion.Add(1)), answerDir(offer.dir)))
}

func (p *phone) onAck(req *sip.Request, tx sip.ServerTransaction) {
	if d := p.dialog(req.CallID().Value()); d != nil {
		push(d.acks, req)
	}
}

func (p *phone) onBye(req *sip.Request, tx sip.ServerTransaction) {
	d := p.dialog(req.CallID().Value())
	if d == nil {
		p.respond(tx, req, 481, "", nil)
		return
	}
	p.respond(tx, req, 200, "", nil)
	p.dropDialog(d)
	push(d.byes, req)
}

// waitIncoming returns the next call the switch placed to this phone.
func (p *phone) waitIncoming(t testing.TB) *incoming {
	t.Helper()
	select {
	case in := <-p.incoming:
		return in
	case <-time.After(wait):
		t.Fatalf("%s: no incoming INVITE within %v", p.user, wait)
		return nil
	}
}

// dialog waits until the phone answered the call.
func (in *incoming) dialog(t testing.TB) *dialog {
	t.Helper()
	select {
	case <-in.answered:
		return in.d
	case <-time.After(wait):
		t.Fatalf("incoming call not answered within %v", wait)
		return nil
	}
}

// waitCanceled waits for the switch's CANCEL.
func (in *incoming) waitCanceled(t testing.TB) {
	t.Helper()
	select {
	case <-in.canceled:
	case <-time.After(wait):
		t.Fatalf("no CANCEL within %v", wait)
	}
}
