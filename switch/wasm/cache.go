package wasm

import (
	"fmt"
	"sync"

	"github.com/tetratelabs/wazero"
)

// Compilation caches are shared by every generation of the process: a
// reload recompiles nothing that did not change (a Go guest takes about
// half a second cold, 20 ms from the cache).
var (
	cacheMu sync.Mutex
	caches  = map[string]wazero.CompilationCache{}
)

// compilationCache returns the cache of dir ("" = in memory).
func compilationCache(dir string) (wazero.CompilationCache, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if c, ok := caches[dir]; ok {
		return c, nil
	}
	var c wazero.CompilationCache
	if dir == "" {
		c = wazero.NewCompilationCache()
	} else {
		var err error
		if c, err = wazero.NewCompilationCacheWithDir(dir); err != nil {
			return nil, fmt.Errorf("wasm: compilation cache %s: %w", dir, err)
		}
	}
	caches[dir] = c
	return c, nil
}
