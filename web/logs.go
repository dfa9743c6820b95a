package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/web/logring"
)

const (
	// defaultLogLimit and maxLogLimit bound GET /api/v1/logs.
	defaultLogLimit = 500
	maxLogLimit     = logring.DefaultRecords
	// maxLogStreams bounds the open log tails per API.
	maxLogStreams = 16
	// maxLogBatch is the most records one tail event carries.
	maxLogBatch = 500
	maxLogText  = 256
)

// LogPage is the answer of GET /api/v1/logs: records newest first, and
// the cursor a tail continues from.
type LogPage struct {
	Records []logring.Record `json:"records"`
	Last    uint64           `json:"last"`
}

func (a *API) logRoutes(r chi.Router) {
	streams := &streamLimit{max: maxLogStreams}
	r.Get("/api/v1/logs", a.logs)
	r.Get("/api/v1/logs/stream", func(w http.ResponseWriter, req *http.Request) { a.logStream(w, req, streams) })
}

var errNoLogs = errors.New("this switch keeps no log records for the API")

// logFilter reads ?level=&q=&call_id=&since=&after= (and limit when
// withLimit).
func logFilter(r *http.Request, withLimit bool) (logring.Filter, error) {
	q := r.URL.Query()
	f := logring.Filter{MinLevel: int(slog.LevelDebug)}
	if v := q.Get("level"); v != "" {
		var l slog.Level
		if err := l.UnmarshalText([]byte(v)); err != nil {
			return f, fmt.Errorf("level %q: want debug, info, warn or error", v)
		}
		f.MinLevel = int(l)
	}
	f.Text, f.CallID = q.Get("q"), q.Get("call_id")
	if len(f.Text) > maxLogText {
		return f, fmt.Errorf("q: at most %d bytes", maxLogText)
	}
	if len(f.CallID) > maxCallIDLen {
		return f, fmt.Errorf("call_id: at most %d bytes", maxCallIDLen)
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return f, fmt.Errorf("since %q: want an RFC 3339 time", v)
		}
		f.Since = t
	}
	after := q.Get("after")
	if after == "" {
		after = r.Header.Get("Last-Event-ID") // an EventSource reconnecting
	}
	if after != "" {
		n, err := strconv.ParseUint(after, 10, 64)
		if err != nil {
			return f, fmt.Errorf("after %q: want a record's seq", after)
		}
		f.AfterSeq = n
	}
	if withLimit {
		f.Limit = defaultLogLimit
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxLogLimit {
				return f, fmt.Errorf("limit must be a number from 1 to %d", maxLogLimit)
			}
			f.Limit = n
		}
	}
	return f, nil
}

// logs answers the recent records that match, newest first.
func (a *API) logs(w http.ResponseWriter, r *http.Request) {
	if a.Logs == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoLogs)
		return
	}
	f, err := logFilter(r, true)
	if err != nil {
		writeErr(w, 400, err)
		return
	}
	recs, last := a.Logs.Query(f)
	writeJSON(w, 200, LogPage{Records: recs, Last: last})
}

// logStream is a live tail (Server-Sent Events): an event "log" per new
// record that matches, oldest first, its seq as the event id (so that an
// EventSource reconnecting resumes where it was). It starts after ?after=
// (default: now).
func (a *API) logStream(w http.ResponseWriter, r *http.Request, lim *streamLimit) {
	if a.Logs == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoLogs)
		return
	}
	f, err := logFilter(r, false)
	if err != nil {
		writeErr(w, 400, err)
		return
	}
	if !lim.acquire() {
		w.Header().Set("Retry-After", "5")
		writeErr(w, http.StatusServiceUnavailable, fmt.Errorf("too many log streams (at most %d)", lim.max))
		return
	}
	defer lim.release()
	if f.AfterSeq == 0 && r.URL.Query().Get("after") == "" && r.Header.Get("Last-Event-ID") == "" {
		_, f.AfterSeq = a.Logs.Query(logring.Filter{Limit: 1})
	}
	write, end := sseStart(w)
	defer end()
	if write("retry: 2000\n\n") != nil {
		return
	}
	keepAlive := time.NewTicker(keepAliveEvery)
	defer keepAlive.Stop()
	for {
		changed := a.Logs.Changed() // before the query: no append is missed
		f.Limit = maxLogBatch
		recs, last := a.Logs.Query(f)
		var b strings.Builder
		for i := len(recs) - 1; i >= 0; i-- { // oldest first
			j, err := json.Marshal(recs[i])
			if err != nil {
				return
			}
			fmt.Fprintf(&b, "id: %d\nevent: log\ndata: %s\n\n", recs[i].Seq, j)
		}
		// A tail more than maxLogBatch records behind skips to the newest:
		// a flood must not hold the stream in the past.
		f.AfterSeq = last
		if b.Len() > 0 && write(b.String()) != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-keepAlive.C:
			if write(": keep-alive\n\n") != nil {
				return
			}
		}
	}
}
