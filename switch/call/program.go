package call

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/media/tone"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// afterHangup is how long a program may run on once its caller has hung
// up, to keep a recording; its primitives return ErrHungUp.
const afterHangup = 10 * time.Second

// errTransferred ends a program after Transfer.
var errTransferred = errors.New("call transferred")

// runProgram hands the call to a program (hook.ActionProgram) and cleans
// up after it: a caller with no final response gets one, a call still up
// is hung up.
func (c *Call) runProgram(p hook.Program) {
	c.mu.Lock()
	c.program = true
	c.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.canceled:
		case <-c.done:
			// The program may still keep what the call left (a voicemail
			// recorded until the hang-up); its primitives now fail.
			t := time.NewTimer(afterHangup)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		case <-ctx.Done():
			return
		}
		cancel()
	}()
	err := safeRun(ctx, p, &programCall{c: c})
	if err != nil && !errors.Is(err, hook.ErrHungUp) && !errors.Is(err, errTransferred) && !errors.Is(err, context.Canceled) {
		c.m.log.Warn("call program failed", "call_id", c.cdr.CallID, "error", err)
	}
	c.mu.Lock()
	final, ended := c.final, c.ended
	c.mu.Unlock()
	switch {
	case ended:
	case isClosed(c.canceled):
		c.fail(&sip.Error{Code: 487})
	case !final:
		code := 480
		if err != nil {
			code = 500
		}
		c.fail(&sip.Error{Code: code, Reason: "program ended without answering"})
	default:
		c.hangup("program_end")
	}
}

// safeRun runs a program, turning a panic into an error for this call only.
func safeRun(ctx context.Context, p hook.Program, pc *programCall) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("program panicked: %v", r)
		}
	}()
	return p.Run(ctx, pc)
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// dropCallee handles a callee's BYE while a program drives the call: the
// bridge ends, the caller stays for the program. It reports whether it did.
func (c *Call) dropCallee(l *leg) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.program || c.b != l {
		return false
	}
	c.b = nil
	c.m.use(c.calleeExt, -1) // the callee is off this call
	c.calleeExt = ""
	if c.bridgeEnd != nil {
		close(c.bridgeEnd)
		c.bridgeEnd = nil
	}
	go c.forget(l)
	return true
}

// programCall is the hook.Call a program drives.
type programCall struct{ c *Call }

func (p *programCall) Info() hook.RouteRequest { return p.c.routeInfo() }

// gone says whether the caller has hung up or canceled.
func (p *programCall) gone() bool { return isClosed(p.c.done) || isClosed(p.c.canceled) }

func (p *programCall) Answer(ctx context.Context) error {
	c := p.c
	if p.gone() {
		return hook.ErrHungUp
	}
	c.mu.Lock()
	if c.final && c.transferred && c.answered {
		c.mu.Unlock()
		return nil // a transferred caller is answered already
	}
	if c.final {
		c.mu.Unlock()
		return fmt.Errorf("answer: %w: already answered or refused", hook.ErrState)
	}
	c.selfAnswer = true // one codec from now on, for this leg and the callees
	c.mu.Unlock()
	body, err := c.a.answerTo(c.offer, false)
	if err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	c.sendOK(body, c.offer.Audio().Hold)
	if p.gone() {
		return hook.ErrHungUp
	}
	return nil
}

func (p *programCall) Hangup(code int, reason string) error {
	c := p.c
	c.mu.Lock()
	final := c.final
	c.mu.Unlock()
	if !final {
		if code < 400 || code > 699 {
			code = 480
		}
		c.setStatus("rejected")
		c.fail(&sip.Error{Code: code, Reason: reason})
		return nil
	}
	c.hangup("program_hangup")
	return nil
}

func (p *programCall) Bridge(ctx context.Context, s hook.BridgeSpec) (hook.BridgeResult, error) {
	return p.bridge(ctx, s, bridgeOpts{ringback: true, name: s.CallerName})
}

// bridgeOpts vary a program's bridge: what the caller hears while the
// targets ring, and who is told when one answers (a queue's agent).
type bridgeOpts struct {
	ringback bool                // play ringback to an answered caller; else keep what plays
	answered func(target string) // called when a target answered, before the talk
	name     string              // the caller's display name shown to the targets, when set
}

func (p *programCall) bridge(ctx context.Context, s hook.BridgeSpec, o bridgeOpts) (hook.BridgeResult, error) {
	c := p.c
	if p.gone() {
		return hook.BridgeResult{HungUp: true}, hook.ErrHungUp
	}
	c.mu.Lock()
	if c.final && !c.answered {
		c.mu.Unlock()
		return hook.BridgeResult{}, fmt.Errorf("bridge: %w: the call was refused", hook.ErrState)
	}
	if c.b != nil {
		c.mu.Unlock()
		return hook.BridgeResult{}, fmt.Errorf("bridge: %w: already bridged", hook.ErrState)
	}
	end := make(chan struct{})
	c.bridgeEnd = end
	if s.CallerID != "" {
		c.callerID, c.cidSet = s.CallerID, true
	}
	c.autoAnswer = s.AutoAnswer
	c.shownName = o.name
	ep := c.ep
	c.mu.Unlock()
	if ep != nil && o.ringback { // an answered caller hears ringback meanwhile
		if t, err := c.m.tone("ringback"); err == nil {
			ep.Play(tone.NewGenerator(t, 8000))
		}
	}
	res, err := c.bridge(hook.RouteDecision{Action: hook.ActionBridge, Targets: s.Targets, Mode: s.Mode, Timeout: s.Timeout,
		Trunks: s.Trunks, TimeLimit: s.TimeLimit})
	c.mu.Lock()
	c.autoAnswer = false
	c.shownName = ""
	c.mu.Unlock()
	if err != nil {
		if ep != nil && o.ringback {
			ep.Stop()
		}
		code, reason := sip.StatusOf(err)
		if p.gone() {
			return hook.BridgeResult{Code: code, Reason: reason, HungUp: true}, hook.ErrHungUp
		}
		return hook.BridgeResult{Code: code, Reason: reason}, nil
	}
	start := time.Now()
	c.dropEndpoint() // the caller's media goes to the callee now
	c.watchFeatures()
	c.mu.Lock()
	answered := c.answered
	target := c.cdr.FinalDest
	c.mu.Unlock()
	if o.answered != nil {
		o.answered(target)
	}
	if !answered {
		c.answer(res) // the callee's answer is the caller's
	} else if b := c.callee(); b != nil {
		if body, err := b.parseRemote(res.Body()); err == nil {
			b.learn(body)
			c.sess.SetHold(body.Audio().Hold)
			c.resumeTransferee(body)
		}
	} else if body, err := media.ParseSDP(res.Body()); err == nil {
		c.sess.SetHold(body.Audio().Hold)
	}
	select {
	case <-end: // the callee hung up: back to the program
		return hook.BridgeResult{Answered: true, Target: target, Talk: time.Since(start)}, nil
	case <-c.done:
		return hook.BridgeResult{Answered: true, Target: target, Talk: time.Since(start), HungUp: true}, hook.ErrHungUp
	}
}

func (p *programCall) Transfer(ctx context.Context, target string) error {
	r, err := p.Bridge(ctx, hook.BridgeSpec{Targets: []string{target}})
	if err != nil {
		return err
	}
	if !r.Answered {
		return fmt.Errorf("transfer to %s: %d %s", target, r.Code, r.Reason)
	}
	return errTransferred
}

func (p *programCall) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-p.c.done:
		return hook.ErrHungUp
	case <-p.c.canceled:
		return hook.ErrHungUp
	case <-ctx.Done():
		return hook.ErrHungUp
	}
}
