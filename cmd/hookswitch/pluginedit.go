package main

import "github.com/hookswitch/hookswitch/plugins"

// The running switch's plugin delete, history and rollback (web.PluginEditor).

func (l live) DeletePlugin(name string) (uint64, error) { return l.s.DeletePlugin(name) }
func (l live) RollbackPlugin(name string) (uint64, string, error) {
	return l.s.RollbackPlugin(name)
}
func (l live) PluginHistory(name string) ([]plugins.Version, error) { return l.s.PluginHistory(name) }
