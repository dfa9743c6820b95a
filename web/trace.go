package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// Diagnostics is the running switch's SIP stack, for call traces and
// pings; *sip.Stack has it.
type Diagnostics interface {
	Tracer() *sip.Tracer // nil: tracing is off
	trunk.Stack
}

// TraceMessage is one SIP message of a call's trace.
type TraceMessage struct {
	Time      time.Time `json:"time"`
	Dir       string    `json:"dir"` // in (to the switch) or out
	Transport string    `json:"transport"`
	Src       string    `json:"src"`
	Dst       string    `json:"dst"`
	FirstLine string    `json:"first_line"`
	CallID    string    `json:"call_id"`
	Method    string    `json:"method"` // the CSeq method
	Raw       string    `json:"raw"`
}

// CallTrace is a call's SIP messages, its legs' included.
type CallTrace struct {
	CallID   string         `json:"call_id"`
	CallIDs  []string       `json:"call_ids"` // the call's and its legs'
	Messages []TraceMessage `json:"messages"`
}

var errNoTrace = errors.New("sip trace is off (--sip-trace 0) or the switch is not running")

func (a *API) traceRoutes(r chi.Router) {
	r.Get("/api/v1/calls/{call_id}/trace", a.callTrace)
	r.Get("/api/v1/calls/{call_id}/trace.pcap", a.callTracePcap)
}

func (a *API) callTrace(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("format") == "pcap" {
		a.callTracePcap(w, r)
		return
	}
	id, msgs, ids, ok := a.trace(w, r)
	if !ok {
		return
	}
	out := CallTrace{CallID: id, CallIDs: ids, Messages: make([]TraceMessage, len(msgs))}
	for i, m := range msgs {
		dir := "in"
		if m.Out {
			dir = "out"
		}
		out.Messages[i] = TraceMessage{Time: m.Time, Dir: dir, Transport: m.Transport, Src: m.Src().String(),
			Dst: m.Dst().String(), FirstLine: m.First, CallID: m.CallID, Method: m.Method,
			Raw: strings.ToValidUTF8(string(m.Raw), "\uFFFD")}
	}
	writeJSON(w, 200, out)
}

func (a *API) callTracePcap(w http.ResponseWriter, r *http.Request) {
	id, msgs, _, ok := a.trace(w, r)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := writePcap(&b, msgs); err != nil {
		writeErr(w, 500, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.tcpdump.pcap")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "call-"+fileSafe(id)+".pcap"))
	w.Write(b.Bytes())
}

// trace finds the call named in the path; it answers the errors itself.
func (a *API) trace(w http.ResponseWriter, r *http.Request) (string, []sip.TraceMessage, []string, bool) {
	var t *sip.Tracer
	if a.Diag != nil {
		t = a.Diag.Tracer()
	}
	if t == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoTrace)
		return "", nil, nil, false
	}
	id := chi.URLParam(r, "call_id")
	if r.URL.RawPath != "" {
		u, err := url.PathUnescape(id) // chi matched the escaped path
		if err != nil {
			writeErr(w, 400, fmt.Errorf("call_id: %w", err))
			return "", nil, nil, false
		}
		id = u
	}
	msgs, ids, ok := t.Call(id)
	if !ok {
		writeErr(w, 404, fmt.Errorf("call_id %q: no trace (unknown, or older than the trace keeps)", id))
		return "", nil, nil, false
	}
	return id, msgs, ids, true
}

// fileSafe keeps a Call-ID usable as a file name.
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
	return s[:min(len(s), 64)]
}
