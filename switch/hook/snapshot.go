package hook

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Factory builds one engine's generation from a scripts directory ("" =
// the embedded defaults) and the hook configuration. Build compiles and
// validates everything, off the call path; its errors name file and line.
type Factory interface {
	Name() string
	Build(dir string, cfg Config) (Engine, error)
}

// binding is how one hook is answered in a snapshot.
type binding struct {
	engine Engine // nil: the built-in default
	budget time.Duration
	policy Policy
	stats  *hookStats // looked up once per generation, not per call
}

// Snapshot is one generation of the whole catalogue: every hook bound to
// an engine generation, with its budget and policy. A call acquires the
// snapshot current when it starts and keeps it to the end, so a reload
// never changes the logic of a call in progress.
type Snapshot struct {
	Gen     uint64
	binds   map[Name]binding
	engines []Engine
	metrics *Metrics

	refs    atomic.Int64 // the dispatcher's own reference + one per call
	closing sync.Once
}

// load builds a snapshot: hooks.json, then every engine. On error nothing
// built is kept.
func load(dir string, factories []Factory, m *Metrics) (*Snapshot, error) {
	var cfg Config
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, ConfigFile))
		switch {
		case err == nil:
			if cfg, err = ParseConfig(ConfigFile, b); err != nil {
				return nil, err
			}
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%s: %w", ConfigFile, err)
		}
	}
	s := &Snapshot{binds: map[Name]binding{}, metrics: m}
	byName := map[string]Engine{}
	for _, f := range factories {
		e, err := f.Build(dir, cfg)
		if err != nil {
			s.closeEngines()
			return nil, err
		}
		s.engines = append(s.engines, e)
		byName[f.Name()] = e
	}
	for _, spec := range Catalogue {
		hc := cfg.Hooks[spec.Name]
		b := binding{budget: spec.Budget, policy: spec.Policy}
		if hc.Budget > 0 {
			b.budget = time.Duration(hc.Budget)
		}
		if mode := ParsePolicyMode(hc.Policy); mode != PolicyUnknown {
			b.policy = Policy{Mode: mode, Code: hc.Code, Fallback: hc.Fallback}
			if b.policy.Code == 0 {
				b.policy.Code = spec.Policy.Code
			}
		}
		if hc.Engine != "" {
			e, ok := byName[hc.Engine]
			if !ok {
				s.closeEngines()
				return nil, fmt.Errorf("%s: hook %s: unknown engine %q", ConfigFile, spec.Name, hc.Engine)
			}
			if !e.Handles(spec.Name) {
				s.closeEngines()
				return nil, fmt.Errorf("%s: hook %s: engine %s does not implement it", ConfigFile, spec.Name, hc.Engine)
			}
			b.engine = e
		} else {
			for _, e := range s.engines {
				if e.Handles(spec.Name) {
					b.engine = e
					break
				}
			}
		}
		if b.engine != nil {
			b.stats = m.stats(spec.Name, b.engine.Name())
		}
		s.binds[spec.Name] = b
	}
	s.refs.Store(1)
	return s, nil
}

func (s *Snapshot) closeEngines() {
	for _, e := range s.engines {
		e.Close()
	}
}

// Acquire takes a reference for a call; Release gives it back.
func (s *Snapshot) Acquire() *Snapshot {
	s.refs.Add(1)
	return s
}

// tryAcquire takes a reference unless the count already reached zero: a
// retired snapshot must not come back to life, because its engines are
// being closed. (An unconditional increment lets a second acquirer see
// 2 after a first one's 0 -> 1 and keep a closed snapshot.)
func (s *Snapshot) tryAcquire() bool {
	for {
		n := s.refs.Load()
		if n <= 0 {
			return false
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Release drops a reference; the last one closes the engines.
func (s *Snapshot) Release() {
	if s.refs.Add(-1) == 0 {
		s.closing.Do(s.closeEngines)
	}
}

// Bound reports whether an engine answers h: callers skip building a
// request nobody reads (a CDR's fields, say).
func (s *Snapshot) Bound(h Name) bool { return s.binds[h].engine != nil }

// EngineOf names the engine bound to a hook ("builtin" when none).
func (s *Snapshot) EngineOf(h Name) string {
	if b := s.binds[h]; b.engine != nil {
		return b.engine.Name()
	}
	return "builtin"
}

// Invoke asks the hook's engine within the budget. A failure (error,
// budget, wrong decision type, panic) gives the policy's decision and the
// error, for logging: the caller always gets a decision it can act on.
func (s *Snapshot) Invoke(ctx context.Context, req Request) (dec Decision, err error) {
	h := req.Hook()
	b, ok := s.binds[h]
	if !ok {
		return Default(req), fmt.Errorf("hook %s: not in the catalogue", h)
	}
	if b.engine == nil {
		return Default(req), nil
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, b.budget)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("hook %s: engine %s panicked: %v", h, b.engine.Name(), r)
			dec = b.policy.onFailure(req)
		}
		// A caller that went away (ctx cancelled) is not the engine's overrun.
		b.stats.observe(time.Since(start), err, errors.Is(ctx.Err(), context.DeadlineExceeded))
	}()
	dec, err = b.engine.Invoke(ctx, req)
	if err == nil && ctx.Err() != nil {
		// The engine ignored ctx: its answer came too late to trust.
		err = ctx.Err()
	}
	if err == nil {
		err = checkType(req, dec)
	}
	if err != nil {
		return b.policy.onFailure(req), fmt.Errorf("hook %s (%s): %w", h, b.engine.Name(), err)
	}
	return dec, nil
}

// checkType makes sure an engine answered with the decision type of its hook.
func checkType(req Request, dec Decision) error {
	ok := false
	switch req.(type) {
	case RegisterRequest:
		_, ok = dec.(RegisterDecision)
	case RouteRequest, FailureRequest:
		_, ok = dec.(RouteDecision)
	case AuthorizeRequest:
		_, ok = dec.(AuthorizeDecision)
	case CDRRequest:
		_, ok = dec.(CDRDecision)
	case MessageRequest:
		_, ok = dec.(MessageDecision)
	case SubscribeRequest:
		_, ok = dec.(SubscribeDecision)
	case ProvisionRequest:
		_, ok = dec.(ProvisionDecision)
	default:
		_, ok = dec.(Ack)
	}
	if !ok {
		return fmt.Errorf("decision %T does not answer %s", dec, req.Hook())
	}
	return nil
}

// Route asks the route hook.
func (s *Snapshot) Route(ctx context.Context, r RouteRequest) (RouteDecision, error) {
	d, err := s.Invoke(ctx, r)
	return d.(RouteDecision), err
}

// OnFailure asks the failure hook for the next step after a failed bridge.
func (s *Snapshot) OnFailure(ctx context.Context, r FailureRequest) (RouteDecision, error) {
	d, err := s.Invoke(ctx, r)
	return d.(RouteDecision), err
}

// Register asks the register hook.
func (s *Snapshot) Register(ctx context.Context, r RegisterRequest) (RegisterDecision, error) {
	d, err := s.Invoke(ctx, r)
	return d.(RegisterDecision), err
}

// Notify sends a notice hook (answer, dtmf, hangup, timer, event).
func (s *Snapshot) Notify(ctx context.Context, r Request) error {
	_, err := s.Invoke(ctx, r)
	return err
}
