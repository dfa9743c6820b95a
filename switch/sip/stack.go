// Package sip is hookswitch's SIP edge: listeners on every transport through
// sipgo, requests sent with our own Via and Contact, malformed input
// answered with 400, and the helpers the registrar and the B2BUA share.
package sip

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

func init() {
	// sipgo refuses UDP sends over MTU-200 bytes; an INVITE with a rich SDP
	// passes 1300 easily. Fragmented UDP is what every softswitch sends.
	gosip.UDPMTUSize = 65535
}

// Config says where the stack listens and how it presents itself.
type Config struct {
	UDP, TCP, TLS string      // listen addresses ("host:port"); "" disables that transport
	TLSConfig     *tls.Config // required when TLS or WSS is set
	// WS and WSS are listen addresses for SIP over WebSocket (RFC 7118),
	// plain and with TLSConfig; "" disables.
	WS, WSS string
	// WSSHandoff carries the WebSocket connections the HTTPS server takes on
	// /ws (TLS already done), served as WSS; nil: none.
	WSSHandoff *WSHandoff
	// Advertise is the host put in our Via, Contact and Record-Route headers;
	// empty means the address each listener is bound to.
	Advertise string
	UserAgent string
	Logger    *slog.Logger
	// OnStrayResponse gets responses that match no transaction: a 2xx to an
	// INVITE retransmitted because our ACK was lost must be ACKed again.
	OnStrayResponse func(*gosip.Response)
	// Trace, when set, records every message the listeners' sockets carry
	// (see Tracer); nil: no tracing and no cost.
	Trace *Tracer
}

// Stack owns the sipgo user agent, its listeners and one client per transport.
type Stack struct {
	cfg     Config
	log     *slog.Logger
	ua      *sipgo.UserAgent
	srv     *sipgo.Server
	clients map[string]*sipgo.Client // by lower-case transport
	addrs   map[string]netip.AddrPort
	udp     net.PacketConn
	last    lastDatagram // see filter
	closers []func() error
	runs    []func() error
	wg      sync.WaitGroup
}

// New creates the stack; Listen binds it.
func New(cfg Config) (*Stack, error) {
	if cfg.UserAgent == "" {
		cfg.UserAgent = "hookswitch"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if (cfg.TLS != "" || cfg.WSS != "") && cfg.TLSConfig == nil {
		return nil, errors.New("sip: tls and wss listeners need a certificate")
	}
	s := &Stack{cfg: cfg, log: cfg.Logger, clients: map[string]*sipgo.Client{}, addrs: map[string]netip.AddrPort{}}
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent(cfg.UserAgent),
		sipgo.WithUserAgentTransportLayerOptions(
			gosip.WithTransportLayerLogger(slog.New(parseTap{quiet(cfg.Logger).Handler(), s})),
			gosip.WithTransportLayerReadFilter(s.filter),
		),
		sipgo.WithUserAgentTransactionLayerOptions(
			gosip.WithTransactionLayerLogger(quiet(cfg.Logger)),
			gosip.WithTransactionLayerUnhandledResponseHandler(s.stray),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("sip: user agent: %w", err)
	}
	s.ua = ua
	s.srv, err = sipgo.NewServer(ua, sipgo.WithServerLogger(quiet(cfg.Logger)))
	if err != nil {
		return nil, fmt.Errorf("sip: server: %w", err)
	}
	return s, nil
}

// quiet keeps sipgo's own chatter (it logs every unparsable datagram at
// error level) at debug unless the operator asked for debug.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(levelShift{l.Handler()})
}

type levelShift struct{ slog.Handler }

func (h levelShift) Enabled(ctx context.Context, lv slog.Level) bool {
	return h.Handler.Enabled(ctx, slog.LevelDebug)
}
func (h levelShift) Handle(ctx context.Context, r slog.Record) error {
	if !h.Handler.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	r.Level = slog.LevelDebug
	return h.Handler.Handle(ctx, r)
}
func (h levelShift) WithAttrs(a []slog.Attr) slog.Handler { return levelShift{h.Handler.WithAttrs(a)} }
func (h levelShift) WithGroup(n string) slog.Handler      { return levelShift{h.Handler.WithGroup(n)} }

func (s *Stack) stray(r *gosip.Response) {
	if s.cfg.OnStrayResponse != nil {
		s.cfg.OnStrayResponse(r)
	}
}

// Handle registers the handler of a request method.
func (s *Stack) Handle(m gosip.RequestMethod, h sipgo.RequestHandler) {
	s.srv.OnRequest(m, validated(h))
}

// HandleOther registers the handler of methods nobody registered.
func (s *Stack) HandleOther(h sipgo.RequestHandler) { s.srv.OnNoRoute(validated(h)) }

// Listen binds every configured listener (so a busy port is reported here)
// and serves them in the background until Close.
func (s *Stack) Listen() error {
	if s.cfg.UDP == "" && s.cfg.TCP == "" && s.cfg.TLS == "" && s.cfg.WS == "" && s.cfg.WSS == "" && s.cfg.WSSHandoff == nil {
		return errors.New("sip: no listener configured")
	}
	if s.cfg.UDP != "" {
		c, err := net.ListenPacket("udp", s.cfg.UDP)
		if err != nil {
			s.Close()
			return fmt.Errorf("sip: listen udp %s: %w", s.cfg.UDP, err)
		}
		growReadBuffer(c)
		if s.cfg.Trace != nil {
			c = &tracedPacket{PacketConn: c, t: s.cfg.Trace, local: addrPort(c.LocalAddr())}
		}
		s.udp = c
		if err := s.bound("udp", c.LocalAddr()); err != nil {
			s.Close()
			return err
		}
		s.serve(c.Close, func() error { return s.srv.ServeUDP(c) })
	}
	if s.cfg.TCP != "" {
		l, err := net.Listen("tcp", s.cfg.TCP)
		if err != nil {
			s.Close()
			return fmt.Errorf("sip: listen tcp %s: %w", s.cfg.TCP, err)
		}
		if err := s.bound("tcp", l.Addr()); err != nil {
			s.Close()
			return err
		}
		l = s.traced(l, "tcp")
		s.serve(l.Close, func() error { return s.srv.ServeTCP(l) })
	}
	if s.cfg.TLS != "" {
		l, err := tls.Listen("tcp", s.cfg.TLS, s.cfg.TLSConfig)
		if err != nil {
			s.Close()
			return fmt.Errorf("sip: listen tls %s: %w", s.cfg.TLS, err)
		}
		if err := s.bound("tls", l.Addr()); err != nil {
			s.Close()
			return err
		}
		l = s.traced(l, "tls")
		s.serve(l.Close, func() error { return s.srv.ServeTLS(l) })
	}
	if err := s.listenWS(); err != nil {
		s.Close()
		return err
	}
	s.start()
	s.awaitUDP()
	return nil
}

// awaitUDP waits (briefly) until sipgo serves the UDP socket: requests
// sent before then would try to bind the listening address again and fail
// (a trunk's first REGISTER at boot).
func (s *Stack) awaitUDP() {
	if s.udp == nil {
		return
	}
	addr := s.udp.LocalAddr().String()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if c, err := s.ua.TransportLayer().GetConnection("udp", addr); err == nil && c != nil {
			return
		}
	}
	s.log.Warn("sip: the UDP listener is not served yet; early requests may fail", "addr", addr)
}

// serve records a bound listener; Listen starts them all once every
// address and client is known (handlers read those maps without a lock).
func (s *Stack) serve(closer func() error, run func() error) {
	s.closers = append(s.closers, closer)
	s.runs = append(s.runs, run)
}

func (s *Stack) start() {
	for _, run := range s.runs {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := run(); err != nil && !errors.Is(err, net.ErrClosed) {
				s.log.Debug("sip listener stopped", "error", err)
			}
		}()
	}
	s.runs = nil
}

// bound records a listener's address and creates the client that sends
// requests on that transport with our Via host and port.
func (s *Stack) bound(transport string, a net.Addr) error {
	if _, ok := s.addrs[transport]; ok {
		return nil // WSS on its own port and on the HTTPS port: the first names us
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return fmt.Errorf("sip: listener address %s: %w", a, err)
	}
	s.addrs[transport] = ap
	c, err := sipgo.NewClient(s.ua, sipgo.WithClientHostname(s.host(transport)), sipgo.WithClientPort(int(ap.Port())))
	if err != nil {
		return fmt.Errorf("sip: client %s: %w", transport, err)
	}
	s.clients[transport] = c
	return nil
}

// traced wraps a stream listener's connections for the tracer, if any.
func (s *Stack) traced(l net.Listener, transport string) net.Listener {
	if s.cfg.Trace == nil {
		return l
	}
	return tracedListener{Listener: l, t: s.cfg.Trace, transport: transport}
}

// Tracer is the stack's SIP trace (nil when tracing is off; its methods
// accept nil).
func (s *Stack) Tracer() *Tracer { return s.cfg.Trace }

// Addr is the bound address of a transport's listener (zero when absent).
func (s *Stack) Addr(transport string) netip.AddrPort { return s.addrs[strings.ToLower(transport)] }

// host is the host we advertise for a transport.
func (s *Stack) host(transport string) string {
	if s.cfg.Advertise != "" {
		return s.cfg.Advertise
	}
	a := s.addrs[transport].Addr()
	if a.IsUnspecified() || !a.IsValid() {
		return "127.0.0.1"
	}
	return a.String()
}

// Host is the host we advertise (for SDP origin and the like).
func (s *Stack) Host() string {
	for _, t := range []string{"udp", "tcp", "tls", "ws", "wss"} {
		if _, ok := s.addrs[t]; ok {
			return s.host(t)
		}
	}
	return s.host("udp")
}

// Contact is our own URI for a transport, with user as the user part.
func (s *Stack) Contact(transport, user string) gosip.Uri {
	t := strings.ToLower(transport)
	u := gosip.Uri{Scheme: "sip", User: user, Host: s.host(t), Port: int(s.addrs[t].Port())}
	switch t {
	case "tls":
		u.Scheme = "sips"
	case "wss":
		t = "ws" // one URI parameter for both (RFC 7118 5.2); Via says WSS
	}
	if t != "udp" {
		u.UriParams = gosip.HeaderParams{{K: "transport", V: t}}
	}
	return u
}

// Request sends req in a new client transaction on req's transport; the
// caller builds every header but Via.
func (s *Stack) Request(ctx context.Context, req *gosip.Request) (gosip.ClientTransaction, error) {
	c, err := s.client(req)
	if err != nil {
		return nil, err
	}
	return c.TransactionRequest(ctx, req, sipgo.ClientRequestAddVia)
}

// RequestAsIs sends req, Via included, in a new client transaction: a
// CANCEL must carry the Via of the INVITE it cancels (RFC 3261 9.1).
func (s *Stack) RequestAsIs(ctx context.Context, req *gosip.Request) (gosip.ClientTransaction, error) {
	c, err := s.client(req)
	if err != nil {
		return nil, err
	}
	return c.TransactionRequest(ctx, req, func(*sipgo.Client, *gosip.Request) error { return nil })
}

// Write sends req outside a transaction (an ACK for a 2xx).
func (s *Stack) Write(req *gosip.Request) error {
	c, err := s.client(req)
	if err != nil {
		return err
	}
	return c.WriteRequest(req, sipgo.ClientRequestAddVia)
}

func (s *Stack) client(req *gosip.Request) (*sipgo.Client, error) {
	t := strings.ToLower(req.Transport())
	c, ok := s.clients[t]
	if !ok {
		return nil, &Error{Code: 503, Err: fmt.Errorf("%w %s", ErrNoTransport, t)}
	}
	a := s.addrs[t]
	switch {
	case t == "ws" || t == "wss":
		if !s.wsAlive(t, req.Destination()) {
			return nil, &Error{Code: 480, Reason: "Temporarily Unavailable (WebSocket closed)",
				Err: fmt.Errorf("%w to %s", ErrWSClosed, req.Destination())}
		}
	case t == "udp":
		// Send from the listening socket: a NATed phone's pinhole is open to it.
		req.Laddr = gosip.Addr{IP: net.IP(a.Addr().AsSlice()), Port: int(a.Port()), Hostname: a.Addr().String()}
	case !a.Addr().IsUnspecified():
		// A new connection leaves from the listener's address (any port),
		// not the one the route picks: a peer that knows us by address
		// (an IP trunk's allow list) sees the address we advertise.
		req.Laddr = gosip.Addr{IP: net.IP(a.Addr().AsSlice())}
	}
	return c, nil
}

// Respond sends a response built from req on tx.
func Respond(tx gosip.ServerTransaction, req *gosip.Request, code int, reason string, body []byte, hdrs ...gosip.Header) error {
	if reason == "" {
		reason = StatusText(code)
	}
	res := gosip.NewResponseFromRequest(req, code, reason, body)
	res.SipVersion = "SIP/2.0" // sipgo copies the request's, which may be garbage (505)
	for _, h := range hdrs {
		res.AppendHeader(h)
	}
	return tx.Respond(res)
}

// Close stops the listeners and the user agent.
func (s *Stack) Close() error {
	for _, c := range s.closers {
		c()
	}
	s.closers = nil
	err := s.ua.Close()
	s.wg.Wait()
	return err
}
