package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

// maxRouteBody bounds a rule's JSON: a rule may list up to a thousand
// source extensions.
const maxRouteBody = 256 << 10

func (a *API) routeRoutes(r chi.Router) {
	r.Get("/api/v1/routes/inbound", a.listInbound)
	r.Get("/api/v1/routes/inbound/{name}", a.getInbound)
	r.Put("/api/v1/routes/inbound/{name}", a.putInbound)
	r.Delete("/api/v1/routes/inbound/{name}", a.deleteInbound)
	r.Get("/api/v1/routes/outbound", a.listOutbound)
	r.Get("/api/v1/routes/outbound/{name}", a.getOutbound)
	r.Put("/api/v1/routes/outbound/{name}", a.putOutbound)
	r.Delete("/api/v1/routes/outbound/{name}", a.deleteOutbound)
}

// listInbound answers the rules in match order.
func (a *API) listInbound(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.ListInboundRules()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	scope := scopeOf(r)
	list = slices.DeleteFunc(list, func(rule store.InboundRule) bool { return !sees(scope, rule.Tenant) })
	if list == nil {
		list = []store.InboundRule{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *API) getInbound(w http.ResponseWriter, r *http.Request) {
	rule, err := a.B.GetInboundRule(chi.URLParam(r, "name"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, rule)
}

// putInbound creates or replaces the rule named in the URL; 200 with the
// stored rule, 400 naming the field, 409 naming an overlapping rule.
func (a *API) putInbound(w http.ResponseWriter, r *http.Request) {
	var rule store.InboundRule
	name := chi.URLParam(r, "name")
	if !readRule(w, r, &rule, &rule.Name, name) || !claimTenant(w, scopeOf(r), &rule.Tenant) {
		return
	}
	if err := a.B.PutInboundRule(rule); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.getInbound(w, r)
}

func (a *API) deleteInbound(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeleteInboundRule(chi.URLParam(r, "name")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listOutbound answers the rules in match order.
func (a *API) listOutbound(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.ListOutboundRules()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	if list == nil {
		list = []store.OutboundRule{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *API) getOutbound(w http.ResponseWriter, r *http.Request) {
	rule, err := a.B.GetOutboundRule(chi.URLParam(r, "name"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, rule)
}

// putOutbound creates or replaces the rule named in the URL; 200 with the
// stored rule (defaults filled), 400 naming the field.
func (a *API) putOutbound(w http.ResponseWriter, r *http.Request) {
	var rule store.OutboundRule
	name := chi.URLParam(r, "name")
	if !readRule(w, r, &rule, &rule.Name, name) {
		return
	}
	if err := a.B.PutOutboundRule(rule); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.getOutbound(w, r)
}

func (a *API) deleteOutbound(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeleteOutboundRule(chi.URLParam(r, "name")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readRule decodes a rule strictly; its name is the URL's (a different
// one in the body is refused: it would rename by accident).
func readRule(w http.ResponseWriter, r *http.Request, v any, bodyName *string, name string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRouteBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf("invalid rule JSON: %w", err))
		return false
	}
	if *bodyName != "" && *bodyName != name {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid name: %q in the body, %q in the URL", *bodyName, name), "field": "name"})
		return false
	}
	*bodyName = name
	return true
}

// writeRouteErr adds the offending field to a 400 (a 409 for a tenant's
// quota, as on create), so a form can point at it.
func writeRouteErr(w http.ResponseWriter, err error) {
	var fe *store.FieldError
	if errors.As(err, &fe) {
		code := http.StatusBadRequest
		if errors.Is(err, store.ErrQuota) {
			code = http.StatusConflict
		}
		writeJSON(w, code, map[string]string{"error": err.Error(), "field": fe.Field})
		return
	}
	writeErr(w, statusOf(err), err)
}
