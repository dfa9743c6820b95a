package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hookswitch/hookswitch/switch/store"
)

func (a *API) getDialPolicy(w http.ResponseWriter, r *http.Request) {
	p, err := a.B.DialPolicy()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// putDialPolicy replaces the dial policy; a field that does not validate
// is named in the 400.
func (a *API) putDialPolicy(w http.ResponseWriter, r *http.Request) {
	var p store.DialPolicy
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want {"blocked_prefixes": ["0900"], "country_codes": ["49"], "emergency": ["112"]}: %w`, err))
		return
	}
	if err := a.B.SetDialPolicy(p); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
