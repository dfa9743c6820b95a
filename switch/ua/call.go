package ua

import (
	"bytes"
	"sync"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
)

// Call is one call of an account, placed (Account.Call) or received
// (Events.Incoming). Its methods are safe for concurrent use.
type Call struct {
	a        *Account
	s        *Stack
	d        *dialog
	outgoing bool
	from     string // the caller's user part
	fromName string
	to       string // the callee's user part
	done     chan struct{}

	mu        sync.Mutex
	state     CallState // as last reported
	rang      bool      // 18x received (outgoing) or sent (incoming)
	answered  bool
	ended     bool
	local     []byte // the owner's SDP
	sent      []byte // the SDP body we sent last
	version   uint64 // its o= sess-version
	remote    []byte // the other side's SDP, as received
	localHold bool
	remHold   bool
	offering  bool           // our re-INVITE is in flight
	ack       *ackWait       // the ACK we wait for, if any
	inviteSeq uint32         // CSeq of our INVITE in flight or answered (outgoing)
	inv       *gosip.Request // that INVITE (outgoing: CANCEL copies it)

	// outgoing only
	hangup     chan struct{} // closed by Hangup before the answer: CANCEL
	hangupOnce sync.Once

	// incoming only
	req     *gosip.Request          // their INVITE
	stx     gosip.ServerTransaction // its transaction
	final   chan struct{}           // closed once our final response is out
	ok      *gosip.Response         // our 2xx, retransmitted until ACKed
	refused bool                    // a final non-2xx is sent or being sent
}

// ackWait is an ACK we are owed: for the 2xx we sent to an INVITE or
// re-INVITE with CSeq seq. offer says our 2xx carried the offer, so the
// ACK carries the answer.
type ackWait struct {
	seq   uint32
	offer bool
	got   chan struct{}
}

func newCall(a *Account, d *dialog, outgoing bool) *Call {
	return &Call{a: a, s: a.s, d: d, outgoing: outgoing, done: make(chan struct{}),
		hangup: make(chan struct{}), final: make(chan struct{})}
}

// ID is the call's Call-ID.
func (c *Call) ID() string { return c.d.callID }

// Outgoing says whether we placed the call.
func (c *Call) Outgoing() bool { return c.outgoing }

// Account is the account the call belongs to.
func (c *Call) Account() *Account { return c.a }

// From is the caller's user part; FromName its display name.
func (c *Call) From() string     { return c.from }
func (c *Call) FromName() string { return c.fromName }

// To is the user part that was called.
func (c *Call) To() string { return c.to }

// Done is closed when the call is over.
func (c *Call) Done() <-chan struct{} { return c.done }

// State is the call's current state.
func (c *Call) State() CallState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stateLocked()
}

// RemoteSDP is the other side's latest SDP (nil before any).
func (c *Call) RemoteSDP() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.remote)
}

// LocalSDP is the SDP we sent last (with our direction and version).
func (c *Call) LocalSDP() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.sent)
}

// BaseSDP is the owner's SDP as given (Call, Answer, SetLocalSDP), before
// any direction or version edit: what a second call of the same browser
// offers.
func (c *Call) BaseSDP() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.local)
}

// SetLocalSDP replaces the SDP the next offers and answers are made from
// (the browser renegotiated); it sends nothing by itself.
func (c *Call) SetLocalSDP(sdp []byte) error {
	if _, err := media.ParseSDP(sdp); err != nil {
		return invalid("sdp: %v", err)
	}
	if _, err := sdpVersion(sdp); err != nil {
		return invalid("sdp: %v", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return ErrCallEnded
	}
	c.local = bytes.Clone(sdp)
	return nil
}

func (c *Call) stateLocked() CallState {
	switch {
	case c.ended:
		return CallDisconnected
	case !c.answered && c.rang:
		return CallRinging
	case !c.answered && c.outgoing:
		return CallCalling
	case !c.answered:
		return CallIncoming
	case c.localHold:
		return CallHeld
	case c.remHold:
		return CallRemoteHeld
	}
	return CallConnected
}

// changedLocked reports the call's state if it changed. Call with c.mu
// held; the event is queued, not delivered, so that is safe.
func (c *Call) changedLocked(code int, reason string, remote bool) {
	st := c.stateLocked()
	if st == c.state {
		return
	}
	c.state = st
	if f := c.a.ev.CallState; f != nil {
		e := CallEvent{State: st, Code: code, Reason: reason, Remote: remote}
		c.a.q.push(func() { f(c, e) })
	}
}

// remoteLocked records the other side's SDP and reports it when it changed.
func (c *Call) remoteLocked(sdp []byte) {
	if len(sdp) == 0 || bytes.Equal(sdp, c.remote) {
		return
	}
	c.remote = bytes.Clone(sdp)
	if f := c.a.ev.RemoteSDP; f != nil {
		b := bytes.Clone(sdp)
		c.a.q.push(func() { f(c, b) })
	}
}

// end marks the call over and reports it; false when it was already.
func (c *Call) end(code int, reason string, remote bool) bool {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return false
	}
	c.ended = true
	close(c.done)
	c.changedLocked(code, reason, remote)
	c.mu.Unlock()
	c.s.dropCall(c)
	c.a.mu.Lock()
	delete(c.a.calls, c)
	c.a.mu.Unlock()
	return true
}

// body is the SDP we send now: the owner's, with direction dir and an o=
// version that rises whenever the content changes (RFC 3264 8). Call with
// c.mu held.
func (c *Call) bodyLocked(dir media.Direction) ([]byte, error) {
	if c.sent != nil {
		same, err := editSDP(c.local, dir, c.version)
		if err != nil {
			return nil, err
		}
		if bytes.Equal(same, c.sent) {
			return same, nil
		}
	}
	v, err := sdpVersion(c.local)
	if err != nil {
		return nil, err
	}
	if c.sent != nil {
		v = max(v, c.version+1)
	}
	b, err := editSDP(c.local, dir, v)
	if err != nil {
		return nil, err
	}
	c.sent, c.version = b, v
	return b, nil
}

// offerDirLocked is the direction of an offer we make.
func (c *Call) offerDirLocked() media.Direction {
	if c.localHold {
		return media.DirectionSendOnly
	}
	return media.DirectionSendRecv
}
