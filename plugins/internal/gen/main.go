// Command gen rebuilds every shipped plugin (`go generate ./plugins`):
// each directory of plugins/ with Go sources becomes NAME.wasm beside it,
// and GOVERSION records the toolchain that built them.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hookswitch/hookswitch/sdk/go/wasmbuild"
)

func main() {
	ctx := context.Background()
	names, err := Sources(".")
	if err != nil {
		fail(err)
	}
	for _, n := range names {
		if err := wasmbuild.Build(ctx, n, n+".wasm"); err != nil {
			fail(err)
		}
		fmt.Println("built", n+".wasm")
	}
	v, err := wasmbuild.GoVersion(ctx)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile("GOVERSION", []byte(v+"\n"), 0o644); err != nil {
		fail(err)
	}
}

// Sources lists the plugin source directories of dir.
func Sources(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() || e.Name() == "internal" || e.Name() == "testdata" {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join(dir, e.Name(), "*.go")); len(m) > 0 {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
