package subscribe

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// reply is the answer to one SUBSCRIBE.
type reply struct {
	code   int
	reason string // "" = the standard phrase
	hdrs   []gosip.Header
	toTag  string        // our tag, on the 200 that creates a dialog
	sub    *subscription // owes a NOTIFY once the answer is out
}

func fail(code int, reason string, hdrs ...gosip.Header) reply {
	return reply{code: code, reason: reason, hdrs: hdrs}
}

// ServeSIP handles one SUBSCRIBE (RFC 6665 4.2.1). Retransmissions are
// absorbed by the transaction layer before they get here.
func (s *Server) ServeSIP(req *gosip.Request, tx gosip.ServerTransaction) {
	r := s.handle(req)
	err := s.respond(tx, req, r)
	if err != nil {
		s.log.Debug("subscribe: respond", "code", r.code, "error", err)
	}
	if r.sub == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil && !r.sub.answered {
		s.removeLocked(r.sub) // the subscriber never learnt of it
		return
	}
	r.sub.answered = true
	s.startLocked(r.sub)
}

func (s *Server) respond(tx gosip.ServerTransaction, req *gosip.Request, r reply) error {
	reason := r.reason
	if reason == "" {
		reason = sip.StatusText(r.code)
	}
	res := gosip.NewResponseFromRequest(req, r.code, reason, nil)
	res.SipVersion = "SIP/2.0"
	if r.toTag != "" {
		res.To().Params.Add("tag", r.toTag)
	}
	for _, h := range r.hdrs {
		res.AppendHeader(h)
	}
	return tx.Respond(res)
}

// handle decides the answer to a SUBSCRIBE and applies it. Checks that
// need nothing but the request come first, so a request we would refuse
// anyway is not challenged; no state is touched before authentication.
func (s *Server) handle(req *gosip.Request) reply {
	if req.From() == nil || req.To() == nil || req.CallID() == nil || req.CSeq() == nil {
		return fail(400, "Bad Request (missing From, To, Call-ID or CSeq)")
	}
	ev, err := eventHeader(req)
	if err != nil {
		return fail(400, "Bad Request ("+err.Error()+")", gosip.NewHeader("Allow-Events", s.allow))
	}
	name, id, err := parseEvent(ev)
	if err != nil {
		return fail(400, "Bad Request ("+err.Error()+")", gosip.NewHeader("Allow-Events", s.allow))
	}
	p := s.pkgs[strings.ToLower(name)]
	if p == nil {
		return fail(489, "Bad Event", gosip.NewHeader("Allow-Events", s.allow))
	}
	if !acceptable(req.GetHeaders("Accept"), p.ContentType()) {
		return fail(406, "Not Acceptable", gosip.NewHeader("Accept", p.ContentType()),
			warning(p.Name()+" notifications are "+p.ContentType()))
	}
	if len(req.Body()) > 0 {
		return fail(400, "Bad Request ("+p.Name()+" SUBSCRIBE takes no body)")
	}
	exp := s.cfg.DefaultExpires
	if h := req.GetHeader("Expires"); h != nil {
		n, err := parseExpires(h.Value())
		if err != nil {
			return fail(400, "Bad Request (invalid Expires)", warning(err.Error()))
		}
		exp = time.Duration(min(n, int64(s.cfg.MaxExpires/time.Second))) * time.Second
	}
	if exp != 0 && exp < s.cfg.MinExpires {
		return fail(423, "Interval Too Brief", gosip.NewHeader("Min-Expires", secs(s.cfg.MinExpires)))
	}
	if tag, _ := req.To().Params.Get("tag"); tag != "" {
		return s.refresh(req, tag, p, id, exp)
	}
	return s.initial(req, p, id, exp)
}

// initial creates a subscription and its dialog; Expires 0 is a fetch
// (RFC 6665 4.4.3): one NOTIFY with the state, then the end.
func (s *Server) initial(req *gosip.Request, p Package, id string, exp time.Duration) reply {
	resource := req.Recipient.User
	if !validResource(resource) {
		return fail(404, "Not Found (no valid user in the Request-URI)")
	}
	tag := sip.NewTag()
	d, err := newDialog(req, tag, s.stack.Contact(req.Transport(), resource))
	if err != nil {
		return fail(400, "Bad Request ("+err.Error()+")")
	}
	user, code, hdrs := registrar.Authenticate(s.auth, s.st, req, "Authorization", 401)
	if code != 0 {
		return fail(code, "", hdrs...)
	}
	if r, ok := s.authorize(req, p, user, resource); !ok {
		return r
	}
	// Subscriptions stay inside a tenant, as calls do: another tenant's
	// extension (or the switch's own, for a tenant's user) is answered as
	// one that does not exist, after the package's rule and the hook, as
	// an unknown one is, so that the answer tells nothing more.
	if ok, err := s.sameTenant(user, resource); err != nil {
		s.log.Error("subscribe: tenant", "user", user, "resource", resource, "error", err)
		return fail(500, "")
	} else if !ok {
		return fail(404, "Not Found (no such "+p.Name()+" resource)")
	}
	if _, err := p.Body(resource); err != nil {
		if errors.Is(err, ErrNoResource) {
			return fail(404, "Not Found (no such "+p.Name()+" resource)")
		}
		s.log.Error("subscribe: body", "event", p.Name(), "resource", resource, "error", err)
		return fail(500, "")
	}
	sub := &subscription{pkg: p, id: id, resource: resource, user: user, d: d, dirty: true}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return fail(503, "Service Unavailable (shutting down)")
	case len(s.dialogs) >= s.cfg.MaxTotal:
		s.log.Warn("subscribe: subscription limit reached", "limit", s.cfg.MaxTotal)
		return fail(503, "Service Unavailable (too many subscriptions)", gosip.NewHeader("Retry-After", retryAfter))
	case s.perUser[user] >= s.cfg.MaxPerUser:
		return fail(503, "Service Unavailable (too many subscriptions for "+user+")", gosip.NewHeader("Retry-After", retryAfter))
	}
	sub.expires = now.Add(exp)
	if exp == 0 {
		sub.ending = "timeout"
	} else {
		sub.timer = time.AfterFunc(exp, func() { s.expire(sub) })
	}
	s.addLocked(sub)
	return reply{code: 200, toTag: tag, sub: sub,
		hdrs: []gosip.Header{gosip.NewHeader("Expires", secs(exp)), &gosip.ContactHeader{Address: *d.contact.Clone()}}}
}

// refresh renews, or with Expires 0 ends, a subscription (RFC 6665
// 4.2.1.2, 4.2.1.3). The dialog identifiers, one of them our random tag,
// stand for the credentials given when it was created, as for a BYE.
func (s *Server) refresh(req *gosip.Request, tag string, p Package, id string, exp time.Duration) reply {
	var target *gosip.Uri
	if len(req.GetHeaders("Contact")) > 0 { // SUBSCRIBE refreshes the target (RFC 6665 4.1.2.1)
		u, err := contactOf(req)
		if err != nil {
			return fail(400, "Bad Request ("+err.Error()+")")
		}
		target = &u
	}
	fromTag, _ := req.From().Params.Get("tag")
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.dialogs[key(req.CallID().Value(), tag)]
	switch {
	case sub == nil || sub.ending != "" || sub.d.remoteTag != fromTag:
		return fail(481, "Call/Transaction Does Not Exist (no such subscription)")
	case sub.pkg != p || sub.id != id:
		return fail(403, "Forbidden (one subscription per dialog)")
	case req.CSeq().SeqNo <= sub.d.remoteSeq:
		return fail(500, "Server Internal Error (CSeq out of order)") // RFC 3261 12.2.2
	}
	sub.d.remoteSeq = req.CSeq().SeqNo
	if target != nil {
		sub.d.target = *target
	}
	// A phone behind NAT, or back on a new TCP connection, refreshes from
	// where it can be reached now.
	if src := req.Source(); src != "" {
		sub.d.dest, sub.d.transport = src, strings.ToLower(req.Transport())
	}
	sub.dirty = true
	sub.expires = now.Add(exp)
	if exp == 0 {
		sub.ending = "timeout"
		sub.timer.Stop()
	} else {
		sub.timer.Reset(exp)
	}
	return reply{code: 200, sub: sub,
		hdrs: []gosip.Header{gosip.NewHeader("Expires", secs(exp)), &gosip.ContactHeader{Address: *sub.d.contact.Clone()}}}
}

// authorize applies the package's rule, then the subscribe hook. With no
// hook bound, only the package's rule admits.
func (s *Server) authorize(req *gosip.Request, p Package, user, resource string) (reply, bool) {
	if p.Authorize(user, resource) {
		return reply{}, true
	}
	forbidden := fail(403, "Forbidden (not allowed to watch "+resource+")")
	if s.hooks == nil {
		return forbidden, false
	}
	snap := s.hooks.Acquire()
	defer snap.Release()
	if !snap.Bound(hook.Subscribe) {
		return forbidden, false
	}
	hr := hook.SubscribeRequest{From: user, To: resource, Event: p.Name()}
	d, err := snap.Invoke(context.Background(), hr)
	if err != nil {
		s.log.Warn("subscribe hook failed; policy applied", "user", user, "resource", resource, "error", err)
	}
	dec, _ := d.(hook.SubscribeDecision) // Invoke checks the type; a zero decision allows
	if !dec.Reject {
		return reply{}, true
	}
	if dec.Code < 400 || dec.Code > 699 {
		return forbidden, false
	}
	return fail(dec.Code, ""), false
}

// sameTenant says whether user may watch resource by the tenants' rule
// (registrar.Reaches).
func (s *Server) sameTenant(user, resource string) (bool, error) {
	tenant, err := registrar.UserTenant(s.st, user)
	if err != nil {
		return false, err
	}
	return registrar.Reaches(s.st, tenant, resource)
}

func secs(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// warning is a Warning header (RFC 3261 20.43, code 399: miscellaneous).
func warning(text string) gosip.Header {
	return gosip.NewHeader("Warning", `399 hookswitch "`+quotable(text)+`"`)
}

// quotable drops what cannot go inside a quoted-string.
func quotable(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= ' ' && c < 0x7f && c != '"' && c != '\\' {
			b = append(b, c)
		}
	}
	return string(b)
}
