package browser

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// SkipEnv names the variable that skips browser tests when set to 1; with
// anything else a missing browser is a failure, never a silent skip.
const SkipEnv = "HOOKSWITCH_SKIP_BROWSER"

// ChromiumEnv overrides DefaultChromium (for a developer's own machine).
const ChromiumEnv = "HOOKSWITCH_CHROMIUM"

// DefaultChromium is where Debian's chromium package puts the browser.
const DefaultChromium = "/usr/bin/chromium"

// Env is an installed harness: where its files, Node.js and Chromium are.
type Env struct {
	Dir      string // absolute path of tests/browser
	Node     string // the node binary
	Chromium string // the Chromium binary playwright-core launches
}

// Require returns the harness for a test. It skips the test only when
// HOOKSWITCH_SKIP_BROWSER=1; a missing or stale install fails it.
func Require(t testing.TB) Env {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skipf("%s=1: browser tests skipped", SkipEnv)
	}
	e, err := Lookup()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Lookup finds the harness from the working directory (anywhere inside the
// repository) and checks that everything it needs is installed.
func Lookup() (Env, error) {
	dir, err := harnessDir()
	if err != nil {
		return Env{}, err
	}
	e := Env{Dir: dir, Chromium: DefaultChromium}
	if c := os.Getenv(ChromiumEnv); c != "" {
		e.Chromium = c
	}
	var missing []error
	if e.Node, err = exec.LookPath("node"); err != nil {
		missing = append(missing, fmt.Errorf("node: %w", err))
	}
	if err := isExecutable(e.Chromium); err != nil {
		missing = append(missing, fmt.Errorf("chromium: %w", err))
	}
	pins, err := e.pins()
	if err != nil {
		return Env{}, err
	}
	for name, want := range pins {
		got, err := e.Installed(name)
		switch {
		case err != nil:
			missing = append(missing, err)
		case got != want:
			missing = append(missing, fmt.Errorf("node_modules/%s is %s, package.json pins %s", name, got, want))
		}
	}
	if len(missing) > 0 {
		return Env{}, fmt.Errorf("%w: %w; run tests/run (it installs Debian chromium and runs npm ci in tests/browser), or set %s=1 to skip",
			ErrNotInstalled, errors.Join(missing...), SkipEnv)
	}
	return e, nil
}

// Pinned returns the exact version package.json pins for an npm package.
func (e Env) Pinned(name string) (string, error) {
	pins, err := e.pins()
	if err != nil {
		return "", err
	}
	v, ok := pins[name]
	if !ok {
		return "", fmt.Errorf("package.json pins no %s", name)
	}
	return v, nil
}

// Installed returns the version of an npm package in node_modules.
func (e Env) Installed(name string) (string, error) {
	var pkg struct {
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(e.Dir, "node_modules", name, "package.json"), &pkg); err != nil {
		return "", fmt.Errorf("node_modules/%s: %w", name, err)
	}
	if pkg.Version == "" {
		return "", fmt.Errorf("node_modules/%s: package.json has no version", name)
	}
	return pkg.Version, nil
}

func (e Env) pins() (map[string]string, error) {
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := readJSON(filepath.Join(e.Dir, "package.json"), &pkg); err != nil {
		return nil, err
	}
	if len(pkg.DevDependencies) == 0 {
		return nil, fmt.Errorf("%s: no devDependencies", filepath.Join(e.Dir, "package.json"))
	}
	return pkg.DevDependencies, nil
}

// harnessDir walks up from the working directory to the module root and
// returns its tests/browser, so packages other than this one can use it.
func harnessDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find tests/browser: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			h := filepath.Join(dir, "tests", "browser")
			if _, err := os.Stat(filepath.Join(h, "run.mjs")); err != nil {
				return "", fmt.Errorf("find tests/browser: %w", err)
			}
			return h, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("find tests/browser: no go.mod above %s", wd)
		}
	}
}

func isExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}
