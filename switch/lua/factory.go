package lua

import (
	"github.com/hookswitch/hookswitch/switch/hook"
)

// Factory builds Lua generations for the hook dispatcher.
type Factory struct{ Options Options }

var _ hook.Factory = Factory{}

// Name is the engine's name in hooks.json.
func (Factory) Name() string { return "lua" }

// Build compiles every *.lua file of dir ("" = the embedded scripts) into
// a new generation. A directory without .lua files gives a generation that
// implements no hook. Options.Dir is ignored.
func (f Factory) Build(dir string, _ hook.Config) (hook.Engine, error) {
	e, err := build(dir, f.Options)
	if err != nil {
		return nil, err
	}
	return e, nil
}
