package sip

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

const (
	// wsHandshakeTimeout bounds the TLS handshake and the upgrade request.
	wsHandshakeTimeout = 10 * time.Second
	// wsMaxHead bounds the upgrade request (browsers send well under 2 KB).
	wsMaxHead = 8 << 10
)

// listenWS binds the WebSocket transports (RFC 7118): WS and WSS on their
// own ports, and the hand-off the HTTPS server's /ws feeds, served as WSS.
func (s *Stack) listenWS() error {
	for _, w := range []struct {
		transport, addr string
		tls             *tls.Config
	}{{"ws", s.cfg.WS, nil}, {"wss", s.cfg.WSS, s.cfg.TLSConfig}} {
		if w.addr == "" {
			continue
		}
		l, err := net.Listen("tcp", w.addr)
		if err != nil {
			return fmt.Errorf("sip: listen %s %s: %w", w.transport, w.addr, err)
		}
		a := &wsAcceptor{l: l, tls: w.tls, h: NewWSHandoff(l.Addr()), log: s.log, pending: map[net.Conn]struct{}{}}
		s.serve(a.close, a.run)
		if err := s.bound(w.transport, l.Addr()); err != nil {
			return err
		}
		s.runs = append(s.runs, s.serveWS(w.transport, a.h))
	}
	if h := s.cfg.WSSHandoff; h != nil {
		s.serve(h.Close, s.serveWS("wss", h)) // first, so a failure closes it
		if err := s.bound("wss", h.Addr()); err != nil {
			return err
		}
	}
	return nil
}

func (s *Stack) serveWS(transport string, h *WSHandoff) func() error {
	var l net.Listener = h
	if s.cfg.Trace != nil {
		l = tracedWS{Listener: h, t: s.cfg.Trace, transport: transport}
	}
	if transport == "ws" {
		return func() error { return s.srv.ServeWS(l) }
	}
	return func() error { return s.srv.ServeWSS(l) }
}

// wsAcceptor serves a WS or WSS port. sipgo's own accept loop does the TLS
// and WebSocket handshakes inline, so one client that connects and sends
// nothing would stall every other; here each connection gets its
// handshakes on its own goroutine, bounded in time and size, and reaches
// sipgo through a hand-off only once its upgrade request is in memory.
type wsAcceptor struct {
	l   net.Listener
	tls *tls.Config // nil: plain WS
	h   *WSHandoff
	log *slog.Logger

	mu      sync.Mutex
	pending map[net.Conn]struct{} // connections still in their handshakes
	closed  bool
	wg      sync.WaitGroup
}

func (a *wsAcceptor) run() error {
	defer a.wg.Wait()
	for {
		c, err := a.l.Accept()
		if err != nil {
			if a.isClosed() || errors.Is(err, net.ErrClosed) {
				return net.ErrClosed
			}
			a.log.Warn("sip: websocket accept", "addr", a.l.Addr(), "error", err)
			time.Sleep(50 * time.Millisecond) // out of descriptors: let some close
			continue
		}
		if !a.track(c) {
			c.Close()
			return net.ErrClosed
		}
		go a.handshake(c)
	}
}

// track records a connection in its handshakes; false once closed.
func (a *wsAcceptor) track(c net.Conn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	a.pending[c] = struct{}{}
	a.wg.Add(1)
	return true
}

func (a *wsAcceptor) untrack(c net.Conn) {
	a.mu.Lock()
	delete(a.pending, c)
	a.mu.Unlock()
}

func (a *wsAcceptor) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}

// close stops accepting and ends the handshakes in progress; connections
// already handed to sipgo are closed with the user agent.
func (a *wsAcceptor) close() error {
	a.mu.Lock()
	a.closed = true
	for c := range a.pending {
		c.Close()
	}
	a.mu.Unlock()
	a.h.Close()
	return a.l.Close()
}

func (a *wsAcceptor) handshake(raw net.Conn) {
	defer a.wg.Done()
	delivered := false
	defer func() {
		a.untrack(raw)
		if !delivered {
			raw.Close()
		}
	}()
	raw.SetDeadline(time.Now().Add(wsHandshakeTimeout))
	c := raw
	if a.tls != nil {
		tc := tls.Server(raw, a.tls)
		if err := tc.Handshake(); err != nil {
			a.log.Debug("sip: websocket tls handshake", "from", raw.RemoteAddr(), "error", err)
			return
		}
		c = tc
	}
	rec := &headRecorder{r: c, max: wsMaxHead}
	br := bufio.NewReaderSize(rec, 4096)
	req, err := http.ReadRequest(br)
	if err != nil {
		if errors.Is(err, errHeadTooLarge) {
			rejectUpgrade(c, &WSUpgradeError{Status: http.StatusRequestHeaderFieldsTooLarge,
				Reason: fmt.Sprintf("the upgrade request is over %d bytes", wsMaxHead)})
		} else if len(rec.buf) > 0 {
			rejectUpgrade(c, &WSUpgradeError{Status: http.StatusBadRequest,
				Reason: "this is a SIP over WebSocket port (RFC 7118): an HTTP upgrade request was expected"})
		}
		a.log.Debug("sip: websocket upgrade request", "from", raw.RemoteAddr(), "error", err)
		return
	}
	if err := CheckWSUpgrade(req); err != nil {
		var ue *WSUpgradeError
		errors.As(err, &ue)
		rejectUpgrade(c, ue)
		a.log.Debug("sip: websocket upgrade refused", "from", raw.RemoteAddr(), "error", err)
		return
	}
	used := len(rec.buf) - br.Buffered()
	a.untrack(raw) // from here the stack owns it
	if err := a.h.Deliver(c, rec.buf[:used], rec.buf[used:]); err != nil {
		return
	}
	delivered = true
}

// rejectUpgrade answers a request that is not a SIP WebSocket upgrade.
func rejectUpgrade(w io.Writer, e *WSUpgradeError) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", e.Status, http.StatusText(e.Status))
	e.Header().Write(&b)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n")
	b.WriteString("Content-Length: " + strconv.Itoa(len(e.Reason)+1) + "\r\n\r\n")
	b.WriteString(e.Reason + "\n")
	w.Write(b.Bytes())
}

var errHeadTooLarge = errors.New("upgrade request too large")

// headRecorder keeps every byte read through it, up to max.
type headRecorder struct {
	r   io.Reader
	buf []byte
	max int
}

func (h *headRecorder) Read(p []byte) (int, error) {
	room := h.max - len(h.buf)
	if room <= 0 {
		return 0, errHeadTooLarge
	}
	n, err := h.r.Read(p[:min(len(p), room)])
	h.buf = append(h.buf, p[:n]...)
	return n, err
}

// filterWS sees every WebSocket message before sipgo parses it. sipgo
// drops the whole connection, silently, on a message it cannot parse; a
// request we can answer gets our 400 naming the problem instead, and
// anything else a close frame with the reason (RFC 6455 1007).
func (s *Stack) filterWS(p gosip.TransportReadProps, data []byte) ([]byte, error) {
	s.cfg.Trace.Record(false, strings.ToLower(p.Transport), addrPort(p.LocalAddr), addrPort(p.RemoteAddr), data)
	if len(bytes.Trim(data, "\r\n\x00")) == 0 {
		return data, nil // keepalive (RFC 5626 3.5.1), which sipgo answers
	}
	_, perr := gosip.ParseMessage(data)
	if perr == nil {
		return data, nil
	}
	c, err := s.ua.TransportLayer().GetConnection(p.Transport, p.RemoteAddr.String())
	if err != nil || c == nil {
		return nil, fmt.Errorf("sip: %s message from %s: %w", p.Transport, p.RemoteAddr, perr)
	}
	defer c.TryClose() // GetConnection took a reference
	wc, _ := c.(*gosip.WSConnection)
	if wc == nil {
		return nil, fmt.Errorf("sip: %s message from %s: %w", p.Transport, p.RemoteAddr, perr)
	}
	if res := BadRequest(data, perr); res != nil {
		s.log.Debug("sip: malformed websocket request", "from", p.RemoteAddr, "error", perr)
		if _, err := wc.Write(res); err != nil { // one text frame
			return nil, err
		}
		return nil, nil
	}
	v := &wsViolation{code: wsInvalidPayload, reason: "not a SIP message: " + perr.Error()}
	if own, ok := wc.Conn.(*wsConn); ok {
		own.fail(v) // the filter runs on the connection's reading goroutine
	}
	s.log.Debug("sip: websocket closed", "from", p.RemoteAddr, "error", v)
	return nil, v
}

// wsAlive reports whether a WebSocket peer's connection is open. A browser
// cannot be dialled: requests reach it only over the connection it opened
// (its binding's source), so once that is gone sending fails at once
// instead of sipgo dialling the browser's port and timing out.
func (s *Stack) wsAlive(transport, dest string) bool {
	c, err := s.ua.TransportLayer().GetConnection(transport, dest)
	if err != nil || c == nil {
		return false
	}
	c.TryClose() // GetConnection took a reference
	return true
}
