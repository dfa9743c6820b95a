package actionurl

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Defaults of the Factory and of hooks.json fields left out.
const (
	DefaultTimeout          = 2 * time.Second // per attempt
	DefaultRetries          = 1
	DefaultBreakerThreshold = 5
	DefaultBreakerCooldown  = 30 * time.Second
	DefaultBackoff          = 50 * time.Millisecond // first retry delay, doubled each time
	maxBackoff              = time.Second
	// MaxBody caps a response body: decisions and verb documents are small.
	MaxBody = 64 << 10
)

// Factory builds HTTP action URL generations for the hook dispatcher.
// The zero value is ready to use.
type Factory struct {
	// Client sends the requests; nil means a shared client with short
	// dial and TLS timeouts. Redirects are never followed either way.
	Client *http.Client
	// Logger receives breaker transitions and fallbacks; nil means slog.Default().
	Logger *slog.Logger
	// BreakerThreshold is how many consecutive failures open a URL's
	// breaker (default 5); BreakerCooldown how long it stays open (30 s).
	BreakerThreshold int
	BreakerCooldown  time.Duration
	// Backoff is the delay before the first retry (default 50 ms); it
	// doubles for each further retry, with jitter.
	Backoff time.Duration
}

// Name is the engine's name in hooks.json.
func (Factory) Name() string { return "http" }

// Build validates the URLs of every hook bound to "http" and returns the
// generation. dir is unused: action URLs live in hooks.json.
func (f Factory) Build(_ string, cfg hook.Config) (hook.Engine, error) {
	e := &Engine{
		client:    f.client(),
		log:       f.Logger,
		threshold: f.BreakerThreshold,
		cooldown:  f.BreakerCooldown,
		backoff:   f.Backoff,
		hooks:     make(map[hook.Name]*target),
		now:       time.Now,
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.threshold <= 0 {
		e.threshold = DefaultBreakerThreshold
	}
	if e.cooldown <= 0 {
		e.cooldown = DefaultBreakerCooldown
	}
	if e.backoff <= 0 {
		e.backoff = DefaultBackoff
	}
	for name, hc := range cfg.Hooks {
		if hc.Engine != "http" {
			continue
		}
		t, err := newTarget(name, hc)
		if err != nil {
			return nil, fmt.Errorf("%s: hook %s: %w", hook.ConfigFile, name, err)
		}
		e.hooks[name] = t
	}
	return e, nil
}

// newTarget checks one hook's binding.
func newTarget(name hook.Name, hc hook.HookConfig) (*target, error) {
	spec, ok := hook.SpecOf(name)
	if !ok {
		return nil, errors.New("not in the catalogue")
	}
	t := &target{
		hook:    name,
		secret:  hc.Secret,
		timeout: time.Duration(hc.Timeout),
		retries: DefaultRetries,
		budget:  time.Duration(hc.Budget),
	}
	u, err := checkURL(hc.URL)
	if err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	t.url = newDest(u)
	if hc.FallbackURL != "" {
		if u, err = checkURL(hc.FallbackURL); err != nil {
			return nil, fmt.Errorf("fallback_url: %w", err)
		}
		t.fallback = newDest(u)
	}
	switch strings.ToUpper(hc.Method) {
	case "", "POST":
		t.get = false
	case "GET":
		t.get = true
	default:
		return nil, fmt.Errorf("method %q: want GET or POST", hc.Method)
	}
	if t.timeout <= 0 {
		t.timeout = DefaultTimeout
	}
	if hc.Retries != nil {
		t.retries = *hc.Retries
	}
	if t.retries < 0 || t.retries > 5 {
		return nil, fmt.Errorf("retries %d: want 0-5", t.retries)
	}
	if t.budget <= 0 {
		t.budget = spec.Budget
	}
	return t, nil
}

// checkURL accepts absolute http and https URLs without user information
// (credentials in a URL end up in logs) or fragment.
func checkURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("%w: empty", ErrURL)
	}
	if len(raw) > 2048 {
		return nil, fmt.Errorf("%w: longer than 2048 bytes", ErrURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrURL, clip(raw), err)
	}
	return u, validURL(u)
}

func validURL(u *url.URL) error {
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%w: %q: scheme must be http or https", ErrURL, clip(u.Redacted()))
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%w: %q: no host", ErrURL, clip(u.Redacted()))
	case u.User != nil:
		return fmt.Errorf("%w: %q: user information is not allowed (use the secret for authentication)", ErrURL, clip(u.Redacted()))
	case u.Fragment != "" || u.RawFragment != "":
		return fmt.Errorf("%w: %q: fragment is not allowed", ErrURL, clip(u.Redacted()))
	}
	return nil
}

// client returns the configured client, never following redirects: a
// redirect could carry a signed request to another host.
func (f Factory) client() *http.Client {
	if f.Client == nil {
		return defaultClient()
	}
	c := *f.Client
	c.CheckRedirect = noRedirect
	return &c
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// defaultClient is shared by all generations so a reload keeps the warm
// connections. Per-request deadlines come from the context.
var defaultClient = sync.OnceValue(func() *http.Client {
	d := &net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  http.ProxyFromEnvironment,
			DialContext:            d.DialContext,
			TLSHandshakeTimeout:    2 * time.Second,
			ResponseHeaderTimeout:  10 * time.Second,
			MaxIdleConns:           256,
			MaxIdleConnsPerHost:    64,
			IdleConnTimeout:        90 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
			ForceAttemptHTTP2:      true,
		},
		CheckRedirect: noRedirect,
	}
})

// clip shortens text quoted in error messages.
func clip(s string) string {
	const n = 80
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
