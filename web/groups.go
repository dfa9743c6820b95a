package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// maxGroupBody bounds a group's JSON: 64 members and a few short fields.
const maxGroupBody = 16 << 10

func (a *API) groupRoutes(r chi.Router) {
	r.Get("/api/v1/groups", a.listGroups)
	r.Post("/api/v1/groups", a.createGroup)
	r.Get("/api/v1/groups/{number}", a.getGroup)
	r.Put("/api/v1/groups/{number}", a.putGroup)
	r.Delete("/api/v1/groups/{number}", a.deleteGroup)
}

// listGroups answers the ring groups in numeric order.
func (a *API) listGroups(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.ListGroups()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	scope := scopeOf(r)
	list = slices.DeleteFunc(list, func(g store.Group) bool { return !sees(scope, g.Tenant) })
	if list == nil {
		list = []store.Group{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *API) getGroup(w http.ResponseWriter, r *http.Request) {
	g, err := a.B.GetGroup(chi.URLParam(r, "number"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

// createGroup answers 201 with the stored group (defaults filled), 400
// naming the field, 409 when the number is a group's already.
func (a *API) createGroup(w http.ResponseWriter, r *http.Request) {
	var g store.Group
	if !readGroup(w, r, &g) || !claimTenant(w, scopeOf(r), &g.Tenant) {
		return
	}
	if err := a.B.CreateGroup(g); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.writeGroup(w, g.Number, http.StatusCreated)
}

// putGroup creates or replaces the group numbered in the URL; 200 with
// the stored group, 400 naming the field.
func (a *API) putGroup(w http.ResponseWriter, r *http.Request) {
	var g store.Group
	number := chi.URLParam(r, "number")
	if !readGroup(w, r, &g) {
		return
	}
	if g.Number != "" && g.Number != number {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid number: %q in the body, %q in the URL", g.Number, number), "field": "number"})
		return
	}
	g.Number = number
	if !claimTenant(w, scopeOf(r), &g.Tenant) {
		return
	}
	if err := a.B.PutGroup(g); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.writeGroup(w, number, http.StatusOK)
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeleteGroup(chi.URLParam(r, "number")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readGroup decodes a group strictly (an unknown field is a 400).
func readGroup(w http.ResponseWriter, r *http.Request, g *store.Group) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxGroupBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(g); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want a ring group, e.g. {"number": "300", "strategy": "hunt", "members": ["1001", "1002"]}: %w`, err))
		return false
	}
	return true
}

// writeGroup answers the group as stored.
func (a *API) writeGroup(w http.ResponseWriter, number string, code int) {
	g, err := a.B.GetGroup(number)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, code, g)
}
