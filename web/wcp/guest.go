package wcp

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// Guest enables click-to-call (op 1011): sessions that did not register
// call, as the extension Extension, the numbers in Allow and nothing
// else. The extension is an ordinary one (its SIP password comes from the
// store), so the switch's dial plan and CDRs see guest calls as its calls;
// give it no voicemail or outside-line rights it does not need. Calls to
// it are refused (480): it is registered for the guests only.
type Guest struct {
	Extension string
	Allow     []string // exact numbers guests may call; empty means none
}

// guests is the one account every guest session calls from, registered
// on the first guest call and kept until the server closes, and which
// session owns each of its calls, so the account's events reach it.
type guests struct {
	srv   *Server
	allow map[string]bool

	regMu sync.Mutex // one registration at a time
	acct  *ua.Account

	mu     sync.Mutex
	closed bool
	owner  map[*ua.Call]*session
}

func newGuests(srv *Server, g *Guest) (*guests, error) {
	if g == nil {
		return nil, nil
	}
	if userPart(g.Extension, "") == "" {
		return nil, fmt.Errorf("wcp: guest extension %q is not a user part", g.Extension)
	}
	allow := map[string]bool{}
	for _, n := range g.Allow {
		if userPart(n, "") == "" {
			return nil, fmt.Errorf("wcp: guest target %q is not a user part", n)
		}
		allow[n] = true
	}
	return &guests{srv: srv, allow: allow, owner: map[*ua.Call]*session{}}, nil
}

// account registers the guest extension once; a failed registration is
// tried again by the next guest call.
func (g *guests) account(ctx context.Context) (*ua.Account, error) {
	g.regMu.Lock()
	defer g.regMu.Unlock()
	if g.acct != nil {
		return g.acct, nil
	}
	ext, err := g.srv.cfg.Extensions.GetExtension(g.srv.cfg.Guest.Extension)
	if err != nil {
		return nil, fmt.Errorf("guest extension: %w", err)
	}
	a, err := g.srv.register(ctx, ext, ua.Events{
		Registration: func(e ua.RegEvent) {
			if e.State == ua.RegFailed {
				g.srv.log.Warn("wcp: guest registration failed", "ext", ext.Number, "code", e.Code)
			}
		},
		CallState: func(c *ua.Call, e ua.CallEvent) {
			if ss := g.ownerOf(c, e.State == ua.CallDisconnected); ss != nil {
				ss.callState(c, e)
			}
		},
		RemoteSDP: func(c *ua.Call, sdp []byte) {
			if ss := g.ownerOf(c, false); ss != nil {
				ss.remoteSDP(c, sdp)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	closed := g.closed
	g.mu.Unlock()
	if closed { // Close ran during the REGISTER
		uctx, done := closeCtx()
		a.Unregister(uctx)
		done()
		return nil, errors.New("shutting down")
	}
	g.acct = a
	return a, nil
}

// ownerOf is the session of a guest call; forget drops the entry.
func (g *guests) ownerOf(c *ua.Call, forget bool) *session {
	g.mu.Lock()
	defer g.mu.Unlock()
	ss := g.owner[c]
	if forget {
		delete(g.owner, c)
	}
	return ss
}

// hangupAll hangs up the session's guest calls when it ends.
func (g *guests) hangupAll(ss *session) {
	g.mu.Lock()
	var mine []*ua.Call
	for c, o := range g.owner {
		if o == ss {
			mine = append(mine, c)
			delete(g.owner, c)
		}
	}
	g.mu.Unlock()
	for _, c := range mine {
		ctx, done := closeCtx()
		c.Hangup(ctx)
		done()
	}
}

// close unregisters the guest account (ending any call left).
func (g *guests) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.regMu.Lock()
	a := g.acct
	g.acct = nil
	g.regMu.Unlock()
	if a != nil {
		ctx, done := closeCtx()
		a.Unregister(ctx)
		done()
	}
}

// guestCall places 1011. Like call, the session lock is held from the
// INVITE to the ACK 2011 so no event of the call overtakes it.
func (ss *session) guestCall(m callproto.Message) {
	g := ss.srv.guests
	ss.mu.Lock()
	nonce := ss.nonce
	ss.mu.Unlock()
	// The nonce only shows the call comes from this socket's handshake;
	// compared in constant time all the same.
	if subtle.ConstantTimeCompare([]byte(m.Get(callproto.KeyNonce)), []byte(nonce)) != 1 {
		ss.reply(refused(m, callproto.CodeParamError, "nonce: not this session's"))
		return
	}
	to := m.Get(callproto.KeyTo)
	if g == nil || !g.allow[to] {
		// The same answer either way: no probing which numbers exist.
		ss.reply(refused(m, callproto.CodeRefused, "guest calling not available for this number"))
		return
	}
	a, err := g.account(ss.ctx)
	if err != nil {
		ss.srv.log.Warn("wcp: guest account", "error", err)
		ss.reply(refused(m, callproto.CodeNoResource, "failed to get resource: guest account unavailable"))
		return
	}
	// The guest's own name and number are shown, never trusted: the
	// display name carries them, the caller ID stays the guest extension.
	disp := m.Get(callproto.KeyDisp)
	if from := m.Get(callproto.KeyFrom); from != "" {
		disp = strings.TrimSpace(disp + " " + from)
	}
	disp = line(disp, 128)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		ss.reply(refused(m, callproto.CodeNoResource, "failed to get resource: shutting down"))
		return
	}
	// g.mu is held over the INVITE so the account's first event for the
	// call finds its owner.
	c, err := a.Call(ss.ctx, to, disp, []byte(m.Get(callproto.KeySDP)))
	if err == nil {
		g.owner[c] = ss
	}
	g.mu.Unlock()
	switch {
	case errors.Is(err, ua.ErrInvalid):
		ss.reply(refused(m, callproto.CodeParamError, strings.TrimPrefix(err.Error(), "ua: invalid argument: ")))
		return
	case err != nil:
		ss.reply(refused(m, callproto.CodeNoResource, "failed to get resource: "+err.Error()))
		return
	}
	ss.calls[c.ID()] = c
	ss.reply(callproto.Ack(m, callproto.CodeProcessing, callproto.F(callproto.KeyCID, c.ID())))
}
