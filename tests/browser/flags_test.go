package browser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWithFlags proves the wrapper runs the original binary with the
// extra flags first, each one argument however it is spelled, then the
// runner's own arguments untouched; and that a malformed flag is refused.
// A stand-in binary prints its arguments, so no browser is needed.
func TestWithFlags(t *testing.T) {
	t.Parallel()
	fake := filepath.Join(t.TempDir(), "fake chromium's")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := Env{Dir: "/nowhere", Node: "node", Chromium: fake}
	flags := []string{
		"--use-file-for-fake-audio-capture=/tmp/a dir/it's $HOME `x`.wav",
		"--autoplay-policy=no-user-gesture-required",
	}
	w, err := e.WithFlags(t, flags...)
	if err != nil {
		t.Fatal(err)
	}
	if w.Chromium == fake || w.Dir != e.Dir || w.Node != e.Node {
		t.Errorf("WithFlags gave %+v from %+v, want only Chromium changed", w, e)
	}
	if e.Chromium != fake {
		t.Errorf("WithFlags changed its receiver: %q", e.Chromium)
	}
	out, err := RunCmd(10*time.Second, "", w.Chromium, "--headless", "two words", "")
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]string{}, flags...), "--headless", "two words", "")
	if got := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the binary got %q, want %q", got, want)
	}

	for _, bad := range []string{"", "-x", "--", "no-dashes", "--a\nb", "--a\rb", "--a\x00b"} {
		if _, err := e.WithFlags(t, bad); err == nil {
			t.Errorf("WithFlags(%q) was accepted", bad)
		}
	}
}
