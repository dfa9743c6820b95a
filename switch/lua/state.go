package lua

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

// state is one pooled interpreter with the compiled script loaded, served
// by its own goroutine (see Engine.Route). The goroutine keeps the large
// stack that gopher-lua's VM needs, which a goroutine per call would have to
// grow again every time.
type state struct {
	L      *glua.LState
	script string
	call   *callTable
	log    scriptLog
	jobs   chan job    // closed to stop the goroutine, which then closes L
	done   chan result // buffered: an abandoned call's result is dropped
}

type job struct {
	ctx context.Context
	req hook.RouteRequest
}

// result is one hook call's outcome; poisoned states are not reused.
type result struct {
	dec      hook.RouteDecision
	err      error
	poisoned bool
}

// newState builds a sandbox and runs the compiled chunk once (under ctx) so
// that it defines route and its helpers.
func newState(ctx context.Context, script string, proto *glua.FunctionProto, logger *slog.Logger) (st *state, err error) {
	st = &state{script: script, log: scriptLog{logger: logger}}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: interpreter panic while loading: %v: %w", script, p, ErrRuntime)
		}
		if err != nil && st.L != nil {
			st.L.Close()
		}
	}()
	st.L = newSandbox()
	st.call = newCallTable(st.L)
	st.log.install(st.L)

	L := st.L
	L.SetContext(ctx)
	defer L.RemoveContext()
	L.Push(L.NewFunctionFromProto(proto))
	L.Push(L.NewFunction(luaConcat))
	if err := L.PCall(1, 0, nil); err != nil {
		return st, st.callError(ctx, err)
	}
	if L.GetGlobal("route").Type() != glua.LTFunction {
		return st, fmt.Errorf("%s: the script must define a global function route(call): %w", script, ErrNoRoute)
	}
	st.jobs = make(chan job, 1)
	st.done = make(chan result, 1)
	go st.serve()
	return st, nil
}

// close stops the state's goroutine once its current call, if any, ends.
func (st *state) close() { close(st.jobs) }

func (st *state) serve() {
	defer st.L.Close()
	for j := range st.jobs {
		st.done <- st.route(j.ctx, &j.req)
		if j.ctx.Err() == nil {
			continue
		}
		if dl, ok := j.ctx.Deadline(); ok {
			if over := time.Since(dl); over > overrunWarning {
				st.log.logger.Warn("script call ended long after its budget (a library call that ignores the deadline, or an overloaded machine)",
					"call_id", j.req.CallID, "over", over)
			}
		}
	}
}

// route calls the script's route function. Any panic is turned into an
// error for this call, and the state is marked for disposal.
func (st *state) route(ctx context.Context, req *hook.RouteRequest) (res result) {
	L := st.L
	defer func() {
		if p := recover(); p != nil {
			res = result{err: fmt.Errorf("%s: route: interpreter panic: %v: %w", st.script, p, ErrRuntime), poisoned: true}
		}
	}()
	fn := L.GetGlobal("route")
	if fn.Type() != glua.LTFunction {
		return result{err: fmt.Errorf("%s: route is a %s, not a function: %w", st.script, fn.Type(), ErrNoRoute)}
	}
	st.log.begin(req.CallID)
	defer st.log.end()
	arg := st.call.set(L, req)

	L.SetContext(ctx)
	err := L.CallByParam(glua.P{Fn: fn, NRet: 1, Protect: true}, arg)
	L.RemoveContext()
	if err != nil {
		var apiErr *glua.ApiError
		poisoned := ctx.Err() != nil || (errors.As(err, &apiErr) && apiErr.Type == glua.ApiErrorPanic)
		return result{err: st.callError(ctx, err), poisoned: poisoned}
	}
	ret := L.Get(-1)
	L.Pop(1)
	dec, err := decodeDecision(st.script, ret)
	return result{dec: dec, err: err}
}

// callError turns a failed protected call into an error: a budget error
// when ctx expired, else the Lua message, which starts with file:line.
func (st *state) callError(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return budgetError(st.script, cerr)
	}
	msg := err.Error()
	var apiErr *glua.ApiError
	if errors.As(err, &apiErr) {
		msg = apiErr.Object.String()
	}
	if len(msg) > maxErrorMessage {
		msg = msg[:maxErrorMessage] + "..."
	}
	if !strings.HasPrefix(msg, st.script+":") {
		msg = st.script + ": " + msg // error() at level 0 or with a non-string
	}
	return fmt.Errorf("%s: %w", msg, ErrRuntime)
}

func budgetError(script string, cerr error) error {
	if errors.Is(cerr, context.DeadlineExceeded) {
		return fmt.Errorf("%s: route: %w: %w", script, ErrBudget, cerr)
	}
	return fmt.Errorf("%s: route: %w", script, cerr)
}
