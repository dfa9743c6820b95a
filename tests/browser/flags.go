package browser

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WithFlags returns a copy of e whose Chromium starts with extra flags,
// for example --use-file-for-fake-audio-capture=PATH (a microphone that
// plays a known WAV). run.mjs owns the launch flags, so the extra ones go
// into a small wrapper script, in a temp dir of t, that runs e.Chromium
// with them before the runner's own.
func (e Env) WithFlags(t testing.TB, flags ...string) (Env, error) {
	t.Helper()
	for _, f := range flags {
		// A flag is one argument: no NUL (it ends a C string) and no line
		// break (it would split the script).
		if !strings.HasPrefix(f, "--") || len(f) == 2 || strings.ContainsAny(f, "\x00\r\n") {
			return Env{}, fmt.Errorf("chromium flag %q: want --name or --name=value on one line", f)
		}
	}
	words := []string{"exec", shellQuote(e.Chromium)}
	for _, f := range flags {
		words = append(words, shellQuote(f))
	}
	script := "#!/bin/sh\n" + strings.Join(words, " ") + ` "$@"` + "\n"
	path := filepath.Join(t.TempDir(), "chromium")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		return Env{}, fmt.Errorf("chromium flags: %w", err)
	}
	e.Chromium = path
	return e, nil
}

// shellQuote makes s one single-quoted sh word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
