package wasm

import "errors"

var (
	// ErrLoad: a plugin cannot be loaded (not Wasm, wrong exports or
	// imports, unsupported ABI version, failed start).
	ErrLoad = errors.New("plugin refused")
	// ErrTrap: the plugin trapped or exited during a call (the instance is
	// dropped).
	ErrTrap = errors.New("plugin trapped")
	// ErrBudget: the call ran past its time budget (the instance is
	// dropped).
	ErrBudget = errors.New("time budget exceeded")
	// ErrFailed: the plugin reported a failure (abi ImportFail).
	ErrFailed = errors.New("plugin failed")
	// ErrDecision: the plugin's decision is malformed or out of range.
	ErrDecision = errors.New("bad decision")
	// ErrNoHook: no plugin of this generation is bound to the hook.
	ErrNoHook = errors.New("hook not bound to a plugin")
	// ErrClosed: the engine (generation) was closed.
	ErrClosed = errors.New("wasm engine closed")
	// ErrProgram: a call program was misused (run twice, never started).
	ErrProgram = errors.New("call program misuse")
)
