package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// maxPINSetBody bounds a PIN set's JSON: 10000 PINs with the longest
// labels, escaped, take about 4 MiB.
const maxPINSetBody = 8 << 20

// PINs travel only in bodies, never in URLs, which proxies and access
// logs keep: a PIN is removed by POSTing it to .../pins/remove.
func (a *API) pinSetRoutes(r chi.Router) {
	r.Get("/api/v1/pinsets", a.listPINSets)
	r.Get("/api/v1/pinsets/{name}", a.getPINSet)
	r.Put("/api/v1/pinsets/{name}", a.putPINSet)
	r.Delete("/api/v1/pinsets/{name}", a.deletePINSet)
	r.Post("/api/v1/pinsets/{name}/pins", a.addPIN)
	r.Post("/api/v1/pinsets/{name}/pins/remove", a.removePIN)
}

// reveal says whether the request asks for PINs in the clear (?reveal=1);
// answers mask them otherwise (store.MaskPIN).
func reveal(r *http.Request) bool {
	v, _ := strconv.ParseBool(r.URL.Query().Get("reveal"))
	return v
}

func shown(p store.PINSet, r *http.Request) store.PINSet {
	if reveal(r) {
		return p
	}
	return p.Masked()
}

// listPINSets answers every set by name, PINs masked unless ?reveal=1.
func (a *API) listPINSets(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.ListPINSets()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	out := make([]store.PINSet, 0, len(list))
	for _, p := range list {
		out = append(out, shown(p, r))
	}
	writeJSON(w, http.StatusOK, out)
}

// getPINSet answers one set, PINs masked unless ?reveal=1.
func (a *API) getPINSet(w http.ResponseWriter, r *http.Request) {
	p, err := a.B.GetPINSet(chi.URLParam(r, "name"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, shown(p, r))
}

// putPINSet creates or replaces the set named in the URL; 200 with the
// stored set (masked unless ?reveal=1), 400 naming the field. A replaced
// set keeps its PINs when the request leaves "pins" out, so a client that
// only saw them masked can still change the description.
func (a *API) putPINSet(w http.ResponseWriter, r *http.Request) {
	var p store.PINSet
	name := chi.URLParam(r, "name")
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxPINSetBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want a PIN set, e.g. {"description": "sales", "pins": [{"pin": "1234", "label": "alice"}]}: %w`, err))
		return
	}
	if p.Name != "" && p.Name != name {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid name: %q in the body, %q in the URL", p.Name, name), "field": "name"})
		return
	}
	p.Name = name
	if p.PINs == nil {
		if old, err := a.B.GetPINSet(name); err == nil {
			p.PINs = old.PINs
		} else if !errors.Is(err, store.ErrNotFound) {
			writeErr(w, statusOf(err), err)
			return
		}
	}
	if err := a.B.PutPINSet(p); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.getPINSet(w, r)
}

// deletePINSet: 204, 404, or 409 naming the outbound rule that asks for it.
func (a *API) deletePINSet(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeletePINSet(chi.URLParam(r, "name")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// addPIN takes {"pin": "1234", "label": "alice"}: 204, 400 naming the
// field, 404 for no such set, 409 when the PIN is in the set already.
func (a *API) addPIN(w http.ResponseWriter, r *http.Request) {
	var p store.PIN
	if !readPIN(w, r, &p) {
		return
	}
	if err := a.B.AddPIN(chi.URLParam(r, "name"), p); err != nil {
		writeRouteErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removePIN takes {"pin": "1234"}: 204, 404 for no such set or PIN, 400
// for the set's last PIN.
func (a *API) removePIN(w http.ResponseWriter, r *http.Request) {
	var p store.PIN
	if !readPIN(w, r, &p) {
		return
	}
	if err := a.B.RemovePIN(chi.URLParam(r, "name"), p.PIN); err != nil {
		writeRouteErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readPIN decodes one PIN strictly; the error never quotes the body.
func readPIN(w http.ResponseWriter, r *http.Request, p *store.PIN) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want {"pin": "1234", "label": "alice"}: %w`, err))
		return false
	}
	return true
}
