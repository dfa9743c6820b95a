package lua

import "errors"

var (
	// ErrSyntax: a script does not parse or compile.
	ErrSyntax = errors.New("syntax error")
	// ErrNoRoute: New was given scripts without a global function route.
	ErrNoRoute = errors.New("no route function")
	// ErrNoHook: the scripts do not implement the hook invoked.
	ErrNoHook = errors.New("hook not implemented by the scripts")
	// ErrRuntime: the script raised an error (or the interpreter panicked).
	ErrRuntime = errors.New("script error")
	// ErrBudget: the hook call or program step ran past its time budget.
	ErrBudget = errors.New("time budget exceeded")
	// ErrDecision: a hook returned a value that is not a valid decision.
	ErrDecision = errors.New("bad decision")
	// ErrTooLarge: a script file is larger than MaxScriptSize.
	ErrTooLarge = errors.New("script too large")
	// ErrClosed: the engine (generation) was closed.
	ErrClosed = errors.New("lua engine closed")
	// ErrProgram: a call program was misused (run twice).
	ErrProgram = errors.New("call program misuse")
)
