package call

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

// onInvite handles an INVITE: a re-INVITE inside a call, or a new call. For a
// new call it runs until the caller has its final response, because sipgo
// ends the server transaction when the handler returns.
func (m *Manager) onInvite(req *gosip.Request, tx gosip.ServerTransaction) {
	if req.To() == nil || req.From() == nil || req.CallID() == nil || req.CSeq() == nil {
		sip.Respond(tx, req, 400, "Bad Request (missing mandatory header)", nil)
		return
	}
	if tagOf(req.To().Params) != "" {
		l := m.find(req)
		if l == nil {
			sip.Respond(tx, req, 481, "", nil)
			return
		}
		l.call.onReinvite(l, req, tx)
		return
	}
	if mf := req.MaxForwards(); mf != nil && mf.Val() == 0 {
		sip.Respond(tx, req, 483, "", nil)
		return
	}
	k, branch := mergedKey(req)
	m.mu.Lock()
	if b, ok := m.inflight[k]; ok && b != branch {
		m.mu.Unlock()
		sip.Respond(tx, req, 482, "", nil)
		return
	}
	m.inflight[k] = branch
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.inflight, k)
		m.mu.Unlock()
	}()

	c, err := m.admit(req, tx)
	if err != nil {
		code, reason := sip.StatusOf(err)
		var hdrs []gosip.Header
		var ae *authError
		if errors.As(err, &ae) {
			hdrs = ae.hdrs
		}
		if code >= 500 && code != 503 {
			m.log.Warn("call refused", "call_id", req.CallID().Value(), "error", err)
		}
		sip.Respond(tx, req, code, reason, nil, hdrs...)
		return
	}
	c.run()
}

// authError is a 401/407 (or 403) with the challenge headers to send.
type authError struct {
	err  *sip.Error
	hdrs []gosip.Header
}

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

// admit checks a new call and creates it, or says which error to answer.
func (m *Manager) admit(req *gosip.Request, tx gosip.ServerTransaction) (*Call, error) {
	if m.draining.Load() {
		return nil, &sip.Error{Code: 503, Reason: "Service Unavailable (shutting down)"}
	}
	if s := req.Recipient.Scheme; s != "sip" && s != "sips" {
		return nil, &sip.Error{Code: 416}
	}
	trunk := m.trunkOf(req)
	user := req.From().Address.User
	if trunk == "" {
		var code int
		var hdrs []gosip.Header
		user, code, hdrs = registrar.Authenticate(m.auth, m.st, req, "Proxy-Authorization", 407)
		if code != 0 {
			return nil, &authError{err: &sip.Error{Code: code}, hdrs: hdrs}
		}
		if req.From().Address.User != user {
			return nil, &sip.Error{Code: 403, Reason: "Forbidden (From does not match credentials)"}
		}
	}
	if m.cfg.MaxCalls > 0 && m.Active() >= m.cfg.MaxCalls {
		return nil, &sip.Error{Code: 503, Reason: "Service Unavailable (call limit)"}
	}
	if len(req.Body()) == 0 {
		return nil, &sip.Error{Code: 488, Reason: "Not Acceptable Here (INVITE without SDP offer)"}
	}
	if ct := req.ContentType(); ct != nil && !strings.HasPrefix(strings.ToLower(ct.Value()), "application/sdp") {
		return nil, &sip.Error{Code: 415}
	}
	web, body, err := m.acceptBrowserOffer(req.Body())
	if err != nil {
		return nil, err
	}
	fail := func(e *sip.Error) (*Call, error) {
		if web != nil {
			web.Close()
		}
		return nil, e
	}
	offer, err := media.ParseSDP(body)
	if err != nil {
		return fail(&sip.Error{Code: 400, Reason: "Bad Request (invalid SDP)", Err: err})
	}
	if _, err := offer.Rewrite(media.RewriteOptions{IP: m.mediaIP(), Port: 9, SessionID: 1, Version: 1}); err != nil {
		return fail(&sip.Error{Code: 488, Err: err})
	}
	var caller extMedia // the calling extension's media settings (codecs.go)
	if trunk == "" {
		caller = m.extMediaOf(user)
		// Its allowed codecs (SPEC P1): nobody may choose another.
		if offer, err = caller.allow(offer); err != nil {
			return fail(noCodec(err))
		}
	}
	c := newCall(m, req, tx, user, offer)
	c.aWeb = web
	sess, err := m.media.NewSession(func() { c.hangup("rtp_timeout") })
	if err != nil {
		return fail(&sip.Error{Code: 503, Reason: "Service Unavailable (no media ports)", Err: err})
	}
	c.sess = sess
	to := req.Recipient.User
	if trunk != "" {
		to = m.didOf(trunk, req)
		c.cdr.Callee = to
	}
	c.info = hook.RouteRequest{
		CallID: c.cdr.CallID, From: user, FromDisplay: c.cdr.CallerName,
		FromDomain: req.From().Address.Host, To: to, ToDomain: req.Recipient.Host,
		SourceIP: hostOf(req.Source()), Transport: strings.ToLower(req.Transport()), Authenticated: trunk == "",
		Trunk: trunk, Language: caller.language,
	}
	if trunk != "" {
		c.cdr.Direction, c.cdr.InboundTrunk = "inbound", trunk
	}
	if err := m.admitTenant(c, trunk, user, to); err != nil {
		sess.Close()
		return fail(err)
	}
	c.snap = m.hooks.Acquire()
	return c, nil
}

// bridge rings a bridge decision's targets; the first callee to answer
// becomes leg b and its 2xx is returned.
func (c *Call) bridge(dec hook.RouteDecision) (*gosip.Response, error) {
	if err := c.authorize(); err != nil {
		return nil, err
	}
	if dec.TimeLimit > 0 {
		c.mu.Lock()
		if c.limit <= 0 || dec.TimeLimit < c.limit {
			c.limit = dec.TimeLimit
		}
		c.mu.Unlock()
	}
	groups, err := c.resolve(dec)
	if err != nil {
		return nil, err
	}
	timeout := dec.Timeout
	if timeout <= 0 {
		timeout = c.m.cfg.RingTimeout
	}
	res, err := c.ring(groups, timeout)
	if err == nil {
		c.startLimit()
	}
	return res, err
}

// resolve turns a bridge decision's extension numbers into registered
// contacts, grouped by ringing step.
func (c *Call) resolve(dec hook.RouteDecision) ([][]target, error) {
	m := c.m
	if len(dec.Trunks) > 0 {
		return c.resolveTrunks(dec)
	}
	var groups [][]target
	known, all, busy := 0, []target{}, 0
	for _, num := range dec.Targets {
		e, err := m.st.GetExtension(num)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return nil, &sip.Error{Code: 500, Err: fmt.Errorf("extension %s: %w", num, err)}
		}
		if !c.reachesExt(e) {
			continue // another tenant's: as if unknown (tenant.go)
		}
		known++
		if m.busyNoWaiting(e) {
			busy++
			continue
		}
		var ts []target
		for _, b := range m.loc.Lookup(num) {
			ts = append(ts, target{ext: num, b: b})
		}
		if len(ts) == 0 {
			continue
		}
		if dec.Mode == hook.ModeSequential {
			groups = append(groups, ts)
		} else {
			all = append(all, ts...)
		}
	}
	if len(all) > 0 {
		groups = append(groups, all)
	}
	if known == 0 {
		return nil, &sip.Error{Code: 404}
	}
	if len(groups) == 0 && busy > 0 {
		c.mu.Lock()
		c.cdr.FinalDest = dec.Targets[0]
		c.mu.Unlock()
		return nil, &sip.Error{Code: 486, Reason: "Busy Here (call waiting off)"}
	}
	if len(groups) == 0 {
		c.mu.Lock()
		c.cdr.FinalDest = dec.Targets[0]
		c.mu.Unlock()
		return nil, &sip.Error{Code: 480, Reason: "Temporarily Unavailable (not registered)"}
	}
	return groups, nil
}

type target struct {
	ext string
	b   store.Binding
	// trunk, when set, is the trunk an outside number (ext) is dialled
	// through; b is then unused.
	trunk *store.Trunk
}

// resolveTrunks makes one ringing step per trunk, in order: failover.
func (c *Call) resolveTrunks(dec hook.RouteDecision) ([][]target, error) {
	var groups [][]target
	names, refused := c.tenantTrunks(dec.Trunks) // tenant.go
	for _, name := range names {
		t, err := c.m.st.GetTrunk(name)
		if err != nil {
			c.m.log.Warn("bridge: no such trunk", "call_id", c.cdr.CallID, "trunk", name, "error", err)
			continue
		}
		groups = append(groups, []target{{ext: dec.Targets[0], trunk: &t}})
	}
	c.mu.Lock()
	c.cdr.FinalDest = dec.Targets[0]
	c.cdr.Direction = "outbound"
	if c.cdr.InboundTrunk != "" {
		c.cdr.Direction = "transit"
	}
	c.mu.Unlock()
	if refused != nil {
		return nil, refused
	}
	if len(groups) == 0 {
		return nil, &sip.Error{Code: 503, Reason: "Service Unavailable (no trunk)"}
	}
	return groups, nil
}

// didOf is the number an inbound trunk call is for: the Request-URI's
// user, unless that is only the contact a register trunk registered (its
// account) and To names another number, as providers that send calls to
// the registered contact do.
func (m *Manager) didOf(trunk string, req *gosip.Request) string {
	did := req.Recipient.User
	cu, ok := m.cfg.Trunks.(interface{ ContactUser(trunk string) string })
	if !ok {
		return did
	}
	if to := req.To().Address.User; to != "" && to != did && did == cu.ContactUser(trunk) {
		return to
	}
	return did
}

func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i > 0 {
		return strings.Trim(addr[:i], "[]")
	}
	return addr
}

// trunkOf names the trunk a request came from, by its source address; ""
// for anything else (phones, which authenticate).
func (m *Manager) trunkOf(req *gosip.Request) string {
	if m.cfg.Trunks == nil {
		return ""
	}
	ap, err := netip.ParseAddrPort(req.Source())
	if err != nil {
		return ""
	}
	name, _ := m.cfg.Trunks.TrunkFor(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()))
	return name
}
