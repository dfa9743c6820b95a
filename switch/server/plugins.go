package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/wasm"
)

// ErrPluginsEmbedded: the node runs the shipped plugins read-only.
var ErrPluginsEmbedded = errors.New("the switch runs the built-in plugins read-only (start it with --plugins DIR)")

// AddPlugin validates a plugin (compile, signatures, one instance), puts
// it in the plugins directory under name and reloads. A plugin that fails
// validation, or a reload that fails with it, changes nothing: the file it
// replaced is restored and the running generation stays.
func (s *Server) AddPlugin(name string, bin []byte) (uint64, error) {
	if s.cfg.PluginsDir == "" {
		return s.Hooks.Generation(), ErrPluginsEmbedded
	}
	s.pluginMu.Lock()
	defer s.pluginMu.Unlock()
	o := wasm.Options{CacheDir: s.cfg.PluginCacheDir, Logger: s.log, HTTPAllow: s.cfg.ScriptHTTPAllow}
	if err := wasm.Validate(name, bin, 0, o); err != nil {
		return s.Hooks.Generation(), err
	}
	path := filepath.Join(s.cfg.PluginsDir, name)
	old, oldErr := os.ReadFile(path)
	if err := writeAtomic(path, bin); err != nil {
		return s.Hooks.Generation(), fmt.Errorf("plugin %s: %w", name, err)
	}
	gen, err := s.Hooks.Reload()
	if err == nil {
		if oldErr == nil { // the replaced file, for a rollback (pluginhist.go)
			if _, err := plugins.SaveVersion(s.cfg.PluginsDir, name, old); err != nil {
				s.log.Warn("replaced plugin not kept in the history", "plugin", name, "err", err)
			}
		}
		return gen, nil
	}
	// Put back what was there, so that the next reload sees the running set.
	if oldErr == nil {
		writeAtomic(path, old)
	} else {
		os.Remove(path)
	}
	return gen, err
}

// Plugins describes the plugins this node loads (the built-in ones when it
// runs them read-only).
func (s *Server) Plugins() ([]plugins.Info, error) { return plugins.List(s.cfg.PluginsDir) }

// writeAtomic replaces path through a temporary file and a rename, so a
// watcher never loads half a plugin.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
