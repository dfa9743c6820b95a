package wasm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// programStartTimeout: a program that the core has not started by then
// (the call went away first) gives its instance back (closed).
const programStartTimeout = 30 * time.Second

// Limits of the primitives' arguments, as for Lua (sdk/abi states them).
const (
	maxSleep   = time.Hour
	maxFileLen = abi.MaxFileLen
	maxLoops   = abi.MaxLoops
	maxDigits  = abi.MaxDigits
	maxRecord  = abi.MaxRecord
	maxCollect = abi.MaxWait
	dtmfKeys   = abi.DTMFKeys
)

// program is a call program that a route or failure decision named: the
// guest's program ID, run later by ExportProgram on the instance that
// decided it (its state lives there).
type program struct {
	p       *plugin
	inst    *instance
	id      uint32
	info    hook.RouteRequest
	started atomic.Bool
}

var _ hook.Program = (*program)(nil)

// Run runs the program, driving c. Wasm time between primitives has
// Options.Budget per step and Options.ProgramBudget in all; time blocked in
// a primitive does not count.
func (pr *program) Run(ctx context.Context, c hook.Call) error {
	p := pr.p
	if !pr.started.CompareAndSwap(false, true) {
		return fmt.Errorf("%s: program: %w: it already ran", p.name, ErrProgram)
	}
	if !p.unreserve(pr.inst) {
		return fmt.Errorf("%s: program: %w (or not started within %v)", p.name, ErrClosed, programStartTimeout)
	}
	inst := pr.inst
	run := &programRun{c: c, ctx: ctx, budget: p.o.Budget, left: p.o.ProgramBudget, step: newStepCtx()}
	inst.begin(pr.info.CallID)
	inst.run = run
	// Run's state leaves the instance before it goes back to the pool.
	finish := func() {
		inst.run = nil
		inst.end()
	}
	httpCtx, cancel := context.WithTimeout(ctx, p.o.ProgramBudget)
	defer cancel()
	cctx := inst.callCtx(httpCtx)
	cctx = context.WithValue(run.step, instKey{}, inst) // wazero watches the step clock, not the call
	run.startStep()
	inst.stack[0] = uint64(pr.id)
	err := inst.program.CallWithStack(cctx, inst.stack[:1])
	run.stopStep()
	if err != nil {
		finish()
		inst.close()
		if run.ended != "" {
			return nil // the caller hung up or was transferred: the program's work is over
		}
		if run.left <= 0 {
			return fmt.Errorf("%s: program: %w: used all of its %v of Wasm time", p.name, ErrBudget, p.o.ProgramBudget)
		}
		return inst.callError(run.step, "program", err)
	}
	status, failMsg := uint32(inst.stack[0]), inst.failMsg
	finish()
	p.put(inst)
	switch status {
	case abi.StatusDecided:
		return nil
	case abi.StatusFailed:
		return fmt.Errorf("%s: program: %w: %s", p.name, ErrFailed, orText(failMsg, "no reason given"))
	default:
		return fmt.Errorf("%s: program: %w: status %d (want 0 or 1)", p.name, ErrDecision, status)
	}
}

// stepCtx is the context wazero watches while a program runs: it expires
// when the Wasm time of a step (or of the program) runs out, a clock that
// stops while a primitive blocks. It has no deadline of its own.
type stepCtx struct {
	context.Context
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func newStepCtx() *stepCtx {
	return &stepCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c *stepCtx) Done() <-chan struct{} { return c.done }

func (c *stepCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *stepCtx) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = context.DeadlineExceeded
		close(c.done)
	}
}

// programRun is one program's bookkeeping, used on the calling goroutine
// only (host functions run on it) except for the timer.
type programRun struct {
	c      hook.Call
	ctx    context.Context // the call's: primitives block under it
	budget time.Duration   // per step
	left   time.Duration   // of the program
	step   *stepCtx
	timer  *time.Timer
	start  time.Time
	ended  string // "hung up" or "transferred"
}

func (r *programRun) startStep() {
	r.start = time.Now()
	d := min(r.budget, r.left)
	if d <= 0 {
		r.step.expire()
		return
	}
	r.timer = time.AfterFunc(d, r.step.expire)
}

func (r *programRun) stopStep() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	r.left -= time.Since(r.start)
}

// primitive runs one blocking call of hook.Call with the step clock
// stopped, and maps its outcome to the ABI: the result's bytes (given
// through the buffer convention) or an Err* code.
func (inst *instance) primitive(s []uint64, buf, limit uint32, do func(ctx context.Context, c hook.Call) ([]byte, error)) {
	r := inst.run
	if r == nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrState, "call primitives work only while a program runs")))
		return
	}
	switch r.ended {
	case "hung up":
		s[0] = uint64(uint32(inst.failWith(abi.ErrHungUp, "the caller hung up")))
		return
	case "transferred":
		s[0] = uint64(uint32(inst.failWith(abi.ErrState, "the call was transferred")))
		return
	}
	r.stopStep()
	val, err := do(r.ctx, r.c)
	r.startStep()
	switch {
	case err == nil && val == nil:
		s[0] = 0
	case err == nil:
		s[0] = uint64(uint32(inst.give(val, buf, limit)))
	case errors.Is(err, hook.ErrHungUp):
		r.ended = "hung up"
		s[0] = uint64(uint32(inst.failWith(abi.ErrHungUp, "the caller hung up")))
	case errors.Is(err, hook.ErrNotAvailable):
		s[0] = uint64(uint32(inst.failWith(abi.ErrNotAvailable, "not yet available")))
	case errors.Is(err, hook.ErrState):
		s[0] = uint64(uint32(inst.failWith(abi.ErrState, "not possible in the call's state")))
	default:
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, err.Error())))
	}
}

// badArg answers a primitive called with bad arguments.
func (inst *instance) badArg(s []uint64, format string, args ...any) {
	s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, fmt.Sprintf(format, args...))))
}

func callAnswer(inst *instance, s []uint64) {
	inst.primitive(s, 0, 0, func(ctx context.Context, c hook.Call) ([]byte, error) { return nil, c.Answer(ctx) })
}

func callHangup(inst *instance, s []uint64) {
	code := int(int32(s[0]))
	reason := string(inst.read(u32(s[1]), u32(s[2]), abi.ImportCallHangup))
	if code == 0 {
		code = 480
	}
	if code < 400 || code > 699 || !hook.ValidReason(reason) {
		inst.badArg(s, "call_hangup: want a code 400-699 and a reason of at most %d printable bytes", hook.MaxReasonLen)
		return
	}
	inst.primitive(s, 0, 0, func(_ context.Context, c hook.Call) ([]byte, error) { return nil, c.Hangup(code, reason) })
}

func callBridge(inst *instance, s []uint64) {
	var m abi.BridgeSpec
	r := abi.NewReader(inst.read(u32(s[0]), u32(s[1]), abi.ImportCallBridge))
	r.Features = inst.layout // trunks and a time limit with FeatureRouting
	m.Decode(r)
	if err := r.Err(); err != nil {
		inst.badArg(s, "call_bridge: %v", err)
		return
	}
	spec, err := bridgeSpec(&m)
	if err != nil {
		inst.badArg(s, "call_bridge: %v", err)
		return
	}
	inst.primitive(s, u32(s[2]), u32(s[3]), func(ctx context.Context, c hook.Call) ([]byte, error) {
		res, err := c.Bridge(ctx, spec)
		if err != nil {
			return nil, err
		}
		out := abi.BridgeResult{Answered: res.Answered, Code: uint16(max(res.Code, 0)), Reason: res.Reason,
			Target: res.Target, Talk: res.Talk, HungUp: res.HungUp}
		var w abi.Writer
		out.Append(&w)
		return w.B, nil
	})
}

func callTransfer(inst *instance, s []uint64) {
	target := string(inst.read(u32(s[0]), u32(s[1]), abi.ImportCallTransfer))
	if !hook.ValidUserPart(target) {
		inst.badArg(s, "call_transfer: want an extension number or SIP user part, got %q", truncate(target))
		return
	}
	inst.primitive(s, 0, 0, func(ctx context.Context, c hook.Call) ([]byte, error) {
		err := c.Transfer(ctx, target)
		if err == nil {
			inst.run.ended = "transferred"
		}
		return nil, err
	})
}

func callSleep(inst *instance, s []uint64) {
	d := time.Duration(int64(s[0])) * time.Millisecond
	if d < 0 || d > maxSleep {
		inst.badArg(s, "call_sleep: want 0 to %v", maxSleep)
		return
	}
	inst.primitive(s, 0, 0, func(ctx context.Context, c hook.Call) ([]byte, error) { return nil, c.Sleep(ctx, d) })
}

// validFile: a file (or tone, room, name) of 1-maxFileLen bytes of UTF-8
// without control characters, or "" when not required. (hook.ValidReason
// has the same rule but stops at a reason's 128 bytes.)
func validFile(f string, required bool) bool {
	if f == "" {
		return !required
	}
	if len(f) > maxFileLen || !utf8.ValidString(f) {
		return false
	}
	for _, r := range f {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

func validTerminator(t string) bool {
	if t == "" {
		return true
	}
	for i := 0; i < len(dtmfKeys); i++ {
		if t == dtmfKeys[i:i+1] {
			return true
		}
	}
	return false
}

func callPlay(inst *instance, s []uint64) {
	var m abi.PlaySpec
	r := abi.NewReader(inst.read(u32(s[0]), u32(s[1]), abi.ImportCallPlay))
	m.Decode(r)
	if err := r.Err(); err != nil || !validFile(m.File, true) || m.Loops > maxLoops {
		inst.badArg(s, "call_play: want a file of 1-%d printable bytes and 0-%d loops", maxFileLen, maxLoops)
		return
	}
	spec := hook.PlaySpec{File: m.File, Loops: max(int(m.Loops), 1)}
	inst.primitive(s, 0, 0, func(ctx context.Context, c hook.Call) ([]byte, error) { return nil, c.Play(ctx, spec) })
}

func callCollect(inst *instance, s []uint64) {
	var m abi.CollectSpec
	r := abi.NewReader(inst.read(u32(s[0]), u32(s[1]), abi.ImportCallCollect))
	m.Decode(r)
	if err := r.Err(); err != nil || m.Max > maxDigits || m.Timeout > maxCollect || !validTerminator(m.Terminator) || !validFile(m.Prompt, false) {
		inst.badArg(s, "call_collect: want max 0-%d, timeout up to %v, terminator one of %s, prompt a file name", maxDigits, maxCollect, dtmfKeys)
		return
	}
	spec := hook.CollectSpec{Max: max(int(m.Max), 1), Timeout: m.Timeout, Terminator: m.Terminator, Prompt: optional(m.Prompt)}
	inst.primitive(s, u32(s[2]), u32(s[3]), func(ctx context.Context, c hook.Call) ([]byte, error) {
		digits, err := c.Collect(ctx, spec)
		if err != nil {
			return nil, err
		}
		return append([]byte{}, digits...), nil
	})
}

func callRecord(inst *instance, s []uint64) {
	var m abi.RecordSpec
	r := abi.NewReader(inst.read(u32(s[0]), u32(s[1]), abi.ImportCallRecord))
	m.Decode(r)
	if err := r.Err(); err != nil || m.MaxDuration > maxRecord || !validTerminator(m.Terminator) {
		inst.badArg(s, "call_record: want max_duration up to %v and terminator one of %s", maxRecord, dtmfKeys)
		return
	}
	spec := hook.RecordSpec{MaxDuration: m.MaxDuration, Terminator: m.Terminator}
	inst.primitive(s, u32(s[2]), u32(s[3]), func(ctx context.Context, c hook.Call) ([]byte, error) {
		res, err := c.Record(ctx, spec)
		if err != nil {
			return nil, err
		}
		return append([]byte{}, res.File...), nil
	})
}

// optional makes a one-element list of s, or none when s is empty.
func optional(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
