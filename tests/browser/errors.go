package browser

import "errors"

var (
	// ErrBadEvent: a line from the runner is not a valid event.
	ErrBadEvent = errors.New("bad runner event")
	// ErrNotInstalled: Chromium, Node.js or the pinned npm packages are
	// missing or stale; tests/run installs them.
	ErrNotInstalled = errors.New("browser harness not installed")
	// ErrScenario: the scenario failed or the runner ended abnormally.
	ErrScenario = errors.New("browser scenario failed")
	// ErrNoResult: the run ended without the result that was waited for.
	ErrNoResult = errors.New("no such result")
)
