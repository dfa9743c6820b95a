package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// The live event stream (GET /api/v1/events).
const (
	// maxEventStreams bounds the open streams per API; more get 503.
	maxEventStreams = 64
	// eventPoll is how often a stream looks for changes: the JSON of each
	// list is compared with the last one sent, which also coalesces bursts
	// to at most one event per list and poll.
	eventPoll = 500 * time.Millisecond
	// systemEvery is the pace of the system event.
	systemEvery = 5 * time.Second
	// keepAliveEvery sends a comment so that proxies keep an idle stream.
	keepAliveEvery = 15 * time.Second
	// eventWriteTimeout drops a client that stops reading.
	eventWriteTimeout = 10 * time.Second
)

// maxCallIDLen bounds a Call-ID in a path (store CDR fields are 256).
const maxCallIDLen = 256

// liveRoutes serves live calls, the event stream, system figures, call
// statistics and the CDR search (cdrs.go).
func (a *API) liveRoutes(r chi.Router) {
	streams := &streamLimit{max: maxEventStreams}
	r.Get("/api/v1/calls", a.listCalls)
	r.Delete("/api/v1/calls/{call_id}", a.hangupCall)
	r.Get("/api/v1/events", func(w http.ResponseWriter, req *http.Request) { a.events(w, req, streams) })
	r.Get("/api/v1/system", a.system)
	r.Get("/api/v1/stats/calls", a.callStats)
	r.Get("/api/v1/cdrs", a.cdrs)
}

var errNoSwitch = errors.New("no running switch behind this API")

func (a *API) listCalls(w http.ResponseWriter, r *http.Request) {
	if a.L == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoSwitch)
		return
	}
	writeJSON(w, 200, scopeCalls(scopeOf(r), a.calls()))
}

func (a *API) calls() []call.CallInfo {
	cs := a.L.Calls()
	if cs == nil {
		cs = []call.CallInfo{}
	}
	return cs
}

// hangupCall ends a call as an admin hang-up: 204, or 404 when no call
// with that Call-ID is in progress.
func (a *API) hangupCall(w http.ResponseWriter, r *http.Request) {
	if a.L == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoSwitch)
		return
	}
	id := chi.URLParam(r, "call_id")
	if r.URL.RawPath != "" {
		// chi matched the escaped path (a Call-ID with a "/" comes as %2F):
		// the parameter is still escaped.
		u, err := url.PathUnescape(id)
		if err != nil {
			writeErr(w, 400, fmt.Errorf("call_id: %w", err))
			return
		}
		id = u
	}
	if !callIDOK(id) {
		writeErr(w, 400, fmt.Errorf("call_id: want 1 to %d printable bytes", maxCallIDLen))
		return
	}
	if !a.L.Hangup(id) {
		writeErr(w, 404, fmt.Errorf("call %q: not in progress", id))
		return
	}
	w.WriteHeader(204)
}

// callIDOK bounds a Call-ID from a path: 1 to maxCallIDLen bytes, no
// control characters.
func callIDOK(id string) bool {
	if id == "" || len(id) > maxCallIDLen {
		return false
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func (a *API) system(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, a.scopedSystem(scopeOf(r)))
}

// scopedSystem is systemInfo with a tenant's principal's own call count.
func (a *API) scopedSystem(scope string) SystemInfo {
	s := a.systemInfo()
	if scope != "" && a.L != nil {
		s.ActiveCalls = len(scopeCalls(scope, a.L.Calls()))
	}
	return s
}

func (a *API) systemInfo() SystemInfo {
	s := sysStats.sample(time.Now())
	if a.L != nil {
		s.ActiveCalls = a.L.ActiveCalls()
	}
	return s
}

// callStats answers calls per hour from the CDRs: ?hours=N (1 to 744,
// default 24), oldest first, the current hour last.
func (a *API) callStats(w http.ResponseWriter, r *http.Request) {
	hours, ok := hoursParam(w, r)
	if !ok {
		return
	}
	var hs []store.HourStat
	var err error
	if scope := scopeOf(r); scope != "" {
		hs, err = a.tenantCallsPerHour(scope, time.Now(), hours)
	} else {
		hs, err = a.B.CallsPerHour(time.Now(), hours)
	}
	if err != nil && !errors.Is(err, store.ErrCorrupt) { // a bad record is left out, not fatal
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, 200, hs)
}

// hoursParam reads ?hours=N (1 to store.MaxStatHours, default 24); false
// when it answered 400.
func hoursParam(w http.ResponseWriter, r *http.Request) (int, bool) {
	v := r.URL.Query().Get("hours")
	if v == "" {
		return 24, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > store.MaxStatHours {
		writeErr(w, 400, fmt.Errorf("hours must be a number from 1 to %d", store.MaxStatHours))
		return 0, false
	}
	return n, true
}

// sseStart answers 200 as a Server-Sent Events stream and returns how to
// write to it; the caller defers the returned end (no deadline left behind
// on a connection that serves another request).
func sseStart(w http.ResponseWriter) (write func(string) error, end func()) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(200)
	write = func(s string) error {
		// A deadline per write: a client that stops reading is dropped
		// instead of holding this goroutine. Servers without deadlines
		// (ErrNotSupported) rely on the request's context.
		if err := rc.SetWriteDeadline(time.Now().Add(eventWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		if _, err := w.Write([]byte(s)); err != nil {
			return err
		}
		return rc.Flush()
	}
	return write, func() { rc.SetWriteDeadline(time.Time{}) }
}

// streamLimit counts open event streams.
type streamLimit struct {
	max int32
	n   atomic.Int32
}

func (l *streamLimit) acquire() bool {
	if l.n.Add(1) > l.max {
		l.n.Add(-1)
		return false
	}
	return true
}

func (l *streamLimit) release() { l.n.Add(-1) }

// events is the Server-Sent Events stream of live state: the calls,
// registrations and trunks lists at once and whenever one changes, and the
// system figures every systemEvery. It ends when the client goes.
func (a *API) events(w http.ResponseWriter, r *http.Request, lim *streamLimit) {
	if a.L == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoSwitch)
		return
	}
	if !lim.acquire() {
		w.Header().Set("Retry-After", "5")
		writeErr(w, http.StatusServiceUnavailable, fmt.Errorf("too many event streams (at most %d)", lim.max))
		return
	}
	defer lim.release()
	write, end := sseStart(w)
	defer end()
	send := func(event string, data []byte) error {
		return write("event: " + event + "\ndata: " + string(data) + "\n\n")
	}
	scope := scopeOf(r) // a tenant's principal sees its own (tenantscope.go)
	sources := []struct {
		event string
		list  func() any
	}{
		{"calls", func() any { return scopeCalls(scope, a.calls()) }},
		{"registrations", func() any {
			bs := a.scopeBindings(scope, a.L.Bindings())
			if bs == nil {
				bs = []store.Binding{}
			}
			return bs
		}},
		{"trunks", func() any {
			if a.TrunkCtl == nil {
				return []trunk.Report{}
			}
			ts := a.scopeTrunks(scope, a.TrunkCtl.Status())
			if ts == nil {
				ts = []trunk.Report{}
			}
			return ts
		}},
	}
	last := make([][]byte, len(sources))
	poll := func() error {
		for i, s := range sources {
			b, err := json.Marshal(s.list())
			if err != nil {
				return err
			}
			if last[i] != nil && bytes.Equal(b, last[i]) {
				continue
			}
			last[i] = b
			if err := send(s.event, b); err != nil {
				return err
			}
		}
		return nil
	}
	system := func() error {
		b, err := json.Marshal(a.scopedSystem(scope))
		if err != nil {
			return err
		}
		return send("system", b)
	}
	// retry: how long a browser's EventSource waits before reconnecting.
	if write("retry: 2000\n\n") != nil || poll() != nil || system() != nil {
		return
	}
	tick := time.NewTicker(eventPoll)
	defer tick.Stop()
	sysTick := time.NewTicker(systemEvery)
	defer sysTick.Stop()
	keepAlive := time.NewTicker(keepAliveEvery)
	defer keepAlive.Stop()
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			err = poll()
		case <-sysTick.C:
			err = system()
		case <-keepAlive.C:
			err = write(": keep-alive\n\n")
		}
		if err != nil {
			return
		}
	}
}
