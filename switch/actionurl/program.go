package actionurl

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Per-call bounds: a web app that keeps answering with documents (or a
// loop of redirects) cannot keep a call busy forever.
const (
	MaxDocuments = 50  // documents fetched per call, the first included
	MaxVerbs     = 500 // verbs run per call
)

// program runs verb documents on a call. It holds no per-call state, so
// one value may run several calls.
type program struct {
	e       *Engine
	t       *target
	steps   []step
	onError errMode
}

// run is the state of one call's program.
type run struct {
	*program
	c       hook.Call
	info    hook.RouteRequest
	steps   []step
	onError errMode
	docs    int
	verbs   int
}

// Run implements hook.Program. It returns nil when the program ends
// normally (including the caller hanging up) and an error, after hanging
// up with 500, when a verb fails with on_error hangup or a limit is hit.
func (p *program) Run(ctx context.Context, c hook.Call) error {
	r := &run{program: p, c: c, info: c.Info(), steps: p.steps, onError: p.onError, docs: 1}
	return r.loop(ctx)
}

func (r *run) loop(ctx context.Context) error {
	for i := 0; i < len(r.steps); i++ {
		if r.verbs++; r.verbs > MaxVerbs {
			return r.fail(fmt.Errorf("%w: more than %d verbs", ErrLimit, MaxVerbs))
		}
		s := &r.steps[i]
		next, done, err := r.exec(ctx, s)
		switch {
		case errors.Is(err, hook.ErrHungUp):
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("call program: %w", ctx.Err())
		case errors.Is(err, ErrLimit):
			return r.fail(err)
		case err != nil:
			mode := s.onError
			if mode == errUnknown {
				mode = r.onError
			}
			if mode == errContinue {
				r.e.log.Debug("call program: verb failed; continuing", "call_id", r.info.CallID, "verb", s.kind.String(), "error", err)
				continue
			}
			return r.fail(fmt.Errorf("%w: %s: %w", ErrVerb, s.kind, err))
		case done:
			return nil
		case next != nil:
			r.steps, r.onError, i = next.steps, next.onError, -1
		}
	}
	return nil
}

// fail hangs up with 500 (BYE once answered) and returns err for the log.
func (r *run) fail(err error) error {
	_ = r.c.Hangup(http.StatusInternalServerError, "call program failed")
	return fmt.Errorf("call program %s: %w", r.info.CallID, err)
}

// exec runs one verb. next is the document an action URL answered with;
// done means the program is over (hangup, transfer, caller gone).
func (r *run) exec(ctx context.Context, s *step) (next *doc, done bool, err error) {
	c := r.c
	switch s.kind {
	case verbAnswer:
		if err = c.Answer(ctx); errors.Is(err, hook.ErrState) {
			err = nil // already answered: the verb's intent holds
		}
	case verbPlay:
		err = c.Play(ctx, hook.PlaySpec{File: s.file, Loops: s.loops})
	case verbCollect:
		var digits string
		digits, err = c.Collect(ctx, hook.CollectSpec{Max: s.max, Timeout: s.timeout, Terminator: s.terminator, Prompt: optional(s.prompt)})
		if err == nil && s.action != nil {
			w := r.wire(s)
			w.Input = &digits
			next, err = r.fetch(ctx, s.action, w)
		}
	case verbRecord:
		var rec hook.RecordResult
		rec, err = c.Record(ctx, hook.RecordSpec{MaxDuration: s.maxDur, Terminator: s.terminator})
		if err == nil && s.action != nil {
			w := r.wire(s)
			w.Recording = rec.File
			next, err = r.fetch(ctx, s.action, w)
		}
	case verbBridge:
		var res hook.BridgeResult
		res, err = c.Bridge(ctx, hook.BridgeSpec{Targets: s.targets, Mode: s.mode, Timeout: s.timeout, CallerID: s.callerID})
		if err == nil && res.HungUp {
			return nil, true, nil
		}
		if err == nil && s.action != nil {
			w := r.wire(s)
			w.Answered, w.Code, w.Reason, w.Target = &res.Answered, res.Code, res.Reason, res.Target
			w.TalkSeconds = seconds(res.Talk)
			next, err = r.fetch(ctx, s.action, w)
		}
	case verbSleep:
		err = c.Sleep(ctx, s.seconds)
	case verbTransfer:
		return nil, true, c.Transfer(ctx, s.target)
	case verbHangup:
		if err = c.Hangup(s.code, s.reason); errors.Is(err, hook.ErrState) {
			err = nil // already gone
		}
		return nil, true, err
	case verbRedirect:
		next, err = r.fetch(ctx, s.action, r.wire(s))
	default:
		err = fmt.Errorf("%w: verb %s", ErrResponse, s.kind)
	}
	return next, false, err
}

func (r *run) wire(s *step) programWire {
	return programWire{
		header: hdr(hook.Route), CallID: r.info.CallID, From: r.info.From, FromName: r.info.FromDisplay,
		To: r.info.To, AccountName: r.info.To, Verb: s.kind.String(),
	}
}

// fetch posts a verb's result to its action URL, with the hook's retries,
// fallback and breaker, within the hook's budget, and parses the next
// document (any of the three route formats).
func (r *run) fetch(ctx context.Context, d *dest, w programWire) (*doc, error) {
	if r.docs++; r.docs > MaxDocuments {
		return nil, fmt.Errorf("%w: more than %d documents", ErrLimit, MaxDocuments)
	}
	p, err := encode(hook.Route, w, r.t.get)
	if err != nil {
		return nil, err
	}
	fctx, cancel := context.WithTimeout(ctx, r.t.budget)
	defer cancel()
	var next *doc
	err = r.e.ask(fctx, r.t, d, p, func(resp response) error {
		if resp.status == http.StatusNoContent {
			return fmt.Errorf("%w: 204 No Content: an action URL must answer with a document", ErrResponse)
		}
		var perr error
		next, perr = parseDoc(resp.body, resp.from.u)
		return perr
	})
	if err != nil {
		return nil, err
	}
	return next.asSteps(), nil
}

// asSteps turns any route answer into verbs, so an action URL may answer
// with a seed 001 response or a plain decision as well as a document.
func (d *doc) asSteps() *doc {
	if d.kind == docVerbs || d.kind == docIVR && d.ivr == ivrRepeat {
		return d
	}
	out := &doc{kind: docVerbs}
	switch dec := d.dec; dec.Action {
	case hook.ActionBridge:
		out.steps = []step{{kind: verbBridge, targets: dec.Targets, mode: dec.Mode, timeout: dec.Timeout, callerID: dec.CallerID}}
	default:
		out.steps = []step{{kind: verbHangup, code: dec.Code, reason: dec.Reason}}
	}
	return out
}

// optional makes a one-element list of s, or none when s is empty.
func optional(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
