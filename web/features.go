package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// getFeatures answers an extension's call features (DND, forwarding,
// follow-me).
func (a *API) getFeatures(w http.ResponseWriter, r *http.Request) {
	e, err := a.B.GetExtension(chi.URLParam(r, "number"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, e.Features)
}

// putFeatures replaces an extension's call features; a field that does
// not validate is named in the 400.
func (a *API) putFeatures(w http.ResponseWriter, r *http.Request) {
	var f store.Features
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want {"dnd": false, "forward": {"busy": "1002"}, "follow_me": [{"number": "1003", "timeout": 20}]}: %w`, err))
		return
	}
	out, err := a.B.UpdateFeatures(chi.URLParam(r, "number"), func(cur *store.Features) error {
		*cur = f
		return nil
	})
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
