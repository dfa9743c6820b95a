package trunk

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/sip/digest"
	"github.com/hookswitch/hookswitch/switch/store"
)

// wait bounds every expectation.
const wait = 10 * time.Second

// The provider's trunk account.
const (
	trunkUser     = "7001"
	trunkPassword = "Secret-7001-pw"
)

// testLogger is silent unless HOOKSWITCH_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("HOOKSWITCH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// eventually polls cond until it holds or wait passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", wait, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// providerConfig tunes the provider: its registrar and digest challenges.
type providerConfig struct {
	SIPUDP, SIPTCP   string
	Registrar        registrar.Config
	DigestAlgorithms []digest.Algorithm
}

// provider is a second hookswitch registrar, in-process, that our trunk
// registers to: our SIP stack, registrar and digest authentication, as
// the switch assembles them (switch/server imports this package, so its
// tests cannot import switch/server).
type provider struct {
	st    *store.Store
	cfg   providerConfig
	stack *sip.Stack
	reg   *registrar.Registrar
	udp   netip.AddrPort
	tcp   netip.AddrPort
}

func newProvider(t *testing.T, tune ...func(*providerConfig)) *provider {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	if err := st.CreateExtension(store.Extension{Number: trunkUser, Password: trunkPassword}); err != nil {
		t.Fatalf("create extension: %v", err)
	}
	cfg := providerConfig{SIPUDP: "127.0.0.1:0", SIPTCP: "127.0.0.1:0"}
	cfg.Registrar.KeepAlive = -1 // no OPTIONS to our stack: it has no handlers
	for _, f := range tune {
		f(&cfg)
	}
	p := &provider{st: st, cfg: cfg}
	p.start(t)
	t.Cleanup(func() {
		if p.stack != nil {
			p.stack.Close()
		}
		st.Close()
	})
	return p
}

func (p *provider) start(t *testing.T) {
	t.Helper()
	reg, err := registrar.New(p.cfg.Registrar, p.st, testLogger())
	if err != nil {
		t.Fatalf("provider registrar: %v", err)
	}
	stack, err := sip.New(sip.Config{UDP: p.cfg.SIPUDP, TCP: p.cfg.SIPTCP, Advertise: "127.0.0.1", Logger: testLogger()})
	if err != nil {
		t.Fatalf("provider stack: %v", err)
	}
	algs := p.cfg.DigestAlgorithms
	if len(algs) == 0 {
		algs = []digest.Algorithm{digest.MD5}
	}
	h := &registrar.Handler{R: reg, Auth: digest.New("hookswitch", digest.Options{Algorithms: algs})}
	stack.Handle(gosip.REGISTER, h.ServeSIP)
	stack.Handle(gosip.OPTIONS, func(req *gosip.Request, tx gosip.ServerTransaction) {
		sip.Respond(tx, req, 200, "", nil)
	})
	if err := stack.Listen(); err != nil {
		t.Fatalf("provider listen: %v", err)
	}
	p.stack, p.reg = stack, reg
	p.udp, p.tcp = stack.Addr("udp"), stack.Addr("tcp")
}

// stop closes the node, keeping its store.
func (p *provider) stop(t *testing.T) {
	t.Helper()
	if err := p.stack.Close(); err != nil {
		t.Fatalf("provider close: %v", err)
	}
	p.stack = nil
}

// restart boots the node again on the same ports.
func (p *provider) restart(t *testing.T) {
	t.Helper()
	p.cfg.SIPUDP, p.cfg.SIPTCP = p.udp.String(), p.tcp.String()
	p.start(t)
}

// bindings is what the provider's registrar holds for the trunk user.
func (p *provider) bindings() []store.Binding {
	if p.stack == nil {
		return nil
	}
	return p.reg.Lookup(trunkUser)
}

// newStack is our side: a SIP stack on loopback UDP and TCP.
func newStack(t *testing.T) *sip.Stack {
	t.Helper()
	s, err := sip.New(sip.Config{UDP: "127.0.0.1:0", TCP: "127.0.0.1:0", Advertise: "127.0.0.1", Logger: testLogger()})
	if err != nil {
		t.Fatalf("stack: %v", err)
	}
	if err := s.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	waitServing(t, s)
	return s
}

// waitServing returns once the stack can send UDP: Listen returns before
// sipgo has taken the socket into its pool, and a request sent in that
// window fails with "address already in use" (see the report).
func waitServing(t *testing.T, s *sip.Stack) {
	t.Helper()
	self := s.Addr("udp")
	p, err := newPeer("udp", self.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "stack serving UDP", func() bool {
		req := p.newRequest(gosip.OPTIONS, s.Contact("udp", "probe"))
		from := &gosip.FromHeader{Address: s.Contact("udp", "probe"), Params: gosip.NewParams()}
		from.Params.Add("tag", sip.NewTag())
		cid := gosip.CallIDHeader(sip.NewCallID())
		req.AppendHeader(from)
		req.AppendHeader(&gosip.ToHeader{Address: s.Contact("udp", "probe"), Params: gosip.NewParams()})
		req.AppendHeader(&cid)
		req.AppendHeader(&gosip.CSeqHeader{SeqNo: 1, MethodName: gosip.OPTIONS})
		req.SetBody(nil)
		_, _, err := send(context.Background(), s, req, time.Second)
		return err == nil
	})
}

// account is a fast-retrying account for the provider.
func (p *provider) account(transport string) Account {
	a := p.udp
	if transport == "tcp" {
		a = p.tcp
	}
	return Account{Name: "prov", Registrar: a.String(), Transport: transport, Username: trunkUser, Password: trunkPassword,
		Expiry: 60 * time.Second, RetryInterval: 50 * time.Millisecond, MaxRetryInterval: 200 * time.Millisecond,
		Timeout: 300 * time.Millisecond}
}

// events records OnChange calls.
type events[T any] struct {
	mu  sync.Mutex
	got []T
}

func (e *events[T]) add(s T) {
	e.mu.Lock()
	e.got = append(e.got, s)
	e.mu.Unlock()
}

func (e *events[T]) all() []T {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]T(nil), e.got...)
}

// fakeUAS is a bare sipgo server whose answers a test scripts.
type fakeUAS struct {
	addr netip.AddrPort
	mu   sync.Mutex
	reqs []*gosip.Request
	// answer returns the response to the nth (from 0) request of its
	// method, or nil to stay silent.
	answer func(n int, req *gosip.Request) *gosip.Response
	counts map[gosip.RequestMethod]int
}

func newFakeUAS(t *testing.T, answer func(n int, req *gosip.Request) *gosip.Response) *fakeUAS {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgentTransportLayerOptions(gosip.WithTransportLayerLogger(testLogger())),
		sipgo.WithUserAgentTransactionLayerOptions(gosip.WithTransactionLayerLogger(testLogger())))
	if err != nil {
		t.Fatalf("ua: %v", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(testLogger()))
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	f := &fakeUAS{answer: answer, counts: map[gosip.RequestMethod]int{}}
	h := func(req *gosip.Request, tx gosip.ServerTransaction) {
		f.mu.Lock()
		n := f.counts[req.Method]
		f.counts[req.Method]++
		f.reqs = append(f.reqs, req.Clone())
		answer := f.answer
		f.mu.Unlock()
		if res := answer(n, req); res != nil {
			tx.Respond(res)
		}
	}
	srv.OnRegister(h)
	srv.OnOptions(h)
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	f.addr = netip.MustParseAddrPort(conn.LocalAddr().String())
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeUDP(conn)
	}()
	t.Cleanup(func() {
		conn.Close()
		ua.Close()
		<-done
	})
	return f
}

func (f *fakeUAS) requests() []*gosip.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*gosip.Request(nil), f.reqs...)
}

func (f *fakeUAS) setAnswer(a func(n int, req *gosip.Request) *gosip.Response) {
	f.mu.Lock()
	f.answer = a
	f.counts = map[gosip.RequestMethod]int{}
	f.mu.Unlock()
}

// ok answers 200, echoing the request's Contact with its Expires.
func ok(req *gosip.Request) *gosip.Response {
	res := gosip.NewResponseFromRequest(req, 200, "OK", nil)
	if c := req.Contact(); c != nil {
		exp := "0"
		if e := req.GetHeader("Expires"); e != nil {
			exp = e.Value()
		}
		res.AppendHeader(gosip.NewHeader("Contact", "<"+c.Address.String()+">;expires="+exp))
	}
	return res
}
