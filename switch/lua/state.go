package lua

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// maxErrorMessage bounds a script error carried into Go errors and logs.
const maxErrorMessage = 512

// overrunWarning: a call that ends this long after its deadline was stuck in
// a library function that does not check the context (or the machine is
// badly overloaded).
const overrunWarning = 500 * time.Millisecond

// state is one pooled interpreter with the main script loaded, served by
// its own goroutine (see Engine.Invoke). The goroutine keeps the large
// stack that gopher-lua's VM needs, which a goroutine per call would have to
// grow again every time.
type state struct {
	e      *Engine
	L      *glua.LState
	call   *callTable
	log    scriptLog
	concat *glua.LFunction // the bounded `..`, passed to every chunk
	mods   modules
	// ctx is the context of the running hook call or program step; the
	// http module takes its deadline.
	ctx  context.Context
	uses int

	jobs chan job    // closed to stop the goroutine, which then closes L
	done chan result // buffered: an abandoned call's result is dropped
}

// job is a hook call (req) or a program run (prog).
type job struct {
	ctx  context.Context
	req  hook.Request
	prog *programRun
}

// result is one job's outcome; poisoned states are not reused, reserved
// ones are kept for the program their call returned.
type result struct {
	dec      hook.Decision
	err      error
	poisoned bool
	reserve  bool
}

// newState builds a sandbox and runs the main chunk once (under ctx) so
// that it defines the hook functions and their helpers.
func newState(ctx context.Context, e *Engine) (st *state, err error) {
	st = &state{e: e, log: scriptLog{logger: e.logger}, ctx: ctx}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: interpreter panic while loading: %v: %w", e.script, p, ErrRuntime)
		}
		if err != nil && st.L != nil {
			st.L.Close()
		}
	}()
	st.L = newSandbox()
	L := st.L
	st.call = newCallTable(L)
	st.concat = L.NewFunction(luaConcat)
	st.log.install(L)
	st.installModules()

	L.SetContext(ctx)
	defer L.RemoveContext()
	L.Push(L.NewFunctionFromProto(e.set.main.proto))
	L.Push(st.concat)
	if err := L.PCall(1, 0, nil); err != nil {
		return st, st.callError(ctx, "load", err)
	}
	st.ctx = context.Background()
	st.jobs = make(chan job, 1)
	st.done = make(chan result, 1)
	go st.serve()
	return st, nil
}

// close stops the state's goroutine once its current job, if any, ends.
func (st *state) close() { close(st.jobs) }

func (st *state) serve() {
	defer st.L.Close()
	for j := range st.jobs {
		if j.prog != nil {
			st.done <- st.runProgram(j.prog)
			continue
		}
		st.done <- st.invoke(j.ctx, j.req)
		if j.ctx.Err() == nil {
			continue
		}
		if dl, ok := j.ctx.Deadline(); ok {
			if over := time.Since(dl); over > overrunWarning {
				st.log.logger.Warn("script call ended long after its budget (a library call that ignores the deadline, or an overloaded machine)",
					"hook", string(j.req.Hook()), "over", over)
			}
		}
	}
}

// invoke calls the hook's function. Any panic is turned into an error for
// this call, and the state is marked for disposal.
func (st *state) invoke(ctx context.Context, req hook.Request) (res result) {
	L := st.L
	name := req.Hook()
	defer func() {
		if p := recover(); p != nil {
			res = result{err: fmt.Errorf("%s: %s: interpreter panic: %v: %w", st.e.script, name, p, ErrRuntime), poisoned: true}
		}
	}()
	fn, ok := L.GetGlobal(string(name)).(*glua.LFunction)
	if !ok {
		return result{err: fmt.Errorf("%s: %s is not a function any more: %w", st.e.script, name, ErrNoHook)}
	}
	arg, callID := st.request(req)
	st.log.begin(callID)
	defer st.log.end()

	st.ctx = ctx
	L.SetContext(ctx)
	err := L.CallByParam(glua.P{Fn: fn, NRet: 1, Protect: true}, arg)
	L.RemoveContext()
	st.ctx = context.Background()
	if err != nil {
		var apiErr *glua.ApiError
		poisoned := ctx.Err() != nil || (errors.As(err, &apiErr) && apiErr.Type == glua.ApiErrorPanic)
		return result{err: st.callError(ctx, name, err), poisoned: poisoned}
	}
	ret := L.Get(-1)
	L.Pop(1)
	return st.decide(req, ret)
}

// callError turns a failed protected call into an error: a budget error
// when ctx expired, else the Lua message, which starts with file:line.
func (st *state) callError(ctx context.Context, what hook.Name, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return budgetError(st.e.script, what, cerr)
	}
	return fmt.Errorf("%s: %w", luaMessage(st.e.script, err), ErrRuntime)
}

// luaMessage extracts a bounded message from a Lua error, prefixed with
// the script name when the error carries no position.
func luaMessage(script string, err error) string {
	msg := err.Error()
	var apiErr *glua.ApiError
	if errors.As(err, &apiErr) {
		msg = apiErr.Object.String()
	}
	if len(msg) > maxErrorMessage {
		msg = msg[:maxErrorMessage] + "..."
	}
	if !strings.Contains(msg, ".lua:") {
		msg = script + ": " + msg // error() at level 0 or with a non-string
	}
	return msg
}

func budgetError(script string, what hook.Name, cerr error) error {
	if errors.Is(cerr, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %s: %w: %w", script, what, ErrBudget, cerr)
	}
	return fmt.Errorf("%s: %s: %w", script, what, cerr)
}
