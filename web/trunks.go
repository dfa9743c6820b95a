package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// TrunkControl is the running switch's side of trunks.
type TrunkControl interface {
	Status() []trunk.Report
	// SyncTrunks applies the stored configuration (after a change).
	SyncTrunks() error
}

// TrunkView is a trunk as the API shows it: its settings (the password
// only as set or not) and, in a running switch, its state.
type TrunkView struct {
	store.Trunk
	PasswordSet bool          `json:"password_set"`
	State       *trunk.Report `json:"state,omitempty"`
}

func (a *API) trunkRoutes(r chi.Router) {
	r.Get("/api/v1/trunks", a.listTrunks)
	r.Put("/api/v1/trunks/{name}", a.putTrunk)
	r.Delete("/api/v1/trunks/{name}", a.deleteTrunk)
}

func (a *API) listTrunks(w http.ResponseWriter, r *http.Request) {
	ts, err := a.B.ListTrunks()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	states := map[string]trunk.Report{}
	if a.TrunkCtl != nil {
		for _, s := range a.TrunkCtl.Status() {
			states[s.Name] = s
		}
	}
	out := make([]TrunkView, 0, len(ts))
	for _, t := range ts {
		v := TrunkView{Trunk: t, PasswordSet: t.Password != ""}
		v.Password = ""
		if s, ok := states[t.Name]; ok {
			v.State = &s
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// putTrunk creates or replaces a trunk (the name is the URL's) and
// answers it as listed; a field
// that does not validate is named in the 400. A replaced trunk keeps its
// password when the request leaves it out.
func (a *API) putTrunk(w http.ResponseWriter, r *http.Request) {
	var t store.Trunk
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want a trunk, e.g. {"kind": "register", "host": "sip.example.net", "username": "4930123", "password": "..."}: %w`, err))
		return
	}
	t.Name = chi.URLParam(r, "name")
	if t.Password == "" {
		if old, err := a.B.GetTrunk(t.Name); err == nil {
			t.Password = old.Password
		} else if !errors.Is(err, store.ErrNotFound) {
			writeErr(w, statusOf(err), err)
			return
		}
	}
	if err := a.B.PutTrunk(t); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	a.syncTrunks()
	// 200 with the record as stored (its times), as the other PUTs answer:
	// the password only as set or not, the state when the switch has it.
	if stored, err := a.B.GetTrunk(t.Name); err == nil {
		t = stored
	}
	v := TrunkView{Trunk: t, PasswordSet: t.Password != ""}
	v.Password = ""
	if a.TrunkCtl != nil {
		for _, s := range a.TrunkCtl.Status() {
			if s.Name == t.Name {
				v.State = &s
				break
			}
		}
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) deleteTrunk(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeleteTrunk(chi.URLParam(r, "name")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	a.syncTrunks()
	w.WriteHeader(http.StatusNoContent)
}

// syncTrunks tells a running switch; its failures are logged there.
func (a *API) syncTrunks() {
	if a.TrunkCtl != nil {
		a.TrunkCtl.SyncTrunks()
	}
}
