package plugins

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/sdk/go/wasmbuild"
)

// TestShippedPluginsAreFresh rebuilds every plugin from its source with
// the shipping flags and compares bytes with the embedded .wasm: a stale
// plugin fails (run `go generate ./plugins`). Builds are reproducible for
// one Go version only, so another toolchain skips with a note.
func TestShippedPluginsAreFresh(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	want, err := os.ReadFile("GOVERSION")
	if err != nil {
		t.Fatal(err)
	}
	have, err := wasmbuild.GoVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(want)) != have {
		t.Skipf("the shipped plugins were built with %s, this toolchain is %s: run go generate ./plugins to compare", strings.TrimSpace(string(want)), have)
	}
	ents, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() || e.Name() == "internal" || e.Name() == "testdata" {
			continue
		}
		// As go generate does: a plugin is a directory with Go sources of its
		// own (a directory of libraries only is not one).
		if m, _ := filepath.Glob(filepath.Join(e.Name(), "*.go")); len(m) == 0 {
			continue
		}
		n++
		name := e.Name()
		shipped, err := FS.ReadFile(name + ".wasm")
		if err != nil {
			t.Errorf("%s has no shipped %s.wasm (run go generate ./plugins)", name, name)
			continue
		}
		out := filepath.Join(t.TempDir(), name+".wasm")
		if err := wasmbuild.Build(ctx, name, out); err != nil {
			t.Fatal(err)
		}
		built, _ := os.ReadFile(out)
		if !bytes.Equal(built, shipped) {
			t.Errorf("%s.wasm is stale: the source builds to %d different bytes (shipped %d); run go generate ./plugins", name, len(built), len(shipped))
		}
	}
	if n == 0 {
		t.Fatal("no plugin sources")
	}
}
