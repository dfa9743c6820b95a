package call

import (
	"context"
	"fmt"
	"net"
	"strings"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// trunkDialog is the dialog of an INVITE to an outside number through a
// trunk: to the provider's host (or its outbound proxy), from the
// trunk's caller ID.
func (c *Call) trunkDialog(t target) (*dialog, error) {
	tr := t.trunk
	if tr.MaxCalls > 0 && c.m.trunkCalls(tr.Name) >= tr.MaxCalls {
		return nil, fmt.Errorf("trunk %s: %d calls, its limit", tr.Name, tr.MaxCalls)
	}
	transport := tr.Transport
	if transport == "" {
		transport = "udp"
	}
	host, dest := tr.Host, tr.Host
	if tr.OutboundProxy != "" {
		dest = tr.OutboundProxy
	}
	if tr.Kind == store.TrunkAcceptRegister {
		// The gateway is where it registered from.
		bs := c.m.loc.Lookup(tr.Username)
		if len(bs) == 0 {
			return nil, fmt.Errorf("trunk %s: the gateway is not registered", tr.Name)
		}
		var contact gosip.Uri
		if err := gosip.ParseUri(bs[0].Contact, &contact); err != nil {
			return nil, fmt.Errorf("trunk %s: gateway contact: %w", tr.Name, err)
		}
		host = contact.Host
		if contact.Port != 0 {
			host = net.JoinHostPort(contact.Host, fmt.Sprint(contact.Port))
		}
		dest = bs[0].Source
		if bs[0].Transport != "" {
			transport = strings.ToLower(bs[0].Transport)
		}
	}
	var ruri gosip.Uri
	if err := gosip.ParseUri("sip:"+t.ext+"@"+host, &ruri); err != nil {
		return nil, fmt.Errorf("trunk %s: request uri: %w", tr.Name, err)
	}
	if _, _, err := net.SplitHostPort(dest); err != nil {
		port := "5060"
		if transport == "tls" {
			port = "5061"
		}
		dest = net.JoinHostPort(strings.Trim(dest, "[]"), port)
	}
	// The Request-URI names the transport, as the registration's does: a
	// proxy on the provider's side then routes the call over it too
	// (RFC 3263). To stays without it.
	target := ruri
	if transport != "udp" {
		target.UriParams = gosip.HeaderParams{{K: "transport", V: transport}}
	}
	c.mu.Lock()
	callerID, chosen := c.callerID, c.cidSet
	c.mu.Unlock()
	// From: the trunk's outbound CID, else the account (register trunks:
	// the provider authenticates it) or the caller. A caller ID the dial
	// plan chose (an emergency caller ID) goes in From on other trunks, and
	// in P-Asserted-Identity on register trunks (outboundCLI).
	from := tr.OutboundCID
	if chosen && tr.Kind != store.TrunkRegister {
		from = callerID
	}
	if from == "" {
		from = callerID
		if tr.Kind == store.TrunkRegister {
			from = tr.Username
		}
	}
	domain := tr.FromDomain
	if domain == "" {
		domain = ruri.Host
	}
	d := &dialog{
		callID:    sip.NewCallID(),
		localTag:  sip.NewTag(),
		local:     gosip.Uri{Scheme: "sip", User: from, Host: domain},
		localName: c.cdr.CallerName,
		remote:    ruri,
		target:    target,
		dest:      dest,
		transport: transport,
		contact:   c.m.stack.Contact(transport, ""),
	}
	if tr.OutboundProxy != "" && tr.Kind != store.TrunkAcceptRegister {
		// A pre-loaded route (RFC 3261 8.1.2): the proxy forwards the
		// INVITE to the provider named in the Request-URI.
		var proxy gosip.Uri
		if err := gosip.ParseUri("sip:"+tr.OutboundProxy+";lr", &proxy); err != nil {
			return nil, fmt.Errorf("trunk %s: outbound proxy %q: %w", tr.Name, tr.OutboundProxy, err)
		}
		d.routes = []gosip.Uri{proxy}
	}
	return d, nil
}

// authRetry answers a trunk's 401 or 407 once: the same INVITE, next
// CSeq, with the trunk's credentials. nil when it does not apply.
func (c *Call) authRetry(f *fork, res *gosip.Response, events chan<- forkEvent) *fork {
	tr := f.t.trunk
	if tr == nil || f.authed || (res.StatusCode != 401 && res.StatusCode != 407) {
		return nil
	}
	req := f.req.Clone()
	req.RemoveHeader("Via")
	req.RemoveHeader("Authorization")
	req.RemoveHeader("Proxy-Authorization")
	d := f.leg.d
	d.mu.Lock()
	d.localSeq++
	req.CSeq().SeqNo = d.localSeq
	d.mu.Unlock()
	user := tr.AuthUsername
	if user == "" {
		user = tr.Username
	}
	name, value, err := trunk.Answer(res, req, user, tr.Password, tr.Realm)
	if err != nil {
		c.m.log.Warn("trunk refused the call", "call_id", c.cdr.CallID, "trunk", tr.Name, "error", err)
		return nil
	}
	req.AppendHeader(gosip.NewHeader(name, value))
	ctx, cancel := context.WithCancel(context.Background())
	tx, err := c.m.stack.Request(ctx, req)
	if err != nil {
		cancel()
		c.m.log.Warn("trunk: resend with credentials", "call_id", c.cdr.CallID, "trunk", tr.Name, "error", err)
		return nil
	}
	f.cancel()
	// The new fork gets a leg of its own on the same dialog (and SDP
	// origin): the challenged fork stays in the call's fork list, and
	// forgetting it once the call is answered must not drop the answered
	// leg's dialog (the provider's BYE and re-INVITE would get 481).
	l := newLeg(c, d, f.leg.media)
	l.sessID, l.version, l.invite = f.leg.sessID, f.leg.version, req
	c.m.addDialog(l)
	nf := &fork{t: f.t, leg: l, tx: tx, req: req, ctx: ctx, cancel: cancel, authed: true}
	go c.watchFork(nf, events)
	return nf
}

// rewriteHeaders applies a trunk's header rules: "Name: value" sets,
// "-Name" removes.
func rewriteHeaders(req *gosip.Request, rules []string) {
	for _, r := range rules {
		if name, ok := strings.CutPrefix(r, "-"); ok && !strings.Contains(r, ":") {
			req.RemoveHeader(strings.TrimSpace(name))
			continue
		}
		name, value, _ := strings.Cut(r, ":")
		name = strings.TrimSpace(name)
		req.RemoveHeader(name)
		req.AppendHeader(gosip.NewHeader(name, strings.TrimSpace(value)))
	}
}

// outboundCLI applies the caller-ID wishes of the caller's INVITE to a
// request out through trunk tr (seed 001's X-Outbound-Cli:
// "rewrite-from=123", "rewrite-pai=456", "rewrite-rpi=789", optionally
// ";trunk-name:abc"), and passes on a privacy request (RFC 3323): the
// provider gets Privacy: id and the identity in P-Asserted-Identity.
func (c *Call) outboundCLI(req *gosip.Request, tr *store.Trunk) {
	domain := req.From().Address.Host
	identity := func(user string) string { return "<sip:" + user + "@" + domain + ">" }
	c.mu.Lock()
	callerID, chosen, div, why := c.callerID, c.cidSet, c.diversion, c.diversionReason
	c.mu.Unlock()
	if chosen && tr.Kind == store.TrunkRegister && callerID != tr.Username {
		req.AppendHeader(gosip.NewHeader("P-Asserted-Identity", identity(callerID)))
	}
	if div != "" {
		if why == "" {
			why = "unconditional"
		}
		req.AppendHeader(gosip.NewHeader("Diversion", identity(div)+";reason="+why))
	}
	if h := c.req.GetHeader("X-Outbound-Cli"); h != nil {
		want := map[string]string{}
		for _, p := range strings.Split(h.Value(), ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok {
				k, v, ok = strings.Cut(strings.TrimSpace(p), ":")
			}
			if ok {
				want[strings.ToLower(k)] = strings.TrimSpace(v)
			}
		}
		if name, ok := want["trunk-name"]; !ok || name == tr.Name {
			if n := want["rewrite-from"]; validCLI(n) {
				req.From().Address.User = n
			}
			if n := want["rewrite-pai"]; validCLI(n) {
				req.RemoveHeader("P-Asserted-Identity")
				req.AppendHeader(gosip.NewHeader("P-Asserted-Identity", identity(n)))
			}
			if n := want["rewrite-rpi"]; validCLI(n) {
				req.RemoveHeader("Remote-Party-ID")
				req.AppendHeader(gosip.NewHeader("Remote-Party-ID", identity(n)+";party=calling;screen=yes;privacy=off"))
			}
		}
	}
	if p := c.req.GetHeader("Privacy"); p != nil && strings.Contains(strings.ToLower(p.Value()), "id") {
		req.RemoveHeader("Privacy")
		req.AppendHeader(gosip.NewHeader("Privacy", "id"))
		if req.GetHeader("P-Asserted-Identity") == nil {
			req.AppendHeader(gosip.NewHeader("P-Asserted-Identity", identity(c.callerID)))
		}
	}
	// The caller's own wishes are for us, not for the provider.
	req.RemoveHeader("X-Outbound-Cli")
}

// validCLI accepts a caller number: digits, optionally after a +.
func validCLI(n string) bool {
	d := strings.TrimPrefix(n, "+")
	if d == "" || len(n) > 32 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}
