package hook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
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
	Retries     *int     `json:"retries,omitempty"` // nil = the engine's default; 0 = no retry
	// Wasm engine: the plugin file in the plugins directory, and its
	// memory limit per instance (0 = the engine's default).
	Plugin   string `json:"plugin,omitempty"`
	MemoryMB int    `json:"memory_mb,omitempty"`
}

// MaxPluginMemoryMB bounds a plugin's memory_mb (Wasm32 addresses 4 GiB).
const MaxPluginMemoryMB = 4096

// ValidPluginName reports whether s can name a plugin file: 1-64 letters,
// digits, '_', '-' or '.', not starting with '.', ending in ".wasm". It is
// a base name, so a plugin can never be looked up outside its directory.
func ValidPluginName(s string) bool {
	if len(s) <= len(".wasm") || len(s) > 64 || !strings.HasSuffix(s, ".wasm") || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
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
		return c, decodeError(file, b, dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return c, fmt.Errorf("%s:%d: unexpected data after the top-level object", file, lineAt(b, dec.InputOffset()))
	}
	ks := keys(b)
	// Sorted, so that a file with several mistakes always reports the same one.
	names := make([]Name, 0, len(c.Hooks))
	for name := range c.Hooks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		h := c.Hooks[name]
		// at names the hook (field "") or one of its fields, with its line.
		at := func(field string) string {
			want := []string{"hooks", string(name)}
			if field != "" {
				want = append(want, field)
			}
			if l := lineWhere(ks, func(k keyAt) bool { return slices.Equal(k.path, want) }); l > 0 {
				return fmt.Sprintf("%s:%d: hook %s", file, l, name)
			}
			return fmt.Sprintf("%s: hook %s", file, name)
		}
		spec, ok := SpecOf(name)
		if !ok {
			return c, fmt.Errorf("%s: unknown hook", at(""))
		}
		if h.Policy != "" && ParsePolicyMode(h.Policy) == PolicyUnknown {
			return c, fmt.Errorf("%s: policy %q: want fail-open, fail-closed or fallback", at("policy"), h.Policy)
		}
		if ParsePolicyMode(h.Policy) == Fallback && (h.Fallback == "" || (spec.Name != Route && spec.Name != Failure)) {
			return c, fmt.Errorf("%s: policy fallback needs a fallback destination and fits only route and failure", at("policy"))
		}
		if h.Code != 0 && (h.Code < 400 || h.Code > 699) {
			return c, fmt.Errorf("%s: code %d: want 400-699", at("code"), h.Code)
		}
		if h.Budget != 0 && (time.Duration(h.Budget) < time.Millisecond || time.Duration(h.Budget) > time.Minute) {
			return c, fmt.Errorf("%s: budget %v: want 1ms to 1m", at("budget"), time.Duration(h.Budget))
		}
		if h.Retries != nil && (*h.Retries < 0 || *h.Retries > 5) {
			return c, fmt.Errorf("%s: retries %d: want 0-5", at("retries"), *h.Retries)
		}
		if m := strings.ToUpper(h.Method); m != "" && m != "GET" && m != "POST" {
			return c, fmt.Errorf("%s: method %q: want GET or POST", at("method"), h.Method)
		}
		if h.Engine == "http" && h.URL == "" {
			return c, fmt.Errorf("%s: engine http needs a url", at("engine"))
		}
		if h.Engine == "wasm" && h.Plugin == "" {
			return c, fmt.Errorf("%s: engine wasm needs a plugin (a .wasm file of the plugins directory)", at("engine"))
		}
		if h.Plugin != "" && h.Engine != "wasm" {
			return c, fmt.Errorf("%s: plugin fits only engine wasm", at("plugin"))
		}
		if h.Plugin != "" && !ValidPluginName(h.Plugin) {
			return c, fmt.Errorf("%s: plugin %q: want a file name such as dialplan.wasm (letters, digits, _ - .)", at("plugin"), h.Plugin)
		}
		if h.MemoryMB != 0 && (h.Engine != "wasm" || h.MemoryMB < 1 || h.MemoryMB > MaxPluginMemoryMB) {
			return c, fmt.Errorf("%s: memory_mb %d: want 1-%d, with engine wasm", at("memory_mb"), h.MemoryMB, MaxPluginMemoryMB)
		}
	}
	return c, nil
}

// decodeError places a decoding error on its line. The decoder reads the
// whole document before it reports an unknown field or a custom
// unmarshaler's error, so its offset then points at the end: those are
// found again by walking the keys.
func decodeError(file string, b []byte, off int64, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s:%d: %w", file, lineAt(b, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Errorf("%s:%d: %w", file, lineAt(b, te.Offset), err)
	}
	ks := keys(b)
	if _, f, ok := strings.Cut(err.Error(), "unknown field "); ok {
		if field, uerr := strconv.Unquote(f); uerr == nil {
			// Only "hooks" is known at the top and any name is a key under
			// it, so the first key of that name at depth 1 or 3 is the one.
			l := lineWhere(ks, func(k keyAt) bool {
				return k.path[len(k.path)-1] == field && (len(k.path) == 1 || len(k.path) == 3)
			})
			if l > 0 {
				return fmt.Errorf("%s:%d: %w", file, l, err)
			}
		}
	}
	// Duration is the only custom unmarshaler: find the first bad one.
	for _, k := range ks {
		if len(k.path) != 3 || (k.path[2] != "budget" && k.path[2] != "timeout") {
			continue
		}
		if s, ok := k.val.(string); ok {
			if v, perr := time.ParseDuration(s); perr == nil && v >= 0 {
				continue
			}
		}
		return fmt.Errorf("%s:%d: %s: %w", file, k.line, strings.Join(k.path, "."), err)
	}
	return fmt.Errorf("%s:%d: %w", file, lineAt(b, off), err)
}

// keyAt is one object key of a JSON document: its path of keys from the
// top, its line, and its value when that is a scalar.
type keyAt struct {
	path []string
	line int
	val  any
}

// keys lists a document's object keys in order, as far as it parses. Only
// used to report errors, so it may allocate freely.
func keys(b []byte) []keyAt {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct{ obj, inKey bool }
	var (
		out   []keyAt
		stack []frame
		path  []string
	)
	valueDone := func() { // a value ended: so has its key, if it had one
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].inKey {
			stack[n-1].inKey = false
			path = path[:len(path)-1]
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		n := len(stack)
		if s, ok := tok.(string); ok && n > 0 && stack[n-1].obj && !stack[n-1].inKey {
			path = append(path, s)
			stack[n-1].inKey = true
			out = append(out, keyAt{path: slices.Clone(path), line: lineAt(b, dec.InputOffset())})
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{obj: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:n-1]
			valueDone()
		default:
			if n > 0 && stack[n-1].inKey {
				out[len(out)-1].val = tok // a scalar right after its key
			}
			valueDone()
		}
	}
}

// lineWhere is the line of the first key f accepts, 0 when none does.
func lineWhere(ks []keyAt, f func(keyAt) bool) int {
	for _, k := range ks {
		if f(k) {
			return k.line
		}
	}
	return 0
}

// lineAt turns a byte offset into a 1-based line number.
func lineAt(b []byte, off int64) int {
	off = max(0, min(off, int64(len(b))))
	return bytes.Count(b[:off], []byte("\n")) + 1
}
