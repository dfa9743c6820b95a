package wasm

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/httpallow"
)

// hostFeatures are offered to every guest (kv, http and config calls
// fail at run time when the switch has no store or allow list, rather than
// refusing the plugin).
const hostFeatures = abi.FeatureLog | abi.FeatureConfig | abi.FeatureKV | abi.FeatureHTTP | abi.FeatureProgram | abi.FeatureKVAdd |
	abi.FeatureMedia | abi.FeatureRouting | abi.FeatureQueue | abi.FeatureSettings

// plugin is one loaded .wasm file of a generation: its own wazero runtime
// (which carries the memory limit), the compiled module and a pool of
// instances.
type plugin struct {
	name    string
	memMB   int
	o       Options
	log     *slog.Logger
	rt      wazero.Runtime
	mod     wazero.CompiledModule
	hooks   uint32 // abi hook mask
	program bool   // exports hookswitch_program
	ns      string // KV namespace
	allow   httpallow.List
	http    *http.Client

	pool   chan *instance
	closed atomic.Bool
	live   atomic.Int64 // instances not yet closed
	rtOnce sync.Once

	mu       sync.Mutex
	reserved map[*instance]func() bool // instances held by programs not yet run; the func stops their timer
}

// load compiles bin, checks it and starts one instance.
func load(name string, bin []byte, memMB int, o Options, allow httpallow.List) (_ *plugin, err error) {
	ctx := context.Background()
	cache, err := compilationCache(o.CacheDir)
	if err != nil {
		return nil, err
	}
	rc := wazero.NewRuntimeConfig(). // the compiler where wazero has one (amd64, arm64), else the interpreter
						WithCompilationCache(cache).
						WithMemoryLimitPages(uint32(memMB) * 16). // 64 KiB pages
						WithCloseOnContextDone(true)              // termination checks in loops: budgets hold against `for {}`
	p := &plugin{name: name, memMB: memMB, o: o, log: o.Logger.With("plugin", name), pool: make(chan *instance, o.PoolSize),
		ns: "plugin/" + strings.TrimSuffix(name, ".wasm"), allow: allow, reserved: map[*instance]func() bool{}}
	if len(allow) > 0 {
		p.http = httpallow.NewClient(allow)
	}
	p.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	defer func() {
		if err != nil {
			p.closed.Store(true)
			p.closeRuntime()
		}
	}()
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, p.rt); err != nil {
		return nil, fmt.Errorf("plugin %s: wasi: %w", name, err)
	}
	if err := instantiateHost(ctx, p.rt); err != nil {
		return nil, fmt.Errorf("plugin %s: host module: %w", name, err)
	}
	if p.mod, err = p.rt.CompileModule(ctx, bin); err != nil {
		if strings.Contains(err.Error(), "over limit") {
			return nil, fmt.Errorf("plugin %s: %w: it needs more memory than its limit of %d MiB (memory_mb in hooks.json): %w", name, ErrLoad, memMB, err)
		}
		return nil, fmt.Errorf("plugin %s: %w: not a valid WebAssembly module: %w", name, ErrLoad, err)
	}
	if err := check(p.mod); err != nil {
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	}
	_, p.program = p.mod.ExportedFunctions()[abi.ExportProgram]
	inst, err := p.newInstance()
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	}
	p.pool <- inst
	return p, nil
}

// get takes a warm instance or starts a new one.
func (p *plugin) get() (*instance, error) {
	select {
	case inst := <-p.pool:
		return inst, nil
	default:
	}
	return p.newInstance()
}

// put returns an instance to the pool, or closes it when the pool is full
// or the plugin closed.
func (p *plugin) put(inst *instance) {
	if p.closed.Load() {
		inst.close()
		return
	}
	select {
	case p.pool <- inst:
	default:
		inst.close()
	}
	if p.closed.Load() { // close may have drained the pool meanwhile
		p.drain()
	}
}

func (p *plugin) drain() {
	for {
		select {
		case inst := <-p.pool:
			inst.close()
		default:
			return
		}
	}
}

// reserve keeps an instance for the program its decision named; it is
// closed if the program has not started within programStartTimeout.
func (p *plugin) reserve(inst *instance) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		inst.close()
		return ErrClosed
	}
	t := timeAfter(programStartTimeout, func() {
		if p.unreserve(inst) {
			inst.close()
		}
	})
	p.reserved[inst] = t
	return nil
}

// unreserve hands a reserved instance to its program; false when it is
// gone (timed out, plugin closed).
func (p *plugin) unreserve(inst *instance) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	stop, ok := p.reserved[inst]
	if !ok {
		return false
	}
	stop()
	delete(p.reserved, inst)
	return true
}

// close stops the pooled and reserved instances and, once no call uses
// it, the runtime. Calls in flight finish.
func (p *plugin) close() {
	p.mu.Lock()
	if !p.closed.CompareAndSwap(false, true) {
		p.mu.Unlock()
		return
	}
	for inst, stop := range p.reserved {
		stop()
		inst.close()
		delete(p.reserved, inst)
	}
	p.mu.Unlock()
	p.drain()
	if p.http != nil {
		p.http.CloseIdleConnections()
	}
	// An instance still in a call (or a running program) needs the
	// runtime: the last one to close closes it.
	if p.live.Load() == 0 {
		p.closeRuntime()
	}
}

// newInstance instantiates the module and runs its start: _initialize,
// the version check and init, each within loadBudget.
func (p *plugin) newInstance() (_ *instance, err error) {
	if p.closed.Load() {
		return nil, ErrClosed
	}
	inst := &instance{p: p, stderr: &tail{}}
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous: many instances of one module
		WithStartFunctions().
		WithSysWalltime().
		WithSysNanotime(). // no WithSysNanosleep: a sleeping guest must not block where budgets cannot reach
		WithRandSource(rand.Reader).
		WithStdout(inst.stderr).
		WithStderr(inst.stderr)
	ctx, cancel := context.WithTimeout(context.Background(), loadBudget)
	defer cancel()
	m, err := p.rt.InstantiateModule(ctx, p.mod, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: instantiate: %w", ErrLoad, err)
	}
	p.live.Add(1)
	inst.bind(m)
	defer func() {
		if err != nil {
			inst.close()
		}
	}()
	cctx := inst.callCtx(ctx)
	if f := m.ExportedFunction(abi.ExportInitialize); f != nil {
		if _, err := f.Call(cctx); err != nil {
			return nil, fmt.Errorf("%w: %s: %w%s", ErrLoad, abi.ExportInitialize, err, inst.stderr.suffix())
		}
	}
	res, err := m.ExportedFunction(abi.ExportABIVersion).Call(cctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w%s", ErrLoad, abi.ExportABIVersion, err, inst.stderr.suffix())
	}
	if v := int32(res[0]); v < abi.MinVersion || v > abi.Version {
		return nil, fmt.Errorf("%w: ABI version %d; this host runs %d to %d", ErrLoad, v, abi.MinVersion, abi.Version)
	}
	offered := p.o.features
	if offered == 0 {
		offered = hostFeatures
	}
	res, err = m.ExportedFunction(abi.ExportInit).Call(cctx, uint64(offered))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w%s", ErrLoad, abi.ExportInit, err, inst.stderr.suffix())
	}
	hooks, need := uint32(res[0]), uint32(res[0]>>32)
	switch {
	case need&^offered != 0:
		return nil, fmt.Errorf("%w: requires features %#x (%s) that this host lacks (it offers %#x)", ErrLoad, need&^offered, featureList(need&^offered), offered)
	case hooks&^abi.ValidHooks != 0:
		return nil, fmt.Errorf("%w: claims unknown hooks (mask %#x)", ErrLoad, hooks)
	case hooks == 0:
		return nil, fmt.Errorf("%w: implements no hook", ErrLoad)
	}
	// The layouts of requests and decisions are those the guest chose:
	// one built before an addition to them keeps the original ones.
	inst.layout = need & abi.LayoutFeatures
	if p.hooks == 0 {
		p.hooks = hooks
	} else if hooks != p.hooks {
		return nil, fmt.Errorf("%w: an instance claims hooks %s, the first claimed %s", ErrLoad, hookList(hooks), hookList(p.hooks))
	}
	return inst, nil
}

// featureList names feature bits ("kv_add, bit 20").
func featureList(mask uint32) string {
	names := []string{"log", "config", "kv", "http", "program", "kv_add", "media", "routing", "queue", "settings"}
	var out []string
	for i := range 32 {
		if mask&(1<<i) == 0 {
			continue
		}
		if i < len(names) {
			out = append(out, names[i])
		} else {
			out = append(out, fmt.Sprintf("bit %d", i))
		}
	}
	return strings.Join(out, ", ")
}

// timeAfter runs f after d; the result stops it.
func timeAfter(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// released counts an instance gone; the runtime closes with the last one
// after the plugin closed.
func (p *plugin) released() {
	if p.live.Add(-1) == 0 && p.closed.Load() {
		p.closeRuntime()
	}
}

func (p *plugin) closeRuntime() {
	p.rtOnce.Do(func() { p.rt.Close(context.Background()) })
}
