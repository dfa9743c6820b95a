package web

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/conference"
)

// Conferences are the live rooms (*conference.Rooms).
type Conferences interface {
	List() []conference.Info
	Kick(room, callID string) error
	Mute(room, callID string, on bool) error
	Lock(room string, on bool) error
}

func (a *API) conferenceRoutes(r chi.Router) {
	r.Get("/api/v1/conferences", a.listConferences)
	r.Put("/api/v1/conferences/{room}/lock", a.lockConference)
	r.Put("/api/v1/conferences/{room}/members/{call_id}", a.muteMember)
	r.Delete("/api/v1/conferences/{room}/members/{call_id}", a.kickMember)
}

var errNoConferences = errors.New("conferences run only in a running switch")

// rooms answers 503 and returns nil without live rooms (the CLI on a
// stopped switch's data dir).
func (a *API) rooms(w http.ResponseWriter) Conferences {
	if a.Rooms == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoConferences)
	}
	return a.Rooms
}

// roomStatus maps the rooms' errors: no such room or member is 404.
func roomStatus(err error) int {
	if errors.Is(err, conference.ErrNoSuchRoom) || errors.Is(err, conference.ErrNoSuchMember) {
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

func (a *API) listConferences(w http.ResponseWriter, r *http.Request) {
	rs := a.rooms(w)
	if rs == nil {
		return
	}
	list := rs.List()
	if list == nil {
		list = []conference.Info{}
	}
	writeJSON(w, http.StatusOK, list)
}

// lockConference takes {"locked": true}.
func (a *API) lockConference(w http.ResponseWriter, r *http.Request) {
	rs := a.rooms(w)
	if rs == nil {
		return
	}
	var body struct {
		Locked *bool `json:"locked"`
	}
	if !readJSON(w, r, &body, `{"locked": true}`) {
		return
	}
	if body.Locked == nil {
		writeErr(w, http.StatusBadRequest, errors.New(`missing field "locked": want {"locked": true}`))
		return
	}
	if err := rs.Lock(chi.URLParam(r, "room"), *body.Locked); err != nil {
		writeErr(w, roomStatus(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// muteMember takes {"muted": true}.
func (a *API) muteMember(w http.ResponseWriter, r *http.Request) {
	rs := a.rooms(w)
	if rs == nil {
		return
	}
	var body struct {
		Muted *bool `json:"muted"`
	}
	if !readJSON(w, r, &body, `{"muted": true}`) {
		return
	}
	if body.Muted == nil {
		writeErr(w, http.StatusBadRequest, errors.New(`missing field "muted": want {"muted": true}`))
		return
	}
	if err := rs.Mute(chi.URLParam(r, "room"), chi.URLParam(r, "call_id"), *body.Muted); err != nil {
		writeErr(w, roomStatus(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// kickMember removes a member from its room.
func (a *API) kickMember(w http.ResponseWriter, r *http.Request) {
	rs := a.rooms(w)
	if rs == nil {
		return
	}
	if err := rs.Kick(chi.URLParam(r, "room"), chi.URLParam(r, "call_id")); err != nil {
		writeErr(w, roomStatus(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
