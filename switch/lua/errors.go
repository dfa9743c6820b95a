package lua

import "errors"

var (
	// ErrSyntax: the script does not parse or compile.
	ErrSyntax = errors.New("syntax error")
	// ErrNoRoute: the script does not define a global function route.
	ErrNoRoute = errors.New("no route function")
	// ErrRuntime: the script raised an error (or the interpreter panicked).
	ErrRuntime = errors.New("script error")
	// ErrBudget: the hook call ran past its time budget.
	ErrBudget = errors.New("time budget exceeded")
	// ErrDecision: route returned a value that is not a valid decision.
	ErrDecision = errors.New("bad decision")
	// ErrTooLarge: the script file is larger than MaxScriptSize.
	ErrTooLarge = errors.New("script too large")
	// ErrClosed: the engine was closed.
	ErrClosed = errors.New("lua engine closed")
)
