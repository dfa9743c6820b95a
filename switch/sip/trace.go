package sip

import (
	"bytes"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Tracing is done at our own socket boundary (the UDP socket, the TCP,
// TLS and WebSocket connections the listeners accept), not with sipgo's
// sip.SIPDebugTracer: that one is process-wide (several switches share a
// test process, and phones built on this package would be traced too),
// names connections only by address strings, and hands over TCP reads as
// stream chunks. Streams the stack dials itself (a trunk over TCP or TLS)
// are not seen here: sipgo opens those connections with no hook.

// Trace defaults.
const (
	DefaultTraceCalls = 1000
	DefaultTraceBytes = 32 << 20
	// traceOther bounds the messages of no call (REGISTER, OPTIONS,
	// SUBSCRIBE, out-of-dialog MESSAGE): their own small ring, so that a
	// registration storm never evicts a call.
	traceOther = 256
	// traceMaxMsg caps one stored message; SIP over UDP is below this.
	traceMaxMsg = 64 << 10
	// traceOverhead is what a stored message costs beyond its bytes.
	traceOverhead = 128
)

// TraceMessage is one SIP message as it crossed the stack's sockets.
type TraceMessage struct {
	Time      time.Time
	Out       bool   // sent by the switch
	Transport string // udp, tcp, tls, ws, wss
	Local     netip.AddrPort
	Remote    netip.AddrPort
	CallID    string
	Method    string // the CSeq method
	First     string // the request or status line
	Raw       []byte
}

// Src and Dst are the message's sender and receiver.
func (m TraceMessage) Src() netip.AddrPort {
	if m.Out {
		return m.Local
	}
	return m.Remote
}

func (m TraceMessage) Dst() netip.AddrPort {
	if m.Out {
		return m.Remote
	}
	return m.Local
}

// Tracer keeps the SIP messages of the last calls in memory, grouped by
// call: a call is opened by the first INVITE of an unknown Call-ID, and the
// call layer links the Call-IDs of its outgoing legs to it. Bounded by a
// number of calls and a byte total; the oldest call goes first. A nil
// *Tracer records nothing.
type Tracer struct {
	maxCalls, maxBytes int

	mu    sync.Mutex
	calls map[string]*traceCall // by the call's own (A-leg) Call-ID
	legs  map[string]*traceCall // every Call-ID of a call, its own included
	order []*traceCall          // oldest first
	bytes int
	other []TraceMessage // ring of out-of-call messages
	next  int
}

type traceCall struct {
	id      string
	callIDs []string
	msgs    []TraceMessage
	bytes   int
	gone    bool // evicted (still in order until popped)
}

// NewTracer returns a tracer keeping at most calls calls and bytes bytes
// (0: the defaults).
func NewTracer(calls, bytes int) *Tracer {
	if calls <= 0 {
		calls = DefaultTraceCalls
	}
	if bytes <= 0 {
		bytes = DefaultTraceBytes
	}
	return &Tracer{maxCalls: calls, maxBytes: bytes, calls: map[string]*traceCall{}, legs: map[string]*traceCall{}}
}

// Link files the messages of Call-ID leg under the call callID (a B2BUA
// leg the switch places has a Call-ID of its own). Call it before the
// leg's first request goes out.
func (t *Tracer) Link(callID, leg string) {
	if t == nil || callID == "" || leg == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.legs[callID]
	if c == nil {
		c = t.open(callID)
	}
	if _, ok := t.legs[leg]; !ok {
		t.legs[leg] = c
		c.callIDs = append(c.callIDs, leg)
	}
}

// Record stores one message; raw is copied. Keepalives are skipped.
func (t *Tracer) Record(out bool, transport string, local, remote netip.AddrPort, raw []byte) {
	if t == nil || len(bytes.Trim(raw, "\r\n\x00 ")) == 0 {
		return
	}
	m := TraceMessage{Time: time.Now(), Out: out, Transport: transport, Local: unmap(local), Remote: unmap(remote)}
	m.First, m.CallID, m.Method = traceHead(raw)
	m.Raw = bytes.Clone(raw[:min(len(raw), traceMaxMsg)])
	size := len(m.Raw) + traceOverhead
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.legs[m.CallID]
	if c == nil && m.Method == "INVITE" && m.CallID != "" {
		c = t.open(m.CallID)
	}
	if c == nil {
		if len(t.other) < traceOther {
			t.other = append(t.other, m)
		} else {
			t.other[t.next] = m
			t.next = (t.next + 1) % traceOther
		}
		return
	}
	c.msgs = append(c.msgs, m)
	c.bytes += size
	t.bytes += size
	t.evict()
}

// open starts a call; the caller holds mu.
func (t *Tracer) open(id string) *traceCall {
	c := &traceCall{id: id, callIDs: []string{id}}
	t.calls[id] = c
	t.legs[id] = c
	t.order = append(t.order, c)
	t.evict()
	return c
}

// evict drops the oldest calls until the bounds hold, keeping the newest
// one whatever its size; the caller holds mu.
func (t *Tracer) evict() {
	for len(t.calls) > t.maxCalls || (t.bytes > t.maxBytes && len(t.calls) > 1) {
		c := t.order[0]
		t.order[0] = nil
		t.order = t.order[1:]
		delete(t.calls, c.id)
		for _, id := range c.callIDs {
			if t.legs[id] == c {
				delete(t.legs, id)
			}
		}
		t.bytes -= c.bytes
	}
	if cap(t.order) > 2*t.maxCalls+16 { // let the backing array go
		t.order = slices.Clone(t.order)
	}
}

// Call returns the messages of the call that callID (its own or one of
// its legs') belongs to, in time order, and the call's Call-IDs; ok is
// false when the call is unknown or was evicted.
func (t *Tracer) Call(callID string) (msgs []TraceMessage, callIDs []string, ok bool) {
	if t == nil {
		return nil, nil, false
	}
	t.mu.Lock()
	c := t.legs[callID]
	if c != nil {
		msgs = slices.Clone(c.msgs)
		callIDs = slices.Clone(c.callIDs)
	}
	t.mu.Unlock()
	if c == nil {
		return nil, nil, false
	}
	slices.SortStableFunc(msgs, func(a, b TraceMessage) int { return a.Time.Compare(b.Time) })
	return msgs, callIDs, true
}

// Other returns the recent messages that belong to no call, oldest first.
func (t *Tracer) Other() []TraceMessage {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append(slices.Clone(t.other[t.next:]), t.other[:t.next]...)
}

// Stats reports how many calls and bytes are held.
func (t *Tracer) Stats() (calls, bytes int) {
	if t == nil {
		return 0, 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.calls), t.bytes
}

// traceHead reads the first line, the Call-ID and the CSeq method.
func traceHead(raw []byte) (first, callID, method string) {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	line, head, _ := bytes.Cut(head, []byte("\n"))
	first = string(bytes.TrimSpace(line[:min(len(line), 200)]))
	for len(head) > 0 && (callID == "" || method == "") {
		line, head, _ = bytes.Cut(head, []byte("\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name, value = bytes.TrimSpace(name), bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("call-id")) || bytes.EqualFold(name, []byte("i")):
			callID = string(value[:min(len(value), 256)])
		case bytes.EqualFold(name, []byte("cseq")):
			if f := bytes.Fields(value); len(f) == 2 {
				method = string(bytes.ToUpper(f[1][:min(len(f[1]), 32)]))
			}
		}
	}
	return first, callID, method
}

func unmap(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}

// addrPort converts the addresses the net package hands out.
func addrPort(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.UDPAddr:
		return a.AddrPort()
	case *net.TCPAddr:
		return a.AddrPort()
	case nil:
		return netip.AddrPort{}
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

// tracedPacket records the datagrams of the UDP socket sipgo serves.
type tracedPacket struct {
	net.PacketConn
	t     *Tracer
	local netip.AddrPort
}

func (c *tracedPacket) ReadFrom(b []byte) (int, net.Addr, error) {
	n, a, err := c.PacketConn.ReadFrom(b)
	if err == nil {
		c.t.Record(false, "udp", c.local, addrPort(a), b[:n])
	}
	return n, a, err
}

// WriteTo records before it sends: the answer may be read (and recorded)
// before WriteTo returns, and a trace must keep the order. A datagram the
// socket then refuses stays in the trace; the log says why.
func (c *tracedPacket) WriteTo(b []byte, a net.Addr) (int, error) {
	c.t.Record(true, "udp", c.local, addrPort(a), b)
	return c.PacketConn.WriteTo(b, a)
}

// tracedListener wraps the connections a TCP or TLS listener accepts.
type tracedListener struct {
	net.Listener
	t         *Tracer
	transport string
}

func (l tracedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return c, err
	}
	return &tracedConn{Conn: c, t: l.t, transport: l.transport,
		local: addrPort(c.LocalAddr()), remote: addrPort(c.RemoteAddr())}, nil
}

// tracedConn records a stream connection: sipgo writes one message per
// Write; reads are cut into messages by Content-Length.
type tracedConn struct {
	net.Conn
	t             *Tracer
	transport     string
	local, remote netip.AddrPort
	in            []byte // read bytes not yet a whole message (one reader)
}

// Write records before it sends, for the order (see tracedPacket.WriteTo).
func (c *tracedConn) Write(b []byte) (int, error) {
	c.t.Record(true, c.transport, c.local, c.remote, b)
	return c.Conn.Write(b)
}

func (c *tracedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.in = append(c.in, b[:n]...)
		for {
			msg, rest, ok := cutMessage(c.in)
			if !ok {
				break
			}
			c.t.Record(false, c.transport, c.local, c.remote, msg)
			c.in = rest
		}
		if len(c.in) > 2*traceMaxMsg {
			c.in = nil // not SIP framing we can follow: sipgo will drop it
		}
		if len(c.in) == 0 {
			c.in = nil
		}
	}
	return n, err
}

// cutMessage splits the first whole SIP message off a stream buffer,
// skipping keepalive CRLFs before it.
func cutMessage(buf []byte) (msg, rest []byte, ok bool) {
	start := 0
	for start < len(buf) && (buf[start] == '\r' || buf[start] == '\n') {
		start++
	}
	buf = buf[start:]
	end := bytes.Index(buf, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, buf, false
	}
	end += 4
	length := 0
	for _, line := range bytes.Split(buf[:end], []byte("\r\n")) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = bytes.TrimSpace(name)
		if bytes.EqualFold(name, []byte("content-length")) || bytes.EqualFold(name, []byte("l")) {
			length, _ = strconv.Atoi(string(bytes.TrimSpace(value)))
		}
	}
	if length < 0 || end+length > len(buf) {
		return nil, buf, false
	}
	return buf[:end+length], buf[end+length:], true
}

// tracedWS hands sipgo the WebSocket connections of a hand-off with their
// outgoing messages recorded (wsConn sees each whole text frame).
type tracedWS struct {
	net.Listener
	t         *Tracer
	transport string
}

func (l tracedWS) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if wc, ok := c.(*wsConn); ok && err == nil {
		local, remote := addrPort(c.LocalAddr()), addrPort(c.RemoteAddr())
		wc.onText = func(p []byte) { l.t.Record(true, l.transport, local, remote, p) }
	}
	return c, err
}
