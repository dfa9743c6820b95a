// Package actionurl is the HTTP action URL hook engine: hooks.json binds a
// hook to a URL, and the switch asks a web app for each decision with a
// signed JSON request (or a GET query). Route hooks accept the seed 001
// IVR Action URL answer, a plain decision, or a TwiML-like verb document
// that becomes a call program. Timeouts, retries, a fallback URL and a
// circuit breaker per URL keep a slow web app from stalling SIP.
package actionurl

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Engine is one generation of the HTTP engine. It is safe for concurrent use.
type Engine struct {
	client    *http.Client
	log       *slog.Logger
	threshold int
	cooldown  time.Duration
	backoff   time.Duration
	hooks     map[hook.Name]*target // read-only after Build
	breakers  breakers
	closed    atomic.Bool
	now       func() time.Time // the breakers' clock; tests move it
}

var (
	_ hook.Factory = Factory{}
	_ hook.Engine  = (*Engine)(nil)
	_ hook.Program = (*program)(nil)
)

// target is one hook's binding.
type target struct {
	hook     hook.Name
	url      *dest
	fallback *dest // nil when not configured
	get      bool
	secret   string
	timeout  time.Duration // per attempt
	retries  int
	budget   time.Duration // per fetch inside a call program
}

// Name implements hook.Engine.
func (e *Engine) Name() string { return "http" }

// Handles implements hook.Engine: the hooks hooks.json binds to "http".
func (e *Engine) Handles(h hook.Name) bool { return e.hooks[h] != nil }

// Close implements hook.Engine. Programs still running keep working; new
// Invoke calls fail.
func (e *Engine) Close() { e.closed.Store(true) }

// Invoke implements hook.Engine. ctx's deadline (the hook's budget) bounds
// every attempt, retry and fallback.
func (e *Engine) Invoke(ctx context.Context, req hook.Request) (hook.Decision, error) {
	if e.closed.Load() {
		return nil, ErrClosed
	}
	h := req.Hook()
	t := e.hooks[h]
	if t == nil {
		return nil, fmt.Errorf("hook %s: %w", h, ErrNotHandled)
	}
	if r, ok := req.(hook.RouteRequest); ok {
		return e.route(ctx, t, r)
	}
	w, err := wireOf(req)
	if err != nil {
		return nil, err
	}
	p, err := encode(h, w, t.get)
	if err != nil {
		return nil, err
	}
	var dec hook.Decision
	err = e.ask(ctx, t, t.url, p, func(r response) error {
		var derr error
		dec, derr = decodeDecision(req, r)
		return derr
	})
	if err != nil {
		return nil, fmt.Errorf("hook %s: %w", h, err)
	}
	return dec, nil
}
