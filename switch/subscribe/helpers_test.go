package subscribe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/sip"
	sipdigest "github.com/hookswitch/hookswitch/switch/sip/digest"
	"github.com/hookswitch/hookswitch/switch/store"
)

func init() {
	// sipgo logs dropped messages at error level; the tests assert outcomes.
	gosip.SetDefaultLogger(discard)
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// wait bounds every wait for the network, so a broken test fails instead of
// hanging; nothing asserts how fast things happen.
const wait = 10 * time.Second

func passwordOf(user string) string { return "Secret-" + user + "-x9" }

// mailboxes is a fake voicemail store.
type mailboxes struct {
	mu     sync.Mutex
	counts map[string][2]int
	gone   map[string]bool // boxes that report ErrNoResource
	calls  atomic.Int64
}

func newMailboxes() *mailboxes {
	return &mailboxes{counts: map[string][2]int{}, gone: map[string]bool{}}
}

func (m *mailboxes) Counts(box string) (int, int, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gone[box] {
		return 0, 0, fmt.Errorf("box %s deleted: %w", box, ErrNoResource)
	}
	c := m.counts[box]
	return c[0], c[1], nil
}

func (m *mailboxes) set(box string, newMsgs, oldMsgs int) {
	m.mu.Lock()
	m.counts[box] = [2]int{newMsgs, oldMsgs}
	m.mu.Unlock()
}

func (m *mailboxes) remove(box string) {
	m.mu.Lock()
	m.gone[box] = true
	m.mu.Unlock()
}

// env is a switch side: a store with extensions 1001-1003, a SIP stack on
// loopback UDP and the subscription server with message-summary.
type env struct {
	srv   *Server
	stack *sip.Stack
	boxes *mailboxes
}

func newEnv(t testing.TB, cfg Config, hooks Hooks) *env {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Logger: discard})
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	for _, n := range []string{"1001", "1002", "1003"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: passwordOf(n)}); err != nil {
			t.Fatalf("create extension %s: %v", n, err)
		}
	}
	stack, err := sip.New(sip.Config{UDP: "127.0.0.1:0", Logger: discard})
	if err != nil {
		t.Fatalf("stack: %v", err)
	}
	auth := sipdigest.New("hookswitch", sipdigest.Options{Algorithms: []sipdigest.Algorithm{sipdigest.MD5}})
	boxes := newMailboxes()
	srv, err := New(cfg, stack, st, auth, hooks, discard, NewMessageSummary(boxes, stack.Host))
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	srv.Register()
	if err := stack.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() {
		srv.Close()
		stack.Close()
	})
	return &env{srv: srv, stack: stack, boxes: boxes}
}

// waitCount polls until the server holds n subscriptions (a deadline to
// fail, not a timing assertion).
func (e *env) waitCount(t testing.TB, n int) {
	t.Helper()
	for deadline := time.Now().Add(wait); e.srv.Count() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("server holds %d subscriptions, want %d", e.srv.Count(), n)
		}
	}
}

// notifyMode is how a subscriber answers NOTIFYs.
type notifyMode int32

const (
	answer200 notifyMode = iota
	answer481
	answerNone // never answer: the switch times out
	answerHold // the test answers through the incoming's tx
)

type incoming struct {
	req *gosip.Request
	tx  gosip.ServerTransaction
}

// subscriber is a phone on its own loopback UDP port that subscribes
// through the switch and receives its NOTIFYs.
type subscriber struct {
	user    string
	e       *env
	cli     *sipgo.Client
	addr    netip.AddrPort
	mode    atomic.Int32
	notifys chan incoming

	dlg     // the dialog of the last subscribe call
	nc  int // digest nonce count
}

// dlg is the subscriber's side of a dialog.
type dlg struct {
	callID, fromTag, toTag string
	cseq                   uint32
}

func newSubscriber(t testing.TB, e *env, user string) *subscriber {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("testphone"), sipgo.WithUserAgentHostname("127.0.0.1"))
	if err != nil {
		t.Fatalf("ua: %v", err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := netip.MustParseAddrPort(conn.LocalAddr().String())
	cli, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientPort(int(addr.Port())))
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	c := &subscriber{user: user, e: e, cli: cli, addr: addr, notifys: make(chan incoming, 32)}
	srv.OnNotify(func(req *gosip.Request, tx gosip.ServerTransaction) {
		mode := notifyMode(c.mode.Load())
		select {
		case c.notifys <- incoming{req, tx}:
		default:
		}
		switch mode {
		case answer200:
			tx.Respond(gosip.NewResponseFromRequest(req, 200, "OK", nil))
		case answer481:
			tx.Respond(gosip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeUDP(conn)
	}()
	// Requests go out of the listening socket, which sipgo knows only
	// once ServeUDP has registered it.
	for deadline := time.Now().Add(wait); ; time.Sleep(time.Millisecond) {
		if c, err := ua.TransportLayer().GetConnection("udp", addr.String()); err == nil && c != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("subscriber listener never registered")
		}
	}
	t.Cleanup(func() {
		ua.Close()
		conn.Close()
		<-done
	})
	return c
}

func (c *subscriber) setMode(m notifyMode) { c.mode.Store(int32(m)) }

func (c *subscriber) contact() gosip.Uri {
	return gosip.Uri{Scheme: "sip", User: c.user, Host: "127.0.0.1", Port: int(c.addr.Port())}
}

// request builds a SUBSCRIBE for resource in the current dialog (a new
// one when callID is empty). expires < 0 sends no Expires header.
func (c *subscriber) request(resource, event string, expires int, hdrs ...gosip.Header) *gosip.Request {
	if c.callID == "" {
		c.callID, c.fromTag, c.toTag, c.cseq = gosip.GenerateTagN(20), gosip.GenerateTagN(10), "", 0
	}
	c.cseq++
	port := int(c.e.stack.Addr("udp").Port())
	req := gosip.NewRequest(gosip.SUBSCRIBE, gosip.Uri{Scheme: "sip", User: resource, Host: "127.0.0.1", Port: port})
	from := &gosip.FromHeader{Address: gosip.Uri{Scheme: "sip", User: c.user, Host: "127.0.0.1"}, Params: gosip.NewParams()}
	from.Params.Add("tag", c.fromTag)
	to := &gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", User: resource, Host: "127.0.0.1"}, Params: gosip.NewParams()}
	if c.toTag != "" {
		to.Params.Add("tag", c.toTag)
	}
	cid := gosip.CallIDHeader(c.callID)
	mf := gosip.MaxForwardsHeader(70)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: c.cseq, MethodName: gosip.SUBSCRIBE})
	req.AppendHeader(&mf)
	req.AppendHeader(&gosip.ContactHeader{Address: c.contact()})
	if event != "" {
		req.AppendHeader(gosip.NewHeader("Event", event))
	}
	if expires >= 0 {
		req.AppendHeader(gosip.NewHeader("Expires", strconv.Itoa(expires)))
	}
	for _, h := range hdrs {
		req.AppendHeader(h)
	}
	req.SetBody(nil)
	return req
}

// do sends req from the listening socket and returns the final response.
func (c *subscriber) do(t testing.TB, req *gosip.Request) *gosip.Response {
	t.Helper()
	req.SetTransport("UDP")
	req.SetDestination(c.e.stack.Addr("udp").String())
	req.Laddr = gosip.Addr{IP: net.IP(c.addr.Addr().AsSlice()), Port: int(c.addr.Port())}
	tx, err := c.cli.TransactionRequest(context.Background(), req, sipgo.ClientRequestAddVia)
	if err != nil {
		t.Fatalf("%s: send: %v", req.Method, err)
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
			t.Fatalf("%s: transaction ended: %v", req.Method, tx.Err())
		case <-timer.C:
			t.Fatalf("%s: no final response", req.Method)
		}
	}
}

// subscribe sends a SUBSCRIBE and, if challenged, again with credentials.
// A 2xx records our dialog's To tag. build makes each attempt's request.
func (c *subscriber) subscribe(t testing.TB, build func() *gosip.Request) *gosip.Response {
	t.Helper()
	res := c.do(t, build())
	if res.StatusCode == 401 {
		req := build()
		req.AppendHeader(gosip.NewHeader("Authorization", c.authorization(t, res, req)))
		res = c.do(t, req)
	}
	if res.IsSuccess() && c.toTag == "" {
		c.toTag, _ = res.To().Params.Get("tag")
	}
	return res
}

func (c *subscriber) authorization(t testing.TB, res *gosip.Response, req *gosip.Request) string {
	t.Helper()
	h := res.GetHeader("WWW-Authenticate")
	if h == nil {
		t.Fatal("401 without WWW-Authenticate")
	}
	chal, err := digest.ParseChallenge(h.Value())
	if err != nil {
		t.Fatalf("challenge %q: %v", h.Value(), err)
	}
	c.nc++
	cred, err := digest.Digest(chal, digest.Options{Method: string(req.Method), URI: req.Recipient.String(),
		Username: c.user, Password: passwordOf(c.user), Count: c.nc})
	if err != nil {
		t.Fatalf("digest: %v", err)
	}
	return cred.String()
}

// next returns the next NOTIFY received.
func (c *subscriber) next(t testing.TB) incoming {
	t.Helper()
	select {
	case in := <-c.notifys:
		return in
	case <-time.After(wait):
		t.Fatal("no NOTIFY")
	}
	return incoming{}
}

func header(m interface{ GetHeader(string) gosip.Header }, name string) string {
	if h := m.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}

// hookFactory binds the subscribe hook to fn.
type hookFactory struct {
	fn func(hook.SubscribeRequest) (hook.SubscribeDecision, error)
}

func (f hookFactory) Name() string { return "test" }
func (f hookFactory) Build(string, hook.Config) (hook.Engine, error) {
	return hookEngine(f), nil
}

type hookEngine hookFactory

func (hookEngine) Name() string             { return "test" }
func (hookEngine) Handles(h hook.Name) bool { return h == hook.Subscribe }
func (hookEngine) Close()                   {}
func (e hookEngine) Invoke(_ context.Context, req hook.Request) (hook.Decision, error) {
	r, ok := req.(hook.SubscribeRequest)
	if !ok {
		return nil, errors.New("not a subscribe request")
	}
	return e.fn(r)
}

func newHooks(t testing.TB, fn func(hook.SubscribeRequest) (hook.SubscribeDecision, error)) *hook.Dispatcher {
	t.Helper()
	d, err := hook.NewDispatcher("", []hook.Factory{hookFactory{fn}}, discard)
	if err != nil {
		t.Fatalf("dispatcher: %v", err)
	}
	t.Cleanup(d.Close)
	return d
}
