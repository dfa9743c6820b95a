package wasm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// sig is a function signature.
type sig struct{ params, results []api.ValueType }

var (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

func (s sig) String() string {
	name := func(ts []api.ValueType) string {
		var out []string
		for _, t := range ts {
			out = append(out, api.ValueTypeName(t))
		}
		return "(" + strings.Join(out, ", ") + ")"
	}
	return name(s.params) + " -> " + name(s.results)
}

func (s sig) matches(d api.FunctionDefinition) bool {
	return slices.Equal(s.params, d.ParamTypes()) && slices.Equal(s.results, d.ResultTypes())
}

// exports are the guest exports the host knows; required ones must exist.
var exports = []struct {
	name     string
	sig      sig
	required bool
}{
	{abi.ExportInitialize, sig{}, false},
	{abi.ExportABIVersion, sig{nil, []api.ValueType{i32}}, true},
	{abi.ExportInit, sig{[]api.ValueType{i64}, []api.ValueType{i64}}, true},
	{abi.ExportHandle, sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, true},
	{abi.ExportProgram, sig{[]api.ValueType{i32}, []api.ValueType{i32}}, false},
}

// check refuses a module whose exports or imports do not follow the ABI,
// before any of its code runs.
func check(c wazero.CompiledModule) error {
	fns := c.ExportedFunctions()
	for _, x := range exports {
		d, ok := fns[x.name]
		if !ok {
			if x.required {
				return fmt.Errorf("%w: no export %s %s (is it built with sdk/go, or does it follow sdk/ABI.md?)", ErrLoad, x.name, x.sig)
			}
			continue
		}
		if !x.sig.matches(d) {
			return fmt.Errorf("%w: export %s has signature %s, want %s", ErrLoad, x.name, sig{d.ParamTypes(), d.ResultTypes()}, x.sig)
		}
	}
	if _, ok := c.ExportedMemories()[abi.ExportMemory]; !ok {
		return fmt.Errorf("%w: no exported memory %q", ErrLoad, abi.ExportMemory)
	}
	for _, d := range c.ImportedFunctions() {
		mod, name, _ := d.Import()
		switch mod {
		case "wasi_snapshot_preview1":
			// wazero checks these signatures when it links the module.
		case abi.ModuleName:
			want, ok := hostSigs[name]
			if !ok {
				return fmt.Errorf("%w: imports %s.%s, which this host does not offer (ABI version %d)", ErrLoad, mod, name, abi.Version)
			}
			if !want.matches(d) {
				return fmt.Errorf("%w: imports %s.%s with signature %s, want %s", ErrLoad, mod, name, sig{d.ParamTypes(), d.ResultTypes()}, want)
			}
		default:
			return fmt.Errorf("%w: imports %s.%s: only %s and wasi_snapshot_preview1 exist", ErrLoad, mod, name, abi.ModuleName)
		}
	}
	return nil
}
