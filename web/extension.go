package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// maxExtensionBody bounds an extension's JSON: a few short fields, a codec
// list and a permit list.
const maxExtensionBody = 64 << 10

// getExt answers one extension without its password (tenantGate has
// already hidden another tenant's).
func (a *API) getExt(w http.ResponseWriter, r *http.Request) {
	e, err := a.B.GetExtension(chi.URLParam(r, "number"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	e.Password = ""
	writeJSON(w, http.StatusOK, e)
}

// putExt replaces an existing extension's name, email, password,
// max_contacts, tenant and per-phone settings (SPEC P1). A password left
// out keeps the old one; the features keep theirs (they have their own
// route). 200 with the stored extension, 400 naming the field, 404.
func (a *API) putExt(w http.ResponseWriter, r *http.Request) {
	number := chi.URLParam(r, "number")
	var e store.Extension
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxExtensionBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want an extension, e.g. {"name": "Ann", "max_contacts": 2, "codecs": ["PCMA", "PCMU"]}: %w`, err))
		return
	}
	if e.Number != "" && e.Number != number {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid number: %q in the body, %q in the URL", e.Number, number), "field": "number"})
		return
	}
	if !claimTenant(w, scopeOf(r), &e.Tenant) {
		return
	}
	old, err := a.B.GetExtension(number)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	e.Number = number
	if e.Password == "" {
		e.Password = old.Password
	} else if err := store.CheckPassword(number, e.Password); err != nil {
		writeRouteErr(w, err)
		return
	}
	e.Features = old.Features
	if err := a.B.UpdateExtension(e); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.getExt(w, r)
}
