package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// PluginEditor is what deleting and rolling back plugins needs beyond
// Live; a Live without it answers 501 on those routes.
type PluginEditor interface {
	// DeletePlugin removes a plugin and reloads, keeping the file as its
	// newest earlier version; an error wrapping fs.ErrNotExist: no such
	// plugin; another error: the reload failed and nothing changed.
	DeletePlugin(name string) (generation uint64, err error)
	// RollbackPlugin puts back the newest earlier version and reloads.
	RollbackPlugin(name string) (generation uint64, version string, err error)
	// PluginHistory lists the earlier versions, newest first.
	PluginHistory(name string) ([]plugins.Version, error)
}

func (a *API) pluginRoutes(r chi.Router) {
	r.Delete("/api/v1/plugins/{name}", a.deletePlugin)
	r.Get("/api/v1/plugins/{name}/history", a.pluginHistory)
	r.Post("/api/v1/plugins/{name}/rollback", a.rollbackPlugin)
}

// pluginEditor checks the {name} and finds the editor; false: answered.
func (a *API) pluginEditor(w http.ResponseWriter, r *http.Request) (PluginEditor, string, bool) {
	name := chi.URLParam(r, "name")
	if !hook.ValidPluginName(name) {
		writeErr(w, 400, fmt.Errorf("name %q: want a plugin file name such as dialplan.wasm (letters, digits, _ - .)", name))
		return nil, "", false
	}
	pe, ok := a.L.(PluginEditor)
	if !ok {
		writeErr(w, http.StatusNotImplemented, errors.New("this switch cannot delete or roll back plugins"))
	}
	return pe, name, ok
}

// pluginFailed answers 404 for no such plugin or version, else 422 with
// the reason and the generation still running.
func pluginFailed(w http.ResponseWriter, err error, gen uint64) {
	if errors.Is(err, fs.ErrNotExist) {
		writeErr(w, 404, err)
		return
	}
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": err.Error(), "generation": gen})
}

// deletePlugin: 200 with the new generation; 404; 422 when the reload
// fails without it (hooks.json names it), and then it stays.
func (a *API) deletePlugin(w http.ResponseWriter, r *http.Request) {
	pe, name, ok := a.pluginEditor(w, r)
	if !ok {
		return
	}
	gen, err := pe.DeletePlugin(name)
	if err != nil {
		pluginFailed(w, err, gen)
		return
	}
	writeJSON(w, 200, map[string]any{"generation": gen, "plugin": name})
}

// rollbackPlugin: 200 with the new generation and the version put back;
// 404 when there is no earlier version; 422 when it fails to load.
func (a *API) rollbackPlugin(w http.ResponseWriter, r *http.Request) {
	pe, name, ok := a.pluginEditor(w, r)
	if !ok {
		return
	}
	gen, v, err := pe.RollbackPlugin(name)
	if err != nil {
		pluginFailed(w, err, gen)
		return
	}
	writeJSON(w, 200, map[string]any{"generation": gen, "plugin": name, "version": v})
}

func (a *API) pluginHistory(w http.ResponseWriter, r *http.Request) {
	pe, name, ok := a.pluginEditor(w, r)
	if !ok {
		return
	}
	vs, err := pe.PluginHistory(name)
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	if vs == nil {
		vs = []plugins.Version{}
	}
	writeJSON(w, 200, vs)
}
