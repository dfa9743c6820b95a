package call

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// Call pickup (SPEC P1 pickup groups): an extension answers a call that
// rings another. The picker dials a feature code; its call program calls
// Pickup, which answers the picker, finds the ringing call and asks that
// call's ringing loop (ringGroup) to take the picker as its callee: the
// picker's dialog moves into the ringing call (a re-INVITE onto its callee
// media, as an attended transfer does), the caller gets the 200 and the
// ringing forks are cancelled. The ringing call's CDR names the picker as
// the destination.

// ErrNothingRinging: no call rings an extension the picker may pick up.
var ErrNothingRinging = &sip.Error{Code: 404, Reason: "Not Found (nothing to pick up)"}

// ringState is a call while it rings extensions: what it rings and where
// a pickup asks it to take the picker instead.
type ringState struct {
	exts []string
	ask  chan pickupReq
	stop chan struct{}
	once sync.Once
}

type pickupReq struct {
	picker *Call
	reply  chan error // buffered: the ringing call never blocks on it
}

// ringingAt registers c as ringing the extensions among g until the
// returned state is closed; nil when g rings no extension (trunks only).
func (c *Call) ringingAt(g []target) *ringState {
	var exts []string
	for _, t := range g {
		if t.trunk == nil && !slices.Contains(exts, t.ext) {
			exts = append(exts, t.ext)
		}
	}
	if len(exts) == 0 {
		return nil
	}
	rs := &ringState{exts: exts, ask: make(chan pickupReq), stop: make(chan struct{})}
	c.m.ringing.Store(c, rs)
	return rs
}

// requests is where pickups arrive (nil, which blocks, for no state).
func (rs *ringState) requests() <-chan pickupReq {
	if rs == nil {
		return nil
	}
	return rs.ask
}

// close ends the ringing registration.
func (rs *ringState) close(c *Call) {
	if rs == nil {
		return
	}
	rs.once.Do(func() {
		c.m.ringing.CompareAndDelete(c, rs)
		close(rs.stop)
	})
}

// findRinging returns the ringing call a pickup by picker takes: one
// ringing ext, or (ext "") one ringing an extension of pickup group
// group; the one that started first. Only calls of the picker's tenant
// count: a call rings only its own tenant's extensions (tenant.go), so
// another tenant's is not there for the picker, whatever its groups.
func (m *Manager) findRinging(picker *Call, pickerExt, ext string, group int) (*Call, *ringState) {
	var best *Call
	var bestRS *ringState
	tenant := picker.tenant()
	m.ringing.Range(func(k, v any) bool {
		c, rs := k.(*Call), v.(*ringState)
		if c == picker || c.tenant() != tenant {
			return true
		}
		match := false
		for _, e := range rs.exts {
			if e == pickerExt {
				continue
			}
			if ext != "" {
				match = e == ext
			} else if x, err := m.st.GetExtension(e); err == nil && x.PickupGroup == group {
				match = true
			}
			if match {
				break
			}
		}
		if match && (best == nil || c.startedBefore(best)) {
			best, bestRS = c, rs
		}
		return true
	})
	return best, bestRS
}

func (c *Call) startedBefore(o *Call) bool {
	c.mu.Lock()
	t := c.cdr.StartTime
	c.mu.Unlock()
	o.mu.Lock()
	defer o.mu.Unlock()
	return t.Before(o.cdr.StartTime)
}

// Pickup answers a call ringing extension ext, or, with ext "", one
// ringing an extension of the caller's pickup group. It answers the
// picker first (the move needs a confirmed dialog) and returns the
// extension whose call was taken. ErrNothingRinging when there is none;
// the program's call has ended (hook.ErrHungUp for later primitives) once
// the pickup succeeded.
func (p *programCall) Pickup(ctx context.Context, ext string) (string, error) {
	c := p.c
	info := c.routeInfo()
	if !info.Authenticated {
		return "", &sip.Error{Code: 403, Reason: "Forbidden (pickup needs an extension)"}
	}
	group := 0
	if ext == "" {
		e, err := c.m.st.GetExtension(info.From)
		if err != nil || e.PickupGroup == 0 {
			return "", ErrNothingRinging
		}
		group = e.PickupGroup
	}
	target, rs := c.m.findRinging(c, info.From, ext, group)
	if target == nil {
		return "", ErrNothingRinging
	}
	c.mu.Lock()
	answered := c.answered
	c.mu.Unlock()
	if !answered {
		if err := p.Answer(ctx); err != nil {
			return "", err
		}
	}
	req := pickupReq{picker: c, reply: make(chan error, 1)}
	select {
	case rs.ask <- req:
	case <-rs.stop: // answered or given up meanwhile
		return "", ErrNothingRinging
	case <-c.done:
		return "", hook.ErrHungUp
	case <-ctx.Done():
		return "", hook.ErrHungUp
	}
	// The ringing call always answers, within a re-INVITE's time.
	if err := <-req.reply; err != nil {
		return "", err
	}
	target.mu.Lock()
	picked := target.cdr.FinalDest
	target.mu.Unlock()
	c.hangup("picked_up") // no BYE: the picker's leg moved (moved)
	c.m.log.Info("call picked up", "call_id", target.cdr.CallID, "by", info.From, "picker_call_id", c.cdr.CallID)
	return picked, nil
}

// takePicker makes the picker of pk this ringing call's callee: the
// picker's dialog moves onto the callee media with the caller's offer, and
// its answer becomes the 2xx ringGroup returns. On error nothing changed
// for this call and it goes on ringing.
func (c *Call) takePicker(pk pickupReq) (*gosip.Response, error) {
	c2 := pk.picker
	c2.mu.Lock()
	lc, ok := c2.a, c2.answered && !c2.ended && c2.b == nil && !c2.a.moved
	pickerExt := c2.callerExt
	c2.mu.Unlock()
	if !ok || lc.isWeb() {
		// A browser's media is negotiated once (webrtc.go): it cannot move.
		return nil, &sip.Error{Code: 488, Reason: "Not Acceptable Here (the picker cannot move)"}
	}
	if !c2.lockMedia() {
		return nil, &sip.Error{Code: 491}
	}
	defer c2.unlockMedia()
	c2.stopMedia()
	se := c.a.remote.Load()
	if se == nil {
		return nil, &sip.Error{Code: 500, Err: errors.New("pickup: the caller has no SDP")}
	}
	// The picker's leg keeps its extension's settings (codecs, DTMF mode).
	nl := &leg{call: c, d: lc.d, media: c.calleeMedia(), sessID: lc.sessID, version: lc.version, set: c.m.extMediaOf(pickerExt)}
	body, err := nl.resumedFrom(c.a, se, c.a.isWeb())
	if err != nil {
		return nil, &sip.Error{Code: 488, Err: fmt.Errorf("pickup: offer to the picker: %w", err)}
	}
	nl.media.NewPeer()
	res, err := c.reofferRes(nl, body)
	if err != nil {
		return nil, err
	}
	if _, err := media.ParseSDP(res.Body()); err != nil { // the caller is answered with it
		return nil, &sip.Error{Code: 488, Err: fmt.Errorf("pickup: the picker's answer: %w", err)}
	}
	m := c.m
	m.mu.Lock()
	c.mu.Lock()
	c2.mu.Lock()
	gone := c.ended || c2.ended
	if !gone {
		lc.moved = true
		c.b = nl
		c.calleeExt, c2.callerExt = pickerExt, "" // its in-use count moves with it
		c.cdr.FinalDest = pickerExt
		m.dialogs[nl.d.key()] = nl
	}
	c2.mu.Unlock()
	c.mu.Unlock()
	m.mu.Unlock()
	if gone {
		return nil, &sip.Error{Code: 487, Reason: "Request Terminated (a call ended)"}
	}
	c.blfSync()
	return res, nil
}
