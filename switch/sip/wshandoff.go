package sip

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// WSHandoff is a net.Listener of SIP WebSocket connections whose upgrade
// request someone else has read: an HTTP server's handler (the HTTPS
// port's /ws) or our own WS and WSS ports' acceptor. sipgo has no
// http.Handler and does the handshake itself, so it gets each connection
// with the request replayed and answers it as if it had read it first.
type WSHandoff struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// NewWSHandoff returns a hand-off named by addr, the address the
// connections were accepted on (the stack advertises its port).
func NewWSHandoff(addr net.Addr) *WSHandoff {
	return &WSHandoff{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

// Deliver hands c to the stack: head is the upgrade request up to and
// including its blank line, rest what was read past it. It waits until the
// stack takes the connection; after Close it returns net.ErrClosed and c
// is still the caller's.
func (h *WSHandoff) Deliver(c net.Conn, head, rest []byte) error {
	if !bytes.HasSuffix(head, []byte("\n\r\n")) && !bytes.HasSuffix(head, []byte("\n\n")) {
		return errors.New("sip: websocket hand-off: the upgrade request does not end with a blank line")
	}
	// sipgo does the handshake on its accept loop: bound it, so that no
	// connection can hold the loop (wsConn lifts this once it answered).
	c.SetDeadline(time.Now().Add(wsHandshakeTimeout))
	// sipgo reads a message into a buffer of this size and cuts the rest.
	wc := newWSConn(c, head, rest, int(gosip.TransportBufferReadSize))
	select {
	case <-h.done:
		return net.ErrClosed
	default:
	}
	select {
	case h.conns <- wc:
		return nil
	case <-h.done:
		return net.ErrClosed
	}
}

// Accept returns the next delivered connection.
func (h *WSHandoff) Accept() (net.Conn, error) {
	select {
	case <-h.done:
		return nil, net.ErrClosed
	default:
	}
	select {
	case c := <-h.conns:
		return c, nil
	case <-h.done:
		return nil, net.ErrClosed
	}
}

// Close stops Accept and Deliver; connections already taken are the stack's.
func (h *WSHandoff) Close() error {
	h.once.Do(func() { close(h.done) })
	return nil
}

// Addr is the address the connections arrive on.
func (h *WSHandoff) Addr() net.Addr { return h.addr }

// WSUpgradeError is an HTTP request that is not a SIP WebSocket upgrade:
// the status to answer and why.
type WSUpgradeError struct {
	Status int
	Reason string
}

func (e *WSUpgradeError) Error() string { return e.Reason }

// Header is what the error response carries besides its text: a 426 names
// the protocol and version to upgrade to (RFC 6455 4.2.2, 4.4).
func (e *WSUpgradeError) Header() http.Header {
	h := http.Header{}
	if e.Status == http.StatusUpgradeRequired {
		h.Set("Upgrade", "websocket")
		h.Set("Sec-WebSocket-Version", "13")
	}
	return h
}

// CheckWSUpgrade says whether r opens a SIP WebSocket (RFC 6455 4.2.1 and
// RFC 7118 4: the "sip" subprotocol), so a wrong request gets a clear
// HTTP answer here rather than a bare one from sipgo's handshake.
func CheckWSUpgrade(r *http.Request) error {
	bad := func(status int, reason string) error { return &WSUpgradeError{Status: status, Reason: reason} }
	switch {
	case !hasToken(r.Header, "Connection", "upgrade") || !hasToken(r.Header, "Upgrade", "websocket"):
		// Also a page load over HTTP/2, which has no Upgrade.
		return bad(http.StatusUpgradeRequired, "this is a SIP over WebSocket endpoint (RFC 7118): connect with a WebSocket and the subprotocol \"sip\"")
	case r.ProtoMajor != 1 || r.ProtoMinor < 1:
		return bad(http.StatusHTTPVersionNotSupported, "SIP over WebSocket needs an HTTP/1.1 upgrade request")
	case r.Method != http.MethodGet:
		return bad(http.StatusMethodNotAllowed, "SIP over WebSocket needs a GET upgrade request")
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return bad(http.StatusUpgradeRequired, "WebSocket version 13 is required")
	case len(r.Header.Get("Sec-WebSocket-Key")) != 24:
		return bad(http.StatusBadRequest, "missing or malformed Sec-WebSocket-Key")
	case !hasToken(r.Header, "Sec-WebSocket-Protocol", "sip"):
		return bad(http.StatusBadRequest, "the WebSocket subprotocol \"sip\" is required (RFC 7118)")
	}
	return nil
}

// hasToken reports whether a comma-separated header holds token, in any case.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
