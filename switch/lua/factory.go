package lua

import (
	"context"
	"fmt"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Factory builds Lua generations for the hook dispatcher.
type Factory struct{ Options Options }

// Name is the engine's name in hooks.json.
func (Factory) Name() string { return "lua" }

// Build compiles the scripts in dir ("" = embedded) into a new generation.
func (f Factory) Build(dir string, _ hook.Config) (hook.Engine, error) {
	o := f.Options
	o.Dir = dir
	return New(o)
}

// Name implements hook.Engine.
func (e *Engine) Name() string { return "lua" }

// Handles implements hook.Engine.
func (e *Engine) Handles(h hook.Name) bool { return h == hook.Route }

// Invoke implements hook.Engine.
func (e *Engine) Invoke(ctx context.Context, req hook.Request) (hook.Decision, error) {
	r, ok := req.(hook.RouteRequest)
	if !ok {
		return nil, fmt.Errorf("lua: hook %s is not implemented", req.Hook())
	}
	return e.Route(ctx, r)
}
