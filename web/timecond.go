package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
)

// TimeConditionView is a time condition as the API shows it: the stored
// form, its override, and its state now.
type TimeConditionView struct {
	Condition *timecond.Condition `json:"condition"`
	Override  timecond.Override   `json:"override"`
	Open      bool                `json:"open"`
	Next      *time.Time          `json:"next,omitempty"` // when the state changes next, by the schedule
}

func timeConditionView(tc store.TimeCondition, now time.Time) TimeConditionView {
	v := TimeConditionView{Condition: tc.Condition, Override: tc.Override, Open: tc.Open(now)}
	if next, ok := tc.Condition.Next(now); ok {
		v.Next = &next
	}
	return v
}

func (a *API) timecondRoutes(r chi.Router) {
	r.Get("/api/v1/timeconditions", a.listTimeConditions)
	r.Put("/api/v1/timeconditions/{name}", a.putTimeCondition)
	r.Delete("/api/v1/timeconditions/{name}", a.deleteTimeCondition)
	r.Put("/api/v1/timeconditions/{name}/override", a.overrideTimeCondition)
}

func (a *API) listTimeConditions(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.ListTimeConditions()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	now := time.Now()
	out := make([]TimeConditionView, 0, len(list))
	for _, tc := range list {
		out = append(out, timeConditionView(tc, now))
	}
	writeJSON(w, http.StatusOK, out)
}

// putTimeCondition takes the condition's JSON form; its name is the URL's.
func (a *API) putTimeCondition(w http.ResponseWriter, r *http.Request) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf("invalid JSON: want a time condition object: %v", err))
		return
	}
	name := chi.URLParam(r, "name")
	raw["name"], _ = json.Marshal(name)
	body, _ := json.Marshal(raw)
	var c timecond.Condition
	if err := c.UnmarshalJSON(body); err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	if err := a.B.PutTimeCondition(&c); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	tc, err := a.B.GetTimeCondition(name)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, timeConditionView(tc, time.Now()))
}

func (a *API) deleteTimeCondition(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeleteTimeCondition(chi.URLParam(r, "name")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// overrideTimeCondition takes {"mode": "closed"|"open"|"none", "until": RFC 3339 (optional)}.
func (a *API) overrideTimeCondition(w http.ResponseWriter, r *http.Request) {
	var ov timecond.Override
	if !readJSON(w, r, &ov, `{"mode": "closed", "until": "2026-12-24T18:00:00Z"}`) {
		return
	}
	if err := a.B.SetOverride(chi.URLParam(r, "name"), ov); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
