package wasm

import (
	"context"
	"fmt"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// Invoke runs the plugin bound to req's hook. The call runs within ctx's
// deadline (Options.Budget when it has none); wazero's termination checks
// stop a guest that overruns it, and the instance is then dropped.
func (e *Engine) Invoke(ctx context.Context, req hook.Request) (hook.Decision, error) {
	h := req.Hook()
	p := e.bound[h]
	if p == nil {
		return nil, fmt.Errorf("wasm: %s: %w", h, ErrNoHook)
	}
	return p.invoke(ctx, req)
}

func (p *plugin) invoke(ctx context.Context, req hook.Request) (hook.Decision, error) {
	if p.closed.Load() {
		return nil, ErrClosed
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.o.Budget)
		defer cancel()
	}
	h := req.Hook()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", p.name, h, err)
	}
	inst, err := p.get()
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", p.name, h, err)
	}
	id, callID := encodeRequest(inst, req)
	inst.begin(callID)
	inst.stack[0], inst.stack[1] = uint64(id), uint64(len(inst.req))
	if err := inst.handle.CallWithStack(inst.callCtx(ctx), inst.stack); err != nil {
		inst.end()
		inst.close()
		return nil, inst.callError(ctx, string(h), err)
	}
	// Everything the call left in the instance is read before it goes back
	// to the pool, where another call may take it at once.
	status, decided, failMsg := uint32(inst.stack[0]), inst.decided, inst.failMsg
	var (
		dec  hook.Decision
		prog *program
		derr error
	)
	if status == abi.StatusDecided && decided {
		dec, prog, derr = decodeDecision(req, inst.dec, inst.layout)
	}
	inst.end()
	if prog == nil || derr != nil || !p.program {
		p.put(inst)
	}
	switch {
	case status == abi.StatusFailed:
		return nil, fmt.Errorf("%s: %s: %w: %s", p.name, h, ErrFailed, orText(failMsg, "no reason given"))
	case status != abi.StatusDecided:
		return nil, fmt.Errorf("%s: %s: %w: status %d (want 0 or 1)", p.name, h, ErrDecision, status)
	case !decided:
		return nil, fmt.Errorf("%s: %s: %w: status 0 without a decision (%s not called)", p.name, h, ErrDecision, abi.ImportDecide)
	case derr != nil:
		return nil, fmt.Errorf("%s: %s: %w: %w", p.name, h, ErrDecision, derr)
	case prog == nil:
		return dec, nil
	case !p.program:
		return nil, fmt.Errorf("%s: %s: %w: a program decision, but no export %s", p.name, h, ErrDecision, abi.ExportProgram)
	}
	// A program: the instance stays with it until it runs.
	prog.p, prog.inst = p, inst
	if err := p.reserve(inst); err != nil {
		return nil, err
	}
	rd := dec.(hook.RouteDecision)
	rd.Program = prog
	return rd, nil
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
