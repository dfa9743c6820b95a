package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/store"
)

// The portal's call recordings: a user hears the recordings of the calls
// in their history, found by the call's Call-ID (recording.Filter.CallID),
// never by time, and no other recording.

// cdrGetter is the backend's CDR by ID (the store's); the portal's
// recording route answers 501 on a backend without it.
type cdrGetter interface {
	GetCDR(id string) (store.CDR, error)
}

// isParty says whether ext took part in c as myCalls lists it: the
// caller, the callee, or the extension a group or queue call reached.
func isParty(c store.CDR, ext string) bool {
	return c.Caller == ext || c.Callee == ext || c.FinalDest == ext
}

// myCallRecording is GET /api/v1/me/calls/{id}/recording: the newest
// recording of one of the user's calls (id is the history's), as WAV.
// Another user's call is as unknown as a call that never was.
func (a *API) myCallRecording(w http.ResponseWriter, r *http.Request) {
	ext := myExt(w, r)
	if ext == "" {
		return
	}
	rs := a.recs(w)
	if rs == nil {
		return
	}
	g, ok := a.B.(cdrGetter)
	if !ok {
		writeErr(w, http.StatusNotImplemented, errors.New("this switch cannot look up a call"))
		return
	}
	id := chi.URLParam(r, "id")
	c, err := g.GetCDR(id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		writeErr(w, http.StatusInternalServerError, fmt.Errorf("call %s: %w", id, err))
		return
	}
	if err != nil || !isParty(c, ext) {
		writeErr(w, http.StatusNotFound, fmt.Errorf("call %q: not in your call history", id[:min(len(id), 64)]))
		return
	}
	var ms []recording.Meta
	if c.CallID != "" {
		if ms, _, err = rs.List(recording.Filter{CallID: c.CallID, Kind: recording.KindCall, Limit: 1}); err != nil && len(ms) == 0 {
			writeErr(w, http.StatusInternalServerError, fmt.Errorf("call %s: %w", id, err))
			return
		}
	}
	if len(ms) == 0 {
		writeErr(w, http.StatusNotFound, fmt.Errorf("call %s: not recorded", id))
		return
	}
	path, err := rs.Path(ms[0].ID)
	if err != nil {
		code := statusOf(err)
		if errors.Is(err, recording.ErrFileMissing) {
			code = http.StatusNotFound
		}
		writeErr(w, code, err)
		return
	}
	serveWAV(w, r, path, ms[0].ID+".wav")
}

// recordedCalls returns the Call-IDs among cs that have a call recording:
// one listing over the page's time span (a recording starts within its
// call), not one per call. A switch without recordings has none.
func (a *API) recordedCalls(cs []store.CDR) map[string]bool {
	out := map[string]bool{}
	if a.Rec == nil || len(cs) == 0 {
		return out
	}
	want := map[string]bool{}
	since, until := cs[0].StartTime, cs[0].EndTime
	for _, c := range cs {
		if c.Status == store.StatusAnswered && c.CallID != "" {
			want[c.CallID] = true
		}
		if c.StartTime.Before(since) {
			since = c.StartTime
		}
		if c.EndTime.After(until) {
			until = c.EndTime
		}
	}
	if len(want) == 0 {
		return out
	}
	// The whole second after the end: a CDR's times and a recording's start
	// are taken apart.
	ms, _, _ := a.Rec.List(recording.Filter{Kind: recording.KindCall, Since: since.Add(-time.Second), Until: until.Add(time.Second), Limit: recording.MaxListLimit})
	for _, m := range ms {
		if want[m.CallID] {
			out[m.CallID] = true
		}
	}
	return out
}
