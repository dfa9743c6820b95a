package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

func (a *API) blacklistRoutes(r chi.Router) {
	r.Get("/api/v1/blacklist", a.listBlacklist)
	r.Post("/api/v1/blacklist", a.addBlacklist)
	r.Delete("/api/v1/blacklist/{number}", a.removeBlacklist)
}

func (a *API) listBlacklist(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.Blacklist()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	if list == nil {
		list = []store.Blocked{}
	}
	writeJSON(w, http.StatusOK, list)
}

// addBlacklist takes {"number": "+4930123456"}.
func (a *API) addBlacklist(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Number string `json:"number"`
	}
	if !readJSON(w, r, &body, `{"number": "+4930123456"}`) {
		return
	}
	if err := a.B.Block(body.Number, "admin"); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) removeBlacklist(w http.ResponseWriter, r *http.Request) {
	if err := a.B.Unblock(chi.URLParam(r, "number")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
