package wasm

import (
	"github.com/hookswitch/hookswitch/switch/hook"
)

// Factory builds Wasm generations for the hook dispatcher.
type Factory struct{ Options Options }

var _ hook.Factory = Factory{}

// Name is the engine's name in hooks.json.
func (Factory) Name() string { return "wasm" }

// Build loads every plugin that hooks.json binds (engine "wasm", field
// "plugin") from Options.Dir. Without such a binding it returns an empty
// engine at no cost. The scripts directory is not used.
func (f Factory) Build(_ string, cfg hook.Config) (hook.Engine, error) {
	return build(cfg, f.Options)
}
