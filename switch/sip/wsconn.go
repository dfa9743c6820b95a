package sip

import (
	"bytes"
	"io"
	"net"
	"sync"
	"time"
)

// wsConn is a SIP WebSocket connection as sipgo sees it: reads replay the
// upgrade request that was read before the hand-off (sipgo answers it),
// then the stream, whose frames are checked on the way (frameScanner);
// writes go out whole frames at a time, so that a close frame we send
// never lands inside one of sipgo's frames (sipgo writes a frame's header
// and payload separately; one write also makes one TLS record).
type wsConn struct {
	net.Conn
	in       io.Reader // the upgrade request, what was read past it, then the connection
	headLeft int       // bytes of the upgrade request not yet read: HTTP, not frames
	scan     frameScanner

	wmu      sync.Mutex
	upgraded bool   // the HTTP response went out: writes are frames from now
	seen     []byte // the HTTP response's last bytes, to find its end
	held     []byte // a frame header waiting for its payload
	closing  bool   // a close frame went out: nothing more is written

	onText func([]byte) // sees each text frame's payload we send (tracing); set before use
}

// newWSConn wraps c; head is the upgrade request up to and including its
// blank line, rest what was read past it.
func newWSConn(c net.Conn, head, rest []byte, maxMessage int) *wsConn {
	return &wsConn{
		Conn:     c,
		in:       io.MultiReader(bytes.NewReader(head), bytes.NewReader(rest), c),
		headLeft: len(head),
		scan:     frameScanner{max: uint64(maxMessage)},
	}
}

// Read is called by one goroutine at a time: sipgo's accept loop for the
// upgrade, then the connection's reader.
func (c *wsConn) Read(p []byte) (int, error) {
	if c.scan.err != nil {
		return 0, c.scan.err
	}
	n, err := c.in.Read(p)
	frames := p[:n]
	if c.headLeft > 0 {
		k := min(n, c.headLeft)
		c.headLeft -= k
		frames = frames[k:]
	}
	if v := c.scan.scan(frames); v != nil {
		c.fail(v)
		return 0, v // sipgo drops the connection
	}
	return n, err
}

const (
	wsDrainTimeout = 2 * time.Second
	wsDrainMax     = 1 << 20
)

// fail sends a close frame with v's code and reason, then reads away what
// the client still sends, up to its own close frame (bounded in time and
// size): closing with unread data would reset the connection, and the
// client would see the reset, not our reason (one still writing an
// oversize message, say). The caller then has sipgo drop the connection.
// Called on the reading goroutine.
func (c *wsConn) fail(v *wsViolation) {
	if !c.closeWith(v) {
		return
	}
	c.Conn.SetReadDeadline(time.Now().Add(wsDrainTimeout))
	buf := make([]byte, 4096)
	for total := 0; total < wsDrainMax && !c.scan.sawClose; {
		n, err := c.in.Read(buf)
		c.scan.scan(buf[:n])
		total += n
		if err != nil {
			return
		}
	}
}

func (c *wsConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closing {
		return 0, net.ErrClosed
	}
	if !c.upgraded {
		// The handshake response (gobwas writes it in one piece).
		c.seen = append(c.seen, p...)
		if bytes.Contains(c.seen, []byte("\r\n\r\n")) {
			c.upgraded, c.seen = true, nil
			defer c.Conn.SetDeadline(time.Time{}) // the hand-off's bound on the handshake
		} else if len(c.seen) > 3 {
			c.seen = c.seen[len(c.seen)-3:]
		}
		return c.Conn.Write(p)
	}
	if c.held != nil {
		// The payload of the held header: both go out together.
		frame := append(c.held, p...)
		c.held = nil
		if c.onText != nil && frame[0]&0x0f == 1 {
			c.onText(p) // before the write: the answer may be read first
		}
		if _, err := c.Conn.Write(frame); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if hl, payload, ok := outFrameHeader(p); ok && hl == len(p) && payload > 0 {
		c.held = append([]byte(nil), p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// closeWith sends a close frame with v's code and reason, once: false
// when one went out before (or the handshake is not done).
func (c *wsConn) closeWith(v *wsViolation) bool {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.closing || !c.upgraded {
		return false
	}
	c.closing, c.held = true, nil
	// A client that reads nothing must not hold the reader that calls this.
	c.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	c.Conn.Write(closeFrame(v.code, v.reason))
	return true
}
