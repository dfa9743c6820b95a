package ua

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	hsip "github.com/hookswitch/hookswitch/switch/sip"
)

const (
	// DefaultSubscribeExpires is the subscription lifetime asked when
	// Subscribe gets 0.
	DefaultSubscribeExpires = 600 * time.Second
	// lingerAfterEnd keeps an ended subscription's dialog known a while, so
	// the switch's final NOTIFY gets 200 rather than 481.
	lingerAfterEnd = 5 * time.Second
)

// Subscription is one SUBSCRIBE dialog of an account (RFC 6665), kept
// alive until Unsubscribe: refreshed at half its lifetime and started
// anew when the switch forgot it (481, a restart) or ended it with a
// reason that invites a retry (deactivated, timeout, probation).
type Subscription struct {
	a        *Account
	event    string
	resource string
	accept   string
	expires  int // seconds asked
	stop     chan struct{}
	stopOnce sync.Once
	wake     chan struct{} // a terminating NOTIFY arrived
	done     chan struct{} // the refresh loop ended

	mu      sync.Mutex
	d       *dialog
	granted int
	ended   bool
	reason  string // of the terminating NOTIFY
}

// SubscribeMWI subscribes to the account's own message-summary (RFC
// 3842); NOTIFYs arrive as Events.Notify and, parsed, Events.MWI.
func (a *Account) SubscribeMWI(ctx context.Context) (*Subscription, error) {
	return a.Subscribe(ctx, "message-summary", a.user, "application/simple-message-summary", 0)
}

// Subscribe subscribes to event (a package name: message-summary,
// dialog, presence) for resource (a user part), accepting the content
// type accept, for expires (0: DefaultSubscribeExpires). It returns once
// the switch accepted the SUBSCRIBE (an error, a *StatusError for a
// refusal, leaves nothing behind).
func (a *Account) Subscribe(ctx context.Context, event, resource, accept string, expires time.Duration) (*Subscription, error) {
	if event == "" || len(event) > maxHeaderName || !allToken(event) {
		return nil, invalid("event %q", clip(event))
	}
	if !validUser(resource) {
		return nil, invalid("resource %q", clip(resource))
	}
	if !validContentType(accept) {
		return nil, invalid("accept %q", clip(accept))
	}
	if expires == 0 {
		expires = DefaultSubscribeExpires
	}
	if expires < time.Second || expires > maxExpires {
		return nil, invalid("expires %v (1 s to %v)", expires, maxExpires)
	}
	sub := &Subscription{a: a, event: event, resource: resource, accept: accept, expires: int(expires / time.Second),
		stop: make(chan struct{}), wake: make(chan struct{}, 1), done: make(chan struct{})}
	a.mu.Lock()
	switch {
	case a.gone:
		a.mu.Unlock()
		return nil, ErrUnregistered
	case len(a.subs) >= a.s.cfg.MaxSubscriptions:
		a.mu.Unlock()
		return nil, invalid("more than %d subscriptions on one account", a.s.cfg.MaxSubscriptions)
	}
	a.subs[sub] = struct{}{}
	a.mu.Unlock()
	if err := sub.start(ctx); err != nil {
		a.mu.Lock()
		delete(a.subs, sub)
		a.mu.Unlock()
		// An Unregister that raced us (the account ending) took sub from
		// a.subs and waits for it in Unsubscribe: end it there at once.
		sub.mu.Lock()
		sub.ended = true
		sub.mu.Unlock()
		close(sub.done)
		return nil, fmt.Errorf("ua: subscribe %s to %s: %w", event, resource, err)
	}
	if !a.s.spawn(sub.run) {
		close(sub.done)
		sub.Unsubscribe(ctx)
		return nil, ErrClosed
	}
	return sub, nil
}

// Event is the subscription's package; Resource what it watches.
func (sub *Subscription) Event() string    { return sub.event }
func (sub *Subscription) Resource() string { return sub.resource }

// start opens a new dialog with an initial SUBSCRIBE. The dialog is known
// before the request goes out: the first NOTIFY may beat the 200.
func (sub *Subscription) start(ctx context.Context) error {
	a, s := sub.a, sub.a.s
	target := gosip.Uri{Scheme: "sip", User: sub.resource, Host: a.aor.Host}
	d := &dialog{callID: hsip.NewCallID(), localTag: hsip.NewTag(), local: a.aor, remote: target, target: target, contact: a.contact}
	s.mu.Lock()
	s.subs[d.key()] = sub
	s.mu.Unlock()
	sub.mu.Lock()
	old := sub.d
	sub.d, sub.ended, sub.reason = d, false, ""
	sub.mu.Unlock()
	if old != nil {
		s.dropSub(old.key(), sub)
	}
	g, err := sub.send(ctx, d, sub.expires)
	if err != nil {
		s.dropSub(d.key(), sub)
		return err
	}
	sub.mu.Lock()
	sub.granted = g
	sub.mu.Unlock()
	return nil
}

// send sends a SUBSCRIBE in d asking exp seconds and returns the seconds
// granted.
func (sub *Subscription) send(ctx context.Context, d *dialog, exp int) (int, error) {
	a := sub.a
	res, err := a.s.do(ctx, func() *gosip.Request {
		req := d.request(gosip.SUBSCRIBE, 0)
		req.AppendHeader(gosip.NewHeader("Event", sub.event))
		req.AppendHeader(gosip.NewHeader("Accept", sub.accept))
		req.AppendHeader(gosip.NewHeader("Expires", strconv.Itoa(exp)))
		return req
	}, a.user, a.password)
	if err != nil {
		return 0, err
	}
	if !res.IsSuccess() {
		return 0, refused(gosip.SUBSCRIBE, res)
	}
	d.confirm(res)
	g, ok := headerSeconds(res, "Expires")
	if !ok {
		g = exp
	}
	return g, nil
}

// run refreshes the subscription until Unsubscribe or the account ends.
func (sub *Subscription) run() {
	defer close(sub.done)
	a := sub.a
	sub.mu.Lock()
	wait := half(sub.granted)
	sub.mu.Unlock()
	backoff := time.Second
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		fresh := false
		select {
		case <-sub.stop:
			return
		case <-a.ctx.Done():
			return
		case <-sub.wake:
			sub.mu.Lock()
			reason := sub.reason
			sub.mu.Unlock()
			switch reason {
			case "deactivated", "timeout", "probation", "":
				fresh = true // RFC 6665 4.1.3: these invite a new subscription
			default:
				return // rejected, noresource, giveup, invariant
			}
		case <-timer.C:
		}
		ctx, cancel := context.WithTimeout(a.ctx, registerTimeout)
		var err error
		var g int
		if fresh {
			err = sub.start(ctx)
			sub.mu.Lock()
			g = sub.granted
			sub.mu.Unlock()
		} else {
			sub.mu.Lock()
			d := sub.d
			sub.mu.Unlock()
			g, err = sub.send(ctx, d, sub.expires)
			if Status(err) == 481 { // the switch forgot us: subscribe anew
				err = sub.start(ctx)
				sub.mu.Lock()
				g = sub.granted
				sub.mu.Unlock()
			}
		}
		cancel()
		if err != nil {
			if a.ctx.Err() != nil {
				return
			}
			a.s.log.Debug("ua: subscription refresh failed", "event", sub.event, "resource", sub.resource, "error", err)
			timer.Reset(backoff)
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = time.Second
		timer.Reset(half(g))
	}
}

// Unsubscribe ends the subscription (SUBSCRIBE with Expires 0).
func (sub *Subscription) Unsubscribe(ctx context.Context) error {
	first := false
	sub.stopOnce.Do(func() { first = true; close(sub.stop) })
	if !first {
		return nil
	}
	<-sub.done
	a, s := sub.a, sub.a.s
	a.mu.Lock()
	delete(a.subs, sub)
	a.mu.Unlock()
	sub.mu.Lock()
	d, ended := sub.d, sub.ended
	sub.ended = true
	sub.mu.Unlock()
	if d == nil {
		return nil
	}
	var err error
	if !ended {
		_, err = sub.send(ctx, d, 0)
	}
	k := d.key()
	time.AfterFunc(lingerAfterEnd, func() { s.dropSub(k, sub) })
	if err != nil {
		return fmt.Errorf("ua: unsubscribe %s: %w", sub.event, err)
	}
	return nil
}

func (s *Stack) dropSub(k string, sub *Subscription) {
	s.mu.Lock()
	if s.subs[k] == sub {
		delete(s.subs, k)
	}
	s.mu.Unlock()
}

// onNotify takes a NOTIFY of one of our subscriptions.
func (s *Stack) onNotify(req *gosip.Request, tx gosip.ServerTransaction) {
	s.mu.Lock()
	sub := s.subs[key(req.CallID().Value(), tagOf(req.To().Params))]
	s.mu.Unlock()
	if sub == nil {
		if t := s.referOf(req); t != nil { // a call's implicit refer subscription
			t.onNotify(req, tx)
			return
		}
		hsip.Respond(tx, req, 481, "Call/Transaction Does Not Exist (no such subscription)", nil)
		return
	}
	sub.onNotify(req, tx)
}

// checkNotify answers (and reports false for) a NOTIFY that is not one of
// d's for event: another dialog 481, another event 489, a bad
// Subscription-State 400, an old CSeq 500, an oversized body 413. It
// returns the subscription's state and reason.
func checkNotify(d *dialog, event string, req *gosip.Request, tx gosip.ServerTransaction) (state, reason string, ok bool) {
	if !d.matches(req) {
		hsip.Respond(tx, req, 481, "", nil)
		return "", "", false
	}
	ev := ""
	if h := req.GetHeader("Event"); h != nil {
		ev, _, _ = strings.Cut(h.Value(), ";")
		ev = strings.TrimSpace(ev)
	}
	if !strings.EqualFold(ev, event) {
		hsip.Respond(tx, req, 489, "Bad Event", nil)
		return "", "", false
	}
	state, reason, ok = subscriptionState(req)
	if !ok {
		hsip.Respond(tx, req, 400, "Bad Request (invalid Subscription-State)", nil)
		return "", "", false
	}
	if !d.accept(req) {
		hsip.Respond(tx, req, 500, "Server Internal Error (CSeq out of order)", nil)
		return "", "", false
	}
	if len(req.Body()) > maxInfoLen {
		hsip.Respond(tx, req, 413, "", nil)
		return "", "", false
	}
	return state, reason, true
}

func (sub *Subscription) onNotify(req *gosip.Request, tx gosip.ServerTransaction) {
	sub.mu.Lock()
	d := sub.d
	sub.mu.Unlock()
	if d == nil || tagOf(req.To().Params) != d.localTag {
		hsip.Respond(tx, req, 481, "", nil)
		return
	}
	d.learnTag(tagOf(req.From().Params), req.Contact())
	state, reason, ok := checkNotify(d, sub.event, req, tx)
	if !ok {
		return
	}
	hsip.Respond(tx, req, 200, "", nil)
	n := Notify{Sub: sub, Event: sub.event, Body: append([]byte(nil), req.Body()...),
		Terminated: state == "terminated", Reason: reason}
	if ct := req.ContentType(); ct != nil {
		n.ContentType = ct.Value()
	}
	a := sub.a
	if f := a.ev.Notify; f != nil {
		a.q.push(func() { f(n) })
	}
	if f := a.ev.MWI; f != nil && strings.EqualFold(sub.event, "message-summary") && len(n.Body) > 0 {
		if m, err := ParseMessageSummary(n.Body); err == nil {
			a.q.push(func() { f(m) })
		}
	}
	if n.Terminated {
		sub.mu.Lock()
		stale := sub.d != d
		if !stale {
			sub.ended, sub.reason = true, reason
		}
		sub.mu.Unlock()
		if !stale {
			select {
			case sub.wake <- struct{}{}:
			default:
			}
		}
	}
}

// subscriptionState reads Subscription-State (RFC 6665 8.2.3): the state
// (active, pending, terminated) and the reason parameter.
func subscriptionState(req *gosip.Request) (state, reason string, ok bool) {
	h := req.GetHeader("Subscription-State")
	if h == nil {
		return "", "", false
	}
	parts := strings.Split(h.Value(), ";")
	state = strings.ToLower(strings.TrimSpace(parts[0]))
	if state == "" || !allToken(state) {
		return "", "", false
	}
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "reason") {
			reason = strings.ToLower(strings.TrimSpace(v))
			if len(reason) > maxHeaderName || !allToken(reason) {
				return "", "", false
			}
		}
	}
	return state, reason, true
}

func allToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isToken(s[i]) {
			return false
		}
	}
	return s != ""
}
