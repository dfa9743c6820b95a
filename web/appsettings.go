package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hookswitch/hookswitch/switch/store"
)

// getAppSettings answers the application settings set over REST; an
// unset field is absent (the scripts' apps.lua value applies).
func (a *API) getAppSettings(w http.ResponseWriter, r *http.Request) {
	s := a.apps(w)
	if s == nil {
		return
	}
	set, err := s.GetAppSettings()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

// putAppSettings replaces the settings: a field left out is unset again.
// 200 with what is stored, 400 naming the field.
func (a *API) putAppSettings(w http.ResponseWriter, r *http.Request) {
	s := a.apps(w)
	if s == nil {
		return
	}
	var set store.AppSettings
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&set); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want the settings, e.g. {"operator": "1000", "block_anonymous": true, "voicemail": {"max_seconds": 120}}: %w`, err))
		return
	}
	if err := s.PutAppSettings(set); err != nil {
		writeRouteErr(w, err)
		return
	}
	set, err := s.GetAppSettings()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}
