package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// maxTenantBody bounds a tenant's JSON: 64 trunks with long pool lists.
const maxTenantBody = 64 << 10

func (a *API) tenantRoutes(r chi.Router) {
	r.Get("/api/v1/tenants", a.listTenants)
	r.Get("/api/v1/tenants/{name}", a.getTenant)
	r.Get("/api/v1/tenants/{name}/usage", a.tenantUsage) // tenantusage.go
	r.Put("/api/v1/tenants/{name}", a.putTenant)
	r.Delete("/api/v1/tenants/{name}", a.deleteTenant)
}

// listTenants answers every tenant by name.
func (a *API) listTenants(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.ListTenants()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	scope := scopeOf(r)
	list = slices.DeleteFunc(list, func(t store.Tenant) bool { return !sees(scope, t.Name) })
	if list == nil {
		list = []store.Tenant{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *API) getTenant(w http.ResponseWriter, r *http.Request) {
	t, err := a.B.GetTenant(chi.URLParam(r, "name"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// putTenant creates or replaces the tenant named in the URL; 200 with the
// stored tenant, 400 naming the field, 409 naming the tenant whose domain
// or DID pool is in the way, or the inbound rule a change would strand.
func (a *API) putTenant(w http.ResponseWriter, r *http.Request) {
	var t store.Tenant
	name := chi.URLParam(r, "name")
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTenantBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want a tenant, e.g. {"domain": "acme.example.com", "trunks": [{"trunk": "upstream", "did_pool": "44*****;12000-18000"}]}: %w`, err))
		return
	}
	if t.Name != "" && t.Name != name {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid name: %q in the body, %q in the URL", t.Name, name), "field": "name"})
		return
	}
	t.Name = name
	if err := a.B.PutTenant(t); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.getTenant(w, r)
}

// deleteTenant answers 204, 404, or 409 naming an inbound rule of the
// tenant.
func (a *API) deleteTenant(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeleteTenant(chi.URLParam(r, "name")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
