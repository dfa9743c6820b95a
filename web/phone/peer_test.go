package phone

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/hookswitch/hookswitch/web/callproto"
)

// waitLimit bounds every wait for the page: a failure, never a measure.
const waitLimit = 20 * time.Second

// peer plays the switch's side of the web-call-protocol over a real
// WebSocket, with web/callproto: it checks every frame the page sends
// (Parse and Validate; a bad one fails the test), answers each command at
// once as the switch would (4001 with a nonce, the register proof checked
// with CheckProof and 9001, Call-IDs for calls...), and hands the commands
// to the test, which sends the events a scenario needs.
type peer struct {
	password string // the extension's SIP password
	pbook    string // the register ACK's pbook, when set
	// refuseGuests answers op 1011 with -1, as a switch with
	// click-to-call off does.
	refuseGuests bool

	t     testing.TB
	conns chan *wconn
	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	all   []*wconn
}

// wconn is one page session.
type wconn struct {
	p   *peer
	ws  *websocket.Conn
	in  chan callproto.Message
	seq atomic.Uint64 // the server's event counter

	// Set by the reader before it hands the command on, so the test reads
	// them after receiving it.
	nonce   string
	tel     string
	proofOK bool
	lastCID string // the Call-ID of the last 2003, 2008 or 2011
}

func (p *peer) start(t testing.TB) {
	p.t = t
	p.conns = make(chan *wconn, 8)
	p.done = make(chan struct{})
	t.Cleanup(func() {
		close(p.done)
		p.mu.Lock()
		for _, c := range p.all {
			c.ws.CloseNow()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
}

func (p *peer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"web-call-protocol"}})
	if err != nil {
		p.t.Errorf("websocket accept: %v", err)
		return
	}
	if ws.Subprotocol() != "web-call-protocol" {
		p.t.Errorf("the page asked for subprotocol %q, want web-call-protocol", ws.Subprotocol())
		ws.Close(websocket.StatusPolicyViolation, "subprotocol web-call-protocol required")
		return
	}
	ws.SetReadLimit(callproto.MaxFrameSize + 1)
	c := &wconn{p: p, ws: ws, in: make(chan callproto.Message, 256)}
	p.mu.Lock()
	select {
	case <-p.done:
		p.mu.Unlock()
		ws.CloseNow()
		return
	default:
	}
	p.all = append(p.all, c)
	p.wg.Add(1)
	p.mu.Unlock()
	p.conns <- c
	c.read()
}

func (c *wconn) read() {
	defer c.p.wg.Done()
	defer close(c.in)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.p.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	connected := false
	for {
		typ, b, err := c.ws.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			c.p.t.Errorf("the page sent a binary frame")
			continue
		}
		m, err := callproto.Parse(b)
		if err == nil {
			err = callproto.Validate(m)
		}
		if err != nil {
			c.p.t.Errorf("the page sent a frame the switch refuses: %v\n%s", err, b)
			c.send(callproto.Refuse(m, err))
			continue
		}
		if m.Op != callproto.OpConnect && !connected {
			c.p.t.Errorf("the page sent op %d before op 1000", m.Op)
		}
		connected = true
		c.answer(m)
		select {
		case c.in <- m:
		default:
			c.p.t.Errorf("the test did not read the page's commands (%v dropped)", m)
		}
	}
}

// answer replies to a command as the switch would when all goes well.
func (c *wconn) answer(m callproto.Message) {
	switch m.Op {
	case callproto.OpConnect:
		c.nonce = callproto.Nonce()
		c.send(callproto.Ack(m, 0, callproto.F("nonce", c.nonce)))
	case callproto.OpRegister:
		c.tel = m.Get("tel")
		c.proofOK = callproto.CheckProof(m.Get("pwd"), c.p.password, c.nonce, c.tel)
		var fs []callproto.Field
		if c.p.pbook != "" {
			fs = append(fs, callproto.F("pbook", c.p.pbook))
		}
		c.send(callproto.Ack(m, 0, fs...))
		state := "0"
		if !c.proofOK {
			state = "-403"
		}
		c.event(callproto.EvRegisterState, callproto.F("state", state))
	case callproto.OpCall, callproto.OpSecondCall:
		c.lastCID = newCID()
		c.send(callproto.Ack(m, 0, callproto.F("cid", c.lastCID)))
	case callproto.OpGuestCall:
		if c.p.refuseGuests {
			c.send(callproto.Ack(m, callproto.CodeRefused, callproto.F("reason", "guest calling not available")))
			return
		}
		if m.Get("nonce") != c.nonce {
			c.send(callproto.Ack(m, callproto.CodeParamError, callproto.F("reason", "nonce: not this session's")))
			return
		}
		c.lastCID = newCID()
		c.send(callproto.Ack(m, 0, callproto.F("cid", c.lastCID)))
	default:
		c.send(callproto.Ack(m, 0))
	}
}

func (c *wconn) send(m callproto.Message) {
	if err := m.Check(); err != nil {
		c.p.t.Errorf("the scripted switch built a bad frame: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, m.Encode()); err != nil {
		c.p.t.Logf("write %v: %v", m, err)
	}
}

// event sends an event with this session's next event seq.
func (c *wconn) event(op int, fields ...callproto.Field) {
	m := callproto.Event(op, c.seq.Add(1), fields...)
	if err := callproto.ValidateServerMessage(m); err != nil {
		c.p.t.Errorf("the scripted switch built a bad event: %v", err)
	}
	c.send(m)
}

// accept waits for the page's next WebSocket session.
func (p *peer) accept(t testing.TB) *wconn {
	t.Helper()
	select {
	case c := <-p.conns:
		return c
	case <-time.After(waitLimit):
		t.Fatal("the page opened no WebSocket to /wcp")
	}
	return nil
}

// next waits for the page's next command, which must be op.
func (c *wconn) next(t testing.TB, op int) callproto.Message {
	t.Helper()
	select {
	case m, ok := <-c.in:
		if !ok {
			t.Fatalf("the page closed the WebSocket; want op %d", op)
		}
		if m.Op != op {
			t.Fatalf("the page sent %v; want op %d", m, op)
		}
		return m
	case <-time.After(waitLimit):
		t.Fatalf("the page sent no op %d", op)
	}
	return callproto.Message{}
}

// closed waits until the page closes the session; commands sent before are
// returned.
func (c *wconn) closed(t testing.TB) []callproto.Message {
	t.Helper()
	var rest []callproto.Message
	timeout := time.After(waitLimit)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				return rest
			}
			rest = append(rest, m)
		case <-timeout:
			t.Fatal("the page did not close the WebSocket")
		}
	}
}

func newCID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "@hookswitch"
}

// sdpLacks reports which of the wanted lines or prefixes an SDP lacks.
func sdpLacks(sdp string, wanted ...string) []string {
	var missing []string
	for _, w := range wanted {
		if !strings.Contains(sdp, w) {
			missing = append(missing, w)
		}
	}
	return missing
}
