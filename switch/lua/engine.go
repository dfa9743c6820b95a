// Package lua is the gopher-lua engine for the hook catalogue: it compiles a
// script set once per generation, keeps warm sandboxed interpreters in a
// pool, answers hook calls within a time budget and runs call programs.
// See sdk/lua.md for the script contract.
package lua

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/httpallow"
)

// DialPlanFile is the main script: it runs in every interpreter and defines
// the hook functions (directly or by requiring modules).
const DialPlanFile = "dialplan.lua"

// DefaultBudget is the time budget of a hook call whose context has no
// deadline, and of each step of a call program.
const DefaultBudget = 200 * time.Millisecond

// DefaultProgramBudget bounds the Lua run time of one call program, all
// steps together (time blocked in primitives does not count).
const DefaultProgramBudget = time.Second

// maxStateUses retires an interpreter after this many hook calls, so that
// what a script keeps in globals (a cache that only grows) cannot grow
// without bound. Rebuilding one costs a few milliseconds, under 1 µs a
// call when spread over maxStateUses calls.
const maxStateUses = 10000

// Options configure the engine. The zero value is usable.
type Options struct {
	// Dir is the scripts directory for New ("" = the embedded scripts.FS);
	// Factory.Build takes the directory as its argument instead.
	Dir string
	// Budget is the time budget of a hook call whose context has no
	// deadline (the dispatcher's context carries the hook's budget), and of
	// each program step. Default DefaultBudget.
	Budget time.Duration
	// ProgramBudget bounds the Lua run time of a whole call program.
	// Default DefaultProgramBudget.
	ProgramBudget time.Duration
	PoolSize      int          // warm interpreters kept; default runtime.GOMAXPROCS(0)*2
	Logger        *slog.Logger // where the script's log goes; default slog.Default()

	// Directory answers config.extension and config.extensions; nil = empty.
	Directory Directory
	// Features lets config.set_dnd and config.set_forward change call
	// features; nil = they fail.
	Features FeatureWriter
	// Blacklist backs the blacklist module; nil = nothing is blocked.
	Blacklist Blacklist
	// TimeConditions backs the timecond module; nil = its calls fail.
	TimeConditions TimeConditions
	// Routing backs the routing module; nil = no rules match.
	Routing Routing
	// Groups backs the groups module (ring groups); nil = no groups.
	Groups Groups
	// Apps answers config.ivr, config.room and config.settings
	// (*store.Store); nil = none set.
	Apps Apps
	// KV backs the kv module (store.Store.KV()); nil = kv calls fail.
	KV KV
	// Namespace separates this script set's kv keys; default "default".
	Namespace string
	// HTTPAllow lists the hosts the http module may reach: "host" (the
	// scheme's default port) or "host:port". Empty = no http at all.
	HTTPAllow []string
	// Now is the clock of the timecond module (nil: time.Now).
	Now func() time.Time
	// Voicemail backs the voicemail module (*voicemail.Store); nil =
	// voicemail calls fail.
	Voicemail Voicemail
	// Queues backs the queue module (*queue.Manager); nil = its calls fail.
	Queues Queues
}

// Directory is the read-only view of the extensions that scripts get.
type Directory interface {
	Extension(number string) (DirEntry, bool)
	Extensions() []DirEntry
}

// DirEntry is one extension as scripts see it.
type DirEntry struct {
	Number      string
	Name        string
	Email       string
	MaxContacts int
	// The call features the dial plan applies (SPEC P6).
	DND      bool
	Forward  map[string]string // by kind: all, busy, no_answer, unavailable
	FollowMe []FollowStep
	// Settings of SPEC P1 the dial plan applies.
	Voicemail   bool     // unanswered and busy calls may go to its mailbox
	CallWaiting bool     // a second call may ring it while it is on one
	PickupGroup int      // 1-64; 0: none
	Recording   string   // on_demand, always or never
	Tenant      string   // its tenant; "" the switch's own
	Codecs      []string // allowed, in order; empty: the switch's
	DTMFMode    string   // rfc2833, info or inband
	Language    string   // of its prompts; "" the switch's
}

// FollowStep is one number of a follow-me and its ring time in seconds.
type FollowStep struct {
	Number  string
	Timeout int
}

// FeatureWriter lets scripts change an extension's call features, as
// feature codes do (config.set_dnd, config.set_forward); nil leaves them
// read-only.
type FeatureWriter interface {
	SetDND(ext string, on bool) error
	// SetForward sets the target of a forwarding kind; "" clears it.
	SetForward(ext, kind, target string) error
}

// KV is the persistent key-value store behind the kv module.
type KV interface {
	Get(ns, key string) (string, bool, error)
	Set(ns, key, val string, ttl time.Duration) error
	Delete(ns, key string) error
}

// Engine is one generation of a script set: it never changes; a reload
// builds a new one. It is safe for concurrent use.
type Engine struct {
	script  string // the main file's name, for errors
	set     *scriptSet
	opts    Options
	handles map[hook.Name]bool
	logger  *slog.Logger
	http    *http.Client // nil when HTTPAllow is empty
	allow   httpallow.List
	pool    chan *state
	closed  atomic.Bool

	mu       sync.Mutex
	reserved map[*state]*time.Timer // states held by programs that have not run yet
}

var _ hook.Engine = (*Engine)(nil)

// New builds an engine from o.Dir for direct use (without the hook
// dispatcher): dialplan.lua must exist and define route.
func New(o Options) (*Engine, error) {
	e, err := build(o.Dir, o)
	if err != nil {
		return nil, err
	}
	if e.set.main == nil {
		return nil, fmt.Errorf("lua: %s: %w", DialPlanFile, fs.ErrNotExist)
	}
	if !e.handles[hook.Route] {
		e.Close()
		return nil, fmt.Errorf("%s: the script must define a global function route(call): %w", e.script, ErrNoRoute)
	}
	return e, nil
}

// build compiles dir's scripts and loads a first interpreter, which tells
// which hooks the scripts implement.
func build(dir string, o Options) (*Engine, error) {
	if o.Budget < 0 || o.ProgramBudget < 0 {
		return nil, fmt.Errorf("lua: negative budget")
	}
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	if o.ProgramBudget == 0 {
		o.ProgramBudget = DefaultProgramBudget
	}
	if o.PoolSize <= 0 {
		o.PoolSize = runtime.GOMAXPROCS(0) * 2
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	allow, err := httpallow.Parse(o.HTTPAllow)
	if err != nil {
		return nil, fmt.Errorf("lua: %w", err)
	}
	set, err := loadScripts(dir)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		set:      set,
		opts:     o,
		handles:  map[hook.Name]bool{},
		pool:     make(chan *state, o.PoolSize),
		reserved: map[*state]*time.Timer{},
		script:   DialPlanFile,
	}
	if set.main != nil {
		e.script = set.main.name
	}
	e.logger = o.Logger.With("script", e.script)
	if len(allow) > 0 {
		e.allow, e.http = allow, httpallow.NewClient(allow)
	}
	if set.main == nil {
		return e, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Budget)
	defer cancel()
	st, err := e.newState(ctx)
	if err != nil {
		return nil, err
	}
	for _, spec := range hook.Catalogue {
		if st.L.GetGlobal(string(spec.Name)).Type() == glua.LTFunction {
			e.handles[spec.Name] = true
		}
	}
	e.pool <- st
	return e, nil
}

// Name implements hook.Engine.
func (e *Engine) Name() string { return "lua" }

// Handles reports whether the scripts define a global function named
// after the hook.
func (e *Engine) Handles(h hook.Name) bool { return e.handles[h] }

// Invoke runs the hook's function for req. The call runs within ctx's
// deadline, or Options.Budget when ctx has none.
//
// The script runs on the state's goroutine, not the caller's: gopher-lua
// checks the context only between VM instructions, so a single library call
// (a pattern match on a long string can take minutes) would otherwise hold
// the caller past its deadline. When the deadline passes first, Invoke
// returns ErrBudget at once and the state is dropped when its call ends.
func (e *Engine) Invoke(ctx context.Context, req hook.Request) (hook.Decision, error) {
	if e.closed.Load() {
		return nil, ErrClosed
	}
	if !e.handles[req.Hook()] {
		return nil, fmt.Errorf("%s: %s: %w", e.script, req.Hook(), ErrNoHook)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.opts.Budget)
		defer cancel()
	}
	st, err := e.get(ctx)
	if err != nil {
		return nil, err
	}
	st.jobs <- job{ctx: ctx, req: req}
	select {
	case res := <-st.done:
		switch {
		case res.poisoned:
			st.close()
		case res.reserve:
			if !e.reserve(st) {
				return nil, ErrClosed
			}
		default:
			e.put(st)
		}
		return res.dec, res.err
	case <-ctx.Done():
		st.close()
		return nil, budgetError(e.script, req.Hook(), ctx.Err())
	}
}

// Route runs the route hook (a convenience for direct use and tests).
func (e *Engine) Route(ctx context.Context, req hook.RouteRequest) (hook.RouteDecision, error) {
	d, err := e.Invoke(ctx, req)
	if err != nil {
		return hook.RouteDecision{}, err
	}
	return d.(hook.RouteDecision), nil
}

func (e *Engine) newState(ctx context.Context) (*state, error) {
	return newState(ctx, e)
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

// put returns a state to the pool, or closes it when the pool is full, the
// state is worn out or the engine closed.
func (e *Engine) put(st *state) {
	st.uses++
	if e.closed.Load() || st.uses >= maxStateUses {
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

// programStartTimeout: a program that the core has not started by then
// (the call went away first) gives its interpreter back.
const programStartTimeout = 30 * time.Second

// reserve keeps a state for the program it returned; false when the
// engine closed meanwhile (the state is then closed).
func (e *Engine) reserve(st *state) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed.Load() {
		st.close()
		return false
	}
	e.reserved[st] = time.AfterFunc(programStartTimeout, func() {
		if e.unreserve(st) {
			st.close()
		}
	})
	return true
}

// unreserve hands a reserved state to its program; false when Close has
// already stopped it.
func (e *Engine) unreserve(st *state) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	timer, ok := e.reserved[st]
	if !ok {
		return false
	}
	timer.Stop()
	delete(e.reserved, st)
	return true
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

// Close stops the pooled interpreters and those of programs that never
// ran. Calls and programs in flight finish; later calls return ErrClosed.
func (e *Engine) Close() {
	e.mu.Lock()
	e.closed.Store(true)
	for st, timer := range e.reserved {
		timer.Stop()
		st.close()
		delete(e.reserved, st)
	}
	e.mu.Unlock()
	e.drain()
	if e.http != nil {
		e.http.CloseIdleConnections()
	}
}
