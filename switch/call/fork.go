package call

import (
	"context"
	"errors"
	"fmt"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
)

const noAnswer = "Temporarily Unavailable (no answer)"

// trunkSilence is how long a trunk may take to answer an INVITE at all.
const trunkSilence = 4 * time.Second

// fork is one INVITE sent to one registered contact.
type fork struct {
	t          target
	leg        *leg
	tx         gosip.ClientTransaction
	req        *gosip.Request
	ctx        context.Context
	cancel     context.CancelFunc
	early      bool // a provisional arrived, so CANCEL is allowed (RFC 3261 9.1)
	canceling  bool // we want it gone
	cancelSent bool
	done       bool
	authed     bool // a trunk's challenge was answered: another is a refusal
}

type forkEvent struct {
	f   *fork
	res *gosip.Response
	err error // transport error or timeout
}

// ring tries the groups one after another, ringing every contact of a group
// at once; the first 2xx wins and becomes leg b.
func (c *Call) ring(groups [][]target, timeout time.Duration) (*gosip.Response, error) {
	var finals []int
	unanswered := false
	for i, g := range groups {
		res, codes, err := c.ringGroup(g, timeout)
		var se *sip.Error
		if errors.As(err, &se) && se.Code == 480 && se.Reason == noAnswer && i < len(groups)-1 {
			unanswered = true // a step rang out: the next one rings (a hunt)
			continue
		}
		if err != nil || res != nil {
			return res, err
		}
		finals = append(finals, codes...)
	}
	if unanswered && len(finals) == 0 {
		return nil, &sip.Error{Code: 480, Reason: noAnswer}
	}
	return nil, bestFailure(finals)
}

func (c *Call) ringGroup(g []target, timeout time.Duration) (*gosip.Response, []int, error) {
	req := c.req
	// Every fork ends with exactly one terminal event, so this capacity
	// means terminal sends never block; provisionals are dropped when full.
	events := make(chan forkEvent, 2*len(g)+32)
	var forks []*fork
	noCommon := false // a contact was not rung: no codec in common (488)
	for _, t := range g {
		f, err := c.startFork(req, t, events)
		if err != nil {
			c.m.log.Debug("fork: send", "to", t.b.Contact, "error", err)
			if isNoCodec(err) {
				noCommon = true
			}
			continue
		}
		forks = append(forks, f)
	}
	if len(forks) == 0 {
		if noCommon {
			return nil, []int{488}, nil
		}
		return nil, []int{480}, nil
	}
	c.mu.Lock()
	c.cdr.FinalDest = g[0].ext
	c.mu.Unlock()
	rs := c.ringingAt(g) // a pickup may answer instead (pickup.go)
	defer rs.close(c)
	ringTimer := time.NewTimer(timeout)
	defer ringTimer.Stop()
	var codes []int
	var earlyFork *fork
	abandon := func(winner *fork) {
		for _, o := range forks {
			if o != winner && !o.done {
				c.cancelFork(o)
			}
		}
		// Close waits for the losers too; and while drainForks counts in
		// m.wg, cancelFork's Add never meets a zero count being waited on.
		c.m.wg.Add(1)
		go func() {
			defer c.m.wg.Done()
			drainForks(c, forks, winner, events)
		}()
	}
	for pending := len(forks); pending > 0; {
		select {
		case ev := <-events:
			f := ev.f
			if f.done {
				continue
			}
			if ev.err != nil {
				f.done = true
				pending--
				codes = append(codes, 408)
				c.forget(f.leg)
				continue
			}
			res := ev.res
			switch {
			case res.StatusCode < 200:
				if res.StatusCode == 100 {
					continue
				}
				c.early(f)
				c.blfRing(f, res)
				c.markRinging()
				c.provisional(f, res, &earlyFork)
			case res.StatusCode < 300:
				f.done = true
				c.win(f, res)
				abandon(f)
				return res, nil, nil
			default:
				f.done = true
				if nf := c.authRetry(f, res, events); nf != nil {
					forks = append(forks, nf) // the same attempt, with credentials
					continue
				}
				pending--
				codes = append(codes, res.StatusCode)
				c.forget(f.leg)
				if res.StatusCode >= 600 {
					abandon(nil)
					return nil, codes, nil
				}
			}
		case pk := <-rs.requests():
			res, err := c.takePicker(pk)
			pk.reply <- err
			if err == nil {
				rs.close(c)
				abandon(nil)
				return res, nil, nil
			}
		case <-ringTimer.C:
			abandon(nil)
			return nil, nil, &sip.Error{Code: 480, Reason: noAnswer}
		case <-c.canceled:
			abandon(nil)
			return nil, nil, &sip.Error{Code: 487}
		case <-c.done: // hung up from outside (shutdown)
			abandon(nil)
			return nil, nil, &sip.Error{Code: 503, Reason: "Service Unavailable (shutting down)"}
		}
	}
	return nil, codes, nil
}

// startFork sends the INVITE for one contact.
func (c *Call) startFork(areq *gosip.Request, t target, events chan<- forkEvent) (*fork, error) {
	if t.trunk != nil {
		d, err := c.trunkDialog(t)
		if err != nil {
			return nil, err
		}
		return c.sendFork(areq, t, d, events)
	}
	m := c.m
	transport := t.b.Transport
	if transport == "" {
		transport = "udp"
	}
	var ruri gosip.Uri
	if err := gosip.ParseUri(t.b.Contact, &ruri); err != nil {
		return nil, fmt.Errorf("binding contact %q: %w", t.b.Contact, err)
	}
	host := m.stack.Host()
	d := &dialog{
		callID:    sip.NewCallID(),
		localTag:  sip.NewTag(),
		local:     gosip.Uri{Scheme: "sip", User: c.callerID, Host: host},
		localName: c.shownCallerName(),
		remote:    gosip.Uri{Scheme: "sip", User: t.ext, Host: host},
		target:    ruri,
		dest:      t.b.Source,
		transport: transport,
		contact:   m.stack.Contact(transport, ""),
	}
	return c.sendFork(areq, t, d, events)
}

// sendFork sends the INVITE of dialog d to target t.
func (c *Call) sendFork(areq *gosip.Request, t target, d *dialog, events chan<- forkEvent) (*fork, error) {
	m := c.m
	host := m.stack.Host()
	l := newLeg(c, d, c.calleeMedia())
	l.toBrowser = t.trunk == nil && m.isBrowser(t.b)
	if t.trunk == nil {
		l.set = m.extMediaOf(t.ext)
	}
	body, err := l.sdpFor(c.offer, false)
	if err != nil {
		l.closeWeb()
		return nil, err
	}
	req := d.request(gosip.INVITE, 0)
	if mf := areq.MaxForwards(); mf != nil {
		v := gosip.MaxForwardsHeader(mf.Val() - 1)
		req.ReplaceHeader(&v)
	}
	req.AppendHeader(gosip.NewHeader("Allow", Allowed))
	req.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	req.AppendHeader(gosip.NewHeader("User-Agent", "hookswitch"))
	c.mu.Lock()
	auto := c.autoAnswer
	c.mu.Unlock()
	if auto {
		// Phones differ in which header asks them to pick up at once
		// (paging, intercom): RFC 5373's, and those common phones read.
		req.AppendHeader(gosip.NewHeader("Answer-Mode", "Auto"))
		req.AppendHeader(gosip.NewHeader("Call-Info", "<sip:"+host+">;answer-after=0"))
		req.AppendHeader(gosip.NewHeader("Alert-Info", "<http://localhost>;info=alert-autoanswer;delay=0"))
		req.AppendHeader(gosip.NewHeader("Alert-Info", "Auto Answer"))
	}
	if t.trunk != nil {
		c.outboundCLI(req, t.trunk)
		rewriteHeaders(req, t.trunk.Headers)
	}
	req.SetBody(body)
	l.invite = req
	// The leg has its own Call-ID: file its messages under the call's trace.
	m.stack.Tracer().Link(c.cdr.CallID, d.callID)
	ctx, cancel := context.WithCancel(context.Background())
	tx, err := m.stack.Request(ctx, req)
	if err != nil {
		cancel()
		return nil, err
	}
	f := &fork{t: t, leg: l, tx: tx, req: req, ctx: ctx, cancel: cancel}
	m.addDialog(l)
	go c.watchFork(f, events)
	return f, nil
}

// watchFork reports a fork's responses: provisionals while there is room,
// and exactly one terminal event.
func (c *Call) watchFork(f *fork, events chan<- forkEvent) {
	tx, ctx := f.tx, f.ctx
	defer tx.Terminate()
	// A trunk that does not even say 100 Trying is down: fail over now,
	// not after Timer B's 32 s.
	var silent <-chan time.Time
	if f.t.trunk != nil {
		t := time.NewTimer(trunkSilence)
		defer t.Stop()
		silent = t.C
	}
	for {
		select {
		case <-silent:
			events <- forkEvent{f: f, err: fmt.Errorf("trunk %s: no answer within %v", f.t.trunk.Name, trunkSilence)}
			return
		case res := <-tx.Responses():
			silent = nil
			if res.StatusCode >= 200 {
				events <- forkEvent{f: f, res: res}
				return
			}
			if len(events) < cap(events)/2 {
				events <- forkEvent{f: f, res: res}
			}
		case <-tx.Done():
			err := tx.Err()
			if err == nil {
				err = gosip.ErrTransactionTerminated
			}
			events <- forkEvent{f: f, err: err}
			return
		case <-ctx.Done():
			events <- forkEvent{f: f, err: ctx.Err()}
			return
		}
	}
}

// provisional relays 180/183 to the caller; the first 183 with SDP carries
// early media through our anchor.
func (c *Call) provisional(f *fork, res *gosip.Response, early **fork) {
	c.mu.Lock()
	final := c.final
	c.mu.Unlock()
	if final { // a program answered the caller already
		return
	}
	code := res.StatusCode
	var body []byte
	if len(res.Body()) > 0 && (*early == nil || *early == f) {
		if s, err := f.leg.parseRemote(res.Body()); err == nil {
			f.leg.learn(s)
			if b, err := c.a.sdpFor(s, false); err == nil {
				body = b
				*early = f
			}
		}
	}
	if code != 180 && code != 183 {
		code = 180
	}
	out := gosip.NewResponseFromRequest(c.req, code, sip.StatusText(code), body)
	out.To().Params.Add("tag", c.a.d.localTag)
	out.AppendHeader(&gosip.ContactHeader{Address: c.a.d.contact})
	if body != nil {
		out.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	}
	c.tx.Respond(out)
}

// markRinging notes when the caller started to hear ringing. A caller a
// program answered already hears ringback from us: its ring time, if any,
// came before the answer.
func (c *Call) markRinging() {
	c.mu.Lock()
	if c.cdr.RingTime.IsZero() && !c.answered {
		c.cdr.RingTime = time.Now()
	}
	c.mu.Unlock()
}

// win makes a fork's 2xx the call's callee leg and ACKs it.
func (c *Call) win(f *fork, res *gosip.Response) {
	f.leg.d.confirm(res)
	f.leg.res2xx = res
	c.mu.Lock()
	c.b = f.leg
	c.cdr.FinalDest = f.t.ext
	if f.t.trunk != nil && c.trunk == "" {
		c.trunk = f.t.trunk.Name
		c.cdr.Trunk = c.trunk
		c.m.useTrunk(c.trunk, 1)
	}
	prev := c.calleeExt
	if f.t.trunk == nil {
		c.calleeExt = f.t.ext
	}
	callee, ended := c.calleeExt, c.ended
	c.mu.Unlock()
	if prev != callee && !ended {
		c.m.use(prev, -1)
		c.m.use(callee, 1)
	}
	c.m.stack.Write(f.leg.d.request(gosip.ACK, f.req.CSeq().SeqNo))
	c.blfWin(f, res)
}

// ackAndBye releases a callee that answered too late (RFC 3261 13.2.2.4).
func (c *Call) ackAndBye(f *fork, res *gosip.Response) {
	f.leg.d.confirm(res)
	c.m.stack.Write(f.leg.d.request(gosip.ACK, f.req.CSeq().SeqNo))
	go c.m.bye(f.leg)
	c.forget(f.leg)
}

func (c *Call) forget(l *leg) {
	c.blfDrop(l)
	c.mu.Lock()
	won := l == c.b
	c.mu.Unlock()
	if !won {
		l.closeWeb() // a browser fork that lost; the winner's ends with the call
	}
	c.m.mu.Lock()
	if c.m.dialogs[l.d.key()] == l {
		delete(c.m.dialogs, l.d.key())
	}
	c.m.mu.Unlock()
}

// early records a fork's first provisional and sends a CANCEL that was
// waiting for it.
func (c *Call) early(f *fork) {
	f.early = true
	if f.canceling {
		c.cancelFork(f)
	}
}

// cancelFork sends CANCEL once a provisional arrived; before that the
// CANCEL waits for one (RFC 3261 9.1).
func (c *Call) cancelFork(f *fork) {
	c.blfDrop(f.leg) // the user sees the ringing stop now, whenever the phone answers the CANCEL
	f.canceling = true
	if !f.early || f.done || f.cancelSent {
		return
	}
	f.cancelSent = true
	cancelReq := cancelFor(f.req)
	c.m.wg.Add(1) // Close waits for CANCELs on the wire
	go func() {
		defer c.m.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), gosip.Timer_F)
		defer cancel()
		tx, err := c.m.stack.RequestAsIs(ctx, cancelReq)
		if err != nil {
			return
		}
		defer tx.Terminate()
		select {
		case <-tx.Responses():
		case <-tx.Done():
		case <-ctx.Done():
		}
	}()
}

// cancelFor builds a CANCEL for an INVITE we sent (RFC 3261 9.1).
func cancelFor(inv *gosip.Request) *gosip.Request {
	r := gosip.NewRequest(gosip.CANCEL, *inv.Recipient.Clone())
	r.AppendHeader(gosip.HeaderClone(inv.Via()))
	for _, h := range inv.GetHeaders("Route") {
		r.AppendHeader(gosip.HeaderClone(h))
	}
	r.AppendHeader(gosip.HeaderClone(inv.From()))
	r.AppendHeader(gosip.HeaderClone(inv.To()))
	r.AppendHeader(gosip.HeaderClone(inv.CallID()))
	r.AppendHeader(&gosip.CSeqHeader{SeqNo: inv.CSeq().SeqNo, MethodName: gosip.CANCEL})
	mf := gosip.MaxForwardsHeader(70)
	r.AppendHeader(&mf)
	r.SetTransport(inv.Transport())
	r.SetDestination(inv.Destination())
	r.SetBody(nil)
	return r
}

// drainForks waits for the losers of a fork race (or all forks of an
// abandoned attempt): a late 2xx is ACKed and hung up, the rest just end.
// Forks that never answer are given up after Timer B.
func drainForks(c *Call, forks []*fork, winner *fork, events <-chan forkEvent) {
	pending := 0
	for _, f := range forks {
		if f != winner && !f.done {
			pending++
		}
	}
	deadline := time.NewTimer(gosip.Timer_B)
	defer deadline.Stop()
	for pending > 0 {
		select {
		case ev := <-events:
			f := ev.f
			if f.done || f == winner {
				continue
			}
			switch {
			case ev.err != nil:
			case ev.res.StatusCode < 200:
				if ev.res.StatusCode > 100 {
					c.early(f)
				}
				continue
			case ev.res.StatusCode < 300:
				c.ackAndBye(f, ev.res)
			}
			f.done = true
			pending--
		case <-deadline.C:
			pending = 0
		}
	}
	for _, f := range forks {
		if f != winner {
			f.cancel()
			c.forget(f.leg)
		}
	}
}

// bestFailure picks the response for the caller when every contact failed
// (after RFC 3261 16.7 step 6): a 6xx, else busy, else the most specific
// 4xx, else unavailable.
func bestFailure(codes []int) error {
	best := 0
	for _, c := range codes {
		switch {
		case c >= 600:
			return &sip.Error{Code: c}
		case c == 486:
			best = 486
		case best != 486 && c >= 400 && c < 500 && c != 408 && c != 480 && c != 487:
			if best == 0 || c < best {
				best = c
			}
		}
	}
	if best == 0 {
		for _, c := range codes {
			if c >= 500 {
				best = 503
			}
		}
	}
	if best == 0 {
		best = 480
	}
	return &sip.Error{Code: best}
}

// shownCallerName is the display name a callee sees: the caller's own,
// unless the bridge chose another (a queue's "Sales: name").
func (c *Call) shownCallerName() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shownName != "" {
		return c.shownName
	}
	return c.cdr.CallerName
}
