package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/plugins"
)

// Offline: plugin check validates; plugin add validates and copies into
// DATA/plugins.
func TestPluginCommandsOffline(t *testing.T) {
	dir := t.TempDir()
	bin, err := plugins.FS.ReadFile("dialplan.wasm")
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "plan.wasm")
	os.WriteFile(good, bin, 0o644)
	bad := filepath.Join(t.TempDir(), "bad.wasm")
	os.WriteFile(bad, bin[:len(bin)/2], 0o644)
	if out, errs, code := cli(t, "plugin", "check", good); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("check: %q %q", out, errs)
	}
	if _, errs, code := cli(t, "plugin", "check", bad); code == 0 || !strings.Contains(errs, "not a valid WebAssembly module") {
		t.Fatalf("check of a truncated plugin: %q", errs)
	}
	if _, errs, code := cli(t, "plugin", "add", good, "--name", "../x.wasm", "--data", dir); code == 0 || !strings.Contains(errs, "file name") {
		t.Fatalf("add with a path as name: %q", errs)
	}
	if out, errs, code := cli(t, "plugin", "add", good, "--data", dir); code != 0 || !strings.Contains(out, "installed plan.wasm") {
		t.Fatalf("add: %q %q", out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "plugins", "plan.wasm")); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := cli(t, "plugin", "list", "--data", dir); code != 0 || !strings.Contains(out, "plan.wasm") || !strings.Contains(out, "sha256:") {
		t.Fatalf("list: %q %q", out, errs)
	}
	if out, errs, code := cli(t, "plugin", "list", "--data", t.TempDir()); code != 0 || !strings.Contains(out, "dialplan.wasm") {
		t.Fatalf("list before the first run (built-in plugins): %q %q", out, errs)
	}
}
