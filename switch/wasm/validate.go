package wasm

import (
	"fmt"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/httpallow"
)

// Validate checks a plugin as a load would (compile, exports and
// imports, one instance started) without binding it: uploads are checked
// with it before they replace a file. memMB 0 is Options.MemoryMB.
func Validate(name string, bin []byte, memMB int, o Options) error {
	if !hook.ValidPluginName(name) {
		return fmt.Errorf("plugin %q: %w: want a file name such as dialplan.wasm (letters, digits, _ - .)", name, ErrLoad)
	}
	if len(bin) > MaxPluginSize {
		return fmt.Errorf("plugin %s: %w: %d bytes (max %d)", name, ErrLoad, len(bin), MaxPluginSize)
	}
	if err := o.defaults(); err != nil {
		return err
	}
	allow, err := httpallow.Parse(o.HTTPAllow)
	if err != nil {
		return fmt.Errorf("wasm: %w", err)
	}
	p, err := load(name, bin, orDefault(memMB, o.MemoryMB), o, allow)
	if err != nil {
		return err
	}
	p.close()
	return nil
}
