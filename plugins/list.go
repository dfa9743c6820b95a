package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
)

// Info describes one plugin file.
type Info struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// List describes the plugins (*.wasm) of dir, or the built-in ones when dir
// is "" (a switch running them read-only), sorted by name.
func List(dir string) ([]Info, error) {
	fsys := fs.FS(FS)
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	names, err := fs.Glob(fsys, "*.wasm")
	if err != nil {
		return nil, fmt.Errorf("list plugins: %w", err)
	}
	out := make([]Info, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("list plugins: %w", err)
		}
		sum := sha256.Sum256(b)
		out = append(out, Info{Name: path.Base(n), Size: len(b), SHA256: hex.EncodeToString(sum[:])})
	}
	return out, nil
}
