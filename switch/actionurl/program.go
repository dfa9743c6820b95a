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
		err = c.Play(ctx, s.play)
	case verbCollect:
		var digits string
		digits, err = c.Collect(ctx, s.collect)
		if err == nil && s.action != nil {
			w := r.wire(s)
			w.Input = &digits
			next, err = r.fetch(ctx, s.action, w)
		}
	case verbRecord:
		var rec hook.RecordResult
		if rec, err = c.Record(ctx, s.record); err != nil {
			break
		}
		w := r.wire(s)
		w.Recording, w.Duration, w.Reason, w.Digit, w.HungUp = rec.File, seconds(rec.Duration), rec.Reason, rec.Digit, rec.HungUp
		return r.result(ctx, s, w)
	case verbConference:
		var res hook.ConferenceResult
		if res, err = c.Conference(ctx, s.conf); err != nil {
			break
		}
		w := r.wire(s)
		w.Reason, w.HungUp = res.Reason, res.HungUp
		return r.result(ctx, s, w)
	case verbQueue:
		var res hook.QueueResult
		if res, err = c.Queue(ctx, s.queue); err != nil {
			break
		}
		w := r.wire(s)
		w.QueueResult, w.Agent, w.Position, w.HungUp = res.Reason, res.Agent, res.Position, res.HungUp
		w.Waited, w.Talk = seconds(res.Waited), seconds(res.Talk)
		return r.result(ctx, s, w)
	case verbSendDigits:
		err = c.SendDigits(ctx, s.digits)
	case verbBridge:
		var res hook.BridgeResult
		res, err = c.Bridge(ctx, s.bridge)
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

// result posts the result of a recording, a conference stay or a queue.
// One the caller ended by hanging up still reaches the action URL (a voicemail
// left that way is worth keeping), and then the program ends: there is
// nobody left to run the answer for.
func (r *run) result(ctx context.Context, s *step, w programWire) (next *doc, done bool, err error) {
	switch {
	case w.HungUp && s.action != nil:
		if err := r.notify(ctx, s.action, w); err != nil {
			r.e.log.Warn("call program: the action url missed the result of a hung-up call", "call_id", r.info.CallID, "verb", s.kind.String(), "error", err)
		}
		return nil, true, nil
	case w.HungUp:
		return nil, true, nil
	case s.action != nil:
		next, err = r.fetch(ctx, s.action, w)
	}
	return next, false, err
}

func (r *run) wire(s *step) programWire {
	return programWire{
		header: hdr(hook.Route), CallID: r.info.CallID, From: r.info.From, FromName: r.info.FromDisplay,
		To: r.info.To, AccountName: r.info.To, Trunk: r.info.Trunk, Language: r.info.Language, Verb: s.kind.String(),
	}
}

// fetch posts a verb's result to its action URL, with the hook's retries,
// fallback and breaker, within the hook's budget, and parses the next
// document (any of the three route formats).
func (r *run) fetch(ctx context.Context, d *dest, w programWire) (*doc, error) {
	var next *doc
	err := r.post(ctx, d, w, func(resp response) error {
		if resp.status == http.StatusNoContent {
			return fmt.Errorf("%w: 204 No Content: an action URL must answer with a document", ErrResponse)
		}
		var perr error
		next, perr = parseDoc(resp.body, resp.from.u)
		if perr == nil && next.dec.Diversion+next.dec.DiversionReason != "" {
			// A bridge of a call program has no Diversion: refuse rather
			// than drop it.
			perr = fmt.Errorf("%w: fields \"diversion\" and \"diversion_reason\": only in the answer to a route or failure request, not to a call program's action URL", ErrResponse)
		}
		return perr
	})
	if err != nil {
		return nil, err
	}
	return next.asSteps(), nil
}

// notify posts a result after the caller hung up: any 2xx will do, and
// what it says is not run.
func (r *run) notify(ctx context.Context, d *dest, w programWire) error {
	return r.post(ctx, d, w, func(response) error { return nil })
}

// post sends w to d like every fetch of the program: counted against
// MaxDocuments and within a fresh hook budget.
func (r *run) post(ctx context.Context, d *dest, w programWire, decode decodeFunc) error {
	if r.docs++; r.docs > MaxDocuments {
		return fmt.Errorf("%w: more than %d documents", ErrLimit, MaxDocuments)
	}
	p, err := encode(hook.Route, w, r.t.get)
	if err != nil {
		return err
	}
	fctx, cancel := context.WithTimeout(ctx, r.t.budget)
	defer cancel()
	return r.e.ask(fctx, r.t, d, p, decode)
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
		out.steps = []step{{kind: verbBridge, bridge: hook.BridgeSpec{Targets: dec.Targets, Mode: dec.Mode, Timeout: dec.Timeout, CallerID: dec.CallerID,
			Trunks: dec.Trunks, TimeLimit: dec.TimeLimit}}}
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
