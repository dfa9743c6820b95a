// Package wasmbuild builds a Go plugin to WebAssembly the way hookswitch
// ships its own: the standard toolchain, a WASI reactor (c-shared), and
// flags that make the output a function of the source and the Go version
// only, so that a test can rebuild a shipped plugin and compare bytes.
package wasmbuild

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Flags are the `go build` flags of every plugin: -trimpath drops local
// paths, -buildvcs=false the VCS stamp, an empty -buildid the build ID
// (which hashes the inputs' paths), -s -w the symbol and debug tables.
var Flags = []string{"-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid="}

// Env is the build environment added to the caller's.
var Env = []string{"GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS="}

// Build compiles the main package in pkgDir to out.
func Build(ctx context.Context, pkgDir, out string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	args := append([]string{"build"}, Flags...)
	args = append(args, "-o", abs, ".")
	cmd := exec.CommandContext(ctx, goTool(), args...)
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), Env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("wasmbuild: %s: %w: %s", pkgDir, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// GoVersion is the toolchain's version ("go1.26.8"): a plugin is
// reproducible only with the same one.
func GoVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, goTool(), "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("wasmbuild: go env GOVERSION: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// goTool is the go command of the running toolchain when it is found.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
