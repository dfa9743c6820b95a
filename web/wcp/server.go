package wcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// Subprotocol is the WebSocket subprotocol a client must ask for.
const Subprotocol = "web-call-protocol"

// Extensions is what sessions read from the store: the SIP password a
// proof is checked against, and the domain of the extension's tenant.
type Extensions interface {
	GetExtension(number string) (store.Extension, error)
	GetTenant(name string) (store.Tenant, error)
}

// register registers ext's account with the switch under its tenant's
// SIP domain (the switch takes a tenant's extension there only).
func (s *Server) register(ctx context.Context, ext store.Extension, ev ua.Events) (*ua.Account, error) {
	domain := ""
	if ext.Tenant != "" {
		t, err := s.cfg.Extensions.GetTenant(ext.Tenant)
		if err != nil {
			return nil, fmt.Errorf("tenant of %s: %w", ext.Number, err)
		}
		domain = t.Domain
	}
	return s.cfg.UA.RegisterIn(ctx, domain, ext.Number, ext.Password, 0, ev)
}

// Config is one web-call-protocol endpoint.
type Config struct {
	UA         *ua.Stack // the switch's UA stack (switch/server Config.WebUA)
	Extensions Extensions
	// MaxSessions bounds connected sessions in total (default 1000),
	// MaxPerIP those of one client address (default 20); op 1000 past
	// either gets -3. A client address may hold twice MaxPerIP sockets
	// (connected or not) before its upgrades get 429.
	MaxSessions, MaxPerIP int
	// ClientIP is the client address limits count by (default: the host
	// of RemoteAddr; behind a proxy, one that reads a trusted header).
	ClientIP func(*http.Request) string
	// OriginPatterns are the page origins allowed besides the request's
	// own host (coder/websocket's AcceptOptions.OriginPatterns).
	OriginPatterns []string
	// PhoneBook is the pbook of ACK 2001 ("" = none).
	PhoneBook string
	// ConnectTimeout closes a socket that sent no op 1000 (default 10 s);
	// PingInterval is the keepalive (default 30 s).
	ConnectTimeout, PingInterval time.Duration
	// MaxBLF bounds the extensions one session monitors (op 1014; default
	// and most: one full ext list, callproto.MaxBLFExts); past it 1014
	// gets -1.
	MaxBLF int
	// Guest enables click-to-call (op 1011); nil refuses it (-1).
	Guest  *Guest
	Logger *slog.Logger
}

// Server is the http.Handler of /wcp.
type Server struct {
	cfg    Config
	log    *slog.Logger
	guests *guests // nil without Config.Guest

	mu       sync.Mutex
	closed   bool
	sockets  map[string]int // open sockets by client address
	sessions map[string]int // connected sessions by client address
	total    int            // connected sessions
	open     map[*session]struct{}
	wg       sync.WaitGroup
}

// New checks cfg and returns the handler.
func New(cfg Config) (*Server, error) {
	if cfg.UA == nil || cfg.Extensions == nil {
		return nil, errors.New("wcp: config needs a UA stack and the extensions")
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 1000
	}
	if cfg.MaxPerIP <= 0 {
		cfg.MaxPerIP = 20
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = remoteHost
	}
	if cfg.MaxBLF <= 0 || cfg.MaxBLF > maxBLF {
		cfg.MaxBLF = maxBLF
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, log: cfg.Logger.With("component", "wcp"), sockets: map[string]int{},
		sessions: map[string]int{}, open: map[*session]struct{}{}}
	g, err := newGuests(s, cfg.Guest)
	if err != nil {
		return nil, err
	}
	s.guests = g
	return s, nil
}

func remoteHost(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

// ServeHTTP upgrades the request and serves its session until either side
// closes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ip := s.cfg.ClientIP(r)
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	case s.sockets[ip] >= 2*s.cfg.MaxPerIP:
		s.mu.Unlock()
		http.Error(w, "too many connections from your address", http.StatusTooManyRequests)
		return
	}
	s.sockets[ip]++
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	defer s.release(ip, &s.sockets)

	if !hasSubprotocol(r) {
		http.Error(w, "the web-call-protocol subprotocol is required", http.StatusBadRequest)
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{Subprotocol},
		OriginPatterns: s.cfg.OriginPatterns})
	if err != nil {
		s.log.Debug("wcp: upgrade", "from", r.RemoteAddr, "error", err)
		return
	}
	if conn.Subprotocol() != Subprotocol {
		conn.Close(websocket.StatusPolicyViolation, "the web-call-protocol subprotocol is required")
		return
	}
	// Above the frame limit, so a frame a little too large gets a -2
	// from Parse; one far beyond it closes the socket (1009).
	conn.SetReadLimit(2 * callproto.MaxFrameSize)
	ss := newSession(s, conn, ip)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		conn.Close(websocket.StatusGoingAway, "shutting down")
		return
	}
	s.open[ss] = struct{}{}
	s.mu.Unlock()
	ss.run()
	s.mu.Lock()
	delete(s.open, ss)
	s.mu.Unlock()
}

func hasSubprotocol(r *http.Request) bool {
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range splitComma(v) {
			if p == Subprotocol {
				return true
			}
		}
	}
	return false
}

// admit takes a session slot for op 1000; "" when granted, else why not.
func (s *Server) admit(ip string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.total >= s.cfg.MaxSessions:
		return "too many sessions"
	case s.sessions[ip] >= s.cfg.MaxPerIP:
		return "too many sessions from your address"
	}
	s.total++
	s.sessions[ip]++
	return ""
}

// leave gives back the slot admit took.
func (s *Server) leave(ip string) {
	s.mu.Lock()
	s.total--
	s.mu.Unlock()
	s.release(ip, &s.sessions)
}

func (s *Server) release(ip string, m *map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if (*m)[ip]--; (*m)[ip] <= 0 {
		delete(*m, ip)
	}
}

// Sessions is the number of connected sessions.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Close ends every session (their registrations and calls too) and waits
// for them; later upgrades get 503.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	open := make([]*session, 0, len(s.open))
	for ss := range s.open {
		open = append(open, ss)
	}
	s.mu.Unlock()
	for _, ss := range open {
		ss.stop(websocket.StatusGoingAway, "shutting down")
	}
	s.wg.Wait()
	if s.guests != nil {
		s.guests.close()
	}
	return nil
}

// closeCtx bounds the SIP clean-up when a session ends.
func closeCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 3*time.Second)
}
