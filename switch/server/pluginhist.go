package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/wasm"
)

// ErrNoPlugin wraps fs.ErrNotExist: no such plugin, or no earlier version.
var ErrNoPlugin = fmt.Errorf("plugin: %w", fs.ErrNotExist)

// DeletePlugin removes a plugin and reloads; the file is kept as the
// plugin's newest earlier version, so that a rollback brings it back. A
// reload that fails without it (hooks.json still names it) puts it back
// and changes nothing.
func (s *Server) DeletePlugin(name string) (uint64, error) {
	if s.cfg.PluginsDir == "" {
		return s.Hooks.Generation(), ErrPluginsEmbedded
	}
	if !hook.ValidPluginName(name) {
		return s.Hooks.Generation(), fmt.Errorf("plugin name %q: %w", name, ErrNoPlugin)
	}
	s.pluginMu.Lock()
	defer s.pluginMu.Unlock()
	path := filepath.Join(s.cfg.PluginsDir, name)
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s.Hooks.Generation(), fmt.Errorf("plugin %s: %w", name, ErrNoPlugin)
	} else if err != nil {
		return s.Hooks.Generation(), fmt.Errorf("plugin %s: %w", name, err)
	}
	if err := os.Remove(path); err != nil {
		return s.Hooks.Generation(), fmt.Errorf("plugin %s: %w", name, err)
	}
	gen, err := s.Hooks.Reload()
	if err != nil {
		writeAtomic(path, old)
		return gen, fmt.Errorf("plugin %s: still in use, kept: %w", name, err)
	}
	if _, err := plugins.SaveVersion(s.cfg.PluginsDir, name, old); err != nil {
		s.log.Warn("deleted plugin not kept in the history", "plugin", name, "err", err)
	}
	return gen, nil
}

// RollbackPlugin puts back the newest earlier version of a plugin (a
// deleted one too), validated and reloaded as an upload is; the version
// leaves the history, so rolling back again goes one further back. A
// failure changes nothing.
func (s *Server) RollbackPlugin(name string) (uint64, string, error) {
	if s.cfg.PluginsDir == "" {
		return s.Hooks.Generation(), "", ErrPluginsEmbedded
	}
	if !hook.ValidPluginName(name) {
		return s.Hooks.Generation(), "", fmt.Errorf("plugin name %q: %w", name, ErrNoPlugin)
	}
	s.pluginMu.Lock()
	defer s.pluginMu.Unlock()
	vs, err := plugins.Versions(s.cfg.PluginsDir, name)
	if err != nil {
		return s.Hooks.Generation(), "", err
	}
	if len(vs) == 0 {
		return s.Hooks.Generation(), "", fmt.Errorf("plugin %s: no earlier version: %w", name, ErrNoPlugin)
	}
	v := vs[0].Version
	vpath := plugins.VersionPath(s.cfg.PluginsDir, name, v)
	bin, err := os.ReadFile(vpath)
	if err != nil {
		return s.Hooks.Generation(), "", fmt.Errorf("plugin %s: version %s: %w", name, v, err)
	}
	o := wasm.Options{CacheDir: s.cfg.PluginCacheDir, Logger: s.log, HTTPAllow: s.cfg.ScriptHTTPAllow}
	if err := wasm.Validate(name, bin, 0, o); err != nil {
		return s.Hooks.Generation(), "", fmt.Errorf("plugin %s: version %s: %w", name, v, err)
	}
	path := filepath.Join(s.cfg.PluginsDir, name)
	cur, curErr := os.ReadFile(path)
	if err := writeAtomic(path, bin); err != nil {
		return s.Hooks.Generation(), "", fmt.Errorf("plugin %s: %w", name, err)
	}
	gen, err := s.Hooks.Reload()
	if err != nil {
		if curErr == nil {
			writeAtomic(path, cur)
		} else {
			os.Remove(path)
		}
		return gen, "", err
	}
	if err := os.Remove(vpath); err != nil {
		s.log.Warn("rolled-back plugin version stays in the history", "plugin", name, "version", v, "err", err)
	}
	return gen, v, nil
}

// PluginHistory lists a plugin's earlier versions, newest first (none for
// the built-in set).
func (s *Server) PluginHistory(name string) ([]plugins.Version, error) {
	if s.cfg.PluginsDir == "" || !hook.ValidPluginName(name) {
		return []plugins.Version{}, nil
	}
	return plugins.Versions(s.cfg.PluginsDir, name)
}
