// Package wasm is the wazero engine for the hook catalogue: the host side
// of sdk/abi. It loads the plugins that hooks.json binds, checks each one
// before it runs anything, keeps warm instances in a pool (never one
// instance in two calls at once), bounds every call by the hook's time
// budget and a memory limit, and turns whatever a plugin does wrong
// (trap, loop, memory blow-up, malformed decision) into an error of that
// call only. See sdk/ABI.md for the contract.
package wasm

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/httpallow"
)

// Defaults.
const (
	// DefaultBudget is the budget of a call whose context has no deadline,
	// and of each step of a call program.
	DefaultBudget = 200 * time.Millisecond
	// DefaultProgramBudget bounds the Wasm run time of a whole program.
	DefaultProgramBudget = time.Second
	// DefaultMemoryMB is the memory limit per instance. A Go guest's
	// runtime takes about 2.5 MiB at start and stays there for a plain
	// dial plan (TestGoGuestMemory); 64 leaves its heap room to grow.
	DefaultMemoryMB = 64
	// loadBudget bounds a new instance's start (_initialize and init).
	loadBudget = 5 * time.Second
	// MaxPluginSize bounds a plugin file.
	MaxPluginSize = 64 << 20
)

// Options configure the engine. The zero value is usable.
type Options struct {
	// Dir is the plugins directory ("" = the plugins shipped in the binary).
	Dir string
	// CacheDir keeps compiled code across restarts ("" = in memory, for
	// the life of the process).
	CacheDir      string
	Budget        time.Duration // calls without a deadline; default DefaultBudget
	ProgramBudget time.Duration // default DefaultProgramBudget
	MemoryMB      int           // per instance, unless hooks.json says; default DefaultMemoryMB
	PoolSize      int           // warm instances kept per plugin; default GOMAXPROCS, 2 to 8
	Logger        *slog.Logger
	// Directory answers config_extension(s); nil = empty.
	Directory Directory
	// KV backs kv_*; nil = kv calls fail. Each plugin has its namespace,
	// "plugin/" and its file name without .wasm.
	KV KV

	// features replaces the feature bits offered to guests (0 =
	// hostFeatures): tests play an older host with it.
	features uint32
	// HTTPAllow lists the hosts (host or host:port) plugins may reach.
	HTTPAllow []string
}

// Directory is the read-only view of the extensions plugins get.
type Directory interface {
	Extension(number string) (abi.Extension, bool)
	Extensions() []abi.Extension
}

// KV is the persistent store behind kv_* (store.Store.KV()).
type KV interface {
	Get(ns, key string) (string, bool, error)
	Set(ns, key, val string, ttl time.Duration) error
	Delete(ns, key string) error
	// Add adds delta to the base-10 int64 under ns/key (missing = 0) and
	// returns the sum, atomically: concurrent adds are never lost. A value
	// that is not an integer, or a sum that overflows, is an error and
	// writes nothing.
	Add(ns, key string, delta int64) (int64, error)
}

func (o *Options) defaults() error {
	if o.Budget < 0 || o.ProgramBudget < 0 || o.MemoryMB < 0 || o.MemoryMB > hook.MaxPluginMemoryMB {
		return fmt.Errorf("wasm: negative budget or memory out of range")
	}
	if o.Budget == 0 {
		o.Budget = DefaultBudget
	}
	if o.ProgramBudget == 0 {
		o.ProgramBudget = DefaultProgramBudget
	}
	if o.MemoryMB == 0 {
		o.MemoryMB = DefaultMemoryMB
	}
	if o.PoolSize <= 0 {
		o.PoolSize = min(max(runtime.GOMAXPROCS(0), 2), 8)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.features == 0 {
		o.features = hostFeatures
	}
	return nil
}

// Engine is one generation of the plugins: it never changes; a reload
// builds a new one. It is safe for concurrent use.
type Engine struct {
	plugins []*plugin
	bound   map[hook.Name]*plugin
}

var _ hook.Engine = (*Engine)(nil)

// build loads the plugins that cfg binds. Errors name hooks.json and the
// plugin.
func build(cfg hook.Config, o Options) (*Engine, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	allow, err := httpallow.Parse(o.HTTPAllow)
	if err != nil {
		return nil, fmt.Errorf("wasm: %w", err)
	}
	e := &Engine{bound: map[hook.Name]*plugin{}}
	byFile := map[string]*plugin{}
	mem := map[string]int{}
	for _, spec := range hook.Catalogue { // catalogue order: stable errors
		hc, ok := cfg.Hooks[spec.Name]
		if !ok || hc.Engine != "wasm" {
			continue
		}
		if m, seen := mem[hc.Plugin]; seen && hc.MemoryMB != 0 && m != 0 && m != hc.MemoryMB {
			e.Close()
			return nil, fmt.Errorf("%s: hook %s: plugin %s: memory_mb %d, another hook gives it %d", hook.ConfigFile, spec.Name, hc.Plugin, hc.MemoryMB, m)
		}
		if hc.MemoryMB != 0 {
			mem[hc.Plugin] = hc.MemoryMB
		} else if _, seen := mem[hc.Plugin]; !seen {
			mem[hc.Plugin] = 0
		}
	}
	for _, spec := range hook.Catalogue {
		hc, ok := cfg.Hooks[spec.Name]
		if !ok || hc.Engine != "wasm" {
			continue
		}
		p := byFile[hc.Plugin]
		if p == nil {
			bin, err := readPlugin(o.Dir, hc.Plugin)
			if err != nil {
				e.Close()
				return nil, fmt.Errorf("%s: hook %s: %w", hook.ConfigFile, spec.Name, err)
			}
			memMB := orDefault(mem[hc.Plugin], o.MemoryMB)
			if p, err = load(hc.Plugin, bin, memMB, o, allow); err != nil {
				e.Close()
				return nil, fmt.Errorf("%s: hook %s: %w", hook.ConfigFile, spec.Name, err)
			}
			byFile[hc.Plugin] = p
			e.plugins = append(e.plugins, p)
		}
		id := abi.HookByName(string(spec.Name))
		if p.hooks&id.Mask() == 0 {
			e.Close()
			return nil, fmt.Errorf("%s: hook %s: plugin %s does not implement it (it implements %s)", hook.ConfigFile, spec.Name, hc.Plugin, hookList(p.hooks))
		}
		e.bound[spec.Name] = p
	}
	return e, nil
}

// orDefault is a or, when a is 0, b.
func orDefault(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func hookList(mask uint32) string {
	var names []string
	for id := abi.HookRegister; id <= abi.HookEvent; id++ {
		if mask&id.Mask() != 0 {
			names = append(names, id.String())
		}
	}
	if len(names) == 0 {
		return "no hook"
	}
	return strings.Join(names, ", ")
}

// readPlugin reads name from dir ("" = the shipped plugins).
func readPlugin(dir, name string) ([]byte, error) {
	if !hook.ValidPluginName(name) {
		return nil, fmt.Errorf("plugin %q: %w: not a plugin file name", name, ErrLoad)
	}
	var fsys fs.FS = plugins.FS
	display := name
	if dir != "" {
		fsys, display = os.DirFS(dir), filepath.Join(dir, name)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", display, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", display, err)
	}
	if st.Size() > MaxPluginSize {
		return nil, fmt.Errorf("plugin %s: %w: %d bytes (max %d)", display, ErrLoad, st.Size(), MaxPluginSize)
	}
	return fs.ReadFile(fsys, name)
}

// Name implements hook.Engine.
func (e *Engine) Name() string { return "wasm" }

// Handles reports whether hooks.json binds the hook to a plugin of this
// generation.
func (e *Engine) Handles(h hook.Name) bool { return e.bound[h] != nil }

// Plugins names the loaded plugins.
func (e *Engine) Plugins() []string {
	var out []string
	for _, p := range e.plugins {
		out = append(out, p.name)
	}
	return slices.Clip(out)
}

// Close closes every plugin; calls in flight finish.
func (e *Engine) Close() {
	for _, p := range e.plugins {
		p.close()
	}
}
