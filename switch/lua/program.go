package lua

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// program is a call program: the Lua function that route (or failure)
// returned, bound to the state that ran it. That state is held from the
// hook call until the program ends: the function's upvalues and globals
// live there.
type program struct {
	e       *Engine
	st      *state
	fn      *glua.LFunction
	info    hook.RouteRequest
	started atomic.Bool
}

var _ hook.Program = (*program)(nil)

// Run runs the program on its state's goroutine, driving c. Each step
// (Lua running between two primitives) has Options.Budget; all steps
// together have Options.ProgramBudget. Time blocked in a primitive does not
// count. A program ends normally when its function returns, when the caller
// hangs up (Run returns nil) or after a transfer.
func (p *program) Run(ctx context.Context, c hook.Call) error {
	if !p.started.CompareAndSwap(false, true) {
		return fmt.Errorf("%s: program: %w: it already ran", p.e.script, ErrProgram)
	}
	if !p.e.unreserve(p.st) {
		return fmt.Errorf("%s: program: %w (or not started within %v)", p.e.script, ErrClosed, programStartTimeout)
	}
	r := &programRun{
		c:       c,
		ctx:     ctx,
		budget:  p.e.opts.Budget,
		left:    p.e.opts.ProgramBudget,
		overrun: make(chan struct{}, 1),
		p:       p,
	}
	st := p.st
	st.jobs <- job{ctx: ctx, prog: r}
	select {
	case res := <-st.done:
		if res.poisoned {
			st.close()
		} else {
			p.e.put(st)
		}
		return res.err
	case <-r.overrun:
		// Lua is stuck past its step budget (in a library call that
		// ignores the context): leave it; the state goes when it returns.
		st.close()
		return fmt.Errorf("%s: program: step: %w: %w", p.e.script, ErrBudget, context.DeadlineExceeded)
	}
}

// programRun is the bookkeeping of one program run, shared by the state's
// goroutine (Lua and the primitives) and Run's (the watchdog's signal).
type programRun struct {
	p       *program
	c       hook.Call
	ctx     context.Context // the program's context: primitives block under it
	budget  time.Duration   // per step
	overrun chan struct{}   // the watchdog's signal to Run

	mu        sync.Mutex
	step      int       // current step number, for the watchdog
	stepStart time.Time // when the current step began
	left      time.Duration
	vm        context.Context // the VM's context for the current step
	cancel    context.CancelFunc
	watch     *time.Timer
	inPrim    bool   // blocked in a primitive: no step is running
	abandoned bool   // Run gave up on the program
	finished  bool   // the Lua function returned
	ended     string // why the call ended under the program ("hung up", "transferred")
}

var canceled = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// beginStep starts a step: the VM's context expires at the step budget
// (or at once when the call has ended, so the program cannot go on even
// inside pcall) and a watchdog tells Run if Lua does not stop. r.mu held.
func (r *programRun) beginStep(st *state) {
	r.step++
	n := r.step
	budget := min(r.budget, r.left)
	var vm context.Context = canceled
	r.cancel = nil
	if r.ended == "" && budget > 0 {
		vm, r.cancel = context.WithTimeout(r.ctx, budget)
	}
	r.stepStart = time.Now()
	r.watch = time.AfterFunc(max(budget, 0)+r.budget, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.step == n && !r.inPrim && !r.finished && !r.abandoned {
			r.abandoned = true
			r.overrun <- struct{}{}
		}
	})
	r.vm = vm
	st.L.SetContext(vm)
	st.ctx = vm
}

// endStep stops the step's clocks. r.mu held.
func (r *programRun) endStep() {
	r.watch.Stop()
	if r.cancel != nil {
		r.cancel()
	}
	r.left -= time.Since(r.stepStart)
}

// runProgram runs on the state's goroutine.
func (st *state) runProgram(r *programRun) (res result) {
	L := st.L
	script := st.e.script
	defer func() {
		if p := recover(); p != nil {
			res = result{err: fmt.Errorf("%s: program: interpreter panic: %v: %w", script, p, ErrRuntime), poisoned: true}
		}
	}()
	defer func() {
		L.RemoveContext()
		st.ctx = context.Background()
	}()
	obj := st.callObject(r)
	st.log.begin(r.p.info.CallID)
	defer st.log.end()

	r.mu.Lock()
	r.beginStep(st)
	r.mu.Unlock()
	err := L.CallByParam(glua.P{Fn: r.p.fn, NRet: 0, Protect: true}, obj)
	r.mu.Lock()
	r.finished = true
	r.endStep()
	ended, left, vm := r.ended, r.left, r.vm
	r.mu.Unlock()
	switch {
	case err == nil:
		return result{}
	case ended != "":
		return result{} // hung up or transferred: the program's work is over
	case r.ctx.Err() != nil:
		return result{err: fmt.Errorf("%s: program: %w", script, r.ctx.Err()), poisoned: true}
	case left <= 0:
		return result{err: fmt.Errorf("%s: program: %w: used all of its %v of Lua time", script, ErrBudget, st.e.opts.ProgramBudget), poisoned: true}
	}
	if errors.Is(vm.Err(), context.DeadlineExceeded) {
		return result{err: fmt.Errorf("%s: program: step: %w: %w", script, ErrBudget, context.DeadlineExceeded), poisoned: true}
	}
	var apiErr *glua.ApiError
	poisoned := errors.As(err, &apiErr) && apiErr.Type == glua.ApiErrorPanic
	return result{err: fmt.Errorf("%s: program: %w", luaMessage(script, err), ErrRuntime), poisoned: poisoned}
}

// primitive runs one blocking call of hook.Call between two steps. It
// returns (value) or (nil, "error text"); when the caller has hung up (or
// the call was transferred) it raises an error and the program ends: the
// next step's context is already cancelled, so pcall cannot keep it going.
func (r *programRun) primitive(L *glua.LState, st *state, do func(ctx context.Context) (glua.LValue, error)) int {
	r.mu.Lock()
	if r.abandoned {
		r.mu.Unlock()
		L.RaiseError("program abandoned")
	}
	r.inPrim = true
	r.endStep()
	r.mu.Unlock()

	v, err := do(r.ctx)

	r.mu.Lock()
	r.inPrim = false
	if errors.Is(err, hook.ErrHungUp) {
		r.ended = "hung up"
	}
	r.beginStep(st)
	ended := r.ended
	r.mu.Unlock()
	if ended != "" {
		L.RaiseError("the call has ended (%s)", ended)
	}
	if err != nil {
		L.Push(glua.LNil)
		L.Push(glua.LString(primitiveError(err)))
		return 2
	}
	L.Push(v)
	return 1
}

func primitiveError(err error) string {
	switch {
	case errors.Is(err, hook.ErrNotAvailable):
		return "not yet available"
	case errors.Is(err, hook.ErrState):
		return "not possible in the call's state"
	}
	return truncateErr(err.Error())
}
