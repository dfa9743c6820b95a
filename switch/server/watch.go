package server

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watch reloads the scripts and plugins when a file in dir changes. Editors write in
// bursts (temp file, rename, chmod), so events are debounced.
func (s *Server) watch(ctx context.Context, dir string) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return err
	}
	go func() {
		defer w.Close()
		var fire <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if relevant(ev.Name) {
					fire = time.After(200 * time.Millisecond)
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				s.log.Warn("script watcher", "error", err)
			case <-fire:
				fire = nil
				s.Hooks.Reload() // logs its own outcome; a bad reload keeps the running generation
			}
		}
	}()
	return nil
}

// relevant skips editor droppings (swap files, backups).
func relevant(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") {
		return false
	}
	ext := filepath.Ext(base)
	return ext == ".lua" || ext == ".json" || ext == ".wasm"
}
