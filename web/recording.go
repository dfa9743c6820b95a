package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/recording"
)

// Recording is a recording as the API shows it (no file path).
type Recording struct {
	ID       string    `json:"id"`
	CallID   string    `json:"call_id"`
	Kind     string    `json:"kind"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Started  time.Time `json:"started"`
	Duration float64   `json:"duration"` // seconds
	Channels int       `json:"channels"`
	Bytes    int64     `json:"bytes"`
}

// RecordingList is GET /api/v1/recordings: a page, newest first, and how
// many match in all.
type RecordingList struct {
	Total      int         `json:"total"`
	Recordings []Recording `json:"recordings"`
}

func (a *API) recordingRoutes(r chi.Router) {
	r.Get("/api/v1/recordings", a.listRecordings)
	r.Get("/api/v1/recordings/{id}", a.getRecording)
	r.Get("/api/v1/recordings/{id}/audio", a.recordingAudio)
	r.Delete("/api/v1/recordings/{id}", a.deleteRecording)
}

var errNoRecordings = errors.New("recordings are not configured on this switch")

// recs answers 503 and returns nil when the switch runs without recordings.
func (a *API) recs(w http.ResponseWriter) *recording.Store {
	if a.Rec == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoRecordings)
	}
	return a.Rec
}

func recordingView(m recording.Meta) Recording {
	return Recording{ID: m.ID, CallID: m.CallID, Kind: m.Kind, From: m.From, To: m.To, Started: m.Started,
		Duration: seconds(m.Duration), Channels: m.Channels, Bytes: m.Bytes}
}

// listRecordings takes kind, from and to (substrings), call_id (exact: a
// call's recordings, matched to its CDR), since and until (RFC 3339),
// limit and offset; a bad one is a 400 naming it.
func (a *API) listRecordings(w http.ResponseWriter, r *http.Request) {
	rs := a.recs(w)
	if rs == nil {
		return
	}
	q := r.URL.Query()
	f := recording.Filter{Kind: q.Get("kind"), From: q.Get("from"), To: q.Get("to"), CallID: q.Get("call_id")}
	switch f.Kind {
	case "", recording.KindProgram, recording.KindCall, recording.KindConference:
	default:
		writeErr(w, 400, fmt.Errorf("invalid kind: %q: want program, call or conference", f.Kind))
		return
	}
	for _, p := range [...]struct {
		name string
		dst  *int
		max  int
	}{{"limit", &f.Limit, recording.MaxListLimit}, {"offset", &f.Offset, 1 << 30}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > p.max {
				writeErr(w, 400, fmt.Errorf("invalid %s: %q: want a number from 0 to %d", p.name, v, p.max))
				return
			}
			*p.dst = n
		}
	}
	for _, p := range [...]struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeErr(w, 400, fmt.Errorf("invalid %s: %q: want an RFC 3339 time", p.name, v))
				return
			}
			*p.dst = t
		}
	}
	var ms []recording.Meta
	var total int
	var err error
	if scope := scopeOf(r); scope != "" {
		ms, total, err = a.tenantRecordings(rs, scope, f)
	} else {
		ms, total, err = rs.List(f)
	}
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	out := RecordingList{Total: total, Recordings: make([]Recording, 0, len(ms))}
	for _, m := range ms {
		out.Recordings = append(out.Recordings, recordingView(m))
	}
	writeJSON(w, 200, out)
}

func (a *API) getRecording(w http.ResponseWriter, r *http.Request) {
	rs := a.recs(w)
	if rs == nil {
		return
	}
	m, err := rs.Get(chi.URLParam(r, "id"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, 200, recordingView(m))
}

func (a *API) recordingAudio(w http.ResponseWriter, r *http.Request) {
	rs := a.recs(w)
	if rs == nil {
		return
	}
	id := chi.URLParam(r, "id")
	path, err := rs.Path(id)
	if err != nil {
		code := statusOf(err)
		if errors.Is(err, recording.ErrFileMissing) {
			code = 404
		}
		writeErr(w, code, err)
		return
	}
	serveWAV(w, r, path, id+".wav")
}

func (a *API) deleteRecording(w http.ResponseWriter, r *http.Request) {
	rs := a.recs(w)
	if rs == nil {
		return
	}
	if err := rs.Delete(chi.URLParam(r, "id")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(204)
}

// serveWAV answers a WAV file (Range requests included, via
// http.ServeContent) named name for the download; a file that vanished
// since its path was looked up is a 404.
func serveWAV(w http.ResponseWriter, r *http.Request, path, name string) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			writeErr(w, 404, fmt.Errorf("%s: audio file gone", name))
			return
		}
		writeErr(w, 500, fmt.Errorf("%s: cannot open the audio file", name))
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		writeErr(w, 500, fmt.Errorf("%s: cannot read the audio file", name))
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	http.ServeContent(w, r, name, fi.ModTime(), f)
}
