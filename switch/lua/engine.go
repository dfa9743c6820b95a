// Package lua is the gopher-lua engine for the hook catalogue: it compiles a
// script once, keeps warm sandboxed interpreters in a pool and answers hook
// calls within a time budget. See sdk/lua.md for the script contract.
package lua

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/scripts"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// DialPlanFile is the script that answers the route hook.
const DialPlanFile = "dialplan.lua"

// DefaultBudget is the time budget of one hook call.
const DefaultBudget = 200 * time.Millisecond

// Options configure an Engine. The zero value is usable.
type Options struct {
	Dir      string        // directory holding dialplan.lua; "" = the embedded scripts.FS
	Budget   time.Duration // time budget per hook call; default 200ms (also capped by ctx deadline)
	PoolSize int           // warm LStates kept; default runtime.GOMAXPROCS(0)*2
	Logger   *slog.Logger  // where the script's log goes; default slog.Default()
}

// Engine answers hook calls with a Lua script. It is safe for concurrent use.
type Engine struct {
	script string // file name used in errors and tracebacks
	proto  *glua.FunctionProto
	budget time.Duration
	logger *slog.Logger
	pool   chan *state
	closed atomic.Bool
}

var _ hook.Engine = (*Engine)(nil)
var _ hook.Factory = Factory{}

// New reads and compiles dialplan.lua once, and loads it into a first
// interpreter to check that it defines route.
func New(o Options) (*Engine, error) {
	if o.Budget < 0 {
		return nil, fmt.Errorf("lua: negative budget %v", o.Budget)
	}
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	if o.PoolSize <= 0 {
		o.PoolSize = runtime.GOMAXPROCS(0) * 2
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	name, src, err := readScript(o.Dir)
	if err != nil {
		return nil, err
	}
	proto, err := compile(name, src)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		script: name,
		proto:  proto,
		budget: o.Budget,
		logger: o.Logger.With("script", name),
		pool:   make(chan *state, o.PoolSize),
	}
	ctx, cancel := context.WithTimeout(context.Background(), e.budget)
	defer cancel()
	st, err := e.newState(ctx)
	if err != nil {
		return nil, err
	}
	e.pool <- st
	return e, nil
}

func readScript(dir string) (name string, src []byte, err error) {
	if dir == "" {
		src, err = fs.ReadFile(scripts.FS, DialPlanFile)
		if err != nil {
			return "", nil, fmt.Errorf("lua: embedded %s: %w", DialPlanFile, err)
		}
		return DialPlanFile, src, nil
	}
	name = filepath.Join(dir, DialPlanFile)
	f, err := os.Open(name)
	if err != nil {
		return "", nil, fmt.Errorf("lua: %w", err)
	}
	defer f.Close()
	// Read one byte past the limit so compile can report the size.
	src, err = io.ReadAll(io.LimitReader(f, MaxScriptSize+1))
	if err != nil {
		return "", nil, fmt.Errorf("lua: read %s: %w", name, err)
	}
	return name, src, nil
}

func (e *Engine) newState(ctx context.Context) (*state, error) {
	return newState(ctx, e.script, e.proto, e.logger)
}

// Route runs the script's route function for a new call.
//
// The script runs on the state's goroutine, not the caller's: gopher-lua
// checks the context only between VM instructions, so a single library call
// (a pattern match on a long string can take minutes) would otherwise hold
// the caller past its deadline. When the deadline passes first, Route
// returns ErrBudget at once and the state is dropped when its call ends.
func (e *Engine) Route(ctx context.Context, req hook.RouteRequest) (hook.RouteDecision, error) {
	if e.closed.Load() {
		return hook.RouteDecision{}, ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, e.budget)
	defer cancel()
	st, err := e.get(ctx)
	if err != nil {
		return hook.RouteDecision{}, err
	}
	st.jobs <- job{ctx: ctx, req: req}
	select {
	case res := <-st.done:
		if res.poisoned {
			st.close()
		} else {
			e.put(st)
		}
		return res.dec, res.err
	case <-ctx.Done():
		st.close()
		return hook.RouteDecision{}, budgetError(e.script, ctx.Err())
	}
}

// get takes a warm state from the pool or builds a new one.
func (e *Engine) get(ctx context.Context) (*state, error) {
	select {
	case st := <-e.pool:
		return st, nil
	default:
	}
	return e.newState(ctx)
}

// put returns a state to the pool, or closes it when the pool is full or
// the engine closed.
func (e *Engine) put(st *state) {
	if e.closed.Load() {
		st.close()
		return
	}
	select {
	case e.pool <- st:
	default:
		st.close()
	}
	// Close may have drained the pool between the check and the send.
	if e.closed.Load() {
		e.drain()
	}
}

func (e *Engine) drain() {
	for {
		select {
		case st := <-e.pool:
			st.close()
		default:
			return
		}
	}
}

// Close releases the pooled interpreters. Calls in flight finish; later
// calls return ErrClosed.
func (e *Engine) Close() {
	e.closed.Store(true)
	e.drain()
}
