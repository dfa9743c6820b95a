package hook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ConfigFile is the optional file, beside the scripts, that binds hooks to
// engines and sets budgets and policies.
const ConfigFile = "hooks.json"

// Config is the parsed hooks.json.
type Config struct {
	Hooks map[Name]HookConfig `json:"hooks"`
}

// HookConfig binds one hook.
type HookConfig struct {
	Engine   string   `json:"engine,omitempty"` // "" = the first engine that implements it
	Budget   Duration `json:"budget,omitempty"`
	Policy   string   `json:"policy,omitempty"` // fail-open, fail-closed, fallback
	Code     int      `json:"code,omitempty"`
	Fallback string   `json:"fallback,omitempty"`
	// HTTP action URL engine.
	URL         string   `json:"url,omitempty"`
	FallbackURL string   `json:"fallback_url,omitempty"`
	Method      string   `json:"method,omitempty"` // GET or POST (default POST)
	Secret      string   `json:"secret,omitempty"` // HMAC-SHA256 key for the signature header
	Timeout     Duration `json:"timeout,omitempty"`
	Retries     int      `json:"retries,omitempty"`
}

// Duration is a time.Duration written as "250ms" in JSON.
type Duration time.Duration

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`want a duration string such as "250ms"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("invalid duration %q", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// ParseConfig reads hooks.json strictly: unknown hooks, fields, policies
// and out-of-range values are errors naming the file and line.
func ParseConfig(file string, b []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%s:%d: %w", file, lineOf(b, dec.InputOffset(), err), err)
	}
	for name, h := range c.Hooks {
		spec, ok := SpecOf(name)
		if !ok {
			return c, fmt.Errorf("%s: unknown hook %q", file, name)
		}
		where := fmt.Sprintf("%s: hook %s", file, name)
		if h.Policy != "" && ParsePolicyMode(h.Policy) == PolicyUnknown {
			return c, fmt.Errorf("%s: policy %q: want fail-open, fail-closed or fallback", where, h.Policy)
		}
		if ParsePolicyMode(h.Policy) == Fallback && (h.Fallback == "" || (spec.Name != Route && spec.Name != Failure)) {
			return c, fmt.Errorf("%s: policy fallback needs a fallback destination and fits only route and failure", where)
		}
		if h.Code != 0 && (h.Code < 400 || h.Code > 699) {
			return c, fmt.Errorf("%s: code %d: want 400-699", where, h.Code)
		}
		if h.Budget != 0 && (time.Duration(h.Budget) < time.Millisecond || time.Duration(h.Budget) > time.Minute) {
			return c, fmt.Errorf("%s: budget %v: want 1ms to 1m", where, time.Duration(h.Budget))
		}
		if h.Retries < 0 || h.Retries > 5 {
			return c, fmt.Errorf("%s: retries %d: want 0-5", where, h.Retries)
		}
		if m := strings.ToUpper(h.Method); m != "" && m != "GET" && m != "POST" {
			return c, fmt.Errorf("%s: method %q: want GET or POST", where, h.Method)
		}
		if h.Engine == "http" && h.URL == "" {
			return c, fmt.Errorf("%s: engine http needs a url", where)
		}
	}
	return c, nil
}

// lineOf turns a decoder offset into a line number for error messages.
func lineOf(b []byte, off int64, err error) int {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		off = te.Offset
	}
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	return bytes.Count(b[:off], []byte("\n")) + 1
}
