package wasm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// instance is one instantiated guest. It serves one call at a time: the
// pool hands it to one caller, who returns it (or drops it after a trap).
type instance struct {
	p       *plugin
	mod     api.Module
	mem     api.Memory
	handle  api.Function
	program api.Function // nil when the guest has no programs
	stack   []uint64     // CallWithStack's parameters and results
	stderr  *tail
	closed  bool
	layout  uint32 // the layout features (abi.LayoutFeatures) the guest set at init

	// The current call's state, reset by begin.
	ctx     context.Context // the call's context (deadline for http)
	callID  string
	req     []byte // the encoded request
	dec     []byte // the decision the guest gave (a copy)
	decided bool
	failMsg string
	result  []byte // the last value an import returned (ImportResult)
	logs    int
	dropped int
	run     *programRun // while a program runs
}

// instKey finds the instance in the context of its host function calls.
type instKey struct{}

func (inst *instance) bind(m api.Module) {
	inst.mod = m
	inst.mem = m.Memory()
	inst.handle = m.ExportedFunction(abi.ExportHandle)
	inst.program = m.ExportedFunction(abi.ExportProgram)
	inst.stack = make([]uint64, 2)
}

// callCtx is ctx carrying the instance for the host functions.
func (inst *instance) callCtx(ctx context.Context) context.Context {
	inst.ctx = ctx
	return context.WithValue(ctx, instKey{}, inst)
}

func instanceOf(ctx context.Context) *instance {
	inst, _ := ctx.Value(instKey{}).(*instance)
	return inst
}

// begin resets the per-call state.
func (inst *instance) begin(callID string) {
	inst.callID = callID
	inst.dec = inst.dec[:0]
	inst.decided = false
	inst.failMsg = ""
	inst.result = inst.result[:0]
	inst.logs, inst.dropped = 0, 0
	inst.stderr.reset()
}

// end logs what the call's log limit dropped.
func (inst *instance) end() {
	if inst.dropped > 0 {
		inst.p.log.Warn("plugin log lines dropped", "call_id", inst.callID, "dropped", inst.dropped)
	}
	inst.ctx = nil
}

func (inst *instance) close() {
	if inst.closed {
		return
	}
	inst.closed = true
	inst.mod.Close(context.Background())
	inst.p.released()
}

// callError describes a failed Call of an export: the budget when the
// context ended, the exit code and the guest's last words when it exited,
// the trap otherwise. The instance is not reusable after any of them.
func (inst *instance) callError(ctx context.Context, what string, err error) error {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		switch exit.ExitCode() {
		case sys.ExitCodeDeadlineExceeded:
			return fmt.Errorf("%s: %s: %w: %w", inst.p.name, what, ErrBudget, context.DeadlineExceeded)
		case sys.ExitCodeContextCanceled:
			return fmt.Errorf("%s: %s: %w", inst.p.name, what, context.Canceled)
		}
		return fmt.Errorf("%s: %s: %w: exited with code %d%s", inst.p.name, what, ErrTrap, exit.ExitCode(), inst.stderr.suffix())
	}
	if cerr := ctx.Err(); errors.Is(cerr, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %s: %w: %w", inst.p.name, what, ErrBudget, cerr)
	}
	msg, _, _ := strings.Cut(err.Error(), "\n") // the trap, without wazero's stack trace
	if limit := uint64(inst.p.memMB) << 20; uint64(inst.mem.Size())+oomSlack >= limit {
		// A Go guest's allocator aborts (unreachable) when memory.grow fails.
		msg += fmt.Sprintf(" (memory %d MiB of its %d MiB limit: out of memory?)", inst.mem.Size()>>20, inst.p.memMB)
	}
	return fmt.Errorf("%s: %s: %w: %s%s", inst.p.name, what, ErrTrap, msg, inst.stderr.suffix())
}

// oomSlack: a trap with memory this close to the limit is reported as a
// likely out-of-memory (a Go guest grows its heap by 4 MiB arenas).
const oomSlack = 8 << 20

// tail keeps the end of what a guest writes to stdout and stderr (a Go
// guest's panic message), for error messages.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 512

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4*tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
	}
	return len(p), nil
}

func (t *tail) reset() {
	t.mu.Lock()
	t.buf = t.buf[:0]
	t.mu.Unlock()
}

// suffix is ": <the first line of the output>" or "".
func (t *tail) suffix() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(strings.ToValidUTF8(string(t.buf), "?"))
	if s == "" {
		return ""
	}
	// A Go panic prints "panic: ..." or "fatal error: ..." first; goroutine
	// dumps follow.
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			s = line
			break
		}
	}
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > abi.MaxErrorLen {
		s = s[:abi.MaxErrorLen]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return ": " + s
}
